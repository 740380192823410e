//! The channel adapters: each provider's wire format at the edge of the domain. Inbound,
//! `telegram`, `twilio` and `inbound_email` turn a provider's webhook payload into "a
//! message from this contact on this channel" (or a staff command run through the same
//! domain functions as the API); outbound, `transport` sends the outboxes' messages over
//! SMTP and the providers' HTTP APIs.

pub mod inbound_email;
pub mod telegram;
pub mod transport;
pub mod twilio;
