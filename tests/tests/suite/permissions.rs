//! The permission matrix, checked end to end: every root field of the committed
//! `schema.graphql` (queries, mutations and subscriptions) is called by an anonymous caller,
//! by each role (admin, manager, agent, customer) and by an admin's read-only and write-only
//! API tokens, with arguments generated from the schema. A caller the matrix
//! (`server::graphql::permissions::MATRIX`) denies must get `FORBIDDEN` (`UNAUTHENTICATED`
//! without a credential) whatever the arguments; one it allows must never get either. A root
//! field without a row in the matrix fails the test, and so does a contract page that does
//! not print the matrix.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _};
use apollo_compiler::schema::{ExtendedType, Type};
use apollo_compiler::Schema;
use entity::enums::Role;
use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::{json, Value};
use server::domain::Scope;
use server::graphql::permissions::{access_of, matrix_markdown, Access, MATRIX};

fn workspace_root() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")), PathBuf::from)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn committed_schema() -> anyhow::Result<Schema> {
    let sdl = std::fs::read_to_string(workspace_root().join("schema.graphql"))?;
    Schema::parse_and_validate(sdl, "schema.graphql")
        .map(apollo_compiler::validation::Valid::into_inner)
        .map_err(|errors| anyhow!("schema.graphql is not valid: {errors}"))
}

/// The root fields of the schema, as `Type.field`, with the root's operation keyword.
fn root_fields(schema: &Schema) -> Vec<(&'static str, String, String)> {
    let mut fields = Vec::new();
    for (keyword, root) in [
        ("query", "Query"),
        ("mutation", "Mutation"),
        ("subscription", "Subscription"),
    ] {
        if let Some(ExtendedType::Object(object)) = schema.types.get(root) {
            for name in object.fields.keys() {
                fields.push((keyword, root.to_owned(), name.to_string()));
            }
        }
    }
    fields
}

/// A literal of type `ty` that the schema accepts: required input fields filled, ids that
/// name no row.
fn literal(schema: &Schema, ty: &Type, depth: usize) -> String {
    match ty {
        Type::List(inner) | Type::NonNullList(inner) => {
            format!("[{}]", literal(schema, inner, depth))
        }
        Type::Named(name) | Type::NonNullNamed(name) => match name.as_str() {
            "ID" => "\"987654321\"".to_owned(),
            "String" => "\"x\"".to_owned(),
            "Int" => "1".to_owned(),
            "Float" => "1.0".to_owned(),
            "Boolean" => "false".to_owned(),
            "DateTime" => "\"2026-03-02T09:00:00Z\"".to_owned(),
            "NaiveDate" | "Date" => "\"2026-03-02\"".to_owned(),
            "Decimal" => "\"1.00\"".to_owned(),
            "JSON" => "{}".to_owned(),
            other => match schema.types.get(other) {
                Some(ExtendedType::Enum(e)) => e
                    .values
                    .keys()
                    .next()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
                Some(ExtendedType::InputObject(input)) if depth < 4 => {
                    let fields: Vec<String> = input
                        .fields
                        .iter()
                        .filter(|(_, f)| f.ty.is_non_null() && f.default_value.is_none())
                        .map(|(n, f)| format!("{n}: {}", literal(schema, &f.ty, depth + 1)))
                        .collect();
                    format!("{{{}}}", fields.join(", "))
                }
                _ => "\"x\"".to_owned(),
            },
        },
    }
}

/// The operation that calls one root field with generated arguments.
fn operation(schema: &Schema, keyword: &str, root: &str, field: &str) -> Option<String> {
    let Some(ExtendedType::Object(object)) = schema.types.get(root) else {
        return None;
    };
    let definition = object.fields.get(field)?;
    let mut args = Vec::new();
    for arg in &definition.arguments {
        if arg.ty.inner_named_type() == "Upload" {
            return None;
        }
        if arg.ty.is_non_null() && arg.default_value.is_none() {
            args.push(format!("{}: {}", arg.name, literal(schema, &arg.ty, 0)));
        }
    }
    let args = if args.is_empty() {
        String::new()
    } else {
        format!("({})", args.join(", "))
    };
    let selection = match schema.types.get(definition.ty.inner_named_type()) {
        Some(ExtendedType::Object(_) | ExtendedType::Union(_) | ExtendedType::Interface(_)) => {
            " { __typename }"
        }
        _ => "",
    };
    Some(format!("{keyword} {{ {field}{args}{selection} }}"))
}

