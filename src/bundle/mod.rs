//! The bundle: a BagIt bag in a zip, age-encrypted and signed. This release has the BagIt layer:
//! fixity checks of a bag extracted to a folder (`bag verify`).

pub mod bagit;
pub mod checkpoint;
pub mod import;
pub mod read;
pub mod write;
pub mod zipstream;
