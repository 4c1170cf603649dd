//! Charts for the data protection lead's pages, as inline SVG: no script, no outside resources,
//! each with a text alternative and a caption, scaled to the page's width (so they print on A4).

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use crate::audit::html::escape as esc;

/// Colours that stay apart in print and for the common colour-vision differences (Okabe–Ito).
const PALETTE: &[&str] = &["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999", "#F0E442"];

/// Line styles, one per series with its colour: where two lines overlap, the dashes of the one on
/// top let the one beneath show through (an empty pattern is a solid line).
const DASHES: &[&str] = &["", "7 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 4", "6 2 2 2"];

/// One line of a line chart: its label and its values at the chart's dates.
pub struct Series {
    /// What the line is (shown in the legend).
    pub label: String,
    /// One value per date.
    pub values: Vec<usize>,
}

/// A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least `max`.
fn nice_max(max: usize) -> usize {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max.max(1) {
                return step * m;
            }
        }
        step *= 10;
    }
}

fn month_label(d: NaiveDate) -> String {
    d.format("%b %Y").to_string()
}

/// A line chart of counts over dates, with its legend below it as text (long labels wrap, never
/// cut). `caption` is shown under it and is its text alternative.
pub fn lines(caption: &str, dates: &[NaiveDate], series: &[Series]) -> String {
    let (w, h) = (640.0, 280.0);
    let (left, right, top, bottom) = (48.0, 24.0, 16.0, 40.0);
    let pw = w - left - right;
    let ph = h - top - bottom;
    let max = nice_max(series.iter().flat_map(|s| s.values.iter().copied()).max().unwrap_or(0));
    let x = |i: usize| left + if dates.len() > 1 { pw * i as f64 / (dates.len() - 1) as f64 } else { pw / 2.0 };
    let y = |v: usize| top + ph - ph * v as f64 / max as f64;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"11\">",
        esc(caption)
    );
    for k in 0..=4 {
        let v = max * k / 4;
        let yy = y(v);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#ddd\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{v}</text>",
            left + pw,
            left - 6.0,
            yy + 4.0
        );
    }
    // A label every other month keeps them apart.
    let every = if dates.len() > 7 { 2 } else { 1 };
    for (i, d) in dates.iter().enumerate() {
        if (dates.len() - 1 - i).is_multiple_of(every) {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                x(i),
                top + ph + 18.0,
                month_label(*d)
            );
        }
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\" stroke=\"#333\"/>",
        top + ph,
        left + pw,
        top + ph
    );
    for (k, s) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let points: Vec<String> =
            s.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect();
        let _ = write!(
            svg,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{}/>",
            points.join(" "),
            dash(k)
        );
        for (i, v) in s.values.iter().enumerate() {
            let _ = write!(svg, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\" fill=\"{colour}\"/>", x(i), y(*v));
        }
    }
    svg.push_str("</svg>");
    let legend: String = series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            // A line drawn exactly over an earlier one is said to be, not left to the eye.
            let same = series[..k].iter().find(|o| o.values == s.values).map_or_else(String::new, |o| {
                format!(" (the same line as {}, drawn over it)", esc(&o.label))
            });
            format!(
                "<li><svg width=\"24\" height=\"8\" aria-hidden=\"true\" xmlns=\"http://www.w3.org/2000/svg\"><line x1=\"0\" y1=\"4\" x2=\"24\" y2=\"4\" stroke=\"{}\" stroke-width=\"3\"{}/></svg> {}: {} now{same}</li>",
                PALETTE[k % PALETTE.len()],
                dash(k),
                esc(&s.label),
                s.values.last().copied().unwrap_or(0)
            )
        })
        .collect();
    format!("<figure>{svg}<ul class=\"legend\">{legend}</ul><figcaption>{}</figcaption></figure>\n", esc(caption))
}

/// The `stroke-dasharray` attribute of series `k` (none for the first: a solid line).
fn dash(k: usize) -> String {
    match DASHES[k % DASHES.len()] {
        "" => String::new(),
        d => format!(" stroke-dasharray=\"{d}\""),
    }
}

/// One mark on a timeline: a date, how many things are due then, and whether it has passed.
pub struct Mark {
    /// The row it belongs to (a kind of deadline, in words).
    pub row: String,
    /// The day.
    pub due: NaiveDate,
    /// How many are due that day.
    pub count: usize,
    /// Whether the day has passed.
    pub overdue: bool,
}

