//! The transfer: for a named receiving controller, what may lawfully go (the plan), who may be
//! asked about it and how (the campaign gate), redaction of documents, and the statistics that may
//! be published.

pub mod campaign;
pub mod carried;
pub mod docx;
pub mod erasure;
pub mod lifecycle;
pub mod plan;
pub mod redact;
pub mod rules;
pub mod sdc;
