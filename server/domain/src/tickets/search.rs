//! Full-text search over subjects, descriptions and messages.

use sea_orm::sea_query::Expr;
use sea_orm::DbBackend;

use crate::actor::Actor;

/// The words of a search, lower-cased, without punctuation (which both full-text query
/// languages would interpret).
pub(super) fn search_words(search: &str) -> Vec<String> {
    search
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(12)
        .map(str::to_lowercase)
        .collect()
}

/// The full-text condition on `tickets` for `words`, in the backend's dialect.
pub(super) fn search_condition(
    backend: DbBackend,
    actor: &Actor,
    words: &[String],
) -> sea_orm::sea_query::SimpleExpr {
    let public_only = !actor.is_staff();
    match backend {
        DbBackend::Postgres => {
            // The indexed vectors carry a lexeme naming the tenant: asked for with the
            // words, GIN walks the caller's tenant's entries only.
            let query = std::iter::once(format!("guichettenant{}", actor.tenant_id))
                .chain(words.iter().map(|w| format!("{w}:*")))
                .collect::<Vec<_>>()
                .join(" & ");
            let visibility = if public_only {
                " AND m.visibility = 'public'"
            } else {
                ""
            };
            // Each branch can use its GIN index (a bitmap scan); an `OR` with `EXISTS`
            // would make PostgreSQL test every ticket newest first instead.
            Expr::cust_with_values(
                format!(
                    "\"tickets\".\"id\" IN (\
                     SELECT t.id FROM tickets t WHERE t.tenant_id = $1 \
                     AND to_tsvector('simple', 'guichettenant' || t.tenant_id::text || ' ' || guichet_fold(t.subject || ' ' || t.description)) @@ to_tsquery('simple', guichet_fold($2)) \
                     UNION SELECT m.ticket_id FROM messages m WHERE m.tenant_id = $3{visibility} \
                     AND to_tsvector('simple', 'guichettenant' || m.tenant_id::text || ' ' || guichet_fold(m.body)) @@ to_tsquery('simple', guichet_fold($4)))"
                ),
                [
                    sea_orm::Value::from(actor.tenant_id),
                    query.clone().into(),
                    actor.tenant_id.into(),
                    query.into(),
                ],
            )
        }
        _ => {
            let words = words
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" ");
            // Matched with the tenant inside FTS5: the index yields only the caller's
            // tenant's entries, never every tenant's matches to filter afterwards.
            let tenant = format!("tenant_id : \"{}\"", actor.tenant_id);
            let in_tickets = format!("{tenant} AND {{subject description}} : ({words})");
            let (in_messages, visibility) = if public_only {
                (
                    format!("{tenant} AND visibility : \"public\" AND body : ({words})"),
                    " AND m.visibility = 'public'",
                )
            } else {
                (format!("{tenant} AND body : ({words})"), "")
            };
            // The FTS5 rowids are the tickets' and the messages' ids, so a match costs no
            // read of the indexed text; the tenant and visibility are checked again on
            // the rows, and the outer query keeps the tenant's tickets. `CROSS JOIN` makes
            // SQLite start from the matches: its planner may otherwise walk every message
            // and ask the full-text index once per message (9 s on 20 000 tickets).
            Expr::cust_with_values(
                format!(
                    "\"tickets\".\"id\" IN (\
                     SELECT rowid FROM ticket_text WHERE ticket_text MATCH ? \
                     UNION SELECT m.ticket_id FROM message_text CROSS JOIN messages m ON m.id = message_text.rowid \
                     WHERE message_text MATCH ? AND m.tenant_id = ?{visibility})"
                ),
                [
                    sea_orm::Value::from(in_tickets),
                    in_messages.into(),
                    actor.tenant_id.into(),
                ],
            )
        }
    }
}
