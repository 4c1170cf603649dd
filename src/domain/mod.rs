//! The domain layer: the rules and values of the law and of the tool's records, with no I/O and
//! nothing of the layers above. [`consent`] (R7–R9, the status of a consent at a moment, and the
//! consent event as a bundle carries it), [`people`] (validation of a person's fields, and what
//! erasure keeps of them), [`deadline`] (statutory clocks, bank holidays, London days), [`model`]
//! (the closed code lists and small parsers), [`reply_code`] (the code a person answers a
//! campaign with) and [`words`] (codes said in words for the pages
//! people read).

pub(crate) mod consent;
pub(crate) mod deadline;
pub(crate) mod model;
pub(crate) mod people;
pub(crate) mod reply_code;
pub(crate) mod rotation;
pub(crate) mod words;
