//! Layers 6 and 7 of `bundle verify`, which `bundle import` runs first: every structured file in
//! the bag against its schema in `schemas/bundle/` (built into the binary and checked by
//! [`crate::bundle::schema`]), then the rules on what the files say together. A sender's signing key can
//! be stolen, so nothing a bag says is trusted before this passes: the bundle id's shape (it names
//! the receipt's file), every code and date, the two controllers, document names (no folders,
//! no invisible or direction-changing characters, no look-alikes, nothing empty), one person per
//! email, and every event and basis belonging to a person the bag carries.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::LazyLock;

use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use super::layout;
use super::read::Fail;
use super::write::Manifest;
use crate::bundle::schema::Schema;
use crate::domain::model::{VerifyLayer, email_looks_valid, normalise_email};

/// The schemas of the bag's structured files, by name (`schemas/bundle/NAME.schema.json`).
pub(crate) const SCHEMAS: &[(&str, &str)] = &[
    ("handover", include_str!("../../schemas/bundle/handover.schema.json")),
    ("people", include_str!("../../schemas/bundle/people.schema.json")),
    ("consent-event", include_str!("../../schemas/bundle/consent-event.schema.json")),
    ("basis", include_str!("../../schemas/bundle/basis.schema.json")),
    ("text", include_str!("../../schemas/bundle/text.schema.json")),
    ("accounts", include_str!("../../schemas/bundle/accounts.schema.json")),
    ("aggregates", include_str!("../../schemas/bundle/aggregates.schema.json")),
    ("suppression-key", include_str!("../../schemas/bundle/suppression-key.schema.json")),
    ("redaction-report", include_str!("../../schemas/bundle/redaction-report.schema.json")),
    ("mailing-list-attributes", include_str!("../../schemas/bundle/mailing-list-attributes.schema.json")),
];

static LOADED: LazyLock<BTreeMap<&'static str, Schema>> = LazyLock::new(|| {
    // A unit test loads every one: a schema that does not load fails the build's tests.
    SCHEMAS.iter().filter_map(|(n, text)| Schema::new(text).ok().map(|s| (*n, s))).collect()
});

fn schemas_fail(file: &str, why: String) -> Fail {
    Fail(VerifyLayer::Schemas, Some(file.to_string()), why)
}

fn rules_fail(file: &str, why: String) -> Fail {
    Fail(VerifyLayer::Rules, Some(file.to_string()), why)
}

/// Check a value against a built-in schema.
fn against(schema: &str, file: &str, what: &str, v: &Value) -> Result<(), Fail> {
    let s = LOADED.get(schema).ok_or_else(|| schemas_fail(file, format!("the {schema} schema does not load")))?;
    s.check(v).map_err(|why| schemas_fail(file, format!("{what}{why}")))
}

/// `handover.json`: its format and version, its schema, then its controllers and documents.
pub(super) fn manifest(bytes: &[u8]) -> Result<Manifest, Fail> {
    let file = layout::MANIFEST;
    let v: Value = serde_json::from_slice(bytes).map_err(|_| schemas_fail(file, "is not JSON".into()))?;
    if v["format"] != "handover-bundle" || v["format_version"] != super::write::FORMAT_VERSION {
        return Err(schemas_fail(
            file,
            format!("format {} version {} is not one this handover reads", v["format"], v["format_version"]),
        ));
    }
    against("handover", file, "", &v)?;
    let m: Manifest =
        serde_json::from_value(v).map_err(|e| schemas_fail(file, format!("does not match the format: {e}")))?;
    controllers(&m)?;
    documents(&m)?;
    Ok(m)
}

/// Exactly one sending and one receiving controller, different, and the ones the manifest names.
fn controllers(m: &Manifest) -> Result<(), Fail> {
    let file = layout::MANIFEST;
    let of = |role: &str| m.controllers.iter().filter(|c| c.role == role).collect::<Vec<_>>();
    let (from, to) = (of("from"), of("to"));
    if from.len() != 1 || to.len() != 1 {
        return Err(rules_fail(file, "must name exactly one sending and one receiving controller".into()));
    }
    if from[0].slug != m.from || to[0].slug != m.to {
        return Err(rules_fail(file, "its controllers are not the sender and receiver it names".into()));
    }
    if m.from == m.to {
        return Err(rules_fail(file, "the sender and the receiver are the same controller".into()));
    }
    Ok(())
}

