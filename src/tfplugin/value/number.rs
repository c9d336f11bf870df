//! Terraform numbers without loss of precision.
//!
//! Terraform (cty) numbers are arbitrary-precision decimals. Two cty numbers
//! are equal when their shortest decimal renderings are equal, so an `f64`
//! stands for the decimal its shortest round-trip text spells (`0.1_f64` is
//! the number `0.1`). [`Number`] keeps the cheap cases cheap (`i64`, `f64`)
//! and holds everything else as a normalised decimal string.

use std::cmp::Ordering;

/// Numbers whose plain rendering would need more zero padding than this are
/// rendered in scientific notation instead.
const MAX_PADDING: i64 = 512;

/// Exponents beyond this magnitude are rejected when parsing; they are far
/// outside anything Terraform can represent.
const MAX_EXPONENT: i64 = 1_000_000_000;

/// A number without loss: integers that fit in `i64`, finite binary floats,
/// and anything else as a normalised decimal string.
///
/// [`Number::parse`] and the codecs always pick the simplest variant: `Int`
/// for integers in `i64` range, `Float` when an `f64` spells the same decimal,
/// `Big` otherwise. Equality compares numeric values, so `Int(3)`,
/// `Float(3.0)` and `Big("3")` are all equal.
#[derive(Clone, Debug)]
pub enum Number {
    Int(i64),
    Float(f64),
    /// A decimal that neither `i64` nor `f64` holds exactly, e.g. `1e400` or
    /// `123456789012345678901234567890`.
    Big(String),
}

impl Number {
    /// Parses decimal text such as `42`, `-0.5`, `1e400` or
    /// `123456789012345678901234567890` (an optional sign, digits with an
    /// optional fraction, an optional exponent). Returns `None` for anything
    /// else, including `NaN` and infinities.
    pub fn parse(text: &str) -> Option<Number> {
        Decimal::parse(text).map(|d| d.into_number())
    }

    /// The number an `f64` stands for; `None` for NaN. Integral values in
    /// `i64` range become `Int`.
    pub fn from_f64(f: f64) -> Option<Number> {
        if f.is_nan() {
            None
        } else if f.fract() == 0.0 && (-I64_LIMIT..I64_LIMIT).contains(&f) {
            Some(Number::Int(f as i64))
        } else {
            Some(Number::Float(f))
        }
    }

    /// The number a `u64` stands for (`Big` above `i64::MAX`).
    pub fn from_u64(u: u64) -> Number {
        match i64::try_from(u) {
            Ok(i) => Number::Int(i),
            Err(_) => Number::Big(u.to_string()),
        }
    }

    /// The same number in its simplest variant (see the type docs); `None`
    /// when this is a NaN float or a `Big` string that is not a decimal.
    pub fn normalized(&self) -> Option<Number> {
        match self {
            Number::Int(i) => Some(Number::Int(*i)),
            Number::Float(f) => Number::from_f64(*f),
            Number::Big(s) => Number::parse(s),
        }
    }

    /// The value as `i64` when it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Number::Int(i) => Some(*i),
            Number::Float(f) if f.fract() == 0.0 && (-I64_LIMIT..I64_LIMIT).contains(f) => {
                Some(*f as i64)
            }
            Number::Float(_) => None,
            Number::Big(s) => Decimal::parse(s).and_then(|d| d.to_i64()),
        }
    }

    /// The value as `f64`, rounded to the nearest `f64` for big decimals
    /// (infinite when out of range).
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Number::Int(i) => Some(*i as f64),
            Number::Float(f) => Some(*f),
            Number::Big(s) => s.parse().ok(),
        }
    }

    /// True for a whole number (of any size).
    pub fn is_integer(&self) -> bool {
        match self.key() {
            Some(Key::Finite(d)) => d.exp >= 0,
            _ => false,
        }
    }

    /// The exact decimal this number stands for, used for comparisons.
    fn key(&self) -> Option<Key> {
        match self {
            Number::Int(i) => Decimal::parse(&i.to_string()).map(Key::Finite),
            Number::Float(f) if f.is_nan() => None,
            Number::Float(f) if f.is_infinite() => Some(Key::Infinite(*f > 0.0)),
            Number::Float(f) => Decimal::of_f64(*f).map(Key::Finite),
            Number::Big(s) => Decimal::parse(s).map(Key::Finite),
        }
    }
}

