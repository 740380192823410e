//! The words a tenant uses: the built-in wording of each notice, or the template its
//! admins wrote for it in a language (MiniJinja over the notice's facts, e.g.
//! `{{ number }}`), previewed before it is saved. Every mail, bell entry and chat push is
//! worded through [`TenantWords`], so an admin's template reaches all three.

use std::collections::HashMap;

use entity::message_template;
use minijinja::{Environment, UndefinedBehavior};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};

use super::actor::Actor;
use super::error::{DomainError, DomainResult};
use super::letters::{letterhead, Letter};
use super::notices::{Lang, Medium, Notice, Worded, Wording, NOTICE_KEYS};
use super::permissions::Permission;
use super::Services;

/// The longest subject a template may have.
pub const MAX_SUBJECT_CHARS: usize = 300;
/// The longest body a template may have.
pub const MAX_BODY_CHARS: usize = 20_000;
/// How much work one rendering may do (loops over a digest's lines included).
const FUEL: u64 = 50_000;
/// The functions every template may call besides the notice's facts.
const GLOBALS: [&str; 4] = ["range", "dict", "namespace", "debug"];
/// The longest text a rendering may produce.
pub const MAX_OUTPUT_CHARS: usize = 100_000;

/// The words of one tenant: its admins' templates over the built-in wording.
pub struct TenantWords<'a> {
    builtin: &'a dyn Wording,
    overrides: HashMap<(String, Lang), (String, String)>,
}

impl std::fmt::Debug for TenantWords<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TenantWords")
            .field("overrides", &self.overrides.len())
            .finish_non_exhaustive()
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    // A misspelt fact is an error in the preview, not an empty hole in a mail.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_fuel(Some(FUEL));
    // Plain text: nothing is escaped here (the HTML part escapes the result).
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env
}

/// Renders a subject and a body template over `notice`'s facts.
///
/// # Errors
///
/// [`DomainError::Validation`] naming the field and the template's error (syntax, an
/// unknown fact, too much work).
pub fn render(subject: &str, body: &str, notice: &Notice<'_>) -> DomainResult<(String, String)> {
    let env = environment();
    let facts = notice.facts();
    let known: Vec<&str> = facts
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    let one = |field: &'static str, source: &str| {
        // A fact the notice does not have is named, with those it has.
        if let Ok(template) = env.template_from_str(source) {
            let mut unknown: Vec<String> = template
                .undeclared_variables(false)
                .into_iter()
                .filter(|name| !known.contains(&name.as_str()) && !GLOBALS.contains(&name.as_str()))
                .collect();
            unknown.sort();
            if let Some(name) = unknown.first() {
                let mut has = known.clone();
                has.sort_unstable();
                return Err(DomainError::validation(
                    field,
                    format!(
                        "`{name}` is not a fact of this notice; it has {}",
                        has.join(", ")
                    ),
                ));
            }
        }
        env.render_str(source, &facts).map_err(|error| {
            let line = error
                .line()
                .map(|l| format!(" (line {l})"))
                .unwrap_or_default();
            DomainError::validation(field, format!("{}{line}", describe(&error)))
        })
    };
    let subject = one("subject", subject)?;
    let body = one("body", body)?;
    if subject.len() > MAX_OUTPUT_CHARS || body.len() > MAX_OUTPUT_CHARS {
        return Err(DomainError::validation(
            "body",
            format!("the text would be longer than {MAX_OUTPUT_CHARS} characters"),
        ));
    }
    Ok((
        subject.lines().next().unwrap_or_default().trim().to_owned(),
        body,
    ))
}

/// The short reason of a template error.
fn describe(error: &minijinja::Error) -> String {
    match error.detail() {
        Some(detail) => format!("{}: {detail}", error.kind()),
        None => error.kind().to_string(),
    }
}

impl<'a> TenantWords<'a> {
    /// The built-in wording only (tests, and places with no tenant).
    #[must_use]
    pub fn builtin(wording: &'a dyn Wording) -> Self {
        Self {
            builtin: wording,
            overrides: HashMap::new(),
        }
    }

    /// The built-in wording under a tenant's templates (by notice name and language, the
    /// subject and body), as [`crate::setup::TenantSetup`] keeps them.
    #[must_use]
    pub(crate) fn with_overrides(
        wording: &'a dyn Wording,
        overrides: HashMap<(String, Lang), (String, String)>,
    ) -> Self {
        Self {
            builtin: wording,
            overrides,
        }
    }

    /// `notice` in `lang` as a chat push says it.
    #[must_use]
    pub fn word(&self, notice: &Notice<'_>, lang: Lang) -> Worded {
        self.word_for(notice, lang, Medium::Chat)
    }

    /// `notice` in `lang` for `medium`: the tenant's template when it has one (the
    /// built-in wording if that template no longer renders), else the built-in wording.
    #[must_use]
    pub fn word_for(&self, notice: &Notice<'_>, lang: Lang, medium: Medium) -> Worded {
        let builtin = self.builtin.word_for(notice, lang, medium);
        let Some((subject, body)) = self.overrides.get(&(notice.key().to_owned(), lang)) else {
            return builtin;
        };
        match render(subject, body, notice) {
            Ok((title, body)) => Worded {
                title,
                body,
                tail: builtin.tail,
            },
            Err(error) => {
                tracing::warn!(key = notice.key(), %error, "a tenant template failed; using the built-in wording");
                builtin
            }
        }
    }
}

