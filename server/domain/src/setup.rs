//! A tenant's setup as this instance keeps it: the tenant's row (its settings: calendar,
//! auto-assignment, letterhead, notification defaults), its SLA policies, departments and
//! message templates. Every ticket creation, reply and announcement reads them, and they
//! change a few times a year, so they are read once per instance and kept until they
//! change.
//!
//! Every change goes through [`changed`] after its commit, which publishes a
//! [`LiveEventKind::SetupChanged`]: this instance forgets the tenant's setup at once, the
//! others when the event reaches them (as the workflows, kept beside it).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use entity::enums::{DepartmentKind, TicketType};
use entity::{department, message_template, sla_policy, tenant};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::error::DomainResult;
use crate::events::{LiveEvent, LiveEventKind};
use crate::notices::Lang;
use crate::Services;

/// What a tenant has set up, read in four statements.
#[derive(Debug, Clone)]
pub struct TenantSetup {
    /// The tenant's row.
    pub tenant: tenant::Model,
    sla_policies: HashMap<TicketType, sla_policy::Model>,
    departments: HashMap<DepartmentKind, i64>,
    /// The admins' templates: by notice name and language, the subject and body.
    pub(crate) templates: HashMap<(String, Lang), (String, String)>,
}

impl TenantSetup {
    /// Reads the setup of `tenant_id`; `None` for a tenant that does not exist.
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn load(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<Option<Self>> {
        let Some(found) = tenant::Entity::find_by_id(tenant_id).one(db).await? else {
            return Ok(None);
        };
        let sla_policies = sla_policy::Entity::find()
            .filter(sla_policy::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?
            .into_iter()
            .map(|p| (p.ticket_type, p))
            .collect();
        // The first department of a kind routes (as a lookup by kind would find it).
        let mut departments = HashMap::new();
        for d in department::Entity::find()
            .filter(department::Column::TenantId.eq(tenant_id))
            .order_by_asc(department::Column::Id)
            .all(db)
            .await?
        {
            departments.entry(d.kind).or_insert(d.id);
        }
        let templates = message_template::Entity::find()
            .filter(message_template::Column::TenantId.eq(tenant_id))
            .all(db)
            .await?
            .into_iter()
            .filter_map(|row| {
                let lang = Lang::parse(&row.lang)?;
                Some(((row.notice, lang), (row.subject, row.body)))
            })
            .collect();
        Ok(Some(Self {
            tenant: found,
            sla_policies,
            departments,
            templates,
        }))
    }

    /// The SLA policy of a ticket type, if the tenant has one.
    #[must_use]
    pub fn sla_policy(&self, ticket_type: TicketType) -> Option<&sla_policy::Model> {
        self.sla_policies.get(&ticket_type)
    }

    /// The department of a kind, if the tenant has one.
    #[must_use]
    pub fn department(&self, kind: DepartmentKind) -> Option<i64> {
        self.departments.get(&kind).copied()
    }

    /// Whether new tickets are given to an available agent (the `auto_assign` setting, on
    /// by default).
    #[must_use]
    pub fn auto_assignment(&self) -> bool {
        self.tenant
            .settings
            .get("auto_assign")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true)
    }

    /// The tenant's business calendar.
    #[must_use]
    pub fn calendar(&self) -> crate::calendar::BusinessCalendar {
        crate::calendar::BusinessCalendar::new(&crate::calendar::settings_of(&self.tenant.settings))
            .unwrap_or_default()
    }
}

/// Every tenant's setup as this instance last read it.
#[derive(Debug, Default)]
pub struct SetupCache {
    entries: Mutex<HashMap<i64, Arc<TenantSetup>>>,
    /// Bumped by every [`Self::forget`], so that a read that began before it is not kept.
    generation: AtomicU64,
}

impl SetupCache {
    /// The setup of `tenant_id`, read on first use; `None` for a tenant that does not
    /// exist (not kept).
    ///
    /// # Errors
    ///
    /// Database errors.
    pub async fn get(
        &self,
        db: &impl ConnectionTrait,
        tenant_id: i64,
    ) -> DomainResult<Option<Arc<TenantSetup>>> {
        if let Some(found) = self.lock().get(&tenant_id) {
            return Ok(Some(Arc::clone(found)));
        }
        let generation = self.generation.load(Ordering::SeqCst);
        let Some(loaded) = TenantSetup::load(db, tenant_id).await? else {
            return Ok(None);
        };
        let loaded = Arc::new(loaded);
        let mut entries = self.lock();
        if self.generation.load(Ordering::SeqCst) == generation {
            entries.insert(tenant_id, Arc::clone(&loaded));
        }
        Ok(Some(loaded))
    }

    /// Forgets what is kept of `tenant_id`'s setup.
    pub fn forget(&self, tenant_id: i64) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.lock().remove(&tenant_id);
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Arc<TenantSetup>>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Tells every instance that `tenant_id`'s setup changed (its settings, SLA policies,
/// departments, templates or workflows); call after the change is committed.
pub async fn changed(svc: &Services, tenant_id: i64) {
    svc.events
        .publish(LiveEvent::tenant_wide(
            tenant_id,
            LiveEventKind::SetupChanged,
        ))
        .await;
}
