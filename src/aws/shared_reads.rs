//! Reads that the refreshes of one provider process share, so refreshing
//! many endpoints costs few calls for each (Terraform refreshes every
//! resource of a plan in one provider process, several at a time):
//!
//! - the tags of SageMaker objects, gathered for [`TAG_WINDOW`] and asked
//!   for together with the Resource Groups Tagging API's GetResources (up to
//!   [`TAG_BATCH`] ARNs a call);
//! - the generated roles (trust policy, tags, inline and attached policies),
//!   read for the whole account with one GetAccountAuthorizationDetails
//!   listing once more than [`ROLE_SCAN_AFTER`] roles were asked for, and
//!   kept for [`ROLE_SCAN_TTL`].
//!
//! Each answer is the one the one-object calls would give. An object a
//! shared read does not list is asked for with the one-object call, so an
//! object that is gone (or has lost every tag) is told apart exactly. When a
//! shared read fails (no `tag:GetResources` or
//! `iam:GetAccountAuthorizationDetails` permission, an endpoint that does
//! not serve it), it is switched off for the process and the one-object
//! calls are used.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::clients::Clients;
use super::error::AwsError;
use super::paging::Pager;
use super::role::{self, RoleDescription, parse_document};

/// How long the first tag read waits for others to join its call.
pub const TAG_WINDOW: Duration = Duration::from_millis(15);
/// Most ARNs one GetResources call takes.
pub const TAG_BATCH: usize = 100;
/// Role reads (three calls each) made one by one before the account's
/// roles are listed at once.
pub const ROLE_SCAN_AFTER: usize = 4;
/// How long one listing of the roles answers role reads.
pub const ROLE_SCAN_TTL: Duration = Duration::from_secs(120);

type Tags = BTreeMap<String, String>;

/// What drift detection reads of a generated role.
#[derive(Clone, Debug, PartialEq)]
pub struct RoleFacts {
    pub description: RoleDescription,
    /// The provider's inline policy ([`role::INLINE_POLICY_NAME`]), parsed.
    pub inline: Option<serde_json::Value>,
    /// ARNs of the attached managed policies.
    pub attached: BTreeSet<String>,
}

/// Tag reads waiting for the next GetResources call.
#[derive(Default)]
struct TagQueue {
    waiting: Vec<(String, oneshot::Sender<Option<Tags>>)>,
    /// A task is gathering or sending a call.
    running: bool,
}

/// One listing of the account's roles, by name.
struct RoleScan {
    at: Instant,
    roles: HashMap<String, RoleFacts>,
}

/// The shared state of one provider process (its session holds one; every
/// refresh of the process is given it).
#[derive(Default)]
pub struct SharedReads {
    tags: Mutex<TagQueue>,
    tags_off: AtomicBool,
    role_reads: AtomicUsize,
    roles_off: AtomicBool,
    roles: tokio::sync::Mutex<Option<RoleScan>>,
}

impl std::fmt::Debug for SharedReads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedReads")
            .field("tags_off", &self.tags_off)
            .field("role_reads", &self.role_reads)
            .field("roles_off", &self.roles_off)
            .finish_non_exhaustive()
    }
}

/// The queue, also after a panic elsewhere (it holds no invariant a panic
/// could break).
fn queue(m: &Mutex<TagQueue>) -> MutexGuard<'_, TagQueue> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The tags of a SageMaker object (any ARN ListTags takes); `Ok(None)` when
/// it does not exist.
pub async fn sagemaker_tags(
    c: &Clients,
    shared: &Arc<SharedReads>,
    arn: &str,
) -> Result<Option<Tags>, AwsError> {
    if !shared.tags_off.load(Ordering::Relaxed)
        && let Some(tags) = batched_tags(c, shared, arn).await
    {
        return Ok(Some(tags));
    }
    super::endpoint::tags_if_exists(c, arn).await
}

/// Joins the next GetResources call; `None` when it did not list `arn`.
async fn batched_tags(c: &Clients, shared: &Arc<SharedReads>, arn: &str) -> Option<Tags> {
    let (tx, rx) = oneshot::channel();
    let start = {
        let mut q = queue(&shared.tags);
        q.waiting.push((arn.to_string(), tx));
        !std::mem::replace(&mut q.running, true)
    };
    if start {
        // Its own task: the calls go on for the others even when the
        // read that started them is dropped.
        tokio::spawn(send_tag_batches(c.clone(), shared.clone()));
    }
    rx.await.ok().flatten()
}

/// After the window, sends GetResources calls until no read waits.
async fn send_tag_batches(c: Clients, shared: Arc<SharedReads>) {
    tokio::time::sleep(TAG_WINDOW).await;
    loop {
        let batch: Vec<(String, oneshot::Sender<Option<Tags>>)> = {
            let mut q = queue(&shared.tags);
            if q.waiting.is_empty() {
                q.running = false;
                return;
            }
            let n = q.waiting.len().min(TAG_BATCH);
            q.waiting.drain(..n).collect()
        };
        let arns: BTreeSet<&str> = batch.iter().map(|(a, _)| a.as_str()).collect();
        match get_resources(&c, arns.into_iter().collect()).await {
            Ok(found) => {
                for (arn, tx) in batch {
                    let _ = tx.send(found.get(&arn).cloned());
                }
            }
            Err(e) => {
                tracing::debug!(error = %e, "shared tag reads off: reading tags one object at a time");
                shared.tags_off.store(true, Ordering::Relaxed);
                for (_, tx) in batch {
                    let _ = tx.send(None);
                }
            }
        }
    }
}

