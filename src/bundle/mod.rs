//! The bundle: a BagIt bag in a zip, age-encrypted and signed (format v1, DESIGN.md §5); the
//! BagIt fixity checks of a bag extracted to a folder (`bag verify`); import at the receiver.

pub(crate) mod bagit;
pub(crate) mod check;
pub(crate) mod documents;
pub(crate) mod import;
pub(crate) mod layout;
pub(crate) mod pipe;
pub(crate) mod read;
pub(crate) mod receive;
pub(crate) mod schema;
pub(crate) mod values;
pub(crate) mod write;
pub mod zipstream;
