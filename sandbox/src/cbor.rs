//! A minimal CBOR codec for the Smithy RPC v2 CBOR protocol.
//!
//! The Rust SDK speaks `rpc-v2-cbor` to some services (CloudWatch) that moto only understands
//! as AWS JSON 1.0. The proxy therefore decodes CBOR request bodies into JSON and encodes moto's
//! JSON answers back into CBOR. JSON carries no timestamp or double type, so the encoder is told
//! by member name which values are timestamps (CBOR tag 1) and which numbers are doubles.

use serde_json::{Map, Number, Value};

/// Member names whose values are timestamps in the CBOR services we translate.
const TIMESTAMP_KEYS: &[&str] = &[
    "AlarmConfigurationUpdatedTimestamp",
    "CreatedAt",
    "CreationDate",
    "EndDate",
    "EndTime",
    "ExpireDate",
    "LastModified",
    "LastUpdateDate",
    "LastUpdatedTimestamp",
    "StartDate",
    "StartTime",
    "StateTransitionedTimestamp",
    "StateUpdatedTimestamp",
    "Timestamp",
    "Timestamps",
    "UpdatedAt",
];

/// Member names whose numbers are doubles (must be CBOR floats even when integral).
const DOUBLE_KEYS: &[&str] = &[
    "AggregateValue",
    "ApproximateAggregateValue",
    "ApproximateValue",
    "Average",
    "Counts",
    "MaxContributorValue",
    "Maximum",
    "Minimum",
    "SampleCount",
    "Sum",
    "Threshold",
    "UniqueContributors",
    "Value",
    "Values",
];

/// A CBOR body that could not be decoded.
#[derive(Debug, thiserror::Error)]
#[error("invalid CBOR at byte {at}: {what}")]
pub struct CborError {
    pub at: usize,
    pub what: &'static str,
}

/// Decodes one CBOR data item into JSON (byte strings become base64, tags are dropped).
pub fn decode(bytes: &[u8]) -> Result<Value, CborError> {
    if bytes.is_empty() {
        return Ok(Value::Object(Map::new()));
    }
    let mut d = Decoder { b: bytes, pos: 0 };
    d.item()
}

struct Decoder<'a> {
    b: &'a [u8],
    pos: usize,
}

enum Head {
    Item(u8, u64),
    Indefinite(u8),
    Break,
    Float(f64),
}

impl Decoder<'_> {
    fn err(&self, what: &'static str) -> CborError {
        CborError { at: self.pos, what }
    }

    fn take(&mut self, n: usize) -> Result<&[u8], CborError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or_else(|| self.err("length overflow"))?;
        let s = self
            .b
            .get(self.pos..end)
            .ok_or_else(|| self.err("truncated"))?;
        self.pos = end;
        Ok(s)
    }

    fn uint(&mut self, n: usize) -> Result<u64, CborError> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
    }

    fn head(&mut self) -> Result<Head, CborError> {
        let first = self.take(1)?[0];
        let major = first >> 5;
        let ai = first & 0x1f;
        if major == 7 {
            return match ai {
                25 => Ok(Head::Float(half_to_f64(self.uint(2)? as u16))),
                26 => Ok(Head::Float(f64::from(f32::from_bits(self.uint(4)? as u32)))),
                27 => Ok(Head::Float(f64::from_bits(self.uint(8)?))),
                31 => Ok(Head::Break),
                _ => Ok(Head::Item(7, u64::from(ai))),
            };
        }
        let arg = match ai {
            0..=23 => u64::from(ai),
            24 => self.uint(1)?,
            25 => self.uint(2)?,
            26 => self.uint(4)?,
            27 => self.uint(8)?,
            31 => return Ok(Head::Indefinite(major)),
            _ => return Err(self.err("reserved additional info")),
        };
        Ok(Head::Item(major, arg))
    }

    fn len(&self, n: u64) -> Result<usize, CborError> {
        let n = usize::try_from(n).map_err(|_| self.err("length too large"))?;
        if n > self.b.len() {
            return Err(self.err("length exceeds input"));
        }
        Ok(n)
    }

    fn item(&mut self) -> Result<Value, CborError> {
        match self.head()? {
            Head::Break => Err(self.err("unexpected break")),
            Head::Float(f) => Ok(Number::from_f64(f).map_or(Value::Null, Value::Number)),
            Head::Item(major, arg) => self.definite(major, arg),
            Head::Indefinite(major) => self.indefinite(major),
        }
    }

    fn definite(&mut self, major: u8, arg: u64) -> Result<Value, CborError> {
        match major {
            0 => Ok(Value::Number(arg.into())),
            1 => {
                let v = -1i128 - i128::from(arg);
                let v = i64::try_from(v).map_err(|_| self.err("negative int too large"))?;
                Ok(Value::Number(v.into()))
            }
            2 => {
                let n = self.len(arg)?;
                Ok(Value::String(base64(self.take(n)?)))
            }
            3 => {
                let n = self.len(arg)?;
                let at = self.pos;
                let s = self.take(n)?;
                let s = std::str::from_utf8(s).map_err(|_| CborError {
                    at,
                    what: "invalid utf-8",
                })?;
                Ok(Value::String(s.to_string()))
            }
            4 => {
                let n = self.len(arg)?;
                (0..n)
                    .map(|_| self.item())
                    .collect::<Result<Vec<_>, _>>()
                    .map(Value::Array)
            }
            5 => {
                let n = self.len(arg)?;
                let mut m = Map::new();
                for _ in 0..n {
                    let k = self.key()?;
                    m.insert(k, self.item()?);
                }
                Ok(Value::Object(m))
            }
            6 => self.item(),
            7 => match arg {
                20 => Ok(Value::Bool(false)),
                21 => Ok(Value::Bool(true)),
                _ => Ok(Value::Null),
            },
            _ => Err(self.err("bad major type")),
        }
    }

    fn indefinite(&mut self, major: u8) -> Result<Value, CborError> {
        match major {
            2 | 3 => {
                let mut bytes = Vec::new();
                loop {
                    match self.head()? {
                        Head::Break => break,
                        Head::Item(m, n) if m == major => {
                            let n = self.len(n)?;
                            bytes.extend_from_slice(self.take(n)?);
                        }
                        _ => return Err(self.err("bad string chunk")),
                    }
                }
                if major == 2 {
                    Ok(Value::String(base64(&bytes)))
                } else {
                    String::from_utf8(bytes)
                        .map(Value::String)
                        .map_err(|_| self.err("invalid utf-8"))
                }
            }
            4 => {
                let mut items = Vec::new();
                while !self.at_break()? {
                    items.push(self.item()?);
                }
                Ok(Value::Array(items))
            }
            5 => {
                let mut m = Map::new();
                while !self.at_break()? {
                    let k = self.key()?;
                    m.insert(k, self.item()?);
                }
                Ok(Value::Object(m))
            }
            _ => Err(self.err("bad indefinite item")),
        }
    }

    fn at_break(&mut self) -> Result<bool, CborError> {
        match self.b.get(self.pos) {
            Some(0xff) => {
                self.pos += 1;
                Ok(true)
            }
            Some(_) => Ok(false),
            None => Err(self.err("truncated")),
        }
    }

    fn key(&mut self) -> Result<String, CborError> {
        match self.item()? {
            Value::String(s) => Ok(s),
            _ => Err(self.err("map key is not a string")),
        }
    }
}

