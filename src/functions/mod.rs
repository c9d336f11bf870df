//! Provider-defined functions (protocol 6.5+, Terraform 1.8+), called in HCL
//! as `provider::sagemaker::<name>(...)`.
//!
//! Each function is described once by a [`FunctionSpec`]: the same value
//! gives the protocol `Function` message served by GetFunctions and
//! GetProviderSchema, the argument types used to decode CallFunction, and the
//! registry documentation. Functions need no provider configuration:
//! Terraform may call them before ConfigureProvider, even during `validate`.

mod dlc_image_uri;

pub use crate::framework::function::{Function, FunctionError, FunctionSpec, Param};

/// Every function this provider offers, in name order (one line each).
pub fn all() -> Vec<Box<dyn Function>> {
    vec![Box::new(dlc_image_uri::DlcImageUri::new())]
}

/// Their specs, for the docs.
pub fn specs() -> Vec<FunctionSpec> {
    all().iter().map(|f| f.spec().clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::tfplugin6 as pb;
    use crate::tfplugin::{Type, Value, codec};
    use std::collections::HashMap;

    fn definitions() -> HashMap<String, pb::Function> {
        all()
            .iter()
            .map(|f| (f.spec().name.to_string(), f.spec().to_proto()))
            .collect()
    }

    fn call(name: &str, args: &[pb::DynamicValue]) -> pb::call_function::Response {
        let mut r = crate::framework::Registry::<()>::default();
        for f in all() {
            r.function(f);
        }
        r.call_function(&pb::call_function::Request {
            name: name.to_string(),
            arguments: args.to_vec(),
        })
    }

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
