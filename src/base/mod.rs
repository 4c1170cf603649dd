//! The base layer: what every layer above may use, and which names none of them. The one error
//! type ([`error`]), files written whole or not at all ([`staged`]), age and minisign keys
//! ([`keys`]), the passphrases that lock them ([`locked`]), the signed notes of audit checkpoints
//! ([`checkpoint`]), progress lines on a terminal ([`progress`]), encoders for tables, CSV and JSON
//! ([`encode`]), XML text ([`xml`]), and a reader read ahead on the other core ([`ahead`]).

pub(crate) mod ahead;
pub(crate) mod checkpoint;
pub(crate) mod encode;
pub mod error;
pub mod keys;
pub(crate) mod locked;
pub(crate) mod progress;
pub(crate) mod staged;
pub(crate) mod xml;

/// Free a large value on another thread: a plan of 100,000 people is millions of small
/// allocations, and the answer need not wait while they are returned.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here, with the closure.
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}