/// A notice's wording in one language, as the template page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateView {
    /// The notice's key.
    pub key: String,
    /// The language.
    pub lang: Lang,
    /// The tenant's subject template, if it wrote one.
    pub subject: Option<String>,
    /// The tenant's body template, if it wrote one.
    pub body: Option<String>,
    /// The facts a template may use.
    pub facts: Vec<String>,
    /// The built-in wording, said with made-up facts.
    pub builtin: Worded,
}

fn lang_of(code: &str) -> DomainResult<Lang> {
    Lang::parse(code.trim())
        .ok_or_else(|| DomainError::validation("lang", format!("`{code}` is not fr, en or nl")))
}

fn key_of(key: &str) -> DomainResult<&'static str> {
    NOTICE_KEYS
        .into_iter()
        .find(|k| *k == key)
        .ok_or_else(|| DomainError::validation("key", format!("no notice is called `{key}`")))
}

fn view(
    wording: &dyn Wording,
    key: &'static str,
    lang: Lang,
    stored: Option<&message_template::Model>,
) -> TemplateView {
    let notice = wording
        .sample(key)
        .unwrap_or(Notice::AutoClosed { wait_days: 7 });
    let mut facts: Vec<String> = notice
        .facts()
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    facts.sort();
    TemplateView {
        key: key.to_owned(),
        lang,
        subject: stored.map(|s| s.subject.clone()),
        body: stored.map(|s| s.body.clone()),
        facts,
        builtin: wording.word_for(&notice, lang, Medium::Email),
    }
}

/// Every notice in every language, with the tenant's templates; admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`] for anyone who may not configure the tenant.
pub async fn list_templates(svc: &Services, actor: &Actor) -> DomainResult<Vec<TemplateView>> {
    actor.require(Permission::ConfigureTenant)?;
    let stored = message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(actor.tenant_id))
        .order_by_asc(message_template::Column::Id)
        .all(&svc.db)
        .await?;
    let mut out = Vec::new();
    for key in NOTICE_KEYS {
        for lang in Lang::ALL {
            let row = stored
                .iter()
                .find(|r| r.notice == key && r.lang == lang.as_str());
            out.push(view(svc.wording.as_ref(), key, lang, row));
        }
    }
    Ok(out)
}

fn check_source(field: &'static str, value: &str, max: usize) -> DomainResult<()> {
    if value.trim().is_empty() {
        return Err(DomainError::validation(field, "must not be empty"));
    }
    if value.chars().count() > max {
        return Err(DomainError::validation(
            field,
            format!("at most {max} characters"),
        ));
    }
    if value.contains('\0') {
        return Err(DomainError::validation(field, "must not contain NUL"));
    }
    Ok(())
}

/// Saves the tenant's template of `key` in `lang`, after rendering it over made-up facts
/// (so a template that cannot render is refused, not sent); admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`]; [`DomainError::Validation`] for an unknown notice, an empty
/// or oversized text, or a template that does not render.
pub async fn set_template(
    svc: &Services,
    actor: &Actor,
    key: &str,
    lang: &str,
    subject: &str,
    body: &str,
) -> DomainResult<TemplateView> {
    actor.require(Permission::ConfigureTenant)?;
    let key = key_of(key)?;
    let lang = lang_of(lang)?;
    check_source("subject", subject, MAX_SUBJECT_CHARS)?;
    check_source("body", body, MAX_BODY_CHARS)?;
    let notice = svc
        .wording
        .sample(key)
        .ok_or(DomainError::NotFound("notice"))?;
    render(subject, body, &notice)?;
    let row = message_template::ActiveModel {
        tenant_id: Set(actor.tenant_id),
        notice: Set(key.to_owned()),
        lang: Set(lang.as_str().to_owned()),
        subject: Set(subject.to_owned()),
        body: Set(body.to_owned()),
        updated_at: Set(svc.now()),
        ..Default::default()
    };
    message_template::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([
                message_template::Column::TenantId,
                message_template::Column::Notice,
                message_template::Column::Lang,
            ])
            .update_columns([
                message_template::Column::Subject,
                message_template::Column::Body,
                message_template::Column::UpdatedAt,
            ])
            .to_owned(),
        )
        .exec(&svc.db)
        .await?;
    crate::setup::changed(svc, actor.tenant_id).await;
    let stored = message_template::Entity::find()
        .filter(message_template::Column::TenantId.eq(actor.tenant_id))
        .filter(message_template::Column::Notice.eq(key))
        .filter(message_template::Column::Lang.eq(lang.as_str()))
        .one(&svc.db)
        .await?;
    Ok(view(svc.wording.as_ref(), key, lang, stored.as_ref()))
}

