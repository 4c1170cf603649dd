//! The consent event as a bundle carries it: one type, written by the sender and read back by
//! the receiver, checked against the bundle's schema.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::ConsentEvent;
use crate::domain::model::{
    AuthorityKind, Channel, ConsentAction, ConsentKind, GivenBy, Method, SpecialCategory, TextFormat,
};

/// A consent event as a bundle carries it (`data/register/consent-events.jsonl`, checked against
/// `schemas/bundle/consent-event.schema.json`): made from the sender's [`ConsentEvent`] and read
/// back into one at the receiver, by this one type. What can identify the person or reveal their
/// capacity never goes: who recorded it, the authority's reference, support notes, capacity, the
/// context. (Fields in the order of their names: a line reads as it always has.)
#[derive(Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarriedConsent {
    pub action: ConsentAction,
    #[serde(with = "crate::domain::model::ts")]
    pub at: DateTime<Utc>,
    #[serde(default)]
    pub authority_kind: Option<AuthorityKind>,
    pub channels: Vec<Channel>,
    pub consent_kind: ConsentKind,
    pub controllers: Vec<String>,
    #[serde(default)]
    pub evidence_ref: Option<String>,
    pub given_by: GivenBy,
    /// The sender's event id.
    pub id: String,
    #[serde(default)]
    pub method: Option<Method>,
    #[serde(default)]
    pub notice_version: Option<String>,
    /// The sender's person id (the bundle's people carry the same).
    pub person_id: String,
    pub purpose: String,
    pub special_categories: Vec<SpecialCategory>,
    #[serde(default)]
    pub statement_format: Option<TextFormat>,
    #[serde(default)]
    pub statement_sha256: Option<String>,
    #[serde(default)]
    pub statement_version: Option<String>,
    pub told_can_withdraw: bool,
    /// When the sender verified a proxy's authority (the reference itself stays with the sender).
    #[serde(default, with = "crate::domain::model::ts::option")]
    pub verified_at: Option<DateTime<Utc>>,
}

impl CarriedConsent {
    /// What a bundle carries of event `id` of person `person_id`.
    pub fn of(id: &str, person_id: &str, e: &ConsentEvent, statement_sha256: Option<String>) -> CarriedConsent {
        CarriedConsent {
            action: e.action,
            at: e.at,
            authority_kind: e.authority_kind,
            channels: e.channels.clone(),
            consent_kind: e.kind(),
            controllers: e.controllers.clone(),
            evidence_ref: e.evidence_ref.clone(),
            given_by: e.given_by,
            id: id.to_string(),
            method: e.method,
            notice_version: e.notice_version.clone(),
            person_id: person_id.to_string(),
            purpose: e.purpose.clone(),
            special_categories: e.special_categories.clone(),
            statement_format: e.statement_format,
            statement_sha256,
            statement_version: e.statement_version.clone(),
            told_can_withdraw: e.told_can_withdraw,
            verified_at: e.verified_at,
        }
    }

    /// The event as the receiver records it: recorded by `recorded_by`, the texts under the
    /// versions the receiver stores them as. Where the sender verified a proxy's authority, the
    /// record says who holds the reference (`sender`), so it counts as verified here too. Capacity
    /// and support never travel (they reveal health); a person with a concern went only after the
    /// sender's data protection lead reviewed it.
    pub fn into_event(
        self,
        recorded_by: String,
        sender: &str,
        statement_version: Option<String>,
        notice_version: Option<String>,
    ) -> ConsentEvent {
        ConsentEvent {
            purpose: self.purpose,
            action: self.action,
            controllers: self.controllers,
            channels: self.channels,
            statement_version,
            statement_format: self.statement_format,
            notice_version,
            method: self.method,
            evidence_ref: self.evidence_ref,
            at: self.at,
            recorded_by,
            given_by: self.given_by,
            authority_kind: self.authority_kind,
            authority_ref: self.verified_at.map(|_| format!("held by {sender} (not transferred)")),
            verified_by: self.verified_at.map(|_| sender.to_string()),
            verified_at: self.verified_at,
            support_given: None,
            capacity_concern: None,
            capacity_assessment: None,
            told_can_withdraw: self.told_can_withdraw,
            special_categories: self.special_categories,
            context: None,
        }
    }
}