/// 2^63 as an `f64`: floats in `[-2^63, 2^63)` convert to `i64` exactly.
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0;

#[derive(PartialEq)]
enum Key {
    Finite(Decimal),
    Infinite(bool),
}

impl PartialEq for Number {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Number::Int(a), Number::Int(b)) => a == b,
            (Number::Float(a), Number::Float(b)) => a == b,
            _ => match (self.key(), other.key()) {
                (Some(a), Some(b)) => a == b,
                _ => matches!((self, other), (Number::Big(a), Number::Big(b)) if a == b),
            },
        }
    }
}

impl From<i64> for Number {
    fn from(i: i64) -> Self {
        Number::Int(i)
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Int(i) => write!(f, "{i}"),
            Number::Float(x) => write!(f, "{x}"),
            Number::Big(s) => f.write_str(s),
        }
    }
}

/// An exact decimal `(-1)^neg × digits × 10^exp`. `digits` has no leading or
/// trailing zeros; zero is the empty digit string with `neg == false` and
/// `exp == 0`, so equal numbers have equal representations.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Decimal {
    neg: bool,
    digits: String,
    exp: i64,
}

impl Decimal {
    fn parse(text: &str) -> Option<Decimal> {
        let b = text.as_bytes();
        let mut i = 0;
        let neg = match b.first() {
            Some(b'-') => {
                i = 1;
                true
            }
            Some(b'+') => {
                i = 1;
                false
            }
            _ => false,
        };
        let mut digits = String::new();
        while i < b.len() && b[i].is_ascii_digit() {
            digits.push(char::from(b[i]));
            i += 1;
        }
        let mut frac_len: i64 = 0;
        if i < b.len() && b[i] == b'.' {
            i += 1;
            while i < b.len() && b[i].is_ascii_digit() {
                digits.push(char::from(b[i]));
                frac_len += 1;
                i += 1;
            }
        }
        if digits.is_empty() {
            return None;
        }
        let mut exp: i64 = 0;
        if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
            i += 1;
            let exp_neg = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            let exp_start = i;
            while i < b.len() && b[i].is_ascii_digit() {
                exp = exp * 10 + i64::from(b[i] - b'0');
                if exp > MAX_EXPONENT {
                    return None;
                }
                i += 1;
            }
            if i == exp_start {
                return None;
            }
            if exp_neg {
                exp = -exp;
            }
        }
        if i != b.len() {
            return None;
        }
        Some(Decimal::new(neg, &digits, exp - frac_len))
    }

    fn new(neg: bool, digits: &str, exp: i64) -> Decimal {
        let no_leading = digits.trim_start_matches('0');
        let trimmed = no_leading.trim_end_matches('0');
        if trimmed.is_empty() {
            return Decimal {
                neg: false,
                digits: String::new(),
                exp: 0,
            };
        }
        Decimal {
            neg,
            digits: trimmed.to_string(),
            exp: exp + (no_leading.len() - trimmed.len()) as i64,
        }
    }

    /// The decimal spelled by the shortest text that reads back as `f`.
    fn of_f64(f: f64) -> Option<Decimal> {
        if f.is_finite() {
            Decimal::parse(&format!("{f:e}"))
        } else {
            None
        }
    }

    fn to_i64(&self) -> Option<i64> {
        if self.digits.is_empty() {
            return Some(0);
        }
        if self.exp < 0 || self.digits.len() as i64 + self.exp > 19 {
            return None;
        }
        let mut v: i128 = self.digits.parse().ok()?;
        for _ in 0..self.exp {
            v *= 10;
        }
        if self.neg {
            v = -v;
        }
        i64::try_from(v).ok()
    }

    /// The `f64` whose shortest rendering is exactly this decimal, if any.
    fn to_f64(&self) -> Option<f64> {
        if self.digits.is_empty() {
            return Some(0.0);
        }
        let sign = if self.neg { "-" } else { "" };
        let f: f64 = format!("{sign}{}e{}", self.digits, self.exp).parse().ok()?;
        (Decimal::of_f64(f).as_ref() == Some(self)).then_some(f)
    }

    fn into_number(self) -> Number {
        if let Some(i) = self.to_i64() {
            Number::Int(i)
        } else if let Some(f) = self.to_f64() {
            Number::Float(f)
        } else {
            Number::Big(self.render())
        }
    }

    /// Plain decimal notation (`-12.5`, `1000`), or scientific notation
    /// (`1.5e1000`) when plain would need too much zero padding.
    fn render(&self) -> String {
        if self.digits.is_empty() {
            return "0".to_string();
        }
        let mut out = String::new();
        if self.neg {
            out.push('-');
        }
        let n = self.digits.len() as i64;
        // Number of digits before the decimal point.
        let point = n + self.exp;
        match (self.exp.cmp(&0), point > 0) {
            (Ordering::Equal | Ordering::Greater, _) if self.exp <= MAX_PADDING => {
                out.push_str(&self.digits);
                out.extend(std::iter::repeat_n('0', self.exp as usize));
            }
            (Ordering::Less, true) => {
                let (int, frac) = self.digits.split_at(point as usize);
                out.push_str(int);
                out.push('.');
                out.push_str(frac);
            }
            (Ordering::Less, false) if -point <= MAX_PADDING => {
                out.push_str("0.");
                out.extend(std::iter::repeat_n('0', (-point) as usize));
                out.push_str(&self.digits);
            }
            _ => {
                let (first, rest) = self.digits.split_at(1);
                out.push_str(first);
                if !rest.is_empty() {
                    out.push('.');
                    out.push_str(rest);
                }
                out.push_str(&format!("e{}", point - 1));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> Number {
        Number::Big(s.to_string())
    }

    #[test]
    fn parse_picks_the_simplest_variant() {
        assert!(matches!(Number::parse("42"), Some(Number::Int(42))));
        assert!(matches!(Number::parse("-7"), Some(Number::Int(-7))));
        assert!(matches!(Number::parse("1e3"), Some(Number::Int(1000))));
        assert!(matches!(Number::parse("2.50"), Some(Number::Float(f)) if f == 2.5));
        assert!(matches!(Number::parse("0.1"), Some(Number::Float(f)) if f == 0.1));
        assert!(matches!(Number::parse("1e20"), Some(Number::Float(f)) if f == 1e20));
        assert!(matches!(Number::parse("-0"), Some(Number::Int(0))));
        assert!(matches!(Number::parse("+5"), Some(Number::Int(5))));
        assert!(matches!(Number::parse(".5"), Some(Number::Float(f)) if f == 0.5));
    }

    #[test]
    fn parse_keeps_what_f64_cannot_hold() {
        let n = Number::parse("123456789012345678901234567890").unwrap();
        assert!(matches!(&n, Number::Big(s) if s == "123456789012345678901234567890"));
        // 2^63 is one above i64::MAX; f64 holds it but spells it differently.
        let n = Number::parse("9223372036854775808").unwrap();
        assert!(matches!(&n, Number::Big(s) if s == "9223372036854775808"));
        let n = Number::parse("0.10000000000000000000001").unwrap();
        assert!(matches!(&n, Number::Big(s) if s == "0.10000000000000000000001"));
        let n = Number::parse("1e400").unwrap();
        assert!(matches!(&n, Number::Big(s) if s.len() == 401 && s.starts_with("10")));
        let n = Number::parse("-1.5E-400").unwrap();
        assert!(matches!(&n, Number::Big(s) if s.starts_with("-0.000") && s.ends_with("15")));
        let n = Number::parse("1e100000").unwrap();
        assert!(matches!(&n, Number::Big(s) if s == "1e100000"));
        let n = Number::parse("12.5e-100000").unwrap();
        assert!(matches!(&n, Number::Big(s) if s == "1.25e-99999"));
    }

    #[test]
    fn parse_normalises_big_decimals() {
        let n = Number::parse("000123456789012345678901234567890.000").unwrap();
        assert_eq!(n.to_string(), "123456789012345678901234567890");
        let n = Number::parse("-0.000000000000000000000000000000100").unwrap();
        assert_eq!(n.to_string(), "-0.0000000000000000000000000000001");
    }

    #[test]
    fn parse_rejects_non_numbers() {
        for bad in [
            "",
            "-",
            "+",
            ".",
            "abc",
            "1.2.3",
            "1e",
            "1e+",
            "--1",
            "1 ",
            " 1",
            "NaN",
            "inf",
            "Infinity",
            "0x10",
            "1_000",
            "1e99999999999",
        ] {
            assert!(Number::parse(bad).is_none(), "{bad:?} should not parse");
        }
    }

    #[test]
    fn equality_compares_numeric_values() {
        assert_eq!(Number::Int(3), Number::Float(3.0));
        assert_eq!(Number::Float(3.0), big("3"));
        assert_eq!(big("3.000"), Number::Int(3));
        assert_eq!(Number::Float(0.1), big("0.1"));
        assert_eq!(big("1e400"), Number::parse("1e400").unwrap());
        assert_eq!(Number::Float(0.0), Number::Float(-0.0));
        assert_eq!(Number::Float(f64::INFINITY), Number::Float(f64::INFINITY));
        assert_ne!(Number::Int(3), Number::Float(3.5));
        assert_ne!(big("0.1"), big("0.10000000000000000001"));
        assert_ne!(Number::Float(f64::NAN), Number::Float(f64::NAN));
        assert_ne!(Number::Int(i64::MAX), Number::Float(I64_LIMIT));
        assert_ne!(big("not a number"), Number::Int(0));
    }

    #[test]
    fn conversions() {
        assert_eq!(Number::Float(4.0).as_i64(), Some(4));
        assert_eq!(Number::Float(4.5).as_i64(), None);
        assert_eq!(Number::Float(I64_LIMIT).as_i64(), None);
        assert_eq!(Number::Float(-I64_LIMIT).as_i64(), Some(i64::MIN));
        assert_eq!(big("12e2").as_i64(), Some(1200));
        assert_eq!(big("99999999999999999999").as_i64(), None);
        assert_eq!(big("2.5").as_f64(), Some(2.5));
        assert_eq!(Number::Int(-2).as_f64(), Some(-2.0));
        assert!(
            matches!(Number::from_u64(u64::MAX), Number::Big(s) if s == "18446744073709551615")
        );
        assert!(matches!(Number::from_u64(5), Number::Int(5)));
        assert!(matches!(Number::from_f64(5.0), Some(Number::Int(5))));
        assert!(matches!(Number::from_f64(1e19), Some(Number::Float(_))));
        assert!(Number::from_f64(f64::NAN).is_none());
        assert!(matches!(big("7").normalized(), Some(Number::Int(7))));
        assert!(big("x").normalized().is_none());
        assert!(big("1e400").is_integer());
        assert!(!Number::Float(0.5).is_integer());
    }

    #[test]
    fn display_round_trips_through_parse() {
        for text in [
            "0",
            "-12",
            "0.1",
            "123.456",
            "1e-7",
            "5e-324",
            "1.7976931348623157e308",
        ] {
            let n = Number::parse(text).unwrap();
            assert_eq!(Number::parse(&n.to_string()).unwrap(), n, "{text}");
        }
    }
}
