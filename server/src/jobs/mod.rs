//! Scheduled jobs: SLA breaches, auto-close, budget alerts, daily digests, report rollups and mail delivery, run every `jobs_interval_seconds` by each
//! instance. Every job is idempotent and safe to run concurrently on several instances (see
//! the modules in `domain`), so no leader election is needed.

use std::time::Duration;

use crate::domain::auto_close::{run_auto_close, AutoCloseReport};
use crate::domain::costs::budgets::raise_budget_alerts;
use crate::domain::costs::reports::rollups::compact as compact_rollups;
use crate::domain::delivery::{deliver_all, DeliveryReport};
use crate::domain::notifications::digest::send_digests;
use crate::domain::sessions::purge_ended_sessions;
use crate::domain::sla::{check_sla_breaches, SlaReport};
use crate::domain::{DomainResult, Services};

/// What one pass of every job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobsReport {
    /// SLA breaches recorded.
    pub sla: SlaReport,
    /// Reminders and closures.
    pub auto_close: AutoCloseReport,
    /// Budget threshold alerts raised.
    pub budget_alerts: u64,
    /// Daily digests queued.
    pub digests: u64,
    /// Mails sent from the outbox.
    pub mail: DeliveryReport,
    /// Telegram, SMS and WhatsApp messages sent from the channel outbox.
    pub channels: DeliveryReport,
    /// Report rollup rows folded (one per key and day touched since the last pass).
    pub rollups_folded: u64,
}

/// Runs every job once, at the services' clock time.
///
/// # Errors
///
/// The first job failure (database errors).
pub async fn run_due_jobs(svc: &Services) -> DomainResult<JobsReport> {
    let sla = check_sla_breaches(svc).await?;
    let auto_close = run_auto_close(svc).await?;
    let budget_alerts = raise_budget_alerts(svc, None, None).await?;
    let digests = send_digests(svc).await?;
    purge_ended_sessions(svc).await?;
    let rollups_folded = compact_rollups(&svc.db).await?;
    // Last, so that messages queued by the jobs above leave in the same pass; each outbox
    // on its own, so one failing transport never holds back the others.
    let delivered = deliver_all(svc).await;
    Ok(JobsReport {
        sla,
        auto_close,
        budget_alerts,
        digests,
        mail: delivered.mail,
        channels: delivered.channels,
        rollups_folded,
    })
}

/// Runs the jobs every `interval` until `stop` completes; a pass that has begun runs to
/// its end (each job step commits on its own), so awaiting the handle after `stop` waits
/// for the running step only.
pub fn spawn_scheduler(
    svc: Services,
    interval: Duration,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = &mut stop => return,
            }
            // Planner statistics about once an hour (SQLite; a no-op elsewhere).
            if ticks % 60 == 0 {
                if let Err(error) = crate::db::refresh_statistics(&svc.db).await {
                    tracing::warn!(%error, "refreshing planner statistics failed");
                }
            }
            ticks = ticks.wrapping_add(1);
            match run_due_jobs(&svc).await {
                Ok(report) if report != JobsReport::default() => {
                    tracing::info!(?report, "scheduled jobs ran")
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(error = %crate::domain::error::Chain(&error), "scheduled jobs failed")
                }
            }
        }
    })
}
