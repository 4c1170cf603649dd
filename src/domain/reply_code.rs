//! The code a person answers a campaign with: per person and campaign, from a keyed hash (the
//! register's key), so it is unguessable (55 bits) and holds no personal data — a form tool, as a
//! processor, sees only the code and the answers. Written in Crockford's base-32 alphabet (no I,
//! L, O or U: nothing to confuse on paper) in three groups of four, the last character a check
//! character (Luhn mod 32), so a mistyped character or two swapped neighbours on a paper slip are
//! caught rather than matched to someone else.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Crockford's base-32 alphabet.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters from the keyed hash (11 × 5 = 55 bits), then the check character.
const DATA: usize = 11;

/// The code of `person` in `campaign`, under the register's key, as printed: `XXXX-XXXX-XXXX`.
pub fn make(key: &[u8], campaign: &str, person: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(b"campaign reply code\0");
    mac.update(campaign.as_bytes());
    mac.update(b"\0");
    mac.update(person.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut bits = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    let mut values = Vec::with_capacity(DATA + 1);
    for _ in 0..DATA {
        values.push((bits >> 59) as u8);
        bits <<= 5;
    }
    values.push(check(&values));
    let chars: Vec<char> = values.iter().map(|v| char::from(ALPHABET[usize::from(*v)])).collect();
    format!(
        "{}-{}-{}",
        chars[..4].iter().collect::<String>(),
        chars[4..8].iter().collect::<String>(),
        chars[8..].iter().collect::<String>()
    )
}

/// The Luhn mod 32 check value of `values` (each 0–31).
fn check(values: &[u8]) -> u8 {
    let mut sum = 0u32;
    let mut double = true;
    for v in values.iter().rev() {
        let mut a = u32::from(*v);
        if double {
            a *= 2;
            a = a / 32 + a % 32;
        }
        sum += a;
        double = !double;
    }
    ((32 - sum % 32) % 32) as u8
}

/// Why a typed code is not a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bad {
    /// Not 12 characters once spaces and dashes are taken out.
    Length(usize),
    /// A character that is not in the alphabet.
    Character(char),
    /// The check character does not match: a character was mistyped.
    Check,
}

impl std::fmt::Display for Bad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Bad::Length(n) => write!(f, "a code has 12 characters (XXXX-XXXX-XXXX); this has {n}"),
            Bad::Character(c) => write!(f, "'{c}' is not used in codes"),
            Bad::Check => f.write_str("the code's check character does not match: a character was mistyped"),
        }
    }
}

/// A code as typed (any case, spaces or dashes anywhere; I and L read as 1, O as 0), checked,
/// in its printed form.
pub fn parse(typed: &str) -> Result<String, Bad> {
    let mut values = Vec::with_capacity(DATA + 1);
    for c in typed.chars().filter(|c| !c.is_whitespace() && *c != '-') {
        let c = match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            c => c,
        };
        let v = ALPHABET.iter().position(|a| char::from(*a) == c).ok_or(Bad::Character(c))?;
        values.push(v as u8);
    }
    if values.len() != DATA + 1 {
        return Err(Bad::Length(values.len()));
    }
    if check(&values[..DATA]) != values[DATA] {
        return Err(Bad::Check);
    }
    let s: String = values.iter().map(|v| char::from(ALPHABET[usize::from(*v)])).collect();
    Ok(format!("{}-{}-{}", &s[..4], &s[4..8], &s[8..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_stable_per_person_and_campaign_and_reads_back() {
        let a = make(b"key", "join-2026", "per_1");
        assert_eq!(a, make(b"key", "join-2026", "per_1"));
        assert_ne!(a, make(b"key", "join-2026", "per_2"));
        assert_ne!(a, make(b"key", "join-2027", "per_1"));
        assert_ne!(a, make(b"other", "join-2026", "per_1"));
        assert_eq!(a.len(), 14);
        assert_eq!(parse(&a), Ok(a.clone()));
        assert_eq!(parse(&a.to_lowercase().replace('-', " ")), Ok(a.clone()));
    }

    /// Every single mistyped character and every swap of two different neighbours is caught.
    #[test]
    fn the_check_character_catches_one_typo_or_a_swap() {
        for person in 0..200 {
            let code = make(b"key", "c", &format!("per_{person}"));
            let plain: Vec<u8> = code.bytes().filter(|b| *b != b'-').collect();
            for i in 0..plain.len() {
                for &sub in ALPHABET {
                    if sub == plain[i] {
                        continue;
                    }
                    let mut t = plain.clone();
                    t[i] = sub;
                    assert!(parse(std::str::from_utf8(&t).unwrap()).is_err(), "{code}: {i} -> {}", sub as char);
                }
                if i + 1 < plain.len() && plain[i] != plain[i + 1] {
                    let mut t = plain.clone();
                    t.swap(i, i + 1);
                    // Luhn mod N misses only the swap of the two values that double to themselves.
                    let pair = [plain[i], plain[i + 1]];
                    let fixed = [b'0', b'Z'];
                    if pair != fixed && pair != [fixed[1], fixed[0]] {
                        assert!(parse(std::str::from_utf8(&t).unwrap()).is_err(), "{code}: swap at {i}");
                    }
                }
            }
        }
        assert_eq!(parse("ABCD-EFGH-JK"), Err(Bad::Length(10)));
        assert_eq!(parse("ABCD-EFGH-JKU!"), Err(Bad::Character('U')));
    }
}
