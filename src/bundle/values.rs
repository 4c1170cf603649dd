//! The digest of every value a bundle carries, which the data protection lead's approval signs:
//! the bytes of the bag's value files (people, consent events, bases, the texts they cite, mailing
//! list, statistics),
//! each account without its secret, and each document's path and SHA-256. The sender computes it
//! from the plan before writing (and refuses to write if it is not the approved one); the receiver
//! recomputes it from the bag it opened, so an approval covers exactly what arrived.
//!
//! The suppression list is hashed with a key made for each bundle, so its entries differ from one
//! bundle of a plan to the next: the digest covers how many entries it has (a list emptied or cut
//! short is not the approved one). Not covered: the letter (made from the plan's counts) and
//! account secrets (never shown to the approver: a bundle re-signed with a stolen sender key could
//! carry another secret for an account the approval names; the group changes every secret it
//! receives in any case).

use sha2::{Digest, Sha256};

use super::layout;

/// The bag's files whose bytes are values, in digest order.
pub const FILES: &[&str] =
    &[layout::PEOPLE, layout::CONSENT_EVENTS, layout::BASES, layout::MAILING_LIST, layout::AGGREGATES];

/// The digest (hex SHA-256): for each of [`FILES`] its name, a NUL, its length (8 bytes, big
/// endian) and its bytes (a missing file counts as empty); then each account as compact JSON
/// with sorted keys and no `secret`, followed by a newline; then each document's bag path, a NUL,
/// its SHA-256 and a newline, in path order.
pub fn digest<'a>(
    file: impl Fn(&str) -> Option<&'a [u8]>,
    accounts: &[serde_json::Value],
    documents: &[(String, String)],
) -> String {
    let mut h = Sha256::new();
    for name in FILES {
        let bytes = file(name).unwrap_or_default();
        h.update(name.as_bytes());
        h.update([0]);
        h.update((bytes.len() as u64).to_be_bytes());
        h.update(bytes);
    }
    // The suppression list's length: its entries are re-keyed for each bundle, their number is not.
    let entries = file(layout::SUPPRESSION)
        .map_or(0, |b| b.split(|c| *c == b'\n').skip(1).filter(|l| !l.is_empty()).count() as u64);
    h.update(b"suppression\0");
    h.update(entries.to_be_bytes());
    h.update(b"accounts\0");
    for a in accounts {
        let mut a = a.clone();
        if let Some(o) = a.as_object_mut() {
            o.remove("secret");
        }
        h.update(a.to_string().as_bytes());
        h.update(b"\n");
    }
    h.update(b"documents\0");
    let mut docs: Vec<&(String, String)> = documents.iter().collect();
    docs.sort();
    for (path, sha) in docs {
        h.update(path.as_bytes());
        h.update([0]);
        h.update(sha.as_bytes());
        h.update(b"\n");
    }
    hex::encode(h.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_changes_the_digest_and_secrets_do_not() {
        let people = b"{\"email\":\"a@example.org\"}\n".to_vec();
        let base = digest(|n| if n == layout::PEOPLE { Some(&people[..]) } else { None }, &[], &[]);
        let edited = b"{\"email\":\"b@example.org\"}\n".to_vec();
        let other = digest(|n| if n == layout::PEOPLE { Some(&edited[..]) } else { None }, &[], &[]);
        assert_ne!(base, other);
        let acc = |secret: &str| serde_json::json!({ "id": "acc_1", "url": "u", "secret": secret });
        let a = digest(|_| None, &[acc("one")], &[]);
        assert_eq!(a, digest(|_| None, &[acc("two")], &[]), "secrets are not values the approver sees");
        let moved = serde_json::json!({ "id": "acc_1", "url": "v", "secret": "one" });
        assert_ne!(a, digest(|_| None, &[moved], &[]));
        // The suppression list: its length counts, its (re-keyed) entries do not.
        let list = |rows: &[&str]| format!("point,at\n{}", rows.iter().map(|r| format!("{r},t\n")).collect::<String>());
        let (two, other_two, one) = (list(&["aa", "bb"]), list(&["cc", "dd"]), list(&["aa"]));
        let d = |l: &str| digest(|n| (n == layout::SUPPRESSION).then_some(l.as_bytes()), &[], &[]);
        assert_eq!(d(&two), d(&other_two));
        assert_ne!(d(&two), d(&one), "a shortened suppression list is not the approved one");
        let d1 = digest(|_| None, &[], &[("data/documents/x".into(), "aa".into())]);
        assert_ne!(d1, digest(|_| None, &[], &[("data/documents/x".into(), "ab".into())]));
    }
}