fn half_to_f64(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 => {
            if mant == 0.0 {
                f64::INFINITY
            } else {
                f64::NAN
            }
        }
        e => (mant + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if h & 0x8000 != 0 { -v } else { v }
}

/// Standard base64 with padding (CBOR blobs travel as base64 in AWS JSON).
pub fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Hint {
    None,
    Timestamp,
    Double,
}

/// Encodes JSON as CBOR, tagging timestamps and forcing doubles by member name.
pub fn encode(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(value, Hint::None, &mut out);
    out
}

fn head(out: &mut Vec<u8>, major: u8, n: u64) {
    let m = major << 5;
    if n < 24 {
        out.push(m | n as u8);
    } else if n <= u64::from(u8::MAX) {
        out.extend_from_slice(&[m | 24, n as u8]);
    } else if n <= u64::from(u16::MAX) {
        out.push(m | 25);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else if n <= u64::from(u32::MAX) {
        out.push(m | 26);
        out.extend_from_slice(&(n as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn float(out: &mut Vec<u8>, f: f64) {
    out.push(0xfb);
    out.extend_from_slice(&f.to_bits().to_be_bytes());
}

fn encode_into(value: &Value, hint: Hint, out: &mut Vec<u8>) {
    match value {
        Value::Null => out.push(0xf6),
        Value::Bool(b) => out.push(if *b { 0xf5 } else { 0xf4 }),
        Value::Number(n) => {
            if hint == Hint::Timestamp {
                out.push(0xc1);
                float(out, n.as_f64().unwrap_or(0.0));
            } else if hint == Hint::Double || n.is_f64() {
                float(out, n.as_f64().unwrap_or(0.0));
            } else if let Some(u) = n.as_u64() {
                head(out, 0, u);
            } else if let Some(i) = n.as_i64() {
                head(out, 1, (-1 - i) as u64);
            }
        }
        Value::String(s) => {
            head(out, 3, s.len() as u64);
            out.extend_from_slice(s.as_bytes());
        }
        Value::Array(items) => {
            head(out, 4, items.len() as u64);
            for item in items {
                encode_into(item, hint, out);
            }
        }
        Value::Object(map) => {
            head(out, 5, map.len() as u64);
            for (k, v) in map {
                head(out, 3, k.len() as u64);
                out.extend_from_slice(k.as_bytes());
                let hint = if TIMESTAMP_KEYS.contains(&k.as_str()) {
                    Hint::Timestamp
                } else if DOUBLE_KEYS.contains(&k.as_str()) {
                    Hint::Double
                } else {
                    Hint::None
                };
                encode_into(v, hint, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trip_plain_values() {
        let v = json!({"a": 1, "b": [-5, true, null, "x"], "c": {"d": 2.5}});
        assert_eq!(decode(&encode(&v)).unwrap(), v);
    }

    #[test]
    fn timestamps_are_tagged_and_doubles_forced() {
        let bytes = encode(&json!({"Timestamp": 10}));
        // map(1), "Timestamp", tag 1, float64 ...
        assert_eq!(bytes[0], 0xa1);
        assert_eq!(bytes[11], 0xc1);
        assert_eq!(bytes[12], 0xfb);
        let back = decode(&encode(&json!({"Timestamp": 10, "Threshold": 70}))).unwrap();
        assert_eq!(back["Threshold"].as_f64(), Some(70.0));
        assert_eq!(back["Timestamp"].as_f64(), Some(10.0));
    }

    #[test]
    fn decodes_indefinite_and_half_floats() {
        // {_ "a": [_ 1, 2], "h": 1.5 (half)} with indefinite map and array
        let bytes = [
            0xbf, 0x61, b'a', 0x9f, 0x01, 0x02, 0xff, 0x61, b'h', 0xf9, 0x3e, 0x00, 0xff,
        ];
        assert_eq!(decode(&bytes).unwrap(), json!({"a": [1, 2], "h": 1.5}));
        assert!(decode(&[0x62, b'a']).is_err());
    }

    #[test]
    fn base64_matches_rfc4648() {
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"f"), "Zg==");
    }
}
