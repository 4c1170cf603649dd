//! The value parsers of the command line's dates and times (clap calls them for every date and
//! time flag). They belong to the entry: `now` is the moment the command runs.

use chrono::NaiveDate;

/// A date given on the command line (clap's value parser for every date flag): `YYYY-MM-DD`.
/// Rows of a file keep their own check, which lists every bad value at once, with the same words.
pub fn date_arg(s: &str) -> Result<NaiveDate, String> {
    crate::domain::model::parse_date(s.trim()).ok_or_else(|| crate::domain::model::NOT_A_DATE.to_string())
}

/// A time given on the command line (clap's value parser for every time flag): `now`, a date
/// alone (`2026-03-01`: the start of that day in London), or ISO 8601 with a time and zone, kept
/// as written. Anything else is passed on unchanged for the record's own check to refuse with
/// its reason.
pub fn time_arg(s: &str) -> Result<String, String> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(crate::domain::model::fmt_ts(crate::now()));
    }
    if t.len() == 10
        && let Some(d) = crate::domain::model::parse_date(t)
    {
        return Ok(crate::domain::model::fmt_ts(crate::domain::deadline::start_of_day_london(d)));
    }
    Ok(s.to_string())
}
