//! Every input has an answer: a schema extension that refuses text with control
//! characters (NUL and the other C0/C1 controls but tab, line feed and carriage return)
//! before anything runs, the same on both databases, and that gives every error a stable
//! `extensions.code` (parse, validation, depth and complexity errors come from
//! async-graphql without one: they are the caller's, `BAD_USER_INPUT`).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextPrepareRequest, NextRequest,
};
use async_graphql::{Request, Response, ServerError, ServerResult, Value};

/// The code of an error the caller's request caused.
const BAD_USER_INPUT: &str = "BAD_USER_INPUT";

use crate::domain::text::is_forbidden as forbidden;

/// The first variable (by path) holding a string with a forbidden character.
fn tainted(value: &Value, path: &mut Vec<String>) -> bool {
    match value {
        Value::String(text) => text.chars().any(forbidden),
        Value::List(items) => items.iter().enumerate().any(|(i, item)| {
            path.push(i.to_string());
            let found = tainted(item, path);
            if !found {
                path.pop();
            }
            found
        }),
        Value::Object(fields) => fields.iter().any(|(name, item)| {
            path.push(name.to_string());
            let found = tainted(item, path);
            if !found {
                path.pop();
            }
            found
        }),
        _ => false,
    }
}

/// Whether the document spells a forbidden character, raw or as a `\u` escape in a string.
fn document_tainted(query: &str) -> bool {
    if query.chars().any(forbidden) {
        return true;
    }
    query.match_indices("\\u").any(|(at, _)| {
        let hex = query.get(at + 2..at + 6).unwrap_or_default();
        u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .is_some_and(forbidden)
    })
}

fn refusal(message: String, field: Option<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", BAD_USER_INPUT);
    if let Some(field) = field {
        extensions.set("field", field);
    }
    error.extensions = Some(extensions);
    error
}

/// The extension (installed by `build_schema`).
pub struct InputHygiene;

impl ExtensionFactory for InputHygiene {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(InputHygieneExtension)
    }
}

struct InputHygieneExtension;

#[async_trait::async_trait]
impl Extension for InputHygieneExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let mut response = next.run(ctx).await;
        for error in &mut response.errors {
            let extensions = error.extensions.get_or_insert_with(Default::default);
            if extensions.get("code").is_none() {
                extensions.set("code", BAD_USER_INPUT);
            }
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        let mut path = Vec::new();
        let variables = request.variables.clone().into_value();
        if tainted(&variables, &mut path) {
            return Err(refusal(
                "text may not contain control characters (NUL and the like)".into(),
                Some(path.join(".")),
            ));
        }
        if document_tainted(&request.query) {
            return Err(refusal(
                "text may not contain control characters (NUL and the like)".into(),
                None,
            ));
        }
        next.run(ctx, request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_found_raw_and_escaped() {
        assert!(document_tainted("{ a(b: \"x\u{0}y\") }"));
        assert!(document_tainted(r#"{ a(b: "x\u0000y") }"#));
        assert!(document_tainted(r#"{ a(b: "\u001B[31m") }"#));
        assert!(!document_tainted(
            "{ a(b: \"ligne\\nsuivante\\tet \\u00e9\") }"
        ));
        assert!(!document_tainted("query {\n\ta\r\n}"));
        let mut path = Vec::new();
        let value = async_graphql::value!({ "input": { "tags": ["ok", "n\u{0}ul"] } });
        assert!(tainted(&value, &mut path));
        assert_eq!(path, ["input", "tags", "1"]);
    }
}
