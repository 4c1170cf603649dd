//! Statutory clocks, computed purely (R19): the one-month clock for rights requests (same date
//! next month, or the month's last day when that date does not exist, moved to the next working
//! day when it falls on a weekend or an England & Wales bank holiday), with time paused for
//! clarification added back and the two-month extension; the 30-day complaint acknowledgement;
//! the 72-hour breach report.

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, TimeZone, Utc, Weekday};

/// England & Wales bank holidays, 2023–2030, as GOV.UK lists them (substitute days included; the
/// 2023 coronation holiday too). Later years, or new one-off days, are added to the register with
/// `request holidays --add FILE`.
pub const BANK_HOLIDAYS_EW: &[(&str, &str)] = &[
    ("2023-01-02", "New Year's Day (substitute day)"),
    ("2023-04-07", "Good Friday"),
    ("2023-04-10", "Easter Monday"),
    ("2023-05-01", "Early May bank holiday"),
    ("2023-05-08", "Bank holiday for the coronation of King Charles III"),
    ("2023-05-29", "Spring bank holiday"),
    ("2023-08-28", "Summer bank holiday"),
    ("2023-12-25", "Christmas Day"),
    ("2023-12-26", "Boxing Day"),
    ("2024-01-01", "New Year's Day"),
    ("2024-03-29", "Good Friday"),
    ("2024-04-01", "Easter Monday"),
    ("2024-05-06", "Early May bank holiday"),
    ("2024-05-27", "Spring bank holiday"),
    ("2024-08-26", "Summer bank holiday"),
    ("2024-12-25", "Christmas Day"),
    ("2024-12-26", "Boxing Day"),
    ("2025-01-01", "New Year's Day"),
    ("2025-04-18", "Good Friday"),
    ("2025-04-21", "Easter Monday"),
    ("2025-05-05", "Early May bank holiday"),
    ("2025-05-26", "Spring bank holiday"),
    ("2025-08-25", "Summer bank holiday"),
    ("2025-12-25", "Christmas Day"),
    ("2025-12-26", "Boxing Day"),
    ("2026-01-01", "New Year's Day"),
    ("2026-04-03", "Good Friday"),
    ("2026-04-06", "Easter Monday"),
    ("2026-05-04", "Early May bank holiday"),
    ("2026-05-25", "Spring bank holiday"),
    ("2026-08-31", "Summer bank holiday"),
    ("2026-12-25", "Christmas Day"),
    ("2026-12-28", "Boxing Day (substitute day)"),
    ("2027-01-01", "New Year's Day"),
    ("2027-03-26", "Good Friday"),
    ("2027-03-29", "Easter Monday"),
    ("2027-05-03", "Early May bank holiday"),
    ("2027-05-31", "Spring bank holiday"),
    ("2027-08-30", "Summer bank holiday"),
    ("2027-12-27", "Christmas Day (substitute day)"),
    ("2027-12-28", "Boxing Day (substitute day)"),
    ("2028-01-03", "New Year's Day (substitute day)"),
    ("2028-04-14", "Good Friday"),
    ("2028-04-17", "Easter Monday"),
    ("2028-05-01", "Early May bank holiday"),
    ("2028-05-29", "Spring bank holiday"),
    ("2028-08-28", "Summer bank holiday"),
    ("2028-12-25", "Christmas Day"),
    ("2028-12-26", "Boxing Day"),
    ("2029-01-01", "New Year's Day"),
    ("2029-03-30", "Good Friday"),
    ("2029-04-02", "Easter Monday"),
    ("2029-05-07", "Early May bank holiday"),
    ("2029-05-28", "Spring bank holiday"),
    ("2029-08-27", "Summer bank holiday"),
    ("2029-12-25", "Christmas Day"),
    ("2029-12-26", "Boxing Day"),
    ("2030-01-01", "New Year's Day"),
    ("2030-04-19", "Good Friday"),
    ("2030-04-22", "Easter Monday"),
    ("2030-05-06", "Early May bank holiday"),
    ("2030-05-27", "Spring bank holiday"),
    ("2030-08-26", "Summer bank holiday"),
    ("2030-12-25", "Christmas Day"),
    ("2030-12-26", "Boxing Day"),
];

/// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
pub fn easter(y: i32) -> NaiveDate {
    let (a, b, c) = (y % 19, y / 100, y % 100);
    let (dd, e) = (b / 4, b % 4);
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - dd - g + 15) % 30;
    let (i, k) = (c / 4, c % 4);
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(y, month as u32, day as u32).expect("a valid date")
}

