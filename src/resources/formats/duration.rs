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
    #[error(
        "{0:?} is too large: a duration is at most 2562047h (about 292 years), and a timeout \
         of a few hours is usual"
    )]
    Overflow(String),
    #[error("{0:?} is negative")]
    Negative(String),
}

/// Largest duration Go can represent: i64::MAX nanoseconds (about 292 years).
const MAX_NANOS: u128 = i64::MAX as u128;

/// Fraction digits read per number; see `parse_go_duration`.
const MAX_FRACTION_DIGITS: usize = 19;

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
        // A unit is at most 3.6e12 ns, so digits past the 19th change the
        // result by less than a nanosecond, and 10^19 * 3.6e12 fits in u128.
        let mut divisor: u128 = 1;
        let mut frac: u128 = 0;
        for d in frac_part.bytes().take(MAX_FRACTION_DIGITS) {
            frac = frac * 10 + u128::from(d - b'0');
            divisor *= 10;
        }
        let frac_nanos = frac.checked_mul(scale).ok_or_else(overflow)? / divisor;
        nanos = nanos.checked_add(frac_nanos).ok_or_else(overflow)?;
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

    #[test]
    fn long_fractions_neither_overflow_nor_round_up() {
        // Used to overflow u128 (a panic in debug builds): 30 digits times
        // the nanoseconds of an hour.
        let long = format!("0.{}h", "9".repeat(26));
        let d = ok(&long);
        let hour = Duration::from_secs(3600);
        assert!(d < hour && d >= hour - Duration::from_nanos(1), "{d:?}");
        let very_long = format!("1.{}5h{}s", "0".repeat(5000), "0".repeat(5000));
        assert_eq!(ok(&very_long), hour);
        assert_eq!(ok("0.000000000000000000001h"), Duration::ZERO);
    }

    #[test]
    fn absurd_values_say_what_the_limit_is() {
        for s in [
            "2562048h",
            "99999999999999999999999999999999999999999999h",
            "2562047h47m17s",
            "2562047h1h",
        ] {
            let e = parse_go_duration(s).unwrap_err();
            assert!(matches!(e, DurationError::Overflow(_)), "{s}: {e:?}");
            assert!(e.to_string().contains("at most 2562047h"), "{e}");
        }
        // Go's largest duration is still accepted.
        assert_eq!(
            ok("9223372036854775807ns"),
            Duration::from_nanos(i64::MAX as u64)
        );
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        /// Strings close to the grammar: digits, dots, signs and units.
        fn near_duration() -> impl Strategy<Value = String> {
            let piece = prop_oneof![
                "[0-9]{1,40}",
                Just(".".to_string()),
                "\\.[0-9]{0,60}",
                prop::sample::select(vec!["h", "m", "s", "ms", "us", "\u{b5}s", "ns", "d", ""])
                    .prop_map(str::to_string),
            ];
            (
                prop::sample::select(vec!["", "-", "+"]),
                prop::collection::vec(piece, 0..12),
            )
                .prop_map(|(sign, parts)| format!("{sign}{}", parts.concat()))
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2000))]

            #[test]
            fn never_panics_on_any_text(s in "\\PC{0,80}") {
                let _ = parse_go_duration(&s);
            }

            #[test]
            fn never_panics_near_the_grammar(s in near_duration()) {
                if let Ok(d) = parse_go_duration(&s) {
                    prop_assert!(d.as_nanos() <= MAX_NANOS);
                }
            }

            #[test]
            fn whole_nanoseconds_round_trip(n in 0..=i64::MAX as u64) {
                prop_assert_eq!(parse_go_duration(&format!("{n}ns")), Ok(Duration::from_nanos(n)));
            }

            #[test]
            fn fractions_of_an_hour_stay_below_the_next_whole(
                h in 0u64..1000,
                digits in "[0-9]{1,80}",
            ) {
                let d = parse_go_duration(&format!("{h}.{digits}h")).unwrap();
                prop_assert!(d >= Duration::from_secs(h * 3600));
                prop_assert!(d <= Duration::from_secs((h + 1) * 3600));
            }
        }
    }
}