/// Documents: none empty, every name in Unicode NFC, no two names the same once case and
/// normalisation are set aside (the schema has already refused folders, invisible and
/// direction-changing characters and long names).
fn documents(m: &Manifest) -> Result<(), Fail> {
    let mut seen = HashSet::new();
    for f in m.files.iter().filter(|f| f.path.starts_with(layout::DOCUMENTS)) {
        let name = &f.path[layout::DOCUMENTS.len()..];
        if f.size == 0 {
            return Err(rules_fail(&f.path, "an empty document".into()));
        }
        if !unicode_normalization::is_nfc(name) {
            return Err(rules_fail(&f.path, "a document name not in Unicode NFC (it can pass for another)".into()));
        }
        if !seen.insert(name.nfkc().collect::<String>().to_lowercase()) {
            return Err(rules_fail(&f.path, "two documents whose names look the same".into()));
        }
    }
    Ok(())
}

/// The JSON Lines of a kept file, each line checked against a schema (after `first`, a check
/// that names a rule a line breaks and outranks the schema's message).
fn json_lines(
    kept: &BTreeMap<String, Vec<u8>>,
    file: &str,
    schema: &str,
    first: &dyn Fn(usize, &Value) -> Result<(), Fail>,
) -> Result<Vec<Value>, Fail> {
    let bytes = kept.get(file).ok_or_else(|| Fail(VerifyLayer::Contents, Some(file.into()), "missing".into()))?;
    let text = std::str::from_utf8(bytes).map_err(|_| schemas_fail(file, "is not UTF-8".into()))?;
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let row: Value =
            serde_json::from_str(line).map_err(|_| schemas_fail(file, format!("line {} is not JSON", i + 1)))?;
        first(i + 1, &row)?;
        against(schema, file, &format!("line {}: ", i + 1), &row)?;
        rows.push(row);
    }
    Ok(rows)
}

fn json_file(files: &BTreeMap<String, Vec<u8>>, file: &str, schema: &str) -> Result<Value, Fail> {
    let b = files.get(file).ok_or_else(|| Fail(VerifyLayer::Contents, Some(file.into()), "missing".into()))?;
    let v: Value = serde_json::from_slice(b).map_err(|_| schemas_fail(file, "is not JSON".into()))?;
    against(schema, file, "", &v)?;
    Ok(v)
}

/// Layers 6 and 7: every structured file's shape, and the rules on their content (R1, R3, R4, R5).
pub(super) fn shapes_and_rules(
    m: &Manifest,
    tags: &BTreeMap<String, Vec<u8>>,
    kept: &BTreeMap<String, Vec<u8>>,
) -> Result<(), Fail> {
    let ids = people(m, kept)?;
    for (file, schema) in [(layout::CONSENT_EVENTS, "consent-event"), (layout::BASES, "basis")] {
        let forbidden: &[&str] = if file == layout::CONSENT_EVENTS { &["support_given", "authority_ref"] } else { &[] };
        let rows =
            json_lines(kept, file, schema, &|line, row| match forbidden.iter().find(|k| row.get(**k).is_some()) {
                Some(k) => {
                    Err(rules_fail(file, format!("line {line} carries {k}, which never goes per person (R3, R5)")))
                }
                None => Ok(()),
            })?;
        if let Some(i) = rows.iter().position(|r| !ids.contains(r["person_id"].as_str().unwrap_or(""))) {
            return Err(rules_fail(file, format!("line {} belongs to no person the bundle carries", i + 1)));
        }
        if file == layout::CONSENT_EVENTS {
            texts(kept, &rows)?;
        }
    }
    mailing_list(m, kept)?;
    let accounts = json_file(kept, layout::ACCOUNTS, "accounts")?;
    for (i, a) in accounts.as_array().into_iter().flatten().enumerate() {
        let admins = a["access"] == "admins";
        let secret = a["secret"].as_str().is_some_and(|s| !s.is_empty());
        if admins == secret {
            let why = if admins { "an admins account carries a secret" } else { "a password account has no secret" };
            return Err(rules_fail(layout::ACCOUNTS, format!("account {} ({why})", i + 1)));
        }
    }
    let aggregates = json_file(kept, layout::AGGREGATES, "aggregates")?;
    let ok_tables = aggregates.as_array().is_some_and(|a| {
        a.iter().all(|t| {
            t["cells"].as_array().is_some_and(|cs| {
                cs.iter().all(|c| c["count"].is_null() || c["count"].as_u64().is_some_and(|n| n % 5 == 0))
            })
        })
    });
    if !ok_tables {
        return Err(rules_fail(layout::AGGREGATES, "a table is not protected (counts not rounded to 5) (R4)".into()));
    }
    json_file(kept, layout::SUPPRESSION_KEY, "suppression-key")?;
    suppression(kept)?;
    let report = json_file(tags, layout::REDACTION_REPORT, "redaction-report")?;
    let listed: BTreeSet<&str> = m.files.iter().map(|f| f.path.as_str()).collect();
    if report.as_object().is_some_and(|r| r.keys().any(|k| !listed.contains(k.as_str()))) {
        return Err(rules_fail(layout::REDACTION_REPORT, "reports on a document the bundle does not hold".into()));
    }
    Ok(())
}

