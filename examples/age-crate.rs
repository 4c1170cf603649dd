//! Reference for the bundle benchmark: the age crate alone (the same version handover uses)
//! encrypting standard input to one recipient into a file, or decrypting a file to nothing with
//! one identity file — no zip, no hashing, no signing.
//!
//! `age-crate encrypt RECIPIENT OUT < IN`  /  `age-crate decrypt IDENTITY_FILE IN`

use std::io::{Read, Write};
use std::str::FromStr;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("encrypt") => {
            let r = age::x25519::Recipient::from_str(&args[2]).expect("an age1 recipient");
            let out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&args[3]).expect("the output"));
            let enc =
                age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient)).expect("an encryptor");
            let mut w = enc.wrap_output(out).expect("the age header");
            std::io::copy(&mut std::io::stdin().lock(), &mut w).expect("encrypting");
            w.finish().expect("finishing").flush().expect("flushing");
        }
        Some("decrypt") => {
            let ids = handover::keys::load_identities(std::path::Path::new(&args[2])).expect("an identity file");
            let f = std::io::BufReader::with_capacity(1 << 20, std::fs::File::open(&args[3]).expect("the input"));
            let dec = age::Decryptor::new_buffered(f).expect("an age file");
            let mut r = dec.decrypt(ids.iter().map(|i| i as &dyn age::Identity)).expect("a matching identity");
            let mut buf = vec![0u8; 1 << 20];
            while r.read(&mut buf).expect("decrypting") > 0 {}
        }
        _ => eprintln!("usage: age-crate encrypt RECIPIENT OUT < IN | age-crate decrypt IDENTITY_FILE IN"),
    }
}
