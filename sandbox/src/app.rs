//! Shared sandbox state: the SageMaker objects, fault rules, request log, durations, and what
//! the proxy learned about moto (role creation times, regions in use, seeded S3 objects).

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use crate::error::SandboxError;
use crate::faults::Faults;
use crate::log::RequestLog;
use crate::moto::{MotoClient, parse_s3_uri};
use crate::options::{Durations, DurationsPatch, SandboxOptions};
use crate::store::State;
use crate::{DEFAULT_REGION, time};

/// Body of seeded objects when none is given.
pub const DEFAULT_SEED_BODY: &[u8] = b"sagemaker-sandbox placeholder model data\n";

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Everything the request handlers share.
#[derive(Debug)]
pub struct App {
    pub moto: MotoClient,
    sagemaker: Mutex<State>,
    faults: Mutex<Faults>,
    log: Mutex<RequestLog>,
    durations: Mutex<Durations>,
    initial_durations: Durations,
    startup_seeds: Vec<String>,
    role_created: Mutex<HashMap<String, f64>>,
    regions: Mutex<BTreeSet<String>>,
    seeded: Mutex<BTreeSet<(String, String)>>,
    /// Bumped by every reset, so background work started before it can tell and give up.
    generation: AtomicU64,
    /// Endpoints create their CloudWatch log group in moto when they become InService.
    endpoint_log_groups: bool,
}

impl App {
    pub fn new(moto: MotoClient, opts: &SandboxOptions) -> App {
        App {
            moto,
            sagemaker: Mutex::default(),
            faults: Mutex::default(),
            log: Mutex::default(),
            durations: Mutex::new(opts.durations),
            initial_durations: opts.durations,
            startup_seeds: opts.seed_objects.clone(),
            role_created: Mutex::default(),
            regions: Mutex::new(BTreeSet::from([DEFAULT_REGION.to_string()])),
            seeded: Mutex::default(),
            generation: AtomicU64::new(0),
            endpoint_log_groups: opts.endpoint_log_groups,
        }
    }

    /// Whether endpoints create their log group in moto (the `endpoint_log_groups` option).
    pub fn endpoint_log_groups(&self) -> bool {
        self.endpoint_log_groups
    }

    pub fn sagemaker(&self) -> MutexGuard<'_, State> {
        lock(&self.sagemaker)
    }

    pub fn faults(&self) -> MutexGuard<'_, Faults> {
        lock(&self.faults)
    }

    pub fn log(&self) -> MutexGuard<'_, RequestLog> {
        lock(&self.log)
    }

    pub fn durations(&self) -> Durations {
        *lock(&self.durations)
    }

    pub fn set_durations(&self, patch: &DurationsPatch) -> Durations {
        let mut d = lock(&self.durations);
        d.apply(patch);
        *d
    }

    /// When the proxy saw IAM role `name` being created.
    pub fn role_created_at(&self, name: &str) -> Option<f64> {
        lock(&self.role_created).get(name).copied()
    }

    pub fn note_role_created(&self, name: &str) {
        lock(&self.role_created).insert(name.to_string(), time::now());
    }

    pub fn note_role_deleted(&self, name: &str) {
        lock(&self.role_created).remove(name);
    }

    pub fn note_region(&self, region: &str) {
        if !region.is_empty() {
            let mut r = lock(&self.regions);
            if !r.contains(region) {
                r.insert(region.to_string());
            }
        }
    }

    /// Regions seen in requests (always including us-east-1).
    pub fn regions(&self) -> Vec<String> {
        lock(&self.regions).iter().cloned().collect()
    }

    /// How many resets happened so far: background work (asynchronous inferences) compares
    /// it with the value it started under and drops its results after a reset.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// Seeded `(bucket, key)` pairs.
    pub fn seeded(&self) -> BTreeSet<(String, String)> {
        lock(&self.seeded).clone()
    }

    /// Creates the bucket and object of `uri` (`s3://bucket/key`) in moto.
    pub async fn seed(&self, uri: &str, body: Option<Vec<u8>>) -> Result<(), SandboxError> {
        let (bucket, key) = parse_s3_uri(uri)
            .filter(|(_, k)| !k.is_empty())
            .ok_or_else(|| {
                SandboxError::InvalidOption(format!(
                    "seed object must be s3://bucket/key, got {uri:?}"
                ))
            })?;
        let body = body.unwrap_or_else(|| DEFAULT_SEED_BODY.to_vec());
        self.moto.s3_put_object(&bucket, &key, body).await?;
        lock(&self.seeded).insert((bucket, key));
        Ok(())
    }

    /// Seeds the objects named at start-up.
    pub async fn seed_startup_objects(&self) -> Result<(), SandboxError> {
        for uri in &self.startup_seeds {
            self.seed(uri, None).await?;
        }
        Ok(())
    }

    /// Back to the state right after start: SageMaker objects, rules, log, moto, durations;
    /// start-up seed objects are created again.
    pub async fn reset(&self) -> Result<(), SandboxError> {
        self.generation.fetch_add(1, Ordering::SeqCst);
        *self.sagemaker() = State::default();
        self.faults().clear();
        self.log().clear();
        *lock(&self.durations) = self.initial_durations;
        lock(&self.role_created).clear();
        lock(&self.seeded).clear();
        {
            let mut r = lock(&self.regions);
            r.clear();
            r.insert(DEFAULT_REGION.to_string());
        }
        self.moto.reset().await?;
        self.seed_startup_objects().await
    }
}