impl std::fmt::Debug for CarriedConsent {
    // The evidence reference can identify a person: never printed through Debug.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CarriedConsent")
            .field("id", &self.id)
            .field("purpose", &self.purpose)
            .field("action", &self.action)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::model::parse_timestamp;

    fn schema() -> serde_json::Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/bundle/consent-event.schema.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn full() -> CarriedConsent {
        let at = parse_timestamp("2024-03-01T10:00:00Z").unwrap();
        CarriedConsent {
            action: ConsentAction::Grant,
            at,
            authority_kind: Some(AuthorityKind::LpaHealthWelfare),
            channels: vec![Channel::Email, Channel::Post],
            consent_kind: ConsentKind::Explicit,
            controllers: vec!["brightwater-trust".into()],
            evidence_ref: Some("EV-1".into()),
            given_by: GivenBy::LpaAttorney,
            id: "con_0123456789ab".into(),
            method: Some(Method::PaperSigned),
            notice_version: Some("PN-1".into()),
            person_id: "per_0123456789ab".into(),
            purpose: "diversity_monitoring".into(),
            special_categories: vec![SpecialCategory::Health],
            statement_format: Some(TextFormat::EasyRead),
            statement_sha256: Some("0".repeat(64)),
            statement_version: Some("ST-1".into()),
            told_can_withdraw: true,
            verified_at: Some(at),
        }
    }

    /// The type and the bundle's schema name the same fields, and the schema's required ones are
    /// always written: what the sender writes, the schema and the receiver's reading are one.
    #[test]
    fn the_carried_consent_is_the_schema() {
        let schema = schema();
        let props: std::collections::BTreeSet<String> =
            schema["properties"].as_object().unwrap().keys().cloned().collect();
        let written = serde_json::to_value(full()).unwrap();
        let fields: std::collections::BTreeSet<String> = written.as_object().unwrap().keys().cloned().collect();
        assert_eq!(fields, props, "the type's fields and the schema's properties differ");
        let bare = CarriedConsent {
            authority_kind: None,
            evidence_ref: None,
            method: None,
            notice_version: None,
            statement_format: None,
            statement_sha256: None,
            statement_version: None,
            verified_at: None,
            ..full()
        };
        let bare = serde_json::to_value(bare).unwrap();
        for r in schema["required"].as_array().unwrap() {
            assert!(!bare[r.as_str().unwrap()].is_null(), "required {r} is written as null");
        }
        // Read back, the same event; a line of only the required fields reads too.
        assert_eq!(serde_json::from_value::<CarriedConsent>(written).unwrap(), full());
        let mut minimal = serde_json::Map::new();
        for r in schema["required"].as_array().unwrap() {
            let k = r.as_str().unwrap();
            minimal.insert(k.into(), bare[k].clone());
        }
        serde_json::from_value::<CarriedConsent>(serde_json::Value::Object(minimal)).unwrap();
    }

    /// A code the receiver does not know, a field the type does not have, or a time without its
    /// zone is refused, never read as something else.
    #[test]
    fn what_the_type_does_not_read_is_refused() {
        let good = serde_json::to_value(full()).unwrap();
        for (k, v) in [
            ("action", serde_json::json!("Withdraw")),
            ("at", serde_json::json!("2024-03-01 10:00")),
            ("channels", serde_json::json!(["fax"])),
            ("support_given", serde_json::json!("read aloud")),
        ] {
            let mut bad = good.clone();
            bad[k] = v;
            assert!(serde_json::from_value::<CarriedConsent>(bad).is_err(), "{k} was read");
        }
    }
}
