//! Statistical disclosure control for aggregate tables (R4).
//!
//! A one-way table of counts with its total is published only as:
//! - cells under `k` suppressed (primary suppression; zero counts included);
//! - when any cell is suppressed, further cells (the smallest first) suppressed until at least two
//!   are and the suppressed cells add up to at least `k` (secondary suppression), so that no
//!   suppressed cell can be recovered from the total and the published cells;
//! - displayed counts, the total included, rounded to the nearest 5;
//! - suppressed cells published as one combined cell with no label: in a list of answers, the
//!   label of a cell (say `asian_british *`) tells that someone gave that answer;
//! - no table at all when the total is under `k` (a steering group of three gets none).
//!
//! `k` defaults to 10 and may not go below 5.

use serde::Serialize;

/// The default threshold.
pub const DEFAULT_K: u32 = 10;
/// The lowest threshold a register may set.
pub const MIN_K: u32 = 5;

/// One published cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub category: String,
    /// The count rounded to the nearest 5, or `None` when suppressed.
    pub count: Option<u32>,
    /// Suppressed: `combined`, the one cell standing for every suppressed category, whose labels
    /// are not shown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<&'static str>,
}

/// A published table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table {
    pub name: String,
    pub k: u32,
    pub rounding: u32,
    /// The total rounded to the nearest 5, or `None` when the whole table is withheld.
    pub total: Option<u32>,
    pub cells: Vec<Cell>,
    /// Why the whole table was withheld, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub withheld: Option<String>,
}

/// Round to the nearest multiple of 5 (halves up).
pub fn round5(n: u32) -> u32 {
    (n + 2) / 5 * 5
}

/// Apply suppression and rounding to true counts.
pub fn protect(name: &str, counts: &[(String, u32)], k: u32) -> Table {
    let k = k.max(MIN_K);
    let total: u32 = counts.iter().map(|(_, n)| n).sum();
    if total < k {
        return Table {
            name: name.into(),
            k,
            rounding: 5,
            total: None,
            cells: Vec::new(),
            withheld: Some(format!(
                "the population ({}) is under the threshold",
                if total == 0 { "none" } else { "too few" }
            )),
        };
    }
    let mut state: Vec<Option<&'static str>> = counts.iter().map(|(_, n)| (*n < k).then_some("primary")).collect();
    if state.iter().any(Option::is_some) {
        loop {
            let supp: Vec<usize> = (0..counts.len()).filter(|i| state[*i].is_some()).collect();
            let sum: u32 = supp.iter().map(|i| counts[*i].1).sum();
            if supp.len() >= 2 && sum >= k {
                break;
            }
            let next = (0..counts.len()).filter(|i| state[*i].is_none()).min_by_key(|i| (counts[*i].1, *i));
            match next {
                Some(i) => state[i] = Some("secondary"),
                None => break,
            }
        }
    }
    let supp_count = state.iter().filter(|s| s.is_some()).count();
    let supp_sum: u32 = counts.iter().zip(&state).filter(|(_, s)| s.is_some()).map(|((_, n), _)| n).sum();
    if supp_count > 0 && (supp_count < 2 || supp_sum < k) {
        return Table {
            name: name.into(),
            k,
            rounding: 5,
            total: None,
            cells: Vec::new(),
            withheld: Some("no safe publication: every cell would be recoverable".into()),
        };
    }
    let mut cells: Vec<Cell> = counts
        .iter()
        .zip(&state)
        .filter(|(_, s)| s.is_none())
        .map(|((c, n), _)| Cell { category: c.clone(), count: Some(round5(*n)), suppressed: None })
        .collect();
    if supp_count > 0 {
        cells.push(Cell { category: COMBINED.into(), count: None, suppressed: Some("combined") });
    }
    Table { name: name.into(), k, rounding: 5, total: Some(round5(total)), cells, withheld: None }
}

/// The label of the combined cell of suppressed categories.
pub const COMBINED: &str = "other (suppressed)";

/// What an intruder can conclude about suppressed cell `i` from the published table alone
/// (every published value is within 2 of the truth; counts are never negative): the smallest and
/// largest value it can take. (The tests hold every published table to it.)
#[cfg(test)]
pub fn feasible_interval(t: &Table, i: usize) -> Option<(i64, i64)> {
    let total = i64::from(t.total?);
    let (t_lo, t_hi) = ((total - 2).max(0), total + 2);
    let (mut pub_lo, mut pub_hi) = (0i64, 0i64);
    let mut others_suppressed = 0;
    for (j, c) in t.cells.iter().enumerate() {
        match c.count {
            Some(n) => {
                pub_lo += (i64::from(n) - 2).max(0);
                pub_hi += i64::from(n) + 2;
            }
            None if j != i => others_suppressed += 1,
            None => {}
        }
    }
    t.cells[i].count.is_none().then_some(())?;
    // The other suppressed cells can absorb anything from 0 up to the rest of the total.
    let hi = t_hi - pub_lo;
    let lo = if others_suppressed > 0 { 0 } else { (t_lo - pub_hi).max(0) };
    Some((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn rounding() {
        assert_eq!(round5(0), 0);
        assert_eq!(round5(2), 0);
        assert_eq!(round5(3), 5);
        assert_eq!(round5(12), 10);
        assert_eq!(round5(13), 15);
    }

    #[test]
    fn a_tiny_population_gets_no_table() {
        let t = protect("steering group", &[("lived_experience".into(), 1), ("professional".into(), 2)], 10);
        assert!(t.withheld.is_some() && t.cells.is_empty());
    }

    #[test]
    fn one_small_cell_brings_a_second_and_neither_label_shows() {
        let t = protect("g", &[("a".into(), 40), ("b".into(), 3), ("c".into(), 25)], 10);
        assert_eq!(t.cells.len(), 2);
        assert_eq!((t.cells[0].category.as_str(), t.cells[0].count), ("a", Some(40)));
        assert_eq!((t.cells[1].category.as_str(), t.cells[1].suppressed), (COMBINED, Some("combined")));
        assert!(t.cells.iter().all(|c| c.category != "b" && c.category != "c"));
    }

    proptest! {
        /// From the published table and its total, every suppressed cell's feasible interval is
        /// at least k wide, and every published cell is at least k.
        #[test]
        fn suppressed_cells_stay_hidden(counts in prop::collection::vec(0u32..60, 1..8), k in 5u32..15) {
            let cells: Vec<(String, u32)> = counts.iter().enumerate().map(|(i, n)| (format!("c{i}"), *n)).collect();
            let t = protect("t", &cells, k);
            if t.withheld.is_none() {
                let published: Vec<&Cell> = t.cells.iter().filter(|c| c.count.is_some()).collect();
                for c in &published {
                    let i: usize = c.category[1..].parse().unwrap();
                    prop_assert!(counts[i] >= k);
                    prop_assert_eq!(c.count.unwrap() % 5, 0);
                }
                let hidden: u32 = counts.iter().enumerate()
                    .filter(|(i, _)| !published.iter().any(|c| c.category == format!("c{i}")))
                    .map(|(_, n)| n).sum();
                if let Some(i) = t.cells.iter().position(|c| c.count.is_none()) {
                    prop_assert_eq!(t.cells[i].category.as_str(), COMBINED);
                    let (lo, hi) = feasible_interval(&t, i).unwrap();
                    prop_assert!(lo <= i64::from(hidden) && i64::from(hidden) <= hi);
                    // At least two categories hide in it, adding up to at least k.
                    prop_assert!(cells.len() - published.len() >= 2 && hidden >= k);
                } else {
                    prop_assert_eq!(hidden, 0);
                }
            }
        }
    }
}
