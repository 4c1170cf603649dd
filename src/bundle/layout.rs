//! The bundle's file names, in one place: the bag's tag files, its payload, and the files written
//! beside the bundle. `write`, `read` and `import` name files only through these.

/// `bagit.txt`: the BagIt declaration.
pub const BAGIT: &str = "bagit.txt";
/// `bag-info.txt`: the bag's metadata.
pub const BAG_INFO: &str = "bag-info.txt";
/// The signed manifest of the bundle.
pub const MANIFEST: &str = "handover.json";
/// The minisign signature of [`MANIFEST`].
pub const MANIFEST_SIG: &str = "handover.json.minisig";
/// What redaction did to each document (counts, never the text).
pub const REDACTION_REPORT: &str = "redaction-report.json";
/// BagIt payload manifest.
pub const PAYLOAD_MANIFEST: &str = "manifest-sha256.txt";
/// BagIt tag manifest.
pub const TAG_MANIFEST: &str = "tagmanifest-sha256.txt";

/// The bag's tag files, in the order they are written.
pub const TAG_FILES: &[&str] =
    &[BAGIT, BAG_INFO, MANIFEST, MANIFEST_SIG, REDACTION_REPORT, PAYLOAD_MANIFEST, TAG_MANIFEST];

/// The payload folder.
pub const DATA: &str = "data/";
/// The people who go, with their carried fields (JSON Lines).
pub const PEOPLE: &str = "data/register/people.jsonl";
/// Their consent history (JSON Lines).
pub const CONSENT_EVENTS: &str = "data/register/consent-events.jsonl";
/// Their other lawful bases (JSON Lines).
pub const BASES: &str = "data/register/bases.jsonl";
/// The statements and notices the carried consents cite, with their texts (JSON Lines).
pub const TEXTS: &str = "data/register/texts.jsonl";
/// The receiver's own mailing list (CSV).
pub const MAILING_LIST: &str = "data/mailing-list.csv";
/// The suppression list (CSV of keyed hashes).
pub const SUPPRESSION: &str = "data/suppression.csv";
/// The key the suppression hashes are made with.
pub const SUPPRESSION_KEY: &str = "data/suppression-key.json";
/// The accounts, with their secrets.
pub const ACCOUNTS: &str = "data/accounts.json";
/// The published statistics.
pub const AGGREGATES: &str = "data/aggregates.json";
/// The letter to the receiving group.
pub const LETTER: &str = "data/HANDOVER-LETTER.html";
/// The documents folder.
pub const DOCUMENTS: &str = "data/documents/";

/// The structured payload files read into memory for the rule checks (documents stream).
pub const KEPT: &[&str] =
    &[MAILING_LIST, PEOPLE, CONSENT_EVENTS, BASES, TEXTS, ACCOUNTS, AGGREGATES, SUPPRESSION, SUPPRESSION_KEY];

/// The bundle file for a bag name.
pub fn bundle_file(name: &str) -> String {
    format!("{name}.zip.age")
}

/// The outer signature beside a bundle file.
pub fn signature_file(bundle_file: &str) -> String {
    format!("{bundle_file}.minisig")
}

/// The passphrase copy of a bundle.
pub fn passphrase_copy_file(name: &str) -> String {
    format!("{name}.pass.zip.age")
}

/// The signed transfer record for the data protection lead.
pub fn transfer_record_file(name: &str) -> String {
    format!("{name}.transfer.json")
}