/// The regular England & Wales bank holidays of a year, by their rules: New Year's Day, Good
/// Friday, Easter Monday, the early May, spring and summer Mondays, Christmas and Boxing Day, each
/// moved to the next weekday when it falls at a weekend (Boxing Day after a Saturday or Sunday
/// Christmas to the Tuesday). One-off days and moved days are in [`BANK_HOLIDAYS_EW`] or added.
pub fn by_rule(y: i32) -> Vec<NaiveDate> {
    let weekday_sub = |x: NaiveDate| match x.weekday() {
        Weekday::Sat => x + Duration::days(2),
        Weekday::Sun => x + Duration::days(1),
        _ => x,
    };
    let first_monday = |m: u32| {
        let mut x = NaiveDate::from_ymd_opt(y, m, 1).expect("a valid date");
        while x.weekday() != Weekday::Mon {
            x = x.succ_opt().expect("a valid date");
        }
        x
    };
    let last_monday = |m: u32| {
        let mut x =
            add_months(NaiveDate::from_ymd_opt(y, m, 1).expect("a valid date"), 1).pred_opt().expect("a valid date");
        while x.weekday() != Weekday::Mon {
            x = x.pred_opt().expect("a valid date");
        }
        x
    };
    let e = easter(y);
    let xmas = NaiveDate::from_ymd_opt(y, 12, 25).expect("a valid date");
    let (c, b) = match xmas.weekday() {
        Weekday::Fri => (xmas, xmas + Duration::days(3)),
        Weekday::Sat => (xmas + Duration::days(2), xmas + Duration::days(3)),
        Weekday::Sun => (xmas + Duration::days(2), xmas + Duration::days(1)),
        _ => (xmas, xmas + Duration::days(1)),
    };
    let mut v = vec![
        weekday_sub(NaiveDate::from_ymd_opt(y, 1, 1).expect("a valid date")),
        e - Duration::days(2),
        e + Duration::days(1),
        first_monday(5),
        last_monday(5),
        last_monday(8),
        c,
        b,
    ];
    v.sort();
    v
}

/// The last year the built-in table covers.
pub const BUILT_IN_THROUGH: i32 = 2030;

/// A calendar of non-working days: weekends, the built-in bank holidays and any added ones.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    extra: std::collections::BTreeSet<NaiveDate>,
}

impl Calendar {
    /// The built-in table plus `extra` dates.
    pub fn new(extra: impl IntoIterator<Item = NaiveDate>) -> Calendar {
        Calendar { extra: extra.into_iter().collect() }
    }

    /// Whether `d` is a bank holiday: added, in the built-in table (through [`BUILT_IN_THROUGH`]),
    /// or, for later years, by the rules of [`by_rule`].
    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        if self.extra.contains(&d) {
            return true;
        }
        if d.year() <= BUILT_IN_THROUGH {
            BANK_HOLIDAYS_EW.iter().any(|(s, _)| *s == d.to_string())
        } else {
            by_rule(d.year()).contains(&d)
        }
    }

    /// Whether `d` is a working day.
    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !self.is_holiday(d)
    }

    /// `d`, or the next working day after it.
    pub fn next_working_day(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.is_working_day(d) {
            d = d.succ_opt().expect("dates stay in range");
        }
        d
    }
}

/// The corresponding date `months` later: the same day of the month, or the month's last day
/// when that day does not exist (31 January + 1 month = 28 or 29 February).
pub fn add_months(d: NaiveDate, months: u32) -> NaiveDate {
    // chrono clamps to the month's last day, which is the rule.
    d.checked_add_months(Months::new(months)).expect("dates stay in range")
}

/// A rights request's clock, as its events leave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clock {
    /// When the clock started (the request, or the identity proof, arrived); `None` while awaited.
    pub started: Option<NaiveDate>,
    /// Days the clock stood still while clarification was awaited (closed pauses).
    pub paused_days: i64,
    /// A pause still open, since this date.
    pub paused_since: Option<NaiveDate>,
    /// Extended by two months (notice logged before the first deadline).
    pub extended: bool,
}