/// Who calls.
struct Caller {
    name: &'static str,
    token: Option<String>,
    /// For sessions, the e-mail address to sign in again with (signing out ends a token).
    email: Option<String>,
    role: Option<Role>,
    scopes: Option<Vec<Scope>>,
}

impl Caller {
    fn allowed(&self, access: Access) -> bool {
        match (access, self.role) {
            (Access::Public, _) => true,
            (Access::Requires(_), None) => false,
            (Access::Requires(permission), Some(role)) => {
                permission.roles().contains(&role)
                    && match &self.scopes {
                        // A session.
                        None => true,
                        // An API token: its scope, and never what needs a signed-in person.
                        Some(scopes) => {
                            !permission.needs_session() && scopes.contains(&permission.scope())
                        }
                    }
            }
        }
    }
}

/// The error code of a response, `None` when it carries no error.
fn code_of(body: &Value) -> anyhow::Result<Option<String>> {
    let Some(errors) = body.get("errors") else {
        return Ok(None);
    };
    match errors[0]["extensions"]["code"].as_str() {
        Some(code) => Ok(Some(code.to_owned())),
        None => bail!("an error without extensions.code: {body}"),
    }
}

async fn callers(server: &TestServer) -> anyhow::Result<(Vec<Caller>, String)> {
    let tenant = server.tenant("Matrice").await?;
    let customer_id = tenant.customer(server, "Claire", "Martin").await?;
    let (_, manager) = tenant
        .user(server, "manager@matrice.test", "manager", None)
        .await?;
    let (_, agent) = tenant
        .user(server, "agent@matrice.test", "agent", None)
        .await?;
    let (_, customer) = tenant
        .user(
            server,
            "claire@matrice.test",
            "customer",
            Some(&customer_id),
        )
        .await?;
    let token = |scopes: Value| {
        let server = &server;
        let admin = tenant.admin_token.clone();
        async move {
            let data = server
                .ok(
                    Some(&admin),
                    "mutation($s: [String!]!) { createApiToken(input: { name: \"matrix\", scopes: $s }) { token } }",
                    json!({ "s": scopes }),
                )
                .await?;
            data["createApiToken"]["token"]
                .as_str()
                .map(str::to_owned)
                .ok_or_else(|| anyhow!("no token in {data}"))
        }
    };
    let reader = token(json!(["read"])).await?;
    let writer = token(json!(["write"])).await?;
    let callers = vec![
        Caller {
            name: "anonymous",
            token: None,
            email: None,
            role: None,
            scopes: None,
        },
        Caller {
            name: "admin",
            token: Some(tenant.admin_token.clone()),
            email: Some(tenant.admin_email.clone()),
            role: Some(Role::Admin),
            scopes: None,
        },
        Caller {
            name: "manager",
            token: Some(manager),
            email: Some("manager@matrice.test".to_owned()),
            role: Some(Role::Manager),
            scopes: None,
        },
        Caller {
            name: "agent",
            token: Some(agent),
            email: Some("agent@matrice.test".to_owned()),
            role: Some(Role::Agent),
            scopes: None,
        },
        Caller {
            name: "customer",
            token: Some(customer),
            email: Some("claire@matrice.test".to_owned()),
            role: Some(Role::Customer),
            scopes: None,
        },
        Caller {
            name: "read-only token",
            token: Some(reader),
            email: None,
            role: Some(Role::Admin),
            scopes: Some(vec![Scope::Read]),
        },
        Caller {
            name: "write-only token",
            token: Some(writer),
            email: None,
            role: Some(Role::Admin),
            scopes: Some(vec![Scope::Write]),
        },
    ];
    Ok((callers, tenant.password.clone()))
}

