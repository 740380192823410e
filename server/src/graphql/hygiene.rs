//! Every input has an answer: a schema extension that refuses text with control
//! characters (NUL and the other C0/C1 controls but tab, line feed and carriage return)
//! before anything runs, the same on both databases, and that gives every error a stable
//! `extensions.code` (parse, validation, depth and complexity errors come from
//! async-graphql without one: they are the caller's, `BAD_USER_INPUT`).

use std::sync::Arc;

use std::collections::HashMap;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, Selection, SelectionSet,
};
use async_graphql::{
    Name, Positioned, Request, Response, ServerError, ServerResult, Value, Variables,
};

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

/// Limits on what one request may ask, counted on the parsed document with fragments
/// expanded: aliased fields (each one is a resolver run: aliases multiply work that depth
/// and complexity limits see once), root fields per operation, and `login` at most once (a
/// password hash is the costliest thing an anonymous caller can ask for).
pub struct OperationLimits {
    /// Most aliased fields.
    pub aliases: usize,
    /// Most root fields in one operation.
    pub root_fields: usize,
}

impl ExtensionFactory for OperationLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(OperationLimitsExtension {
            aliases: self.aliases,
            root_fields: self.root_fields,
        })
    }
}

struct OperationLimitsExtension {
    aliases: usize,
    root_fields: usize,
}

type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Counts what a selection set asks, fragments expanded, stopping once `budget` visits
/// are spent (a document whose fragments spread each other many times is refused, not
/// expanded).
struct Count<'a> {
    fragments: &'a Fragments,
    aliases: usize,
    visits: usize,
    budget: usize,
}

impl Count<'_> {
    fn walk(&mut self, set: &SelectionSet, depth: usize) {
        if depth > 64 {
            self.visits = self.budget + 1;
        }
        for item in &set.items {
            self.visits += 1;
            if self.visits > self.budget {
                return;
            }
            match &item.node {
                Selection::Field(field) => {
                    if field.node.alias.is_some() {
                        self.aliases += 1;
                    }
                    self.walk(&field.node.selection_set.node, depth + 1);
                }
                Selection::InlineFragment(inline) => {
                    self.walk(&inline.node.selection_set.node, depth + 1);
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = self.fragments.get(&spread.node.fragment_name.node) {
                        self.walk(&fragment.node.selection_set.node, depth + 1);
                    }
                }
            }
        }
    }
}

/// The root fields of an operation's selection set (names), fragments expanded.
fn root_fields(set: &SelectionSet, fragments: &Fragments, depth: usize, out: &mut Vec<String>) {
    if depth > 8 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(field) => out.push(field.node.name.node.to_string()),
            Selection::InlineFragment(inline) => {
                root_fields(&inline.node.selection_set.node, fragments, depth + 1, out);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = fragments.get(&spread.node.fragment_name.node) {
                    root_fields(&fragment.node.selection_set.node, fragments, depth + 1, out);
                }
            }
        }
    }
}

impl OperationLimitsExtension {
    fn check(&self, document: &ExecutableDocument) -> Result<(), String> {
        let mut count = Count {
            fragments: &document.fragments,
            aliases: 0,
            visits: 0,
            budget: 10_000,
        };
        let mut logins = 0;
        for (_, operation) in document.operations.iter() {
            let mut roots = Vec::new();
            root_fields(
                &operation.node.selection_set.node,
                &document.fragments,
                0,
                &mut roots,
            );
            if roots.len() > self.root_fields {
                return Err(format!(
                    "an operation asks for at most {} root fields",
                    self.root_fields
                ));
            }
            logins += roots.iter().filter(|name| *name == "login").count();
            count.walk(&operation.node.selection_set.node, 0);
        }
        if logins > 1 {
            return Err("one sign-in per request".into());
        }
        if count.visits > count.budget {
            return Err("the request's fragments expand too far".into());
        }
        if count.aliases > self.aliases {
            return Err(format!("a request has at most {} aliases", self.aliases));
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Extension for OperationLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.check(&document)
            .map_err(|message| refusal(message, None))?;
        Ok(document)
    }
}

/// How many operations are open on one websocket, and how many may be: kept in the
/// connection's session data by the websocket door.
#[derive(Debug, Clone)]
pub struct SocketSubscriptions {
    /// Open now.
    pub open: Arc<std::sync::atomic::AtomicUsize>,
    /// The most at once.
    pub limit: usize,
}

/// Refuses an operation beyond [`SocketSubscriptions::limit`] on one socket.
pub struct SubscriptionLimit;

impl ExtensionFactory for SubscriptionLimit {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(SubscriptionLimitExtension)
    }
}

struct SubscriptionLimitExtension;

/// Gives the slot back when the operation's stream ends or is dropped.
struct Slot(Arc<std::sync::atomic::AtomicUsize>);

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Extension for SubscriptionLimitExtension {
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: futures::stream::BoxStream<'s, Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures::stream::BoxStream<'s, Response> {
        use futures::StreamExt as _;
        let Some(counter) = ctx.data_opt::<SocketSubscriptions>() else {
            return next.run(ctx, stream);
        };
        let open = counter
            .open
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let slot = Slot(Arc::clone(&counter.open));
        if open >= counter.limit {
            let refused = Response::from_errors(vec![refusal(
                format!(
                    "at most {} operations at once on one connection",
                    counter.limit
                ),
                None,
            )]);
            drop(slot);
            return futures::stream::once(async move { refused }).boxed();
        }
        next.run(ctx, stream)
            .map(move |response| {
                let _kept = &slot;
                response
            })
            .boxed()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// A string argument is tainted exactly when it holds a forbidden control character,
        /// raw or escaped; any document is read without panicking.
        #[test]
        fn control_characters_are_found_in_any_document(text in any::<String>()) {
            let escaped = serde_json::to_string(&text).unwrap_or_default();
            let document = format!("{{ a(b: {escaped}) }}");
            prop_assert_eq!(
                document_tainted(&document),
                text.chars().any(crate::domain::text::is_forbidden),
                "{}", document
            );
            let _ = document_tainted(&text);
        }
    }

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
