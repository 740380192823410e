//! Scheduled jobs: SLA breaches, auto-close, budget alerts and mail delivery, run every `jobs_interval_seconds` by each
//! instance. Every job is idempotent and safe to run concurrently on several instances (see
//! the modules in `domain`), so no leader election is needed.

use std::time::Duration;

use crate::domain::auto_close::{run_auto_close, AutoCloseReport};
use crate::domain::budgets::raise_budget_alerts;
use crate::domain::channels::{deliver_channel_outbox, ChannelReport};
use crate::domain::mail::{deliver_outbox, MailReport};
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
    /// Mails sent from the outbox.
    pub mail: MailReport,
    /// Telegram, SMS and WhatsApp messages sent from the channel outbox.
    pub channels: ChannelReport,
}

/// Runs every job once, at the services' clock time.
///
/// # Errors
///
/// The first job failure (database errors).
pub async fn run_due_jobs(svc: &Services) -> DomainResult<JobsReport> {
    Ok(JobsReport {
        sla: check_sla_breaches(svc).await?,
        auto_close: run_auto_close(svc).await?,
        budget_alerts: raise_budget_alerts(svc, None, None).await?,
        // Last, so that mails queued by the jobs above leave in the same pass.
        mail: deliver_outbox(svc).await?,
        channels: deliver_channel_outbox(svc).await?,
    })
}

/// Runs the jobs every `interval` until the process ends.
pub fn spawn_scheduler(svc: Services, interval: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut ticks: u64 = 0;
        loop {
            ticker.tick().await;
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
                Err(error) => tracing::error!(%error, "scheduled jobs failed"),
            }
        }
    })
}
