//! Inbound contacts (seed 002's `handleIncomingMessage`): a message arrives from a phone
//! number or an e-mail address; the customer it belongs to is found, or created as a
//! prospect, and the interaction is logged on its timeline.
//!
//! The same person is never created twice, even by concurrent calls: phone numbers are
//! normalised to E.164 and e-mails to lower case before they are stored, the database has
//! unique indexes on `(tenant_id, phone)` and `(tenant_id, email)`, and a creation that
//! loses the race to another one re-reads the winner instead of failing.

use entity::customer;
use entity::enums::{ActivityKind, Channel, CustomerSegment};
use phonenumber::{country, Mode};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};

use super::{
    insert_activity, insert_customer, insert_tags, publish_customer, NewActivity, NewCustomer,
};
use crate::actor::Actor;
use crate::error::{DomainError, DomainResult};
use crate::events::LiveEventKind;
use crate::permissions::Permission;
use crate::tenants::normalize_email;
use crate::Services;

/// The country whose numbering plan applies to numbers written without `+`, when the tenant
/// says nothing else.
pub const DEFAULT_REGION: &str = "FR";

/// Normalises a phone number to E.164 (`+33612345678`); `region` (ISO 3166, e.g. `FR`) is
/// the numbering plan of national numbers such as `06 12 34 56 78`.
///
/// # Errors
///
/// [`DomainError::Validation`] on `phone` when it is not a valid number.
pub fn normalize_phone(phone: &str, region: &str) -> DomainResult<String> {
    let invalid = || {
        DomainError::validation(
            "phone",
            format!("'{}' is not a valid phone number", phone.trim()),
        )
    };
    let region = region.parse::<country::Id>().unwrap_or(country::Id::FR);
    let number = phonenumber::parse(Some(region), phone.trim()).map_err(|_| invalid())?;
    if !phonenumber::is_valid(&number) {
        return Err(invalid());
    }
    Ok(number.format().mode(Mode::E164).to_string())
}

/// A message or call from someone who may or may not be a customer yet.
#[derive(Debug, Clone)]
pub struct InboundContact {
    /// The channel it came through.
    pub channel: Channel,
    /// The sender's phone number, in any usual form.
    pub phone: Option<String>,
    /// The sender's e-mail address.
    pub email: Option<String>,
    /// The sender's first name, if known.
    pub first_name: Option<String>,
    /// The sender's last name, if known.
    pub last_name: Option<String>,
    /// What they wrote or said.
    pub message: Option<String>,
}

/// The outcome of [`find_or_create_from_contact`].
#[derive(Debug, Clone)]
pub struct ContactOutcome {
    /// The customer, found or created.
    pub customer: customer::Model,
    /// Whether it was created by this call.
    pub created: bool,
}

