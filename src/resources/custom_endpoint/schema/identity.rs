//! The resource identity of `sagemaker_custom_endpoint` (Terraform 1.12+):
//! the endpoint name, the region and the account, which together name one
//! endpoint. `import { identity = { endpoint_name = "..." } }` imports by
//! it; region and account default to the provider's.

use std::sync::OnceLock;

use super::state::State;
use crate::framework::typed::{DecodeError, FromValue, Known};
use crate::framework::{IdentityAttribute, IdentitySchema};
use crate::tfplugin::{AttrPath, Type, Value};
use crate::typed_object;

typed_object! {
    /// The identity value.
    pub struct Identity {
        endpoint_name: Known<String>,
        region: Known<String>,
        account_id: Known<String>,
    }
}

/// The identity schema (version 0), built once.
pub fn schema() -> &'static IdentitySchema {
    static S: OnceLock<IdentitySchema> = OnceLock::new();
    S.get_or_init(|| IdentitySchema {
        version: 0,
        attributes: vec![
            IdentityAttribute {
                name: Identity::endpoint_name,
                ty: Type::String,
                required_for_import: true,
                description: "Name of the SageMaker endpoint.",
            },
            IdentityAttribute {
                name: Identity::region,
                ty: Type::String,
                required_for_import: false,
                description: "Region of the endpoint; defaults to the provider's.",
            },
            IdentityAttribute {
                name: Identity::account_id,
                ty: Type::String,
                required_for_import: false,
                description: "AWS account of the endpoint; defaults to the provider's.",
            },
        ],
    })
}

impl Identity {
    /// The identity of a state in `region` and `account_id`; `None` while
    /// the endpoint name is not known.
    pub fn of(state: &State, region: &str, account_id: &str) -> Option<Identity> {
        Some(Identity {
            endpoint_name: Known::string(state.endpoint_name.as_str()?),
            region: Known::string(region),
            account_id: Known::string(account_id),
        })
    }

    /// Decodes an identity value sent by Terraform.
    pub fn decode(v: &Value) -> Result<Identity, DecodeError> {
        Identity::from_value(v, &AttrPath::default())
    }

    pub fn encode(&self) -> Value {
        self.to_value()
    }
}