impl Clock {
    /// The deadline: one month (three if extended) from the start, plus the paused days (an open
    /// pause counted up to `today`), moved to the next working day. `None` while identity is awaited.
    pub fn deadline(&self, cal: &Calendar, today: NaiveDate) -> Option<NaiveDate> {
        let start = self.started?;
        let open = self.paused_since.map_or(0, |p| (today - p).num_days().max(0));
        let raw = add_months(start, if self.extended { 3 } else { 1 }) + Duration::days(self.paused_days + open);
        Some(cal.next_working_day(raw))
    }

    /// The first (unextended) deadline, which an extension notice must precede.
    pub fn first_deadline(&self, cal: &Calendar, today: NaiveDate) -> Option<NaiveDate> {
        Clock { extended: false, ..self.clone() }.deadline(cal, today)
    }
}

/// The complaint acknowledgement deadline: 30 days after receipt.
pub fn complaint_ack_due(received: NaiveDate) -> NaiveDate {
    received + Duration::days(30)
}

/// The breach report deadline: 72 hours after discovery.
pub fn breach_report_due(discovered: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    discovered + Duration::hours(72)
}

// ---------------------------------------------------------------- London days

fn last_sunday(year: i32, month: u32) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap_or(NaiveDate::MIN) - Duration::days(1);
    last - Duration::days(i64::from(last.weekday().num_days_from_sunday()))
}

/// The UTC offset of Europe/London at a UTC moment (BST from 01:00 UTC on the last Sunday of
/// March to 01:00 UTC on the last Sunday of October).
pub fn london_offset_hours(t: DateTime<Utc>) -> i64 {
    type Summer = Option<(i32, Option<(DateTime<Utc>, DateTime<Utc>)>)>;
    thread_local! {
        // The last year asked about and its summer time: an import asks about the same few years
        // a million times.
        static SUMMER: std::cell::Cell<Summer> = const { std::cell::Cell::new(None) };
    }
    let y = t.year();
    let summer = match SUMMER.get() {
        Some((year, summer)) if year == y => summer,
        _ => {
            let at_one = |month| last_sunday(y, month).and_hms_opt(1, 0, 0).map(|n| Utc.from_utc_datetime(&n));
            let summer = at_one(3).zip(at_one(10));
            SUMMER.set(Some((y, summer)));
            summer
        }
    };
    match summer {
        Some((s, e)) if t >= s && t < e => 1,
        _ => 0,
    }
}

/// The calendar day in Europe/London at a UTC moment.
pub fn london_date(t: DateTime<Utc>) -> NaiveDate {
    (t + Duration::hours(london_offset_hours(t))).date_naive()
}

/// The first moment of a calendar day in Europe/London (00:00 local), as UTC.
pub fn start_of_day_london(d: NaiveDate) -> DateTime<Utc> {
    end_of_day_london(d.pred_opt().unwrap_or(d)) + Duration::seconds(1)
}

/// A wall-clock time in Europe/London, as UTC (a time in the hour the clocks skip reads as the
/// hour after; one in the hour they repeat, as the first).
pub fn london_local(local: chrono::NaiveDateTime) -> DateTime<Utc> {
    let guess = Utc.from_utc_datetime(&local);
    guess - Duration::hours(london_offset_hours(guess - Duration::hours(1)))
}

/// When something happened, as people write it in a file: an ISO 8601 time with its zone; a
/// date (`2026-12-05`, or `5/12/2026` in UK order); or a date and time without a zone
/// (`2026-12-05 14:30`, London time). The `bool` says whether only a day was given.
pub fn parse_when(s: &str) -> Option<(DateTime<Utc>, bool)> {
    let t = s.trim();
    if let Some(ts) = super::model::parse_timestamp(t) {
        return Some((ts, false));
    }
    let in_range = |d: NaiveDate| super::model::YEARS.contains(&d.year());
    if let Some(d) =
        super::model::parse_date(t).or_else(|| NaiveDate::parse_from_str(t, "%d/%m/%Y").ok().filter(|d| in_range(*d)))
    {
        return Some((start_of_day_london(d), true));
    }
    for f in ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"] {
        if let Ok(n) = chrono::NaiveDateTime::parse_from_str(t, f)
            && in_range(n.date())
        {
            return Some((london_local(n), false));
        }
    }
    None
}

/// How [`parse_when`] reads dates and times, for an error to show.
pub const WHEN_EXAMPLES: &str =
    "e.g. 2026-12-05, 5/12/2026 (day first), 2026-12-05 14:30 (London time) or 2026-12-05T14:30:00Z";