/// Goes back to the built-in wording of `key` in `lang`; true when a template was removed.
///
/// # Errors
///
/// [`DomainError::Forbidden`]; [`DomainError::Validation`] for an unknown notice.
pub async fn reset_template(
    svc: &Services,
    actor: &Actor,
    key: &str,
    lang: &str,
) -> DomainResult<bool> {
    actor.require(Permission::ConfigureTenant)?;
    let key = key_of(key)?;
    let lang = lang_of(lang)?;
    let removed = message_template::Entity::delete_many()
        .filter(message_template::Column::TenantId.eq(actor.tenant_id))
        .filter(message_template::Column::Notice.eq(key))
        .filter(message_template::Column::Lang.eq(lang.as_str()))
        .exec(&svc.db)
        .await?;
    if removed.rows_affected > 0 {
        crate::setup::changed(svc, actor.tenant_id).await;
    }
    Ok(removed.rows_affected > 0)
}

/// The mail `key` in `lang` would be, over made-up facts, with the tenant's letterhead:
/// the given template when there is one (unsaved edits), else the tenant's, else the
/// built-in wording; admins only.
///
/// # Errors
///
/// [`DomainError::Forbidden`]; [`DomainError::Validation`] for an unknown notice or a
/// template that does not render.
pub async fn preview_template(
    svc: &Services,
    actor: &Actor,
    key: &str,
    lang: &str,
    draft: Option<(&str, &str)>,
) -> DomainResult<Letter> {
    actor.require(Permission::ConfigureTenant)?;
    let key = key_of(key)?;
    let lang = lang_of(lang)?;
    let notice = svc
        .wording
        .sample(key)
        .ok_or(DomainError::NotFound("notice"))?;
    let worded = match draft {
        Some((subject, body)) => {
            check_source("subject", subject, MAX_SUBJECT_CHARS)?;
            check_source("body", body, MAX_BODY_CHARS)?;
            let (title, text) = render(subject, body, &notice)?;
            Worded {
                title,
                body: text,
                tail: svc.wording.word_for(&notice, lang, Medium::Email).tail,
            }
        }
        None => svc
            .words(&svc.db, actor.tenant_id)
            .await?
            .word_for(&notice, lang, Medium::Email),
    };
    Ok(letterhead(&svc.db, actor.tenant_id).await?.letter(&worded))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notices::DigestLine;

    const ASSIGNED: Notice<'static> = Notice::AssignedToYou {
        number: "SUP-0042",
        subject: "Imprimante hors ligne",
        by: "Paul Martin",
    };

    fn digest(lines: &[DigestLine]) -> Notice<'_> {
        Notice::Digest {
            name: "Sophie",
            open: lines,
            due_soon: lines,
            breached: &[],
        }
    }

    fn line() -> DigestLine {
        DigestLine {
            number: "SUP-0042".into(),
            subject: "Imprimante hors ligne".into(),
            due: None,
        }
    }

    #[test]
    fn templates_render_facts_and_refuse_unknown_ones() {
        let notice = ASSIGNED;
        let (subject, body) = render(
            "{{ number }} pour vous",
            "{{ by }} vous confie « {{ subject }} ».",
            &notice,
        )
        .unwrap();
        assert_eq!(subject, "SUP-0042 pour vous");
        assert_eq!(body, "Paul Martin vous confie « Imprimante hors ligne ».");
        let error = render("{{ nombre }}", "x", &notice).unwrap_err();
        assert!(
            error.to_string()
                == "`nombre` is not a fact of this notice; it has by, number, subject",
            "{error}"
        );
        // Loop variables and the built-in functions are not facts, and need not be.
        let lines = [line()];
        assert!(render(
            "s",
            "{% for t in open %}{{ t.number }}{% endfor %}{{ range(2) | list | length }}",
            &digest(&lines)
        )
        .is_ok());
        let error = render("ok", "{% for x in %}", &notice).unwrap_err();
        assert!(format!("{error:?}").contains("body"));
    }

    #[test]
    fn a_template_that_never_ends_runs_out_of_fuel() {
        let lines = [line()];
        let notice = digest(&lines);
        let endless =
            "{% for a in range(10000) %}{% for b in range(10000) %}x{% endfor %}{% endfor %}";
        assert!(render("s", endless, &notice).is_err());
    }

    #[test]
    fn a_template_cannot_blow_up_its_output() {
        let notice = ASSIGNED;
        for source in [
            "{{ 'x' * 100000000 }}",
            "{{ range(1000000) | join(',') }}",
            "{% set a = 'xxxxxxxxxx' %}{% for i in range(100) %}{% set a = a ~ a %}{% endfor %}{{ a }}",
        ] {
            match render("s", source, &notice) {
                Ok((_, body)) => assert!(body.chars().count() <= MAX_OUTPUT_CHARS, "{source}"),
                Err(error) => assert!(matches!(error, DomainError::Validation { .. })),
            }
        }
    }

    #[test]
    fn digest_lines_can_be_looped_over() {
        let lines = [line()];
        let notice = digest(&lines);
        let (_, body) = render(
            "s",
            "{% for t in open %}{{ t.number }} {{ t.subject }}{% endfor %}",
            &notice,
        )
        .unwrap();
        assert_eq!(body, "SUP-0042 Imprimante hors ligne");
    }
}
