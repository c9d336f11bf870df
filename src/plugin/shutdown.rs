//! Process-wide shutdown signal.
//!
//! The plugin triggers it when Terraform calls `GRPCController.Shutdown` or the
//! process receives SIGTERM (or Ctrl-C in debug mode). Anything long-running,
//! such as the provider waiting on AWS, can watch it through [`signal`]:
//!
//! ```no_run
//! # async fn demo() {
//! let stop = tfsm::plugin::shutdown::signal();
//! tokio::select! {
//!     _ = stop.wait() => { /* give up, Terraform is going away */ }
//!     _ = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
//! }
//! # }
//! ```

use std::sync::OnceLock;
use tokio::sync::watch;

/// A shutdown flag and its watchers. The process uses one global instance,
/// reached through [`trigger`] and [`signal`].
#[derive(Debug)]
pub struct Shutdown {
    tx: watch::Sender<bool>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Shutdown {
    pub fn new() -> Self {
        Self {
            tx: watch::channel(false).0,
        }
    }

    /// Sets the flag. Safe to call more than once.
    pub fn trigger(&self) {
        self.tx.send_replace(true);
    }

    /// A handle that watches the flag.
    pub fn signal(&self) -> ShutdownSignal {
        ShutdownSignal {
            rx: self.tx.subscribe(),
        }
    }
}

fn global() -> &'static Shutdown {
    static GLOBAL: OnceLock<Shutdown> = OnceLock::new();
    GLOBAL.get_or_init(Shutdown::new)
}

/// Asks the whole process to shut down. Safe to call more than once.
pub fn trigger() {
    global().trigger();
}

/// Returns a handle on the process-wide shutdown signal.
pub fn signal() -> ShutdownSignal {
    global().signal()
}

/// A handle that tells whether shutdown has been requested.
#[derive(Debug, Clone)]
pub struct ShutdownSignal {
    rx: watch::Receiver<bool>,
}

impl ShutdownSignal {
    /// True once shutdown has been requested.
    pub fn is_triggered(&self) -> bool {
        *self.rx.borrow()
    }

    /// Completes once shutdown has been requested (at once if it already was).
    pub async fn wait(&self) {
        let mut rx = self.rx.clone();
        if rx.wait_for(|stopped| *stopped).await.is_err() {
            // The flag's owner is gone, so nobody can set it any more: never
            // complete rather than report a shutdown that did not happen.
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn wait_completes_after_trigger() {
        let flag = Shutdown::new();
        let s = flag.signal();
        let waiter = tokio::spawn({
            let s = s.clone();
            async move { s.wait().await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        flag.trigger();
        tokio::time::timeout(Duration::from_secs(2), waiter)
            .await
            .expect("wait() did not finish")
            .unwrap();
        assert!(s.is_triggered());
        // A handle taken later sees it too, and wait() returns at once.
        flag.signal().wait().await;
    }
}
