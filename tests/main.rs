//! Integration tests: drive the binary.
