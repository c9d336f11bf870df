//! Go duration strings (`"60m"`, `"1h30m"`, `"90s"`, `"1.5h"`), as used by the
//! `timeouts` block. Terraform users know this syntax from every other
//! provider, so we accept exactly what Go's `time.ParseDuration` accepts,
//! except negative durations, which no timeout can use.

use std::time::Duration;

/// Why a duration string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("the duration is empty")]
    Empty,
    #[error("{0:?} is not a Go duration")]
    Invalid(String),
    #[error("{0:?} has a number without a unit (use ns, us, ms, s, m or h)")]
    MissingUnit(String),
    #[error("{input:?} uses the unknown unit {unit:?} (use ns, us, ms, s, m or h)")]
    UnknownUnit { input: String, unit: String },
    #[error("{0:?} is too large")]
    Overflow(String),
    #[error("{0:?} is negative")]
    Negative(String),
}

/// Largest duration Go can represent: i64::MAX nanoseconds (about 292 years).
const MAX_NANOS: u128 = i64::MAX as u128;

fn unit_nanos(unit: &str) -> Option<u128> {
    Some(match unit {
        "ns" => 1,
        "us" | "\u{b5}s" | "\u{3bc}s" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        "m" => 60 * 1_000_000_000,
        "h" => 3_600 * 1_000_000_000,
        _ => return None,
    })
}

/// Parses a Go duration string such as `"1h30m"` or `"2.5s"`.
pub fn parse_go_duration(input: &str) -> Result<Duration, DurationError> {
    if input.is_empty() {
        return Err(DurationError::Empty);
    }
    let invalid = || DurationError::Invalid(input.to_string());
    let (negative, mut rest) = match input.as_bytes()[0] {
        b'-' => (true, &input[1..]),
        b'+' => (false, &input[1..]),
        _ => (false, input),
    };
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(invalid());
    }
    let mut total: u128 = 0;
    while !rest.is_empty() {
        // Number: digits, optionally a dot and more digits; at least one digit.
        let int_len = rest.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &rest[..int_len];
        rest = &rest[int_len..];
        let mut frac_part = "";
        if let Some(after_dot) = rest.strip_prefix('.') {
            let frac_len = after_dot.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &after_dot[..frac_len];
            rest = &after_dot[frac_len..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(invalid());
        }
        // Unit: everything up to the next digit or dot.
        let unit_len = rest
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '.')
            .map_or(rest.len(), |(i, _)| i);
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        if unit.is_empty() {
            return Err(DurationError::MissingUnit(input.to_string()));
        }
        let scale = unit_nanos(unit).ok_or_else(|| DurationError::UnknownUnit {
            input: input.to_string(),
            unit: unit.to_string(),
        })?;
        let overflow = || DurationError::Overflow(input.to_string());
        let whole: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| overflow())?
        };
        let mut nanos = whole.checked_mul(scale).ok_or_else(overflow)?;
        // Fraction: only the digits that can matter at nanosecond precision.
        let mut divisor: u128 = 1;
        let mut frac: u128 = 0;
        for d in frac_part.bytes().take(30) {
            frac = frac * 10 + u128::from(d - b'0');
            divisor *= 10;
        }
        nanos = nanos
            .checked_add(frac * scale / divisor)
            .ok_or_else(overflow)?;
        total = total.checked_add(nanos).ok_or_else(overflow)?;
        if total > MAX_NANOS {
            return Err(overflow());
        }
    }
    if negative && total > 0 {
        return Err(DurationError::Negative(input.to_string()));
    }
    let secs = (total / 1_000_000_000) as u64;
    let sub = (total % 1_000_000_000) as u32;
    Ok(Duration::new(secs, sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> Duration {
        parse_go_duration(s).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn accepts_common_forms() {
        assert_eq!(ok("60m"), Duration::from_secs(3600));
        assert_eq!(ok("1h30m"), Duration::from_secs(5400));
        assert_eq!(ok("90s"), Duration::from_secs(90));
        assert_eq!(ok("1.5h"), Duration::from_secs(5400));
        assert_eq!(ok("+2m"), Duration::from_secs(120));
        assert_eq!(ok(".5s"), Duration::from_millis(500));
        assert_eq!(ok("1.s"), Duration::from_secs(1));
        assert_eq!(ok("250ms"), Duration::from_millis(250));
        assert_eq!(ok("3us"), Duration::from_micros(3));
        assert_eq!(ok("3\u{b5}s"), Duration::from_micros(3));
        assert_eq!(ok("3\u{3bc}s"), Duration::from_micros(3));
        assert_eq!(ok("7ns"), Duration::from_nanos(7));
        assert_eq!(ok("1h1m1s1ms"), Duration::from_millis(3_661_001));
    }

    #[test]
    fn zero_is_valid_syntax() {
        assert_eq!(ok("0"), Duration::ZERO);
        assert_eq!(ok("0s"), Duration::ZERO);
        assert_eq!(ok("-0"), Duration::ZERO);
    }

    #[test]
    fn rejects_bad_forms() {
        assert_eq!(parse_go_duration(""), Err(DurationError::Empty));
        assert!(matches!(
            parse_go_duration("10"),
            Err(DurationError::MissingUnit(_))
        ));
        assert!(matches!(
            parse_go_duration("1h30"),
            Err(DurationError::MissingUnit(_))
        ));
        assert!(matches!(
            parse_go_duration("10 minutes"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_go_duration("5d"),
            Err(DurationError::UnknownUnit { .. })
        ));
        assert!(matches!(
            parse_go_duration("h"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("-"),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("."),
            Err(DurationError::Invalid(_))
        ));
        assert!(matches!(
            parse_go_duration("-5m"),
            Err(DurationError::Negative(_))
        ));
        assert!(matches!(
            parse_go_duration("9999999999999h"),
            Err(DurationError::Overflow(_))
        ));
    }
}
