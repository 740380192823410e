//! Workflows: which status a ticket of each type may move to, stored as data per tenant.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::enums::{TicketStatus, TicketType};
use entity::{workflow, workflow_transition};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::error::{DomainError, DomainResult};

/// The default workflow of a ticket type (seed 003): support and sales go
/// new → open → pending → resolved → closed, inquiries skip pending; an open ticket may be
/// cancelled, a resolved or closed one reopened, a pending one goes back to open when the
/// customer answers.
#[must_use]
pub fn default_transitions(ticket_type: TicketType) -> Vec<(TicketStatus, TicketStatus)> {
    use TicketStatus::{Cancelled, Closed, New, Open, Pending, Resolved};
    let mut moves = vec![
        (New, Open),
        (Open, Resolved),
        (Resolved, Closed),
        (Open, Cancelled),
        (Resolved, Open),
        (Closed, Open),
    ];
    if ticket_type != TicketType::Inquiry {
        moves.extend([(Open, Pending), (Pending, Open), (Pending, Resolved)]);
    }
    moves
}

/// Human name of the default workflow of a type.
#[must_use]
pub const fn default_workflow_name(ticket_type: TicketType) -> &'static str {
    match ticket_type {
        TicketType::Support => "Support ticket workflow",
        TicketType::Sales => "Sales ticket workflow",
        TicketType::Inquiry => "General inquiry workflow",
    }
}

/// Creates the three default workflows of a new tenant.
///
/// # Errors
///
/// Database errors.
pub async fn create_default_workflows(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    now: DateTime<Utc>,
) -> DomainResult<()> {
    for ticket_type in [TicketType::Support, TicketType::Sales, TicketType::Inquiry] {
        let flow = workflow::ActiveModel {
            tenant_id: Set(tenant_id),
            ticket_type: Set(ticket_type),
            name: Set(default_workflow_name(ticket_type).to_owned()),
            initial_status: Set(TicketStatus::New),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        let rows = default_transitions(ticket_type)
            .into_iter()
            .map(|(from, to)| workflow_transition::ActiveModel {
                tenant_id: Set(tenant_id),
                workflow_id: Set(flow.id),
                from_status: Set(from),
                to_status: Set(to),
                ..Default::default()
            });
        workflow_transition::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// Every tenant's workflows as this instance last loaded them, forgotten when they change
/// (on every instance: the change travels as a [`crate::events::LiveEventKind::SetupChanged`]
/// event), so a ticket's next moves cost no query per request or per live event.
#[derive(Debug, Default)]
pub struct WorkflowCache {
    entries: std::sync::Mutex<HashMap<i64, std::sync::Arc<TenantWorkflows>>>,
    /// Bumped by every [`Self::forget`], so that a load that began before it is not kept.
    generation: std::sync::atomic::AtomicU64,
}

impl WorkflowCache {
    /// The workflows of `tenant_id`, loaded on first use.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        tenant_id: i64,
    ) -> DomainResult<std::sync::Arc<TenantWorkflows>> {
        use std::sync::atomic::Ordering;
        if let Some(found) = self.lock().get(&tenant_id) {
            return Ok(std::sync::Arc::clone(found));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let loaded = std::sync::Arc::new(TenantWorkflows::load(db, tenant_id).await?);
        let mut entries = self.lock();
        if self.generation.load(Ordering::SeqCst) == generation {
            entries.insert(tenant_id, std::sync::Arc::clone(&loaded));
        }
        Ok(loaded)
    }

    /// Forgets what is kept of `tenant_id`'s workflows.
    pub fn forget(&self, tenant_id: i64) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.lock().remove(&tenant_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<i64, std::sync::Arc<TenantWorkflows>>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The workflows of a tenant, ready to answer "may this ticket move there?".
#[derive(Debug, Clone, Default)]
pub struct TenantWorkflows {
    initial: HashMap<TicketType, TicketStatus>,
    moves: HashMap<TicketType, Vec<(TicketStatus, TicketStatus)>>,
}

impl TenantWorkflows {
    /// Loads every workflow of `tenant_id` in two statements.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn load(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<Self> {
        let flows = workflow::Entity::find()
            .filter(workflow::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let transitions = workflow_transition::Entity::find()
            .filter(workflow_transition::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?;
        let type_of: HashMap<i64, TicketType> =
            flows.iter().map(|f| (f.id, f.ticket_type)).collect();
        let mut result = Self {
            initial: flows
                .iter()
                .map(|f| (f.ticket_type, f.initial_status))
                .collect(),
            moves: HashMap::new(),
        };
        for t in transitions {
            if let Some(ticket_type) = type_of.get(&t.workflow_id) {
                result
                    .moves
                    .entry(*ticket_type)
                    .or_default()
                    .push((t.from_status, t.to_status));
            }
        }
        Ok(result)
    }

    /// The status a new ticket of `ticket_type` starts in.
    #[must_use]
    pub fn initial_status(&self, ticket_type: TicketType) -> TicketStatus {
        self.initial
            .get(&ticket_type)
            .copied()
            .unwrap_or(TicketStatus::New)
    }

    /// The statuses a ticket of `ticket_type` in `from` may move to, in workflow order.
    #[must_use]
    pub fn allowed(&self, ticket_type: TicketType, from: TicketStatus) -> Vec<TicketStatus> {
        self.moves
            .get(&ticket_type)
            .map(|moves| {
                moves
                    .iter()
                    .filter(|(f, _)| *f == from)
                    .map(|(_, to)| *to)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Refuses a move the workflow does not allow.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `status`, listing the allowed moves.
    pub fn ensure_allowed(
        &self,
        ticket_type: TicketType,
        from: TicketStatus,
        to: TicketStatus,
    ) -> DomainResult<()> {
        let allowed = self.allowed(ticket_type, from);
        if allowed.contains(&to) {
            return Ok(());
        }
        let list = if allowed.is_empty() {
            "none".to_owned()
        } else {
            allowed
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        Err(DomainError::validation(
            "status",
            format!(
                "a {} ticket cannot move from {} to {}; allowed: {list}",
                ticket_type.as_str(),
                from.as_str(),
                to.as_str()
            ),
        ))
    }
}