/// Deadlines on a timeline: one row per kind, a mark per day (larger for more), today as a line,
/// overdue marks in red.
pub fn timeline(caption: &str, today: NaiveDate, marks: &[Mark]) -> String {
    let mut rows: Vec<&str> = Vec::new();
    for m in marks {
        if !rows.contains(&m.row.as_str()) {
            rows.push(&m.row);
        }
    }
    let first = marks.iter().map(|m| m.due).min().unwrap_or(today).min(today);
    let last = marks.iter().map(|m| m.due).max().unwrap_or(today).max(today + chrono::Duration::days(30));
    // A margin either side, so that a mark on the first or last day is drawn whole.
    let pad = ((last - first).num_days() / 20).max(3);
    let (first, last) = (first - chrono::Duration::days(pad), last + chrono::Duration::days(pad));
    let span = (last - first).num_days().max(1) as f64;
    // Each row's label sits above its track, across the whole width: never cut short.
    let (w, left, right, top, row_h) = (640.0, 16.0, 16.0, 24.0, 38.0);
    let h = top + row_h * rows.len().max(1) as f64 + 34.0;
    let pw = w - left - right;
    let x = |d: NaiveDate| left + pw * (d - first).num_days() as f64 / span;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\" font-family=\"Arial, Helvetica, sans-serif\" font-size=\"11\">",
        esc(caption)
    );
    for (i, r) in rows.iter().enumerate() {
        let yy = top + row_h * i as f64 + row_h * 0.65;
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{:.1}\" y2=\"{yy:.1}\" stroke=\"#eee\" stroke-width=\"10\"/><text x=\"{left}\" y=\"{:.1}\">{}</text>",
            left + pw,
            yy - 10.0,
            esc(r)
        );
    }
    let axis = top + row_h * rows.len().max(1) as f64;
    // Month ticks.
    let mut d = NaiveDate::from_ymd_opt(first.year(), first.month(), 1).unwrap_or(first);
    let months = ((last - first).num_days() / 30).max(1);
    let step = (months / 6 + 1) as u32;
    // The year on the first tick, and on each tick in a new year.
    let mut year = None;
    while d <= last {
        if d >= first {
            let label = if year == Some(d.year()) { d.format("%-d %b") } else { d.format("%-d %b %Y") };
            year = Some(d.year());
            let _ = write!(
                svg,
                "<line x1=\"{0:.1}\" y1=\"{axis:.1}\" x2=\"{0:.1}\" y2=\"{1:.1}\" stroke=\"#333\"/><text x=\"{0:.1}\" y=\"{2:.1}\" text-anchor=\"middle\">{3}</text>",
                x(d),
                axis + 5.0,
                axis + 18.0,
                label
            );
        }
        d = d.checked_add_months(chrono::Months::new(step)).unwrap_or(last + chrono::Duration::days(1));
    }
    let _ =
        write!(svg, "<line x1=\"{left}\" y1=\"{axis:.1}\" x2=\"{:.1}\" y2=\"{axis:.1}\" stroke=\"#333\"/>", left + pw);
    let tx = x(today);
    let _ = write!(
        svg,
        "<line x1=\"{tx:.1}\" y1=\"{:.1}\" x2=\"{tx:.1}\" y2=\"{axis:.1}\" stroke=\"#333\" stroke-dasharray=\"4 3\"/><text x=\"{tx:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-weight=\"bold\">today</text>",
        top - 6.0,
        top - 9.0
    );
    for m in marks {
        let i = rows.iter().position(|r| *r == m.row).unwrap_or(0);
        let yy = top + row_h * i as f64 + row_h * 0.65;
        let r = 5.0 + (m.count as f64).sqrt().min(6.0) * 1.5;
        let fill = if m.overdue { "#D55E00" } else { "#0072B2" };
        let _ = write!(svg, "<circle cx=\"{:.1}\" cy=\"{yy:.1}\" r=\"{r:.1}\" fill=\"{fill}\"/>", x(m.due));
        if m.count > 1 {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#fff\" font-size=\"9\">{}</text>",
                x(m.due),
                yy + 3.0,
                m.count
            );
        }
    }
    svg.push_str("</svg>");
    format!("<figure>{svg}<figcaption>{}</figcaption></figure>\n", esc(caption))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_round_up_and_charts_are_self_contained() {
        assert_eq!(nice_max(0), 1);
        assert_eq!(nice_max(7), 10);
        assert_eq!(nice_max(130), 200);
        let d = |m| NaiveDate::from_ymd_opt(2026, m, 28).unwrap();
        let svg = lines(
            "Consent in force",
            &[d(9), d(10), d(11)],
            &[Series { label: "Newsletter <sg>".into(), values: vec![1, 5, 3] }],
        );
        assert!(svg.contains("<polyline") && svg.contains("Newsletter &lt;sg&gt;: 3 now") && !svg.contains("<script"));
        let t = timeline(
            "Deadlines",
            d(11),
            &[Mark { row: "Privacy notice".into(), due: d(12), count: 3, overdue: false }],
        );
        assert!(t.contains(">today<") && t.contains("<circle"));
    }

    /// Two series with the same values: the second is dashed over the first, and the legend says
    /// it is the same line.
    #[test]
    fn overlapping_lines_are_told_apart() {
        let d = |m| NaiveDate::from_ymd_opt(2026, m, 28).unwrap();
        let svg = lines(
            "Consent in force",
            &[d(9), d(10)],
            &[Series { label: "A".into(), values: vec![2, 4] }, Series { label: "B".into(), values: vec![2, 4] }],
        );
        let polylines: Vec<&str> = svg.split("<polyline").skip(1).collect();
        assert!(!polylines[0].split("/>").next().unwrap().contains("dasharray"));
        assert!(polylines[1].split("/>").next().unwrap().contains("stroke-dasharray"));
        assert!(svg.contains("B: 4 now (the same line as A, drawn over it)"), "{svg}");
    }

    /// A timeline across a year end names the year on its first tick and where it changes.
    #[test]
    fn a_timeline_across_a_year_end_names_the_years() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let t = timeline(
            "Deadlines",
            day(2026, 11, 25),
            &[Mark { row: "Renewals".into(), due: day(2027, 3, 1), count: 1, overdue: false }],
        );
        assert!(t.contains("1 Dec 2026<"), "{t}");
        assert!(t.contains("1 Jan 2027<") || t.contains("1 Feb 2027<"), "{t}");
        assert!(!t.contains("1 Mar 2027<") || !t.contains("1 Feb 2027<"), "later ticks in the same year omit it: {t}");
    }
}