/// `texts.jsonl`: each text is the one its SHA-256 names, and every statement a consent event
/// cites (by its digest) is there, so the receiver can show what each person was told (Art 7(1)).
fn texts(kept: &BTreeMap<String, Vec<u8>>, events: &[Value]) -> Result<(), Fail> {
    use sha2::{Digest, Sha256};
    let file = layout::TEXTS;
    let rows = json_lines(kept, file, "text", &|line, row| {
        let text = row["text"].as_str().unwrap_or_default();
        if row["sha256"].as_str() == Some(hex::encode(Sha256::digest(text.as_bytes())).as_str()) {
            Ok(())
        } else {
            Err(rules_fail(file, format!("line {line}: the text is not the one its sha256 names")))
        }
    })?;
    let shas: HashSet<&str> = rows.iter().filter_map(|r| r["sha256"].as_str()).collect();
    if let Some(i) = events.iter().position(|e| e["statement_sha256"].as_str().is_some_and(|h| !shas.contains(h))) {
        return Err(rules_fail(
            layout::CONSENT_EVENTS,
            format!("line {} cites a statement whose text the bundle does not carry", i + 1),
        ));
    }
    Ok(())
}

/// `people.jsonl`: the shape, only the fields handover.json lists as carried, never notes or
/// diversity, special-category groups only with explicit consent (R3), and one person per id,
/// reference and email. Returns the people's ids.
fn people(m: &Manifest, kept: &BTreeMap<String, Vec<u8>>) -> Result<HashSet<String>, Fail> {
    let file = layout::PEOPLE;
    let special_ok = m.counts["special_category_records_included"].as_u64().unwrap_or(0) > 0;
    let carried: BTreeSet<&str> = m.fields["register"]["carried"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str()).collect())
        .unwrap_or_default();
    let rows = json_lines(kept, file, "people", &|line, row| {
        if let Some(k) = ["notes", "diversity"].iter().find(|k| row.get(**k).is_some()) {
            return Err(rules_fail(file, format!("line {line} carries {k}, which never goes per person (R3, R5)")));
        }
        let keys = row.as_object().into_iter().flat_map(|o| o.keys());
        if let Some(k) = keys.into_iter().find(|k| !matches!(k.as_str(), "id" | "ref") && !carried.contains(k.as_str()))
        {
            return Err(schemas_fail(
                file,
                format!("line {line} carries {k}, which handover.json does not list as carried"),
            ));
        }
        let g = row["stakeholder_group"].as_str().unwrap_or("");
        let carer = g == "family_carer"
            || row["roles"].as_array().is_some_and(|rs| rs.iter().any(|r| r["designation"] == "family_carer"));
        if carer {
            return Err(rules_fail(
                file,
                format!("line {line} carries family_carer, which reveals a relative's health and never goes (R3)"),
            ));
        }
        if g == "lived_experience" && !special_ok {
            return Err(rules_fail(
                file,
                format!("line {line} carries a special-category group without explicit consent (R3)"),
            ));
        }
        Ok(())
    })?;
    let (mut ids, mut refs, mut emails) = (HashSet::new(), HashSet::new(), HashSet::new());
    for (i, row) in rows.iter().enumerate() {
        let line = i + 1;
        if !ids.insert(row["id"].as_str().unwrap_or("").to_string()) {
            return Err(rules_fail(file, format!("line {line} repeats a person's id")));
        }
        if !refs.insert(row["ref"].as_str().unwrap_or("").to_string()) {
            return Err(rules_fail(file, format!("line {line} repeats a person's reference")));
        }
        if let Some(e) = row["email"].as_str() {
            if !email_looks_valid(e) {
                return Err(schemas_fail(file, format!("line {line}: the email is not an email address")));
            }
            if !emails.insert(normalise_email(e)) {
                return Err(rules_fail(file, format!("line {line} has the email of another person in the bundle")));
            }
        }
    }
    Ok(ids)
}

