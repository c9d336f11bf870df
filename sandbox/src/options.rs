//! Start-up options and lifecycle durations, plus parsing of the command line.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::error::SandboxError;

/// How long the emulated SageMaker lifecycle phases last, in milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Durations {
    /// Creating -> InService (or Failed).
    pub endpoint_create_ms: u64,
    /// Updating -> InService (also the length of RollingBack).
    pub endpoint_update_ms: u64,
    /// Deleting -> gone.
    pub endpoint_delete_ms: u64,
    /// After an IAM role is created, CreateModel refuses it for this long.
    pub iam_propagation_ms: u64,
}

impl Default for Durations {
    fn default() -> Self {
        Durations {
            endpoint_create_ms: 2000,
            endpoint_update_ms: 2000,
            endpoint_delete_ms: 1000,
            iam_propagation_ms: 0,
        }
    }
}

/// A partial update of [`Durations`] (fields left out keep their value).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DurationsPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_create_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_update_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_delete_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_propagation_ms: Option<u64>,
}

impl Durations {
    /// Applies the fields present in `patch`.
    pub fn apply(&mut self, patch: &DurationsPatch) {
        if let Some(v) = patch.endpoint_create_ms {
            self.endpoint_create_ms = v;
        }
        if let Some(v) = patch.endpoint_update_ms {
            self.endpoint_update_ms = v;
        }
        if let Some(v) = patch.endpoint_delete_ms {
            self.endpoint_delete_ms = v;
        }
        if let Some(v) = patch.iam_propagation_ms {
            self.iam_propagation_ms = v;
        }
    }
}

/// Everything needed to start a sandbox.
#[derive(Clone, Debug, Default)]
pub struct SandboxOptions {
    /// Loopback port to listen on; 0 picks a free one.
    pub port: u16,
    /// Reuse this running moto server instead of starting a child.
    pub moto_url: Option<String>,
    /// The venv holding moto; defaults to `SANDBOX_VENV`, then `sandbox/.venv`.
    pub venv: Option<PathBuf>,
    /// Lifecycle durations at start (and after a reset).
    pub durations: Durations,
    /// `s3://bucket/key` objects to create at start (and after a reset).
    pub seed_objects: Vec<String>,
    /// Create `/aws/sagemaker/Endpoints/<EndpointName>` in moto's CloudWatch Logs when an
    /// endpoint becomes InService, as SageMaker does (off by default, so tests that check
    /// for zero orphans see no group they did not make).
    pub endpoint_log_groups: bool,
}

impl SandboxOptions {
    /// Options tuned for fast tests: short lifecycle phases.
    pub fn fast() -> Self {
        SandboxOptions {
            durations: Durations {
                endpoint_create_ms: 300,
                endpoint_update_ms: 300,
                endpoint_delete_ms: 200,
                iam_propagation_ms: 0,
            },
            ..SandboxOptions::default()
        }
    }

    /// The venv directory to use: explicit option, then `SANDBOX_VENV`, then `sandbox/.venv`.
    pub fn resolved_venv(&self) -> PathBuf {
        if let Some(v) = &self.venv {
            return v.clone();
        }
        if let Some(v) = std::env::var_os("SANDBOX_VENV").filter(|v| !v.is_empty()) {
            return PathBuf::from(v);
        }
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv")
    }

    /// Parses command-line arguments (without the program name).
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Self, SandboxError> {
        let mut opts = SandboxOptions::default();
        let mut it = args.into_iter();
        while let Some(arg) = it.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
                _ => (arg.clone(), None),
            };
            if flag == "--help" || flag == "-h" {
                return Err(SandboxError::InvalidOption(USAGE.to_string()));
            }
            if flag == "--endpoint-log-groups" {
                opts.endpoint_log_groups = true;
                continue;
            }
            let mut value = || -> Result<String, SandboxError> {
                match inline.clone().or_else(|| it.next()) {
                    Some(v) => Ok(v),
                    None => Err(SandboxError::InvalidOption(format!("{flag} needs a value"))),
                }
            };
            match flag.as_str() {
                "--port" => {
                    let v = value()?;
                    opts.port = v
                        .parse()
                        .map_err(|_| SandboxError::InvalidOption(format!("bad port {v:?}")))?;
                }
                "--moto-url" => opts.moto_url = Some(value()?.trim_end_matches('/').to_string()),
                "--venv" => opts.venv = Some(PathBuf::from(value()?)),
                "--seed-object" => opts.seed_objects.push(value()?),
                "--create-duration" => opts.durations.endpoint_create_ms = parse_ms(&value()?)?,
                "--update-duration" => opts.durations.endpoint_update_ms = parse_ms(&value()?)?,
                "--delete-duration" => opts.durations.endpoint_delete_ms = parse_ms(&value()?)?,
                "--iam-propagation-delay" => {
                    opts.durations.iam_propagation_ms = parse_ms(&value()?)?
                }
                other => {
                    return Err(SandboxError::InvalidOption(format!(
                        "unknown argument {other:?}\n{USAGE}"
                    )));
                }
            }
        }
        Ok(opts)
    }
}

/// Command-line help.
pub const USAGE: &str = "usage: sagemaker-sandbox [--port N] [--moto-url URL] [--venv DIR]
  [--seed-object s3://bucket/key]... [--create-duration D] [--update-duration D]
  [--delete-duration D] [--iam-propagation-delay D] [--endpoint-log-groups]
durations: 2s, 1.5s, 500ms or a plain number of seconds";

/// Parses `500ms`, `2s`, `1.5s` or a plain number of seconds into milliseconds.
pub fn parse_ms(text: &str) -> Result<u64, SandboxError> {
    let t = text.trim();
    let bad = || SandboxError::InvalidOption(format!("bad duration {text:?}"));
    let (num, scale) = if let Some(n) = t.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = t.strip_suffix('s') {
        (n, 1000.0)
    } else {
        (t, 1000.0)
    };
    let v: f64 = num.trim().parse().map_err(|_| bad())?;
    if !v.is_finite() || v < 0.0 {
        return Err(bad());
    }
    Ok((v * scale).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_ms("500ms").unwrap(), 500);
        assert_eq!(parse_ms("2s").unwrap(), 2000);
        assert_eq!(parse_ms("1.5").unwrap(), 1500);
        assert!(parse_ms("-1s").is_err());
        assert!(parse_ms("abc").is_err());
    }

    #[test]
    fn args_parse() {
        let o = SandboxOptions::from_args(
            [
                "--port",
                "0",
                "--create-duration=3s",
                "--seed-object",
                "s3://b/k",
            ]
            .map(String::from),
        )
        .unwrap();
        assert_eq!(o.port, 0);
        assert_eq!(o.durations.endpoint_create_ms, 3000);
        assert_eq!(o.seed_objects, vec!["s3://b/k".to_string()]);
        assert!(!o.endpoint_log_groups);
        let o = SandboxOptions::from_args(["--endpoint-log-groups".to_string()]).unwrap();
        assert!(o.endpoint_log_groups);
        assert!(SandboxOptions::from_args(["--bogus".to_string()]).is_err());
    }
}