/// Finds the customer with this phone number (first) or e-mail address in the actor's
/// tenant, or creates one (segment prospect; tags `auto-created`, `first-contact` and the
/// channel's name); then logs a `message_received` activity.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for customers; [`DomainError::Validation`] when neither a
/// valid phone number nor a valid e-mail address is given.
pub async fn find_or_create_from_contact(
    svc: &Services,
    actor: &Actor,
    contact: InboundContact,
) -> DomainResult<ContactOutcome> {
    actor.require(Permission::WriteCrm)?;
    use crate::text::clean_opt;
    let contact = InboundContact {
        phone: clean_opt(contact.phone),
        email: clean_opt(contact.email),
        first_name: clean_opt(contact.first_name),
        last_name: clean_opt(contact.last_name),
        message: clean_opt(contact.message),
        ..contact
    };
    let region = tenant_region(&svc.db, actor.tenant_id).await?;
    let phone = contact
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| normalize_phone(p, &region))
        .transpose()?;
    let email = contact
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(normalize_email)
        .transpose()?;
    if phone.is_none() && email.is_none() {
        return Err(DomainError::validation(
            "phone",
            "give the sender's phone number or e-mail address",
        ));
    }
    let activity = || NewActivity {
        kind: ActivityKind::MessageReceived,
        channel: Some(contact.channel),
        description: contact.message.clone(),
        metadata: None,
        occurred_at: None,
    };
    // A creation can lose a race against a concurrent one (unique violation): the loser
    // re-reads and finds the winner. Three rounds are plenty: the second always finds it.
    for _ in 0..3 {
        let now = svc.now();
        if let Some(found) =
            find_by_contact(&svc.db, actor.tenant_id, phone.as_deref(), email.as_deref()).await?
        {
            let txn = svc.begin().await?;
            insert_activity(&txn, &found, Some(actor.user_id), activity(), now).await?;
            txn.commit().await?;
            publish_customer(svc, &found, LiveEventKind::CustomerUpdated).await;
            return Ok(ContactOutcome {
                customer: found,
                created: false,
            });
        }
        let txn = svc.begin().await?;
        let created = async {
            let created = insert_customer(
                &txn,
                actor.tenant_id,
                NewCustomer {
                    first_name: contact
                        .first_name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| "Client".to_owned()),
                    last_name: contact
                        .last_name
                        .clone()
                        .filter(|n| !n.trim().is_empty())
                        .unwrap_or_else(|| "Inconnu".to_owned()),
                    email: email.clone(),
                    phone: phone.clone(),
                    segment: Some(CustomerSegment::Prospect),
                    preferred_channel: Some(contact.channel),
                    ..Default::default()
                },
                now,
            )
            .await?;
            insert_tags(
                &txn,
                &created,
                &[
                    "auto-created".to_owned(),
                    "first-contact".to_owned(),
                    contact.channel.as_str().to_owned(),
                ],
                now,
            )
            .await?;
            insert_activity(&txn, &created, Some(actor.user_id), activity(), now).await?;
            Ok::<_, DomainError>(created)
        }
        .await;
        match created {
            Ok(created) => {
                txn.commit().await?;
                publish_customer(svc, &created, LiveEventKind::CustomerCreated).await;
                let created =
                    crate::customers::find_customer(&svc.db, actor.tenant_id, created.id).await?;
                return Ok(ContactOutcome {
                    customer: created,
                    created: true,
                });
            }
            Err(DomainError::Conflict(_)) => {
                // Someone else created this person meanwhile: read it on the next round.
                txn.rollback().await?;
            }
            Err(other) => return Err(other),
        }
    }
    Err(DomainError::Conflict(
        "this contact is being created by another request, try again".into(),
    ))
}

pub(super) async fn find_by_contact(
    db: &impl ConnectionTrait,
    tenant_id: i64,
    phone: Option<&str>,
    email: Option<&str>,
) -> DomainResult<Option<customer::Model>> {
    let mut any = Condition::any();
    if let Some(phone) = phone {
        any = any.add(customer::Column::Phone.eq(phone));
    }
    if let Some(email) = email {
        any = any.add(customer::Column::Email.eq(email));
    }
    let found = customer::Entity::find()
        .filter(customer::Column::TenantId.eq(tenant_id))
        .filter(any)
        .all(db)
        .await?;
    // The phone number wins when it and the e-mail point at two different customers.
    let by_phone = phone.and_then(|p| found.iter().find(|c| c.phone.as_deref() == Some(p)));
    Ok(by_phone.or_else(|| found.first()).cloned())
}

/// The tenant's country (`settings.country`), [`DEFAULT_REGION`] when unset.
pub(super) async fn tenant_region(
    db: &impl ConnectionTrait,
    tenant_id: i64,
) -> DomainResult<String> {
    let tenant = entity::tenant::Entity::find_by_id(tenant_id)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    Ok(tenant
        .settings
        .get("country")
        .and_then(|c| c.as_str())
        .map_or_else(|| DEFAULT_REGION.to_owned(), str::to_uppercase))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_to_e164() {
        for written in [
            "06 12 34 56 78",
            "0612345678",
            "+33 6 12 34 56 78",
            "+33612345678",
        ] {
            assert_eq!(
                normalize_phone(written, "FR").ok().as_deref(),
                Some("+33612345678"),
                "{written}"
            );
        }
        // A national Belgian number with a Belgian tenant; an international one anywhere.
        assert_eq!(
            normalize_phone("0470 12 34 56", "BE").ok().as_deref(),
            Some("+32470123456")
        );
        assert_eq!(
            normalize_phone("+32 470 12 34 56", "FR").ok().as_deref(),
            Some("+32470123456")
        );
        for bad in ["12", "pas un numéro", "+33 1"] {
            assert!(normalize_phone(bad, "FR").is_err(), "{bad}");
        }
    }
}