/// GetResources for `arns` (at most [`TAG_BATCH`]): the tags of each one
/// listed. AWS leaves out what does not exist or has no tags.
async fn get_resources(c: &Clients, arns: Vec<&str>) -> Result<HashMap<String, Tags>, AwsError> {
    tracing::debug!(count = arns.len(), "tagging:GetResources");
    let out = c
        .tagging
        .get_resources()
        .set_resource_arn_list(Some(arns.into_iter().map(str::to_string).collect()))
        .send()
        .await
        .map_err(|e| AwsError::from_sdk("GetResources", e))?;
    Ok(out
        .resource_tag_mapping_list()
        .iter()
        .filter_map(|m| {
            let tags = m
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            Some((m.resource_arn()?.to_string(), tags))
        })
        .collect())
}

/// The trust policy, tags, inline policy and attached policies of role
/// `name`; `Ok(None)` when it does not exist.
pub async fn role_facts(
    c: &Clients,
    shared: &SharedReads,
    name: &str,
) -> Result<Option<RoleFacts>, AwsError> {
    let reads = shared.role_reads.fetch_add(1, Ordering::Relaxed) + 1;
    if reads > ROLE_SCAN_AFTER && !shared.roles_off.load(Ordering::Relaxed) {
        match scanned_role(c, shared, name).await {
            Ok(Some(facts)) => return Ok(Some(facts)),
            // Not in the listing: asked for directly below (it may have been
            // made since).
            Ok(None) => {}
            Err(e) => {
                tracing::debug!(error = %e, "shared role reads off: reading roles one at a time");
                shared.roles_off.store(true, Ordering::Relaxed);
            }
        }
    }
    one_role(c, name).await
}

/// The three one-role calls.
async fn one_role(c: &Clients, name: &str) -> Result<Option<RoleFacts>, AwsError> {
    let (described, inline, attached) = tokio::join!(
        role::describe(c, name),
        role::inline_policy(c, name, role::INLINE_POLICY_NAME),
        role::attached_policies(c, name),
    );
    let Some(description) = described? else {
        return Ok(None);
    };
    let inline = inline?;
    // A role deleted between the calls shows as "not found" here.
    let attached = match attached {
        Err(e) if e.is_not_found() => return Ok(None),
        other => other?,
    };
    Ok(Some(RoleFacts {
        description,
        inline,
        attached,
    }))
}

/// The role from the current listing of the account's roles (listed again
/// when older than [`ROLE_SCAN_TTL`]); `Ok(None)` when it is not in it.
async fn scanned_role(
    c: &Clients,
    shared: &SharedReads,
    name: &str,
) -> Result<Option<RoleFacts>, AwsError> {
    // One listing at a time: the reads that wait for it share it.
    let mut scan = shared.roles.lock().await;
    if scan.as_ref().is_none_or(|s| s.at.elapsed() > ROLE_SCAN_TTL) {
        *scan = Some(RoleScan {
            at: Instant::now(),
            roles: list_roles(c).await?,
        });
    }
    Ok(scan.as_ref().and_then(|s| s.roles.get(name).cloned()))
}

/// GetAccountAuthorizationDetails of the roles, every page.
async fn list_roles(c: &Clients) -> Result<HashMap<String, RoleFacts>, AwsError> {
    const OP: &str = "GetAccountAuthorizationDetails";
    let mut out = HashMap::new();
    let mut marker: Option<String> = None;
    let mut pages = Pager::new(OP);
    loop {
        tracing::debug!("iam:GetAccountAuthorizationDetails");
        let page = c
            .iam
            .get_account_authorization_details()
            .filter(aws_sdk_iam::types::EntityType::Role)
            .max_items(1000)
            .set_marker(marker.take())
            .send()
            .await
            .map_err(|e| AwsError::from_sdk(OP, e))?;
        for r in page.role_detail_list() {
            let Some(name) = r.role_name() else { continue };
            let inline = r
                .role_policy_list()
                .iter()
                .find(|p| p.policy_name() == Some(role::INLINE_POLICY_NAME))
                .and_then(|p| p.policy_document())
                .and_then(parse_document);
            let facts = RoleFacts {
                description: RoleDescription {
                    name: name.to_string(),
                    arn: r.arn().unwrap_or_default().to_string(),
                    trust_policy: r.assume_role_policy_document().and_then(parse_document),
                    tags: role::tag_map(r.tags()),
                },
                inline,
                attached: r
                    .attached_managed_policies()
                    .iter()
                    .filter_map(|p| p.policy_arn().map(str::to_string))
                    .collect(),
            };
            out.insert(name.to_string(), facts);
        }
        match pages.next(page.marker().filter(|_| page.is_truncated()))? {
            Some(m) => marker = Some(m),
            None => return Ok(out),
        }
    }
}
