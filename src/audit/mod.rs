//! The audit layer: the pages people read and print. The data protection lead's [`report`] and
//! Art 30 record ([`ropa`]), a person's subject access export ([`access`]), the receiving
//! group's letters ([`letter`]), a campaign's letters ([`asking`]), with their [`charts`] and [`html`] escaping. The hash-chained log itself is storage: `register::audit`.

pub(crate) mod access;
pub(crate) mod asking;
pub(crate) mod charts;
pub(crate) mod html;
pub(crate) mod letter;
pub(crate) mod notice;
pub(crate) mod pictures;
pub(crate) mod report;
pub(crate) mod ropa;
