//! Integration tests: drive the `handover` binary as a user would.

mod util;

mod age_cctv;
mod audit;
mod bagit;
mod bundle;
mod campaign;
mod damaged;
mod demo;
mod fuzz_replay;
mod governance;
mod group;
mod hints;
mod hostile;
mod imports;
mod keys;
mod layout;
mod print;
mod real_world;
mod receiving;
mod redaction;
mod register;
mod report;
mod schemas;
mod terminal;
mod transcripts;
mod vault;
mod vectors;
mod zip;
