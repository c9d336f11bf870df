//! Wall-clock helpers: AWS JSON protocols carry timestamps as epoch seconds (fractional);
//! event documents (SageMaker's async inference notifications) use ISO 8601 in UTC.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, with millisecond precision.
pub fn now() -> f64 {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_millis() as f64) / 1000.0
}

/// Adds a millisecond duration to an epoch-seconds timestamp.
pub fn plus_ms(t: f64, ms: u64) -> f64 {
    t + (ms as f64) / 1000.0
}

/// `t` (epoch seconds) as ISO 8601 UTC with milliseconds, e.g. `2026-12-02T01:48:35.123Z`.
pub fn iso8601(t: f64) -> String {
    let ms = (t * 1000.0).round().max(0.0) as u64;
    let (secs, millis) = (ms / 1000, ms % 1000);
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (year, month, day) = civil_date(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{millis:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The proleptic Gregorian (year, month, day) of a day count since 1970-01-01, computed per
/// 400-year era (146,097 days) so leap years need no table.
fn civil_date(days: i64) -> (i64, u32, u32) {
    let shifted = days + 719_468; // days since 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::iso8601;

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601(0.0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601(951_782_400.5), "2000-02-29T00:00:00.500Z");
        assert_eq!(iso8601(1_795_484_380.077), "2026-11-24T01:39:40.077Z");
    }
}
