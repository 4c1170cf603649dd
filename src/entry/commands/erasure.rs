//! An erasure, everywhere the register holds the person: `records::erase` blanks them in every
//! table, and the documents the register received are rewritten without them (see
//! `transfer::erasure`), or named in a task where they cannot be redacted.

use chrono::{DateTime, Utc};

use crate::base::error::Result;
use crate::base::staged::Staged;
use crate::domain::model::fmt_ts;
use crate::register::Change;
use crate::register::people::Person;

/// What an erasure did to the received documents.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct DocumentsErased {
    /// Documents rewritten without the person.
    pub rewritten: usize,
    /// Documents named in a task to check by hand (a format that cannot be redacted).
    pub to_check: usize,
}

/// Erase `p` in this change. The rewritten documents are staged in `staged`: the caller renames
/// them into place (`Staged::replace`) once the change is committed.
pub fn erase(
    c: &Change<'_>,
    p: &Person,
    reason: &str,
    staged: &mut Staged,
) -> Result<(DateTime<Utc>, DocumentsErased)> {
    let who = crate::transfer::redact::Withheld {
        id: p.id.clone(),
        name: p.name.clone(),
        email: p.email.clone(),
        phone: p.phone.clone(),
    };
    let docs = crate::transfer::erasure::received(c, &who, staged)?;
    for r in &docs.rewrites {
        let size = i64::try_from(r.size).unwrap_or(i64::MAX);
        crate::register::documents::set_content(c, &r.document.id, &r.sha256, size, r.crc32)?;
        c.audit(
            "document.erasure",
            &r.document.id,
            serde_json::json!({ "person": p.id, "old_sha256": r.document.sha256, "new_sha256": r.sha256, "mentions": r.mentions }),
        )?;
    }
    if !docs.by_hand.is_empty() {
        let names: Vec<&str> = docs.by_hand.iter().map(|d| d.file_name.as_str()).collect();
        crate::register::tasks::add_task(
            c,
            "erasure_documents",
            &p.id,
            &format!(
                "An erased person may be named in {} received document(s) the tool cannot redact: check each by hand and take them out ({})",
                names.len(),
                names.join(", ")
            ),
            "Art 17: an erasure covers every copy the group holds, documents too",
            &(c.now + chrono::Duration::days(30)).date_naive().to_string(),
            &fmt_ts(c.now),
        )?;
    }
    let expires = crate::records::erase(c, p, reason)?;
    Ok((expires, DocumentsErased { rewritten: docs.rewrites.len(), to_check: docs.by_hand.len() }))
}
