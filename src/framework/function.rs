//! Provider-defined functions (protocol 6.5+, Terraform 1.8+): the trait a
//! function implements, the [`FunctionSpec`] that describes it once (the
//! protocol `Function` message, the argument types CallFunction decodes
//! with, and the registry docs), and CallFunction itself: arguments decoded
//! and checked (known, not null) before the function runs. Functions need
//! no provider configuration: Terraform may call them before
//! ConfigureProvider, even during `validate`.

use crate::proto::tfplugin6 as pb;
use crate::tfplugin::{Type, Value, codec};

/// A provider-defined function.
pub trait Function: Send + Sync + 'static {
    /// Its description; `spec().name` is the name HCL calls.
    fn spec(&self) -> &FunctionSpec;

    /// Runs with arguments already decoded, known and not null.
    fn call(&self, args: &[Value]) -> Result<Value, FunctionError>;
}

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

    pub fn to_proto(&self) -> pb::FunctionError {
        pb::FunctionError {
            text: self.text.clone(),
            function_argument: self.argument.and_then(|a| i64::try_from(a).ok()),
        }
    }
}

/// CallFunction of `f`: decodes each argument with its parameter's type,
/// runs the function and encodes the result.
pub fn call(f: &dyn Function, arguments: &[pb::DynamicValue]) -> pb::call_function::Response {
    let result = call_value(f, arguments).and_then(|(value, ty)| {
        codec::to_dynamic(&value, &ty).map_err(|e| FunctionError {
            text: format!("could not encode the result (a provider bug): {e}"),
            argument: None,
        })
    });
    response(result)
}

/// The reply to CallFunction for a result or an error.
pub fn response(result: Result<pb::DynamicValue, FunctionError>) -> pb::call_function::Response {
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

fn call_value(
    f: &dyn Function,
    arguments: &[pb::DynamicValue],
) -> Result<(Value, Type), FunctionError> {
    let spec = f.spec();
    let name = spec.name;
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
    f.call(&values).map(|v| (v, spec.returns.clone()))
}
