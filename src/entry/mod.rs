//! The entry layer: the command line. [`cli`] holds the clap definitions (and the value parsers of
//! dates and times); [`commands`] has one module per noun, each parsing its arguments, calling the
//! layers below and returning an [`output::Outcome`]; [`demo`] runs the fixture story through the
//! same dispatcher; [`output`] and [`exit`] render results, errors and exit codes; [`home`] keeps
//! what is remembered per user (keys, trusted senders, the register in use); [`fuzzing`] opens the
//! parsers to the fuzz targets.

pub mod cli;
pub(crate) mod commands;
pub(crate) mod demo;
pub(crate) mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod home;
pub(crate) mod output;
