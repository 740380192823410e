//! A notice made into a mail: the tenant's name and signature around the words, as plain
//! text and as its HTML alternative. Every mail Guichet queues is composed here, so they
//! all look alike and carry the signature.

use std::sync::LazyLock;

use entity::tenant;
use minijinja::Environment;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde::Serialize;

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::notices::Worded;
use super::permissions::Permission;
use super::Services;

/// The key of the mail signature in `tenants.settings`.
pub const SIGNATURE_KEY: &str = "mail_signature";
/// The longest signature accepted.
pub const MAX_SIGNATURE_CHARS: usize = 2_000;

/// What every mail of a tenant carries: its name and its signature.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letterhead {
    /// The tenant's name (the mail's header).
    pub tenant_name: String,
    /// The signature under the words; may be empty.
    pub signature: String,
}

/// A mail ready to queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    /// The subject.
    pub subject: String,
    /// The plain-text part.
    pub text: String,
    /// The HTML alternative.
    pub html: String,
}

/// The letterhead of `tenant_id` (an empty one for a tenant that no longer exists).
///
/// # Errors
///
/// Database errors.
pub async fn letterhead(db: &impl ConnectionTrait, tenant_id: i64) -> DomainResult<Letterhead> {
    let found = tenant::Entity::find_by_id(tenant_id).one(db).await?;
    Ok(found.map(|t| letterhead_of(&t)).unwrap_or_default())
}

/// The letterhead stored with a tenant.
#[must_use]
pub fn letterhead_of(found: &tenant::Model) -> Letterhead {
    Letterhead {
        tenant_name: found.name.clone(),
        signature: found
            .settings
            .get(SIGNATURE_KEY)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}

/// The tenant's mail signature; admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for anyone who may not configure the tenant.
pub async fn signature(svc: &Services, actor: &Actor) -> DomainResult<String> {
    actor.require(Permission::ConfigureTenant)?;
    Ok(letterhead(&svc.db, actor.tenant_id).await?.signature)
}

/// Sets the tenant's mail signature (empty: none); admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`]; [`DomainError::Validation`] for a signature too long or
/// holding control characters other than line breaks.
pub async fn set_signature(svc: &Services, actor: &Actor, text: &str) -> DomainResult<String> {
    actor.require(Permission::ConfigureTenant)?;
    let text = text.trim().replace("\r\n", "\n");
    if text.chars().count() > MAX_SIGNATURE_CHARS {
        return Err(DomainError::validation(
            "signature",
            format!("at most {MAX_SIGNATURE_CHARS} characters"),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(DomainError::validation(
            "signature",
            "must not contain control characters",
        ));
    }
    let found = tenant::Entity::find_by_id(actor.tenant_id)
        .one(&svc.db)
        .await?
        .ok_or(DomainError::NotFound("tenant"))?;
    let mut settings = found.settings.clone();
    if !settings.is_object() {
        settings = serde_json::json!({});
    }
    settings[SIGNATURE_KEY] = serde_json::Value::String(text.clone());
    let mut active = found.into_active_model();
    active.settings = Set(settings);
    active.update(&svc.db).await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    Ok(text)
}

/// A run of text, linked when it is a web address.
#[derive(Debug, Serialize)]
struct Piece {
    text: String,
    href: Option<String>,
}

/// A paragraph, or a quoted passage (lines that start with `>`).
#[derive(Debug, Serialize)]
struct Block {
    quote: bool,
    lines: Vec<Vec<Piece>>,
}

/// The HTML layout; MiniJinja escapes every value (the name ends in `.html`).
const LAYOUT: &str = r#"<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ subject }}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#1f2933">
<div style="max-width:640px;margin:0 auto;padding:24px 16px">
<div style="font-size:14px;font-weight:600;color:#52606d;margin:0 0 12px">{{ tenant }}</div>
<div style="background:#ffffff;border-radius:8px;padding:24px;font-size:15px;line-height:1.5">
{%- macro blocks(items) %}{% for block in items %}{% if block.quote %}<blockquote style="margin:0 0 12px;padding:0 0 0 12px;border-left:3px solid #cbd2d9;color:#616e7c">{% else %}<p style="margin:0 0 12px">{% endif %}{% for line in block.lines %}{% for piece in line %}{% if piece.href %}<a href="{{ piece.href }}" style="color:#2563eb">{{ piece.text }}</a>{% else %}{{ piece.text }}{% endif %}{% endfor %}{% if not loop.last %}<br>{% endif %}{% endfor %}{% if block.quote %}</blockquote>{% else %}</p>{% endif %}{% endfor %}{% endmacro %}
{{ blocks(body) }}
{%- if signature %}<div style="margin:16px 0 0;color:#52606d">{{ blocks(signature) }}</div>{% endif %}
</div>
{%- if tail %}<div style="margin:16px 0 0;font-size:13px;color:#7b8794">{{ blocks(tail) }}</div>{% endif %}
</div></body></html>
"#;

static LAYOUTS: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // The layout is a constant the tests below render; were it broken, mails would go
    // as plain text only.
    if let Err(error) = env.add_template("letter.html", LAYOUT) {
        tracing::error!(%error, "the mail layout does not parse");
    }
    env
});

/// Splits a web address off the front of `word`, keeping trailing punctuation outside.
fn link_of(word: &str) -> Option<(&str, &str)> {
    if !(word.starts_with("https://") || word.starts_with("http://")) {
        return None;
    }
    let end = word
        .trim_end_matches(['.', ',', ';', ':', ')', '!', '?'])
        .len();
    Some(word.split_at(end))
}

fn pieces(line: &str) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let mut plain = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            plain.push(' ');
        }
        match link_of(word) {
            Some((url, rest)) => {
                if !plain.is_empty() {
                    out.push(Piece {
                        text: std::mem::take(&mut plain),
                        href: None,
                    });
                }
                out.push(Piece {
                    text: url.to_owned(),
                    href: Some(url.to_owned()),
                });
                plain.push_str(rest);
            }
            None => plain.push_str(word),
        }
    }
    if !plain.is_empty() {
        out.push(Piece {
            text: plain,
            href: None,
        });
    }
    out
}

