//! When a consumable runs out: an exponentially weighted daily usage rate (recent days count
//! most, with a half-life of a week), made robust to one-off bursts by capping any single day at
//! four times the typical active day, and to idle weeks by counting quiet days as zero. Days are
//! UTC days since the Unix epoch.
//!
//! Pure arithmetic over daily totals; it must never read the clock or the store itself.

/// How many days of history the rate looks at; older days would weigh under 0.4%.
pub const HISTORY_DAYS: usize = 56;
/// A day's weight halves every this many days back.
const HALF_LIFE_DAYS: f64 = 7.0;
/// A single day counts at most this many times the median of the active days.
const BURST_CAP: f64 = 4.0;
/// Below this rate (a use every ~3 years) nothing meaningful can be said about running out.
const NEGLIGIBLE_PER_DAY: f64 = 0.001;
/// Complete days of use, before today, needed to forecast: two pumps this morning say nothing
/// about how long a bottle lasts.
pub const MIN_HISTORY_DAYS: usize = 2;

/// The forecast for one consumable.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    /// Estimated use per day; 0 when nothing was used in the window.
    pub per_day: f64,
    /// Days until empty at that rate, if it can be said.
    pub days_left: Option<f64>,
    /// The UTC day (since the epoch) it is expected to run out.
    pub empty_day: Option<i64>,
    /// One sentence a person can read: "about 2 a day over the last 2 weeks".
    pub explanation: String,
}

impl Forecast {
    /// Forecasts from `daily`, the amounts used on each of the days ending with `today` (oldest
    /// first, today last, today possibly partial), and the `remaining` stock.
    pub fn from_daily(daily: &[u32], remaining: u32, today: i64) -> Self {
        let window = &daily[daily.len().saturating_sub(HISTORY_DAYS)..];
        let Some((today_use, complete)) = window.split_last() else {
            return Self::nothing_used();
        };
        // Days before the first recorded use say nothing about the rate.
        let first_use = complete.iter().position(|&d| d > 0);
        let per_day = match first_use {
            Some(start) => {
                let days = &complete[start..];
                weighted_rate(days, *today_use)
            }
            None if *today_use > 0 => f64::from(*today_use),
            None => return Self::nothing_used(),
        };
        let observed_days = first_use.map_or(0, |start| complete.len() - start);
        if observed_days < MIN_HISTORY_DAYS && remaining > 0 {
            let used: u64 = window[window.len() - 1 - observed_days..]
                .iter()
                .map(|&d| u64::from(d))
                .sum();
            let span = if observed_days == 0 {
                "today"
            } else {
                "since yesterday"
            };
            return Self {
                per_day,
                days_left: None,
                empty_day: None,
                explanation: format!(
                    "{used} used {span}: too little history to forecast yet (it takes {} days of use)",
                    MIN_HISTORY_DAYS + 1
                ),
            };
        }
        if per_day < NEGLIGIBLE_PER_DAY {
            return Self {
                per_day,
                days_left: None,
                empty_day: None,
                explanation: "hardly used lately".into(),
            };
        }
        let days_left = f64::from(remaining) / per_day;
        // Days left rounds down: it is better to be reminded a day early than a day late.
        let empty_day = today + days_left.floor() as i64;
        Self {
            per_day,
            days_left: Some(days_left),
            empty_day: Some(empty_day),
            explanation: format!(
                "{} {}",
                describe_rate(per_day),
                describe_span(observed_days)
            ),
        }
    }

    fn nothing_used() -> Self {
        Self {
            per_day: 0.0,
            days_left: None,
            empty_day: None,
            explanation: "no use recorded yet".into(),
        }
    }
}

/// The exponentially weighted mean of the complete days, with bursts capped. Today is partial,
/// so it only counts when it already exceeds the estimate (a busy morning says something; a quiet
/// one says nothing yet).
fn weighted_rate(days: &[u32], today: u32) -> f64 {
    let cap = burst_cap(days);
    let decay = 0.5f64.powf(1.0 / HALF_LIFE_DAYS);
    let (mut sum, mut weights) = (0.0, 0.0);
    let mut weight = 1.0;
    for &day in days.iter().rev() {
        sum += weight * f64::from(day).min(cap);
        weights += weight;
        weight *= decay;
    }
    let rate = if weights > 0.0 { sum / weights } else { 0.0 };
    let today = f64::from(today).min(cap);
    if today > rate && !days.is_empty() {
        // Blend today in with the weight a complete most-recent day would have had.
        (rate * weights + today) / (weights + 1.0)
    } else if days.is_empty() {
        today
    } else {
        rate
    }
}

fn burst_cap(days: &[u32]) -> f64 {
    let mut active: Vec<u32> = days.iter().copied().filter(|&d| d > 0).collect();
    if active.is_empty() {
        return f64::INFINITY;
    }
    active.sort_unstable();
    let median = f64::from(active[active.len() / 2]);
    (median * BURST_CAP).max(1.0)
}

fn describe_rate(per_day: f64) -> String {
    if per_day >= 0.95 {
        format!("about {} a day", round_nicely(per_day))
    } else if per_day * 7.0 >= 0.95 {
        format!("about {} a week", round_nicely(per_day * 7.0))
    } else {
        format!("about {} a month", round_nicely((per_day * 30.0).max(1.0)))
    }
}

