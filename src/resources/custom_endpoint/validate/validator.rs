//! The [`Validator`] that the static checks of `validate` and its `rollout`
//! and `serverless` modules report into, with the helpers they share:
//! attribute paths, errors that quote the given value, whole-number ranges,
//! the IAM literal check and the known strings of a collection. No check
//! module is imported here, so they all depend on this module, never the
//! other way round.

use crate::aws::policy;
use crate::framework::typed::Known;
use crate::tfplugin::{AttrPath, Diagnostics, Number, Value};

/// Collects the diagnostics of one validation run.
#[derive(Default)]
pub(super) struct Validator {
    pub(super) diags: Diagnostics,
}

/// The path of a top-level attribute.
pub(super) fn root(name: &str) -> AttrPath {
    AttrPath::root(name)
}

impl Validator {
    /// Adds an error whose detail ends with the value that was given.
    pub(super) fn error(
        &mut self,
        path: AttrPath,
        summary: &str,
        reason: impl AsRef<str>,
        given: &str,
    ) {
        let reason = reason.as_ref().trim_end_matches('.');
        let quoted = format!("{given:?}");
        let detail = if reason.contains(&quoted) {
            format!("{path}: {reason}.")
        } else {
            format!("{path}: {reason}. Got {quoted}.")
        };
        self.diags.attr_error(path, summary, detail);
    }

    /// Refuses a value that the generated role's policy would read as an
    /// IAM wildcard or policy variable; true when it did.
    pub(super) fn iam_literal(&mut self, path: &AttrPath, what: &str, given: &str) -> bool {
        let Some(seq) = policy::iam_special(given) else {
            return false;
        };
        self.error(
            path.clone(),
            "Character not allowed in a policy resource",
            format!(
                "{what} is written into the IAM policy of the generated execution role, \
                 where {seq:?} is not literal (\"*\" and \"?\" are wildcards, \"${{\" starts a \
                 policy variable) and would grant access beyond this endpoint; expected a \
                 value without \"*\", \"?\" or \"${{\""
            ),
            given,
        );
        true
    }

    /// Checks a whole number in `[min, max]`; null and unknown pass.
    pub(super) fn int_range(
        &mut self,
        path: AttrPath,
        v: &Known<Number>,
        min: i64,
        max: Option<i64>,
    ) {
        let Known::Value(n) = v else { return };
        let expected = match max {
            Some(max) => format!("a whole number from {min} to {max}"),
            None => format!("a whole number of at least {min}"),
        };
        let given = n.to_string();
        match n.as_i64() {
            Some(i) if i >= min && max.is_none_or(|m| i <= m) => {}
            Some(_) => self.error(
                path,
                "Value out of range",
                format!("expected {expected}"),
                &given,
            ),
            None if matches!(n, Number::Float(f) if f.fract() != 0.0) => self.error(
                path,
                "Not a whole number",
                format!("expected {expected}"),
                &given,
            ),
            None => self.error(
                path,
                "Value out of range",
                format!("expected {expected}"),
                &given,
            ),
        }
    }
}

/// The known string elements of a set or list (unknown elements skipped).
pub(super) fn strings(v: &Value) -> impl Iterator<Item = &str> {
    v.as_elements()
        .unwrap_or(&[])
        .iter()
        .filter_map(Value::as_str)
}