/// Text as paragraphs and quotes: blank lines part paragraphs, `>` lines are quoted.
fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    let mut open = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            open = false;
            continue;
        }
        let (quote, shown) = match line.strip_prefix('>') {
            Some(rest) => (true, rest.strip_prefix(' ').unwrap_or(rest)),
            None => (false, line),
        };
        if line == "--" {
            // The signature separator of plain-text mail has no place in HTML.
            open = false;
            continue;
        }
        match out.last_mut() {
            Some(last) if open && last.quote == quote => last.lines.push(pieces(shown)),
            _ => out.push(Block {
                quote,
                lines: vec![pieces(shown)],
            }),
        }
        open = true;
    }
    out
}

impl Letterhead {
    /// `worded` as a mail: the words, the signature, then the tail (how to answer, the
    /// quoted thread).
    #[must_use]
    pub fn letter(&self, worded: &Worded) -> Letter {
        let mut text = worded.body.trim_end().to_owned();
        if !self.signature.is_empty() {
            text.push_str("\n\n");
            text.push_str(&self.signature);
        }
        text.push('\n');
        if !worded.tail.trim().is_empty() {
            text.push('\n');
            text.push_str(worded.tail.trim_end());
            text.push('\n');
        }
        let html = LAYOUTS
            .get_template("letter.html")
            .and_then(|t| {
                t.render(minijinja::context! {
                    subject => worded.title,
                    tenant => self.tenant_name,
                    body => blocks(&worded.body),
                    signature => blocks(&self.signature),
                    tail => blocks(&worded.tail),
                })
            })
            .unwrap_or_else(|error| {
                // Not reachable with the layout above; the text part still goes.
                tracing::error!(%error, "the mail layout failed");
                String::new()
            });
        Letter {
            subject: worded.title.clone(),
            text,
            html,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head() -> Letterhead {
        Letterhead {
            tenant_name: "Dupont & Fils".into(),
            signature: "L'équipe support\n01 23 45 67 89".into(),
        }
    }

    #[test]
    fn the_text_carries_the_signature_before_the_tail() {
        let letter = head().letter(&Worded {
            title: "Re: [SUP-1] Imprimante".into(),
            body: "Bonjour,\n\nC'est réparé.".into(),
            tail: "-- \nRépondez à ce message.\n\n> Bonjour".into(),
        });
        let sig = letter.text.find("L'équipe support").unwrap();
        let tail = letter.text.find("Répondez").unwrap();
        assert!(letter
            .text
            .starts_with("Bonjour,\n\nC'est réparé.\n\nL'équipe"));
        assert!(sig < tail);
        assert_eq!(letter.subject, "Re: [SUP-1] Imprimante");
    }

    #[test]
    fn the_html_escapes_everything_and_links_addresses() {
        let letter = head().letter(&Worded {
            title: "<b>hi</b>".into(),
            body: "Voir https://example.com/rate/a?b=1&c=2. <script>alert(1)</script>\n> cité"
                .into(),
            tail: String::new(),
        });
        assert!(letter.html.contains("Dupont &amp; Fils"), "{}", letter.html);
        assert!(letter.html.contains("&lt;script&gt;"), "{}", letter.html);
        assert!(!letter.html.contains("<script>"));
        assert!(
            letter.html.contains("&lt;b&gt;hi&lt;&#x2f;b&gt;")
                || letter.html.contains("&lt;b&gt;hi&lt;/b&gt;")
        );
        assert!(
            letter.html.contains(
                r#"<a href="https:&#x2f;&#x2f;example.com&#x2f;rate&#x2f;a?b=1&amp;c=2""#
            ) || letter
                .html
                .contains(r#"<a href="https://example.com/rate/a?b=1&amp;c=2""#),
            "{}",
            letter.html
        );
        assert!(letter.html.contains("<blockquote"));
        assert!(letter.html.contains("01 23 45 67 89"));
    }

    #[test]
    fn a_javascript_address_is_never_a_link() {
        let letter = Letterhead::default().letter(&Worded {
            title: "x".into(),
            body: "javascript:alert(1) data:text/html,x".into(),
            tail: String::new(),
        });
        assert!(!letter.html.contains("<a "));
        assert!(letter.text.ends_with("data:text/html,x\n"));
    }
}