/// Whole numbers from 3 up, otherwise halves: "about 1.5 a day", "about 12 a day".
fn round_nicely(value: f64) -> String {
    if value >= 3.0 {
        format!("{}", value.round() as u64)
    } else {
        let halves = (value * 2.0).round() / 2.0;
        if halves.fract() == 0.0 {
            format!("{}", halves as u64)
        } else {
            format!("{halves:.1}")
        }
    }
}

fn describe_span(days: usize) -> String {
    match days {
        0 => "so far today".into(),
        1 => "since yesterday".into(),
        2..=13 => format!("over the last {days} days"),
        14..=48 => format!("over the last {} weeks", days / 7),
        _ => "over the last 2 months".into(),
    }
}

/// The calendar date (year, month, day) of a UTC day since the epoch.
pub fn civil_date(day: i64) -> (i64, u32, u32) {
    // Howard Hinnant's days-to-civil algorithm.
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A UTC day as `YYYY-MM-DD`.
pub fn iso_date(day: i64) -> String {
    let (y, m, d) = civil_date(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const TODAY: i64 = 20_415; // 2025-11-23

    fn steady(per_day: u32, days: usize) -> Vec<u32> {
        vec![per_day; days]
    }

    #[test]
    fn steady_use_gives_the_plain_rate_and_the_empty_date() {
        let f = Forecast::from_daily(&steady(2, 15), 10, TODAY);
        assert!((f.per_day - 2.0).abs() < 1e-9, "{}", f.per_day);
        assert_eq!(f.days_left, Some(5.0));
        assert_eq!(f.empty_day, Some(TODAY + 5));
        assert_eq!(f.explanation, "about 2 a day over the last 2 weeks");
    }

    #[test]
    fn one_burst_barely_moves_it() {
        let mut daily = steady(2, 21);
        daily[15] = 40; // a party
        let f = Forecast::from_daily(&daily, 10, TODAY);
        assert!(
            f.per_day < 3.0,
            "a single 40-packet day is capped: {}",
            f.per_day
        );
        assert!(
            f.per_day > 2.0,
            "but it still counts for something: {}",
            f.per_day
        );
    }

    #[test]
    fn idle_weeks_bring_the_rate_down() {
        let mut daily = steady(4, 14);
        daily.extend(steady(0, 14)); // away on holiday
        let f = Forecast::from_daily(&daily, 10, TODAY);
        assert!(
            f.per_day < 1.0,
            "two quiet weeks quarter the rate: {}",
            f.per_day
        );
        assert!(f.explanation.contains("a week"), "{}", f.explanation);
        let mut long_ago = vec![0; 60];
        long_ago[10] = 1;
        let f = Forecast::from_daily(&long_ago, 3, TODAY);
        assert_eq!(f.days_left, None, "{}", f.per_day);
        assert_eq!(f.explanation, "hardly used lately");
    }

    #[test]
    fn nothing_used_means_no_forecast() {
        for daily in [&[][..], &[0, 0, 0][..]] {
            let f = Forecast::from_daily(daily, 10, TODAY);
            assert_eq!(f.days_left, None);
            assert_eq!(f.explanation, "no use recorded yet");
        }
    }

    #[test]
    fn a_first_day_of_use_is_too_little_to_forecast() {
        let f = Forecast::from_daily(&[0, 0, 2], 8, TODAY);
        assert!((f.per_day - 2.0).abs() < 1e-9);
        assert_eq!(
            f.days_left, None,
            "two pumps today say nothing about a week"
        );
        assert_eq!(
            f.explanation,
            "2 used today: too little history to forecast yet (it takes 3 days of use)"
        );
        let f = Forecast::from_daily(&[0, 4, 3], 9, TODAY);
        assert_eq!(f.days_left, None);
        assert!(
            f.explanation.starts_with("7 used since yesterday"),
            "{}",
            f.explanation
        );
        let f = Forecast::from_daily(&[3, 4, 3], 9, TODAY);
        assert!(
            f.days_left.is_some(),
            "two complete days and today: a forecast"
        );
        assert_eq!(f.explanation, "about 4 a day over the last 2 days");
        let f = Forecast::from_daily(&[0, 0, 2], 0, TODAY);
        assert_eq!(f.empty_day, Some(TODAY), "empty is empty, history or not");
    }

    #[test]
    fn a_quiet_morning_does_not_drag_the_rate_down() {
        let mut daily = steady(2, 10);
        daily.push(0);
        let f = Forecast::from_daily(&daily, 10, TODAY);
        assert!((f.per_day - 2.0).abs() < 1e-9, "{}", f.per_day);
    }

    #[test]
    fn empty_stock_runs_out_today() {
        let f = Forecast::from_daily(&steady(2, 5), 0, TODAY);
        assert_eq!(f.empty_day, Some(TODAY));
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(TODAY), "2025-11-23");
        assert_eq!(iso_date(11_016), "2000-02-29");
        assert_eq!(iso_date(-1), "1969-12-31");
    }

    proptest::proptest! {
        #[test]
        fn the_rate_stays_within_what_was_used(daily in proptest::collection::vec(0u32..500, 0..120), remaining in 0u32..100_000) {
            let f = Forecast::from_daily(&daily, remaining, TODAY);
            let max = daily.iter().copied().max().unwrap_or(0);
            proptest::prop_assert!(f.per_day >= 0.0 && f.per_day <= f64::from(max) + 1e-9);
            if let Some(day) = f.empty_day {
                proptest::prop_assert!(day >= TODAY);
            }
        }
    }
}