/// Calls one root field as `caller` and returns the error code (`None`: no error).
async fn outcome(
    server: &TestServer,
    caller: &Caller,
    keyword: &str,
    field: &str,
    document: Option<&str>,
) -> anyhow::Result<Option<String>> {
    if keyword == "subscription" {
        let document = document.context("no document")?;
        let Ok(mut subscription) = server
            .subscribe(caller.token.as_deref(), document, json!({}))
            .await
        else {
            // The socket refused the connection itself: no credential.
            return Ok(Some("UNAUTHENTICATED".to_owned()));
        };
        return match subscription
            .next_within(std::time::Duration::from_millis(500))
            .await
        {
            Ok(Some(payload)) => code_of(&payload),
            Ok(None) => Ok(None),
            Err(error) if caller.token.is_none() => {
                let _ = error;
                Ok(Some("UNAUTHENTICATED".to_owned()))
            }
            Err(error) => Err(error),
        };
    }
    let body = if field == "uploadAttachment" {
        let png = b"\x89PNG\r\n\x1a\n".to_vec();
        server
            .upload_as(caller.token.as_deref(), &json!("987654321"), "a.png", png)
            .await?
    } else {
        let document = document.context("no document")?;
        server
            .graphql(caller.token.as_deref(), document, json!({}))
            .await?
    };
    code_of(&body)
}

async fn every_root_field_follows_the_matrix(backend: Backend) -> anyhow::Result<()> {
    let schema = committed_schema()?;
    let server = TestServer::start(backend).await?;
    let (mut callers, password) = callers(&server).await?;
    let mut failures = String::new();
    let mut checked = 0;
    // Queries first, then subscriptions, then mutations (which may change state), signing
    // out last (it ends the callers' sessions).
    let mut fields = root_fields(&schema);
    fields.sort_by_key(|(keyword, _, field)| match *keyword {
        "query" => 0,
        "subscription" => 1,
        _ if field.starts_with("signOut") => 3,
        _ => 2,
    });
    for (keyword, root, field) in &fields {
        let name = format!("{root}.{field}");
        let Some(access) = access_of(&name) else {
            writeln!(failures, "{name}: no row in the permission matrix")?;
            continue;
        };
        let document = operation(&schema, keyword, root, field);
        for caller in &mut callers {
            // Each sign-out ends the session it is called with: sign in afresh for it.
            if field.starts_with("signOut") {
                if let Some(email) = &caller.email {
                    caller.token = Some(server.login(email, &password).await?);
                }
            }
            let caller = &*caller;
            let code = outcome(&server, caller, keyword, field, document.as_deref())
                .await
                .with_context(|| format!("{name} as {}", caller.name))?;
            let denied = matches!(code.as_deref(), Some("FORBIDDEN" | "UNAUTHENTICATED"));
            let expected = if caller.token.is_none() {
                "UNAUTHENTICATED"
            } else {
                "FORBIDDEN"
            };
            if caller.allowed(access) {
                // Signing in with a wrong password is UNAUTHENTICATED, and allowed.
                if denied && access != Access::Public {
                    writeln!(
                        failures,
                        "{name} as {}: refused with {code:?}, the matrix allows it",
                        caller.name
                    )?;
                }
            } else if code.as_deref() != Some(expected) {
                writeln!(
                    failures,
                    "{name} as {}: got {code:?}, the matrix says {expected}",
                    caller.name
                )?;
            }
            checked += 1;
        }
    }
    for (name, _) in MATRIX {
        if !fields
            .iter()
            .any(|(_, root, field)| format!("{root}.{field}") == *name)
        {
            writeln!(failures, "{name}: in the matrix but not in schema.graphql")?;
        }
    }
    assert!(checked > 400, "only {checked} calls were made");
    assert!(
        failures.is_empty(),
        "the API does not follow the permission matrix:\n{failures}"
    );
    Ok(())
}

both_backends!(every_root_field_follows_the_matrix);

#[test]
fn the_contract_prints_the_matrix() {
    let page = std::fs::read_to_string(workspace_root().join("docs/graphql-contract.md"))
        .unwrap_or_default();
    assert!(
        page.contains(&matrix_markdown()),
        "docs/graphql-contract.md does not print the current permission matrix: run `cargo xtask schema`, which rewrites its section"
    );
}
