//! Provider-defined functions (protocol 6.5+, Terraform 1.8+), called in HCL
//! as `provider::sagemaker::<name>(...)`.
//!
//! Each function is described once by a [`FunctionSpec`]: the same value
//! gives the protocol `Function` message served by GetFunctions and
//! GetProviderSchema, the argument types used to decode CallFunction, and the
//! registry documentation. Functions need no provider configuration:
//! Terraform may call them before ConfigureProvider, even during `validate`.

mod dlc_image_uri;

use std::collections::HashMap;

use crate::proto::tfplugin6 as pb;
use crate::tfplugin::{Type, Value, codec};

/// One positional (or variadic) parameter.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    pub ty: Type,
    /// Markdown.
    pub description: &'static str,
}

impl Param {
    fn to_proto(&self) -> pb::function::Parameter {
        pb::function::Parameter {
            name: self.name.to_string(),
            r#type: self.ty.to_json_bytes(),
            // Terraform itself rejects null and skips the call (returning
            // unknown) while an argument is unknown.
            allow_null_value: false,
            allow_unknown_values: false,
            description: self.description.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
        }
    }
}

/// Everything Terraform and the docs need to know about a function.
#[derive(Clone, Debug)]
pub struct FunctionSpec {
    pub name: &'static str,
    /// One line, plain text.
    pub summary: &'static str,
    /// Markdown.
    pub description: &'static str,
    pub params: Vec<Param>,
    /// A final parameter taking zero or more values of its type.
    pub variadic: Option<Param>,
    pub returns: Type,
}

impl FunctionSpec {
    pub fn to_proto(&self) -> pb::Function {
        pb::Function {
            parameters: self.params.iter().map(Param::to_proto).collect(),
            variadic_parameter: self.variadic.as_ref().map(Param::to_proto),
            r#return: Some(pb::function::Return {
                r#type: self.returns.to_json_bytes(),
            }),
            summary: self.summary.to_string(),
            description: self.description.to_string(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecation_message: String::new(),
        }
    }

    /// The parameter that argument `index` binds to.
    fn param(&self, index: usize) -> Option<&Param> {
        self.params.get(index).or(self.variadic.as_ref())
    }
}

/// A function call that failed, optionally blaming one argument (0-based, as
/// the protocol counts; Terraform then names that parameter to the user).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{text}")]
pub struct FunctionError {
    pub text: String,
    pub argument: Option<usize>,
}

impl FunctionError {
    pub fn at(argument: usize, text: impl Into<String>) -> Self {
        FunctionError {
            text: text.into(),
            argument: Some(argument),
        }
    }

    fn to_proto(&self) -> pb::FunctionError {
        pb::FunctionError {
            text: self.text.clone(),
            function_argument: self.argument.and_then(|a| i64::try_from(a).ok()),
        }
    }
}

type Impl = fn(&[Value]) -> Result<Value, FunctionError>;

fn registry() -> &'static [(FunctionSpec, Impl)] {
    static ALL: std::sync::OnceLock<Vec<(FunctionSpec, Impl)>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| vec![(dlc_image_uri::spec(), dlc_image_uri::call as Impl)])
}

/// Every function this provider offers, in name order.
pub fn specs() -> impl Iterator<Item = &'static FunctionSpec> {
    registry().iter().map(|(spec, _)| spec)
}

/// The functions map of GetFunctions and GetProviderSchema.
pub fn definitions() -> HashMap<String, pb::Function> {
    specs()
        .map(|s| (s.name.to_string(), s.to_proto()))
        .collect()
}

/// CallFunction: decodes each argument with its parameter's type, runs the
/// function and encodes the result.
pub fn call(name: &str, arguments: &[pb::DynamicValue]) -> pb::call_function::Response {
    let result = call_value(name, arguments).and_then(|(value, ty)| {
        codec::to_dynamic(&value, &ty).map_err(|e| FunctionError {
            text: format!("could not encode the result (a provider bug): {e}"),
            argument: None,
        })
    });
    match result {
        Ok(dv) => pb::call_function::Response {
            result: Some(dv),
            error: None,
        },
        Err(e) => pb::call_function::Response {
            result: None,
            error: Some(e.to_proto()),
        },
    }
}

