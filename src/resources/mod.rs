//! The provider's resource types, list resources and actions, and the
//! configured provider they run with ([`Session`]). A new type lives in its
//! own folder here and is added to [`register`] with one line; parsers they
//! share are in [`formats`].

pub mod custom_endpoint;
pub mod formats;
pub mod invoke_endpoint;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use crate::aws::clients::Clients;
use crate::aws::shared_reads::SharedReads;
use crate::framework::Registry;
use crate::tfplugin::Diagnostics;

/// Adds every resource type (and list resource and action) to `r`.
pub fn register(r: &mut Registry<Session>) {
    r.resource(custom_endpoint::CustomEndpoint)
        .list(custom_endpoint::CustomEndpointList)
        .action(invoke_endpoint::InvokeEndpoint);
}

/// How long CreateModel may keep failing because a new role has not reached
/// SageMaker yet (IAM is eventually consistent).
const IAM_PROPAGATION_BOUND: Duration = Duration::from_secs(90);

/// What ConfigureProvider sets up: the settings the resources need, SDK
/// clients, and the account ID (looked up once, on the first call that
/// needs it).
pub struct Session {
    pub region: String,
    pub default_tags: BTreeMap<String, String>,
    pub clients: Clients,
    /// Reads the refreshes of this provider process share.
    pub shared: Arc<SharedReads>,
    pub iam_propagation_bound: Duration,
    account_id: tokio::sync::OnceCell<String>,
}

impl Session {
    pub fn new(region: String, default_tags: BTreeMap<String, String>, clients: Clients) -> Self {
        Session {
            region,
            default_tags,
            clients,
            shared: Arc::default(),
            iam_propagation_bound: IAM_PROPAGATION_BOUND,
            account_id: Default::default(),
        }
    }

    /// The account, when an earlier call already looked it up.
    pub fn known_account_id(&self) -> Option<&str> {
        self.account_id.get().map(String::as_str)
    }

    /// The account of the credentials (STS GetCallerIdentity, once).
    pub async fn account_id(&self) -> Result<&str, Diagnostics> {
        self.account_id
            .get_or_try_init(|| self.clients.account_id())
            .await
            .map(String::as_str)
            .map_err(|e| {
                let mut d = Diagnostics::new();
                d.error(
                    "Could not identify the AWS account",
                    format!(
                        "STS GetCallerIdentity failed, so credentials are probably missing or \
                         invalid: {e}"
                    ),
                );
                d
            })
    }
}
