//! RFC 6962 (Certificate Transparency) Merkle trees over the audit log, so that others can check
//! it: a signed checkpoint commits to the log's size and root; later, a consistency proof shows the
//! current log extends the checkpointed one unchanged (RFC 6962 §2.1.2, verified as RFC 9162
//! §2.1.4.2 gives).
//!
//! The leaves are the audit entries' chain hashes (each commits to the entry's content and, through
//! `prev_hash`, to everything before it), so the tree keeps the hash chain's guarantees: an entry
//! edited, deleted, inserted or reordered, even with the chain recomputed after it, changes the root
//! of every tree that covers it.

use sha2::{Digest, Sha256};

/// A node or leaf hash.
pub type Hash = [u8; 32];

/// The hash of a leaf: SHA-256(0x00 || data).
pub fn leaf(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// The hash of an interior node: SHA-256(0x01 || left || right).
pub fn node(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (n > 1).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// `MTH(D[n])` over leaf hashes; the empty tree's root is SHA-256 of the empty string.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// `PROOF(m, D[n])`: the consistency proof that the tree of the first `m` leaves is a prefix of the
/// tree of all of them. Empty when `m` is 0 or all of them.
pub fn consistency_proof(m: usize, leaves: &[Hash]) -> Vec<Hash> {
    fn sub(m: usize, d: &[Hash], whole: bool, out: &mut Vec<Hash>) {
        let n = d.len();
        if m == n {
            if !whole {
                out.push(root(d));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            sub(m, &d[..k], whole, out);
            out.push(root(&d[k..]));
        } else {
            sub(m - k, &d[k..], false, out);
            out.push(root(&d[..k]));
        }
    }
    let mut out = Vec::new();
    if m > 0 && m < leaves.len() {
        sub(m, leaves, true, &mut out);
    }
    out
}

/// Check a consistency proof between a tree of `m` leaves with root `old` and one of `n` leaves
/// with root `new` (RFC 9162 §2.1.4.2).
pub fn verify_consistency(m: u64, n: u64, old: &Hash, new: &Hash, proof: &[Hash]) -> bool {
    if m > n {
        return false;
    }
    if m == n {
        return proof.is_empty() && old == new;
    }
    if m == 0 {
        return proof.is_empty();
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if m.is_power_of_two() {
        path.insert(0, *old);
    }
    let (mut fnode, mut snode) = (m - 1, n - 1);
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    let Some((first, rest)) = path.split_first() else { return false };
    let (mut fr, mut sr) = (*first, *first);
    for c in rest {
        if snode == 0 {
            return false;
        }
        if fnode & 1 == 1 || fnode == snode {
            fr = node(c, &fr);
            sr = node(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node(&sr, c);
        }
        fnode >>= 1;
        snode >>= 1;
    }
    fr == *old && sr == *new && snode == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn leaves(n: usize) -> Vec<Hash> {
        (0..n).map(|i| leaf(format!("entry {i}").as_bytes())).collect()
    }

    #[test]
    fn known_roots() {
        // RFC 6962's empty-tree root, and the small trees built by hand.
        assert_eq!(hex::encode(root(&[])), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        let l = leaves(3);
        assert_eq!(root(&l[..1]), l[0]);
        assert_eq!(root(&l), node(&node(&l[0], &l[1]), &l[2]));
        let l = leaves(5);
        assert_eq!(root(&l), node(&node(&node(&l[0], &l[1]), &node(&l[2], &l[3])), &l[4]));
    }

    #[test]
    fn the_rfc_6962_example_proofs() {
        // RFC 6962 §2.1.3: the tree of 7 leaves d0..d6; the proof between 3 and 7 is [c, d, g, l].
        let l = leaves(7);
        let c = l[2];
        let d = l[3];
        let g = node(&l[0], &l[1]);
        let k = node(&l[4], &l[5]);
        let lnode = node(&k, &l[6]);
        assert_eq!(consistency_proof(3, &l), vec![c, d, g, lnode]);
        // Between 4 and 7: [l]; between 6 and 7: [i, j, k] with i = d6's sibling subtree.
        assert_eq!(consistency_proof(4, &l), vec![lnode]);
        assert_eq!(consistency_proof(6, &l), vec![k, l[6], node(&g, &node(&c, &d))]);
    }

    proptest! {
        #[test]
        fn every_prefix_is_proved_and_any_change_is_caught(n in 1usize..70, m_frac in 0.0f64..=1.0, flip in 0usize..70) {
            let l = leaves(n);
            let m = ((n as f64) * m_frac) as usize;
            let old = root(&l[..m]);
            let new = root(&l);
            let p = consistency_proof(m, &l);
            prop_assert!(verify_consistency(m as u64, n as u64, &old, &new, &p));
            // A changed leaf within the old tree: the old root no longer matches the log.
            if m > 0 {
                let mut changed = l.clone();
                changed[flip % m] = leaf(b"edited");
                let p2 = consistency_proof(m, &changed);
                prop_assert!(!verify_consistency(m as u64, n as u64, &old, &root(&changed), &p2));
            }
            // A wrong size or a tampered proof fails.
            if m > 0 && m < n {
                prop_assert!(!verify_consistency(m as u64 + 1, n as u64, &old, &new, &p) || root(&l[..m + 1]) == old);
                let mut bad = p.clone();
                bad[0][0] ^= 1;
                prop_assert!(!verify_consistency(m as u64, n as u64, &old, &new, &bad));
            }
        }
    }
}
