//! The bundle: a BagIt bag in a zip, age-encrypted and signed (format v1, DESIGN.md §5); the
//! BagIt fixity checks of a bag extracted to a folder (`bag verify`); import at the receiver.

pub mod bagit;
pub mod checkpoint;
pub mod import;
pub mod layout;
pub mod pipe;
pub mod read;
pub mod write;
pub mod zipstream;