/// The end of a calendar day in Europe/London (23:59:59 local), as UTC.
pub fn end_of_day_london(d: NaiveDate) -> DateTime<Utc> {
    let naive = d.and_hms_opt(23, 59, 59).unwrap_or_default();
    let guess = Utc.from_utc_datetime(&naive);
    guess - Duration::hours(london_offset_hours(guess - Duration::hours(1)))
}

#[cfg(test)]
mod when_tests {
    use super::*;

    #[test]
    fn dates_and_times_as_people_write_them() {
        let ts = |s: &str| crate::domain::model::parse_timestamp(s).unwrap();
        assert_eq!(parse_when("2026-12-05T14:30:00Z"), Some((ts("2026-12-05T14:30:00Z"), false)));
        assert_eq!(parse_when("2026-12-05"), Some((ts("2026-12-05T00:00:00Z"), true)));
        assert_eq!(parse_when("5/12/2026"), Some((ts("2026-12-05T00:00:00Z"), true)), "day first");
        assert_eq!(parse_when("05/06/2026"), Some((ts("2026-06-04T23:00:00Z"), true)), "5 June, in summer time");
        assert_eq!(parse_when("2026-06-05 14:30"), Some((ts("2026-06-05T13:30:00Z"), false)), "London time");
        assert_eq!(parse_when("2026-12-05 14:30"), Some((ts("2026-12-05T14:30:00Z"), false)));
        for bad in ["12/31/2026", "yesterday", "2026-13-01", "5/12/26"] {
            assert_eq!(parse_when(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    #[test]
    fn the_last_sunday_of_a_month_is_found_without_walking_back() {
        use chrono::{Datelike, Weekday};
        for year in crate::domain::model::YEARS {
            for month in [3, 10] {
                let mut d = NaiveDate::from_ymd_opt(year, month + 1, 1).unwrap() - chrono::Duration::days(1);
                while d.weekday() != Weekday::Sun {
                    d -= chrono::Duration::days(1);
                }
                assert_eq!(super::last_sunday(year, month), d, "{year}-{month}");
            }
        }
    }

    #[test]
    fn london_day_ends() {
        // Winter: GMT. Summer: BST, so 23:59:59 local is 22:59:59 UTC.
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 1, 15).unwrap()),
            Utc.with_ymd_and_hms(2026, 1, 15, 23, 59, 59).unwrap()
        );
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 7, 15).unwrap()),
            Utc.with_ymd_and_hms(2026, 7, 15, 22, 59, 59).unwrap()
        );
        // The last Sunday of March 2026 is the 29th: BST from 01:00 UTC.
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 3, 29).unwrap()),
            Utc.with_ymd_and_hms(2026, 3, 29, 22, 59, 59).unwrap()
        );
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 3, 28).unwrap()),
            Utc.with_ymd_and_hms(2026, 3, 28, 23, 59, 59).unwrap()
        );
        // The last Sunday of October 2026 is the 25th: GMT again from 01:00 UTC.
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 10, 25).unwrap()),
            Utc.with_ymd_and_hms(2026, 10, 25, 23, 59, 59).unwrap()
        );
        assert_eq!(
            end_of_day_london(NaiveDate::from_ymd_opt(2026, 10, 24).unwrap()),
            Utc.with_ymd_and_hms(2026, 10, 24, 22, 59, 59).unwrap()
        );
    }

    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_table_matches_the_rules_and_the_one_off_days() {
        for y in 2023..=BUILT_IN_THROUGH {
            let table: Vec<NaiveDate> = BANK_HOLIDAYS_EW.iter().map(|(s, _)| d(s)).filter(|x| x.year() == y).collect();
            let mut rules = by_rule(y);
            if y == 2023 {
                rules.push(d("2023-05-08"));
                rules.sort();
            }
            assert_eq!(table, rules, "{y}");
        }
    }

    #[test]
    fn one_month_clock_examples() {
        let cal = Calendar::default();
        let clock = |s: &str| Clock { started: Some(d(s)), paused_days: 0, paused_since: None, extended: false };
        let today = d("2026-11-25");
        // The ICO's own example shape: received 3 September, due 3 October.
        assert_eq!(clock("2026-09-03").deadline(&cal, today), Some(d("2026-10-05")), "3 Oct 2026 is a Saturday");
        assert_eq!(clock("2025-09-03").deadline(&cal, today), Some(d("2025-10-03")));
        // No 31 February: the month's last day, then the next working day.
        assert_eq!(clock("2026-01-31").deadline(&cal, today), Some(d("2026-03-02")), "28 Feb 2026 is a Saturday");
        assert_eq!(clock("2028-01-31").deadline(&cal, today), Some(d("2028-02-29")), "a leap year");
        // Bank holidays: 25 Dec 2026 is a Friday, 28 Dec the Boxing Day substitute.
        assert_eq!(clock("2026-11-25").deadline(&cal, today), Some(d("2026-12-29")));
        assert_eq!(clock("2026-11-28").deadline(&cal, today), Some(d("2026-12-29")), "28 Dec is the substitute day");
        assert_eq!(
            clock("2026-03-03").deadline(&cal, today),
            Some(d("2026-04-07")),
            "3 Apr Good Friday, 6 Apr Easter Monday"
        );
        // Awaiting identity: no clock.
        let waiting = Clock { started: None, ..clock("2026-01-01") };
        assert_eq!(waiting.deadline(&cal, today), None);
        // Paused 10 days for clarification: ten days later.
        let paused = Clock { paused_days: 10, ..clock("2025-09-03") };
        assert_eq!(paused.deadline(&cal, today), Some(d("2025-10-13")));
        // An open pause counts up to today.
        let open = Clock { paused_since: Some(d("2026-11-20")), ..clock("2026-11-10") };
        assert_eq!(open.deadline(&cal, today), Some(d("2026-12-15")));
        // Extended: three months from the start.
        let ext = Clock { extended: true, ..clock("2025-09-03") };
        assert_eq!(ext.deadline(&cal, today), Some(d("2025-12-03")));
        assert_eq!(ext.first_deadline(&cal, today), Some(d("2025-10-03")));
        // Added holidays count.
        let extra = Calendar::new([d("2025-10-03")]);
        assert_eq!(clock("2025-09-03").deadline(&extra, today), Some(d("2025-10-06")));
    }

    #[test]
    fn deadlines_after_the_table_follow_the_rules() {
        let cal = Calendar::default();
        let clock = |s: &str| Clock { started: Some(d(s)), paused_days: 0, paused_since: None, extended: false };
        let today = d("2033-01-31");
        // Good Friday 2032 is 26 March; Easter Monday 29 March.
        assert_eq!(clock("2032-02-26").deadline(&cal, today), Some(d("2032-03-30")));
        // Christmas 2032 is a Saturday: Monday 27 and Tuesday 28 December are the substitutes.
        assert_eq!(clock("2032-11-27").deadline(&cal, today), Some(d("2032-12-29")));
        // New Year's Day 2033 is a Saturday: Monday 3 January is the substitute.
        assert_eq!(clock("2032-12-03").deadline(&cal, today), Some(d("2033-01-04")));
        // An added one-off day still counts after the table.
        let extra = Calendar::new([d("2031-06-02")]);
        assert_eq!(clock("2031-05-02").deadline(&extra, today), Some(d("2031-06-03")));
        assert_eq!(easter(2049), d("2049-04-18"));
    }

    #[test]
    fn other_clocks() {
        assert_eq!(complaint_ack_due(d("2026-06-19")), d("2026-07-19"));
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-25T09:30:00Z").unwrap().with_timezone(&chrono::Utc);
        assert_eq!(breach_report_due(t).to_rfc3339(), "2026-11-28T09:30:00+00:00");
    }

    proptest! {
        #[test]
        fn a_deadline_is_a_working_day_a_month_on_and_never_before_the_corresponding_date(days in 0i64..3000, pause in 0i64..40) {
            let cal = Calendar::default();
            let start = d("2023-01-01") + Duration::days(days);
            let c = Clock { started: Some(start), paused_days: pause, paused_since: None, extended: false };
            let due = c.deadline(&cal, start).unwrap();
            prop_assert!(cal.is_working_day(due));
            let corresponding = add_months(start, 1) + Duration::days(pause);
            prop_assert!(due >= corresponding);
            // At most four days later (a long weekend with two bank holidays).
            prop_assert!((due - corresponding).num_days() <= 4);
            // Every day between the corresponding date and the deadline is a non-working day.
            let mut x = corresponding;
            while x < due {
                prop_assert!(!cal.is_working_day(x));
                x = x.succ_opt().unwrap();
            }
        }
    }
}
