//! A sent transfer's life after the bundle: the receiving group's signed receipt, then its signed
//! statement that every account was rotated. Each is checked here against the transfer it names
//! (signature by the group's key, the bundle's digest, the receiving controller, the cosigned audit
//! checkpoint); the state it moves the transfer to is [`crate::domain::model::TransferState`]'s.

use std::path::Path;

use crate::base::error::{Error, Result};
use crate::register::Db;
use crate::register::transfers::{self, Transfer};

fn refused(why: impl Into<String>) -> Error {
    Error::ReceiptRefused { why: why.into() }
}

/// A JSON document with its `.minisig` beside it, signed by `signer` (an `RW…` key or a `.pub`).
fn signed_json(path: &Path, signer: &minisign::PublicKey) -> Result<serde_json::Value> {
    let sig_path = std::path::PathBuf::from(format!("{}.minisig", path.display()));
    let sig = crate::base::keys::read_small(&sig_path)?.to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    crate::base::keys::verify(signer, &sig, std::io::Cursor::new(&bytes)).map_err(|e| refused(e.to_string()))?;
    serde_json::from_slice(&bytes).map_err(|_| refused("it is not JSON"))
}

/// The transfer made from this register that a document names, and the document's receiving
/// controller checked against it.
fn sent_transfer(db: &Db, doc: &serde_json::Value, what: &str) -> Result<Transfer> {
    let id = doc["bundle_id"].as_str().unwrap_or_default();
    let t = transfers::transfer(db, id)?
        .filter(|_| transfers::sent(db, id).unwrap_or(false))
        .ok_or_else(|| refused(format!("no transfer {id} was made from this register")))?;
    if doc["to"].as_str() != Some(t.controller.as_str()) {
        return Err(refused(format!("the {what} is from another controller")));
    }
    Ok(t)
}

/// Check a receipt (`BUNDLE.receipt.json` and its `.minisig`) signed by the receiving group:
/// it names a transfer made from this register, the same bundle file (by digest), the right
/// receiver, and carries the group's valid cosignature of this register's audit checkpoint.
/// Returns the transfer and the receipt.
pub fn check_receipt(db: &Db, path: &Path, signer: &str) -> Result<(Transfer, serde_json::Value)> {
    let pk = crate::base::keys::load_public_key(signer)?;
    let r = signed_json(path, &pk)?;
    let t = sent_transfer(db, &r, "receipt")?;
    if r["ciphertext_sha256"].as_str() != Some(t.ciphertext_sha256.as_str()) {
        return Err(refused("the receipt names a different bundle file (its digest differs)"));
    }
    let note = r["sender_checkpoint_cosigned"].as_str().unwrap_or_default();
    let public = crate::base::keys::ed25519_public(&pk);
    // The cosigner's key name is its origin line; receipts from before named it by its slug.
    let named = |name: &str| crate::base::checkpoint::verify(note, name, &public).is_some();
    if !named(&crate::register::audit::origin(&t.controller)) && !named(&t.controller) {
        return Err(refused("the receiver's cosignature of the audit checkpoint does not verify"));
    }
    Ok((t, r))
}

/// Check a rotation statement (`BUNDLE.complete.json` and its `.minisig`) signed by the receiving
/// group for a transfer made from this register. Returns the transfer and the statement.
pub fn check_statement(db: &Db, path: &Path, signer: &str) -> Result<(Transfer, serde_json::Value)> {
    let pk = crate::base::keys::load_public_key(signer)?;
    let r = signed_json(path, &pk)?;
    if r["format"] != "handover-rotation-statement" {
        return Err(refused("this is not a rotation statement"));
    }
    let t = sent_transfer(db, &r, "statement")?;
    // The statement must show the evidence: every account the bundle carried, each with every
    // rotation step recorded (a statement with "rotations": [] was once accepted).
    let accounts = r["accounts"].as_array().map_or(&[][..], Vec::as_slice);
    let carried = t.counts["accounts"].as_u64().unwrap_or(0);
    if (accounts.len() as u64) < carried {
        return Err(refused(format!("the statement lists {} of the {carried} account(s) handed over", accounts.len())));
    }
    for a in accounts {
        let done: Vec<&str> =
            a["rotations"].as_array().into_iter().flatten().filter_map(|x| x["what"].as_str()).collect();
        // The steps the account needs, as the sender registered it (an admins-only account has one).
        let id = a["id"].as_str().unwrap_or_default();
        let steps = crate::register::accounts::accounts(db)?
            .into_iter()
            .find(|x| x.id == id)
            .map_or(crate::domain::model::ROTATION_STEPS, |x| x.rotation_steps());
        let missing: Vec<&str> = steps.iter().copied().filter(|s| !done.contains(s)).collect();
        if !missing.is_empty() {
            return Err(refused(format!(
                "the statement does not show account {} rotated: no record of {}",
                a["id"].as_str().unwrap_or("?"),
                missing.join(", ")
            )));
        }
    }
    Ok((t, r))
}