/// `mailing-list.csv`: email,name,attributes; every row a valid email once, its consent naming the
/// receiver (R1).
fn mailing_list(m: &Manifest, kept: &BTreeMap<String, Vec<u8>>) -> Result<(), Fail> {
    let file = layout::MAILING_LIST;
    let list = kept.get(file).ok_or_else(|| Fail(VerifyLayer::Contents, Some(file.into()), "missing".into()))?;
    let mut rdr = csv::Reader::from_reader(&list[..]);
    let header: Vec<String> =
        rdr.headers().map_err(|_| schemas_fail(file, "not CSV".into()))?.iter().map(String::from).collect();
    if header != ["email", "name", "attributes"] {
        return Err(schemas_fail(file, "the header is not email,name,attributes".into()));
    }
    let mut emails = HashSet::new();
    for (i, row) in rdr.records().enumerate() {
        let n = i + 2;
        let row = row.map_err(|_| schemas_fail(file, format!("row {n} is not CSV with three fields")))?;
        let email = row.get(0).unwrap_or("");
        if !email_looks_valid(email) {
            return Err(schemas_fail(file, format!("row {n}: the email is not an email address")));
        }
        if !emails.insert(normalise_email(email)) {
            return Err(rules_fail(file, format!("row {n} repeats an email")));
        }
        if row.get(1).is_some_and(|name| name.chars().count() > 200 || name.chars().any(char::is_control)) {
            return Err(schemas_fail(file, format!("row {n}: the name is too long or holds control characters")));
        }
        let attrs: Value = serde_json::from_str(row.get(2).unwrap_or(""))
            .map_err(|_| schemas_fail(file, format!("row {n}: attributes are not JSON")))?;
        against("mailing-list-attributes", file, &format!("row {n}: attributes "), &attrs)?;
        let names_receiver = attrs["consent"]["controllers"]
            .as_array()
            .is_some_and(|cs| cs.iter().any(|c| c.as_str() == Some(m.to.as_str())));
        if !names_receiver {
            return Err(rules_fail(file, format!("row {n}: its consent does not name the receiver (R1)")));
        }
    }
    Ok(())
}