fn call_value(name: &str, arguments: &[pb::DynamicValue]) -> Result<(Value, Type), FunctionError> {
    let Some((spec, run)) = registry().iter().find(|(s, _)| s.name == name) else {
        return Err(FunctionError {
            text: format!("this provider has no function named {name:?}"),
            argument: None,
        });
    };
    if arguments.len() < spec.params.len() {
        return Err(FunctionError {
            text: format!(
                "{name} takes at least {} arguments, got {}",
                spec.params.len(),
                arguments.len()
            ),
            argument: None,
        });
    }
    let mut values = Vec::with_capacity(arguments.len());
    for (i, dv) in arguments.iter().enumerate() {
        let param = spec.param(i).ok_or_else(|| {
            FunctionError::at(i, format!("{name} takes {} arguments", spec.params.len()))
        })?;
        let v = codec::from_dynamic(dv, &param.ty)
            .map_err(|e| FunctionError::at(i, format!("{}: {e}", param.name)))?;
        if !v.is_wholly_known() {
            return Err(FunctionError::at(
                i,
                format!("{} is not known yet", param.name),
            ));
        }
        if v.is_null() {
            return Err(FunctionError::at(
                i,
                format!("{} must not be null", param.name),
            ));
        }
        values.push(v);
    }
    run(&values).map(|v| (v, spec.returns.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arg(s: &str) -> pb::DynamicValue {
        codec::to_dynamic(&Value::string(s), &Type::String).unwrap()
    }

    fn result_str(r: &pb::call_function::Response) -> String {
        let dv = r.result.as_ref().expect("a result");
        codec::from_dynamic(dv, &Type::String)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn definitions_use_string_types_and_a_variadic_account() {
        let defs = definitions();
        let f = &defs["dlc_image_uri"];
        let names: Vec<_> = f.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["repository", "tag", "region"]);
        assert!(f.parameters.iter().all(|p| p.r#type == b"\"string\""));
        assert_eq!(f.variadic_parameter.as_ref().unwrap().name, "account_id");
        assert_eq!(f.r#return.as_ref().unwrap().r#type, b"\"string\"");
        assert!(!f.summary.is_empty() && !f.description.is_empty());
    }

    #[test]
    fn calls_decode_arguments_and_encode_the_result() {
        let r = call("dlc_image_uri", &[arg("repo"), arg("t"), arg("eu-west-1")]);
        assert_eq!(
            result_str(&r),
            "763104351884.dkr.ecr.eu-west-1.amazonaws.com/repo:t"
        );
        let r = call(
            "dlc_image_uri",
            &[arg("repo"), arg("t"), arg("eu-west-1"), arg("123456789012")],
        );
        assert!(result_str(&r).starts_with("123456789012.dkr.ecr.eu-west-1."));
    }

    #[test]
    fn bad_calls_blame_the_right_argument() {
        let err = |r: pb::call_function::Response| r.error.expect("an error");
        let e = err(call("nope", &[]));
        assert!(e.text.contains("nope") && e.function_argument.is_none());
        let e = err(call("dlc_image_uri", &[arg("repo")]));
        assert!(e.function_argument.is_none(), "{e:?}");
        let null = codec::to_dynamic(&Value::Null, &Type::String).unwrap();
        let e = err(call(
            "dlc_image_uri",
            &[arg("repo"), null, arg("us-east-1")],
        ));
        assert_eq!(e.function_argument, Some(1));
        let e = err(call(
            "dlc_image_uri",
            &[arg("repo"), arg("t"), arg("xx-nowhere-1")],
        ));
        assert_eq!(e.function_argument, Some(2));
        assert!(e.text.contains("xx-nowhere-1"), "{}", e.text);
    }
}
