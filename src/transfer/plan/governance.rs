//! The plan's governance blockers: the data sharing agreement and DPIA cited and registered, and
//! the data protection lead's signed approval of exactly this plan.

use super::Blocker;
use crate::register::{catalogue, transfers};

/// The SHA-256 of an empty file.
const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The latest approval for the receiver, and the bundle already made from it, if any.
pub(super) struct Approved<'a> {
    pub approval: Option<&'a transfers::Approval>,
    pub made: Option<&'a str>,
}

/// What stops a bundle for this receiver beyond the documents: no data sharing agreement or DPIA
/// recorded, and no approval of this exact plan (its digest) by the data protection lead.
pub(super) fn blockers(
    receiver: &catalogue::Controller,
    from: &str,
    digest: &str,
    approved: &Approved<'_>,
    approvers: &[crate::register::approvers::Approver],
    assessments: &[crate::register::governance::Assessment],
) -> Vec<Blocker> {
    let mut blockers = Vec::new();
    // A cited agreement or DPIA counts when it is registered as its kind, from a document with
    // something in it, approved by someone named.
    let slug = &receiver.slug;
    for (code, kind, what, none, cited) in [
        (
            "no_data_sharing_agreement",
            "dsa",
            "data sharing agreement",
            format!("no data sharing agreement reference is recorded: `handover controller edit {slug} --dsa-ref REF`"),
            &receiver.dsa_ref,
        ),
        (
            "no_dpia",
            "dpia",
            "DPIA",
            format!("no DPIA reference is recorded: `handover controller edit {slug} --dpia-ref REF`"),
            &receiver.dpia_ref,
        ),
    ] {
        let message = match cited {
            None => none,
            Some(r)
                if assessments.iter().any(|a| {
                    a.reference == *r && a.kind == kind && a.sha256 != EMPTY_SHA256 && !a.approver.trim().is_empty()
                }) =>
            {
                continue;
            }
            Some(r) => format!(
                "the {what} cited, {r}, is registered from an empty document: register the document itself (`handover assessment add --kind {kind}`) and cite it"
            ),
        };
        blockers.push(Blocker { code, subject: receiver.slug.clone(), message });
    }
    // An approval counts when a current approver signed it and the signature holds.
    let signed = |a: &transfers::Approval| {
        a.signature_holds(from, &receiver.slug)
            && approvers
                .iter()
                .any(|x| Some(&x.key_id) == a.signer_key_id.as_ref() && Some(&x.public_key) == a.public_key.as_ref())
    };
    let again = format!("`handover transfer approve --to {} --sign-key KEY`", receiver.slug);
    match approved.approval {
        Some(a) if !signed(a) => blockers.push(Blocker {
            code: "approval_not_signed",
            subject: receiver.slug.clone(),
            message: format!(
                "the approval is not signed by a current approver (the data protection lead's key, `handover approver add`): {again}"
            ),
        }),
        Some(a) if a.digest != digest => blockers.push(Blocker {
            code: "approval_out_of_date",
            subject: receiver.slug.clone(),
            message: format!("the plan changed since the data protection lead approved it: {again}"),
        }),
        Some(a) if a.bundle_id.is_none() => blockers.push(Blocker {
            code: "approval_used",
            subject: receiver.slug.clone(),
            message: format!(
                "the approval was made before approvals named the one bundle they are for, so it makes none: {again}"
            ),
        }),
        Some(_) if approved.made.is_some() => blockers.push(Blocker {
            code: "approval_used",
            subject: receiver.slug.clone(),
            message: format!(
                "bundle {} was made from this approval, and one approval makes one bundle: for another, {again}",
                approved.made.unwrap_or_default()
            ),
        }),
        Some(_) => {}
        None => blockers.push(Blocker {
            code: "not_approved",
            subject: receiver.slug.clone(),
            message: format!("the data protection lead has not approved this plan: {again}"),
        }),
    }
    blockers
}