/// `suppression.csv`: hash,reason,at with keyed hashes, a reason code and a time.
fn suppression(kept: &BTreeMap<String, Vec<u8>>) -> Result<(), Fail> {
    let file = layout::SUPPRESSION;
    let supp = kept.get(file).ok_or_else(|| Fail(VerifyLayer::Contents, Some(file.into()), "missing".into()))?;
    let mut rdr = csv::Reader::from_reader(&supp[..]);
    let header: Vec<String> =
        rdr.headers().map_err(|_| schemas_fail(file, "not CSV".into()))?.iter().map(String::from).collect();
    let row_ok = |r: &csv::StringRecord| {
        r.len() == 2
            && r.get(0).is_some_and(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            && r.get(1).is_some_and(|t| crate::domain::model::parse_timestamp(t).is_some())
    };
    let rows: Vec<csv::StringRecord> =
        rdr.records().collect::<Result<_, _>>().map_err(|_| schemas_fail(file, "not CSV".into()))?;
    if header != ["point", "at"] || !rows.iter().all(row_ok) {
        return Err(schemas_fail(file, "is not point,at with hex points and times".into()));
    }
    // The list says only that an address is kept off: a valid point, never a reason.
    if let Some(i) = rows.iter().position(|r| !crate::register::suppression::is_point(r.get(0).unwrap_or(""))) {
        return Err(rules_fail(file, format!("line {} is not a point of the group", i + 2)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use crate::domain::model::*;

    fn schema(name: &str) -> Value {
        serde_json::from_str(super::SCHEMAS.iter().find(|(n, _)| *n == name).unwrap().1).unwrap()
    }

    fn codes(v: &Value) -> Vec<String> {
        v["enum"].as_array().unwrap().iter().filter_map(|x| x.as_str().map(String::from)).collect()
    }

    fn all<T: Copy>(list: &[T], name: fn(T) -> &'static str) -> Vec<String> {
        list.iter().map(|c| name(*c).to_string()).collect()
    }

    /// The bag's schemas list the same codes as the tool: a code added to one and not the other
    /// fails here, not at a receiver.
    #[test]
    fn the_schemas_codes_are_the_tools() {
        let (e, p, b, h) = (schema("consent-event"), schema("people"), schema("basis"), schema("handover"));
        let (ep, pp, bp) = (&e["properties"], &p["properties"], &b["properties"]);
        assert_eq!(codes(&ep["action"]), all(ConsentAction::ALL, ConsentAction::as_str));
        assert_eq!(codes(&ep["method"]), all(Method::ALL, Method::as_str));
        assert_eq!(codes(&ep["given_by"]), all(GivenBy::ALL, GivenBy::as_str));
        assert_eq!(codes(&ep["authority_kind"]), all(AuthorityKind::ALL, AuthorityKind::as_str));
        assert_eq!(codes(&ep["channels"]["items"]), all(Channel::ALL, Channel::as_str));
        assert_eq!(codes(&ep["special_categories"]["items"]), all(SpecialCategory::ALL, SpecialCategory::as_str));
        assert_eq!(codes(&pp["stakeholder_group"]), all(StakeholderGroup::ALL, StakeholderGroup::as_str));
        assert_eq!(codes(&pp["jurisdiction"]), all(Jurisdiction::ALL, Jurisdiction::as_str));
        assert_eq!(codes(&pp["roles"]["items"]["properties"]["role"]), all(RoleKind::ALL, RoleKind::as_str));
        assert_eq!(
            codes(&pp["roles"]["items"]["properties"]["designation"]),
            all(Designation::ALL, Designation::as_str)
        );
        assert_eq!(codes(&bp["basis"]), all(Basis::ALL, Basis::as_str));
        assert_eq!(codes(&bp["action"]), all(BasisAction::ALL, BasisAction::as_str));
        let kinds = &h["properties"]["controllers"]["items"]["properties"]["kind"];
        assert_eq!(codes(kinds), all(ControllerKind::ALL, ControllerKind::as_str));
        let access = &schema("accounts")["items"]["properties"]["access"];
        assert_eq!(codes(access), ["password", "admins"]);
        assert_eq!(rotation_steps(crate::domain::model::AccountAccess::Admins), ADMIN_STEPS);
        let fields = codes(&h["properties"]["fields"]["properties"]["register"]["properties"]["carried"]["items"]);
        assert_eq!(fields, *crate::transfer::plan::FIELDS);
    }

    #[test]
    fn every_bag_schema_loads() {
        for (name, text) in super::SCHEMAS {
            if let Err(e) = crate::bundle::schema::Schema::new(text) {
                panic!("schemas/bundle/{name}.schema.json: {e}");
            }
        }
        assert_eq!(super::LOADED.len(), super::SCHEMAS.len());
    }

    /// The aggregates a bundle of a small community writes (a table withheld whole, cells
    /// suppressed or combined) are what its receiver's check accepts, at every size from 1 to 12
    /// people and however they fall into groups.
    #[test]
    fn a_small_communitys_aggregates_pass_the_receivers_check() {
        let check = &super::LOADED["aggregates"];
        for n in 1..=12u32 {
            for spread in 1..=4u32 {
                let mut counts: Vec<(String, u32)> = (0..spread).map(|g| (format!("group_{g}"), 0)).collect();
                for i in 0..n {
                    counts[(i % spread) as usize].1 += 1;
                }
                let tables = vec![
                    crate::transfer::sdc::protect("stakeholder_group", &counts, 10),
                    crate::transfer::sdc::protect("diversity.ethnicity", &counts[..1], 10),
                ];
                let v = serde_json::to_value(&tables).unwrap();
                if let Err(e) = check.check(&v) {
                    panic!("{n} people in {spread} group(s): {e}\n{v}");
                }
            }
        }
    }
}
