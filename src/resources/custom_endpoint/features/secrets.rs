//! Write-only secret environment variables (`environment_secrets`).
//!
//! The values exist only in the configuration Terraform sends with
//! ValidateResourceConfig, PlanResourceChange and ApplyResourceChange. They are
//! read from there when a model is created, and everything the provider
//! returns (planned state, new state, refreshed or imported state) carries
//! null for them. What the state does keep is non-secret:
//! - `environment_secret_keys`, the key names, so that planning sees keys
//!   being added or removed and refresh can tell the secret variables of the
//!   live model apart from `environment`;
//! - `environment_secrets_version`, which the user bumps to roll out new
//!   values.
//!
//! Both feed the model's content hash, so a change of either deploys a new
//! model. No value, and no hash of a value, is stored or logged anywhere.

use std::collections::BTreeMap;

use super::super::schema::state::{State, sorted_strings};
use crate::tfplugin::Value;

/// The write-only map.
pub const SECRETS: &str = "environment_secrets";
/// The number that triggers a rotation.
pub const VERSION: &str = "environment_secrets_version";

/// Secret values read from a configuration. Its `Debug` prints key names
/// only, so a stray `{:?}` cannot leak a value into the logs.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets(BTreeMap<String, String>);

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.0.keys().map(|k| format!("{k}=<redacted>")))
            .finish()
    }
}

impl Secrets {
    /// The known, non-null entries of `config.environment_secrets`.
    pub fn from_config(config: &State) -> Secrets {
        let entries = config.environment_secrets.as_object().into_iter().flatten();
        Secrets(
            entries
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect(),
        )
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.0.iter()
    }
}

/// What `environment_secret_keys` should be for a configuration: null
/// without secrets, unknown while the map is unknown, else the key set.
pub fn keys_value(config: &State) -> Value {
    match &config.environment_secrets {
        Value::Unknown => Value::Unknown,
        v => match v.as_object() {
            Some(m) if !m.is_empty() => {
                Value::Set(m.keys().map(|k| Value::string(k.as_str())).collect())
            }
            _ => Value::Null,
        },
    }
}

/// Tag on the model listing the names of its secret variables (separated
/// by spaces: SageMaker tag values allow no commas), so that an import can
/// keep their values out of the state. The values themselves are never
/// tagged.
pub const KEYS_TAG: &str = "tfsm:secret-keys";
/// The longest tag value SageMaker accepts.
const MAX_TAG_VALUE: usize = 256;

/// The `KEYS_TAG` value for these key names; `None` without keys, or when
/// the list is too long for a tag (an import then sees the values, as the
/// docs say).
pub fn keys_tag_value(keys: &[String]) -> Option<String> {
    let v = keys.join(" ");
    (!v.is_empty() && v.len() <= MAX_TAG_VALUE).then_some(v)
}

/// The key names a model's `KEYS_TAG` lists.
pub fn keys_from_tag(value: &str) -> Vec<String> {
    value.split_whitespace().map(str::to_string).collect()
}

/// The key names recorded in a state, sorted; `None` while unknown.
pub fn keys_in(state: &State) -> Option<Vec<String>> {
    match &state.environment_secret_keys {
        Value::Null => Some(Vec::new()),
        v => sorted_strings(v),
    }
}

/// `state` with the key names filled from the configuration when planning
/// could not know them. (The framework nulls the write-only map itself.)
pub fn fill_keys(state: &mut State, config: &State) {
    if state.environment_secret_keys.is_unknown() {
        state.environment_secret_keys = keys_value(config);
    }
}

/// A live model's environment without the variables `state` records as
/// secret, so that refresh neither shows them as drift of `environment` nor
/// copies their values into the state.
pub fn without_secret_keys(environment: Value, state: &State) -> Value {
    let keys = keys_in(state).unwrap_or_default();
    match environment {
        Value::Map(mut m) if !keys.is_empty() => {
            m.retain(|k, _| !keys.contains(k));
            if m.is_empty() {
                Value::Null
            } else {
                Value::Map(m)
            }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::resources::custom_endpoint::testutil::*;

    /// The computed key names.
    const KEYS: &str = "environment_secret_keys";

    fn st(v: &Value) -> State {
        State::decode(v).unwrap()
    }

    #[test]
    fn debug_output_names_keys_but_never_values() {
        let c = obj(&[(SECRETS, map(&[("HF_TOKEN", "hf_live_value")]))]);
        let s = Secrets::from_config(&st(&c));
        let shown = format!("{s:?}");
        assert!(
            shown.contains("HF_TOKEN") && !shown.contains("hf_live_value"),
            "{shown}"
        );
    }

    #[test]
    fn key_names_follow_the_configuration() {
        assert_eq!(
            keys_value(&st(&obj(&[(SECRETS, Value::Null)]))),
            Value::Null
        );
        assert_eq!(
            keys_value(&st(&obj(&[(SECRETS, Value::Unknown)]))),
            Value::Unknown
        );
        assert_eq!(keys_value(&st(&obj(&[(SECRETS, map(&[]))]))), Value::Null);
        let c = obj(&[(SECRETS, map(&[("B", "2"), ("A", "1")]))]);
        assert_eq!(keys_value(&st(&c)), Value::Set(vec![s("A"), s("B")]));
    }

    #[test]
    fn unknown_keys_are_filled_from_the_configuration() {
        let c = obj(&[(SECRETS, map(&[("A", "secret")]))]);
        let mut out = st(&obj(&[(KEYS, Value::Unknown)]));
        fill_keys(&mut out, &st(&c));
        assert_eq!(out.environment_secret_keys, Value::Set(vec![s("A")]));
    }

    #[test]
    fn refresh_drops_secret_keys_from_the_live_environment() {
        let state = obj(&[(KEYS, Value::Set(vec![s("TOKEN")]))]);
        let live = map(&[("TOKEN", "value"), ("MODE", "fast")]);
        assert_eq!(
            without_secret_keys(live, &st(&state)),
            map(&[("MODE", "fast")])
        );
        let only = map(&[("TOKEN", "value")]);
        assert_eq!(without_secret_keys(only, &st(&state)), Value::Null);
        let none = obj(&[(KEYS, Value::Null)]);
        let live = map(&[("TOKEN", "value")]);
        assert_eq!(without_secret_keys(live.clone(), &st(&none)), live);
    }

    #[test]
    fn the_keys_tag_lists_names_only_and_round_trips() {
        let keys = vec!["API_KEY".to_string(), "HF_TOKEN".to_string()];
        let v = keys_tag_value(&keys).unwrap();
        assert_eq!(v, "API_KEY HF_TOKEN");
        // SageMaker tag values: letters, digits, spaces and _.:/=+-@ only.
        assert!(
            v.chars()
                .all(|c| c.is_ascii_alphanumeric() || " _.:/=+-@".contains(c))
        );
        assert_eq!(keys_from_tag(&v), keys);
        assert_eq!(keys_tag_value(&[]), None);
        let many: Vec<String> = (0..40).map(|i| format!("SECRET_NUMBER_{i}")).collect();
        assert_eq!(keys_tag_value(&many), None, "too long for one tag");
    }
}
