//! How the SPA reaches a browser, over real HTTP against the server serving the built
//! `app/dist` (`cargo xtask build-spa`): `index.html` is revalidated at each load and names
//! only content-hashed files, which exist; those are kept a year (`immutable`) and go out
//! precompressed by `Accept-Encoding` (brotli, gzip, else as they are), with their content
//! type (`application/wasm`, so that the browser compiles while downloading); the app's own
//! routes answer `index.html`, and a missing file is a 404, never the page.
//!
//! In headless Chromium: the app boots from the hashed files and its loading screen goes;
//! what the server sends for brotli and for gzip decodes to the content the name was made
//! from (the tests crate has no decompressor; Chromium has both); and a wasm that cannot
//! load leaves an error, not "Chargement…" forever.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{ensure, Context as _};
use base64::Engine as _;
use guichet_tests::browser::{serially, spa_server_on, wait_css, with_browser};
use guichet_tests::{both_backends, Backend, TestDatabase, TestServer};
use reqwest::header::{self, HeaderMap};
use serde_json::json;

both_backends!(
    index_is_revalidated_and_names_hashed_files_that_exist,
    hashed_files_are_immutable_and_precompressed,
    app_routes_answer_the_page_and_missing_files_are_not_found,
);

guichet_tests::on_both_databases!(
    app_boots_from_hashed_files_which_decode_to_their_content,
    a_wasm_that_cannot_load_shows_an_error,
);

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The built SPA, as the server serves it.
fn dist_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../app/dist")
}

/// A GET of `path` with `Accept-Encoding: accept` (none when `None`), bypassing
/// `TestServer::get` to control that header.
async fn fetch(
    server: &TestServer,
    path: &str,
    accept: Option<&str>,
) -> anyhow::Result<(reqwest::StatusCode, HeaderMap, Vec<u8>)> {
    let mut request = reqwest::Client::new().get(format!("{}{path}", server.base_url));
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = request.send().await?;
    let status = response.status();
    let headers = response.headers().clone();
    Ok((status, headers, response.bytes().await?.to_vec()))
}

fn header(headers: &HeaderMap, name: header::HeaderName) -> &str {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
}

fn varies_by_encoding(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .any(|name| name.trim().eq_ignore_ascii_case("accept-encoding"))
}

/// The site-relative paths (`./name`, in quotes) `text` refers to, without the `./`.
fn relative_references(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for quote in ['"', '\''] {
        let opening = format!("{quote}./");
        for (start, _) in text.match_indices(&opening) {
            let rest = &text[start + opening.len()..];
            if let Some(end) = rest.find(quote) {
                found.push(rest[..end].to_owned());
            }
        }
    }
    found
}

/// The 16 hex digits of a name the build made from content (`app-0123456789abcdef.js`).
fn content_hash(name: &str) -> Option<&str> {
    let (stem_and_hash, _extension) = name.split_once('.')?;
    let (_stem, hash) = stem_and_hash.rsplit_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|byte| byte.is_ascii_hexdigit())).then_some(hash)
}

/// The hashed files `index.html` names (directly, or through `boot.js`).
async fn hashed_files(server: &TestServer) -> anyhow::Result<Vec<String>> {
    let (status, _, index) = fetch(server, "/", None).await?;
    ensure!(status == 200, "/ answered {status}");
    let mut names = relative_references(std::str::from_utf8(&index)?);
    names.sort();
    names.dedup();
    Ok(names)
}

async fn index_is_revalidated_and_names_hashed_files_that_exist(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = spa_server_on(backend).await?;
    let (status, headers, index) = fetch(&server, "/", None).await?;
    assert_eq!(status, 200);
    assert_eq!(header(&headers, header::CACHE_CONTROL), "no-cache");
    assert!(header(&headers, header::CONTENT_TYPE).starts_with("text/html"));
    assert!(varies_by_encoding(&headers));
    // The security headers of every page are still there.
    assert!(header(&headers, header::CONTENT_SECURITY_POLICY).contains("script-src 'self'"));
    assert_eq!(header(&headers, header::X_CONTENT_TYPE_OPTIONS), "nosniff");

    let index = String::from_utf8(index)?;
    // The loading screen, painted before any script runs.
    assert!(index.contains(r#"aria-busy="true""#) && index.contains("Chargement…"));

    let names = hashed_files(&server).await?;
    for prefix in ["style-", "boot-", "app-", "app_bg-"] {
        assert!(
            names.iter().any(|name| name.starts_with(prefix)),
            "index.html names no {prefix}…: {names:?}"
        );
    }
    for name in &names {
        assert!(content_hash(name).is_some(), "{name} is not a hashed name");
        let (status, _, _) = fetch(&server, &format!("/{name}"), None).await?;
        assert_eq!(status, 200, "/{name}");
    }

    // boot.js starts the very glue and wasm index.html preloads.
    let boot = names
        .iter()
        .find(|name| name.starts_with("boot-"))
        .context("no boot.js")?;
    let (_, _, boot) = fetch(&server, &format!("/{boot}"), None).await?;
    let mut started = relative_references(std::str::from_utf8(&boot)?);
    started.sort();
    let mut preloaded: Vec<String> = names
        .iter()
        .filter(|name| name.starts_with("app"))
        .cloned()
        .collect();
    preloaded.sort();
    assert_eq!(started, preloaded);
    Ok(())
}

async fn hashed_files_are_immutable_and_precompressed(backend: Backend) -> anyhow::Result<()> {
    let server = spa_server_on(backend).await?;
    let dist = dist_dir();
    let mut paths: Vec<String> = hashed_files(&server).await?;
    paths.push("index.html".to_owned());
    for name in &paths {
        let path = format!("/{name}");
        let cache = if name == "index.html" {
            "no-cache"
        } else {
            IMMUTABLE
        };
        let content_type = match name.rsplit_once('.').map(|(_, extension)| extension) {
            Some("wasm") => "application/wasm",
            Some("js") => "text/javascript",
            Some("css") => "text/css",
            _ => "text/html",
        };

        let (status, headers, identity) = fetch(&server, &path, None).await?;
        assert_eq!(status, 200, "{path}");
        assert!(headers.get(header::CONTENT_ENCODING).is_none(), "{path}");
        assert_eq!(header(&headers, header::CACHE_CONTROL), cache, "{path}");
        assert!(
            header(&headers, header::CONTENT_TYPE).starts_with(content_type),
            "{path}: {headers:?}"
        );
        assert!(varies_by_encoding(&headers), "{path}");
        assert_eq!(identity, std::fs::read(dist.join(name))?, "{path}");

        for (accept, encoding, extension) in [
            ("br", "br", "br"),
            ("gzip", "gzip", "gz"),
            ("gzip, deflate, br, zstd", "br", "br"),
        ] {
            let (status, headers, body) = fetch(&server, &path, Some(accept)).await?;
            let what = format!("{path} with Accept-Encoding: {accept}");
            assert_eq!(status, 200, "{what}");
            assert_eq!(
                header(&headers, header::CONTENT_ENCODING),
                encoding,
                "{what}"
            );
            assert_eq!(header(&headers, header::CACHE_CONTROL), cache, "{what}");
            assert!(
                header(&headers, header::CONTENT_TYPE).starts_with(content_type),
                "{what}: {headers:?}"
            );
            assert!(varies_by_encoding(&headers), "{what}");
            // What was compressed at build time, sent as is (Chromium decodes it below).
            assert_eq!(
                body,
                std::fs::read(dist.join(format!("{name}.{extension}")))?,
                "{what}"
            );
            if identity.len() > 4096 {
                assert!(body.len() < identity.len() / 2, "{what}: hardly compressed");
            }
        }
        let (_, headers, body) = fetch(&server, &path, Some("identity")).await?;
        assert!(headers.get(header::CONTENT_ENCODING).is_none());
        assert_eq!(body, identity);
    }
    Ok(())
}

async fn app_routes_answer_the_page_and_missing_files_are_not_found(
    backend: Backend,
) -> anyhow::Result<()> {
    let server = spa_server_on(backend).await?;
    let (_, _, index) = fetch(&server, "/", None).await?;
    for route in ["/tickets/42", "/login", "/settings/sla", "/customers/"] {
        let (status, headers, body) = fetch(&server, route, None).await?;
        assert_eq!(status, 200, "{route}");
        assert!(header(&headers, header::CONTENT_TYPE).starts_with("text/html"));
        assert_eq!(
            header(&headers, header::CACHE_CONTROL),
            "no-cache",
            "{route}"
        );
        assert_eq!(body, index, "{route}");
    }
    // An old build's files after a deploy, and files that never were.
    for missing in [
        "/app-0123456789abcdef.js",
        "/app_bg-0123456789abcdef.wasm",
        "/style-0123456789abcdef.css",
        "/app.js",
        "/app_bg.wasm",
        "/tickets/42/missing.js",
        "/favicon.ico",
    ] {
        for accept in [None, Some("br"), Some("gzip")] {
            let (status, headers, body) = fetch(&server, missing, accept).await?;
            assert_eq!(status, 404, "{missing} ({accept:?})");
            assert_ne!(
                header(&headers, header::CACHE_CONTROL),
                IMMUTABLE,
                "{missing}"
            );
            assert_ne!(body, index, "{missing}");
        }
    }
    Ok(())
}

/// Each hashed file fetched by the page (Chromium asks for brotli) and the bodies the server
/// sends for gzip (decoded by the page's `DecompressionStream`): the SHA-256 of what is
/// decoded, in hex.
const DIGESTS: &str = r"
    const [names, gzipped, done] = arguments;
    const hex = async (bytes) => Array.from(
        new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)),
        (byte) => byte.toString(16).padStart(2, '0')).join('');
    const result = [];
    for (const [i, name] of names.entries()) {
        const response = await fetch('/' + name, { cache: 'no-store' });
        const native = await hex(await response.arrayBuffer());
        const raw = Uint8Array.from(atob(gzipped[i]), (c) => c.charCodeAt(0));
        const stream = new Blob([raw]).stream().pipeThrough(new DecompressionStream('gzip'));
        const inflated = await hex(await new Response(stream).arrayBuffer());
        result.push({ name, encoding: response.headers.get('content-encoding'), native, inflated });
    }
    done(result);
";

fn app_boots_from_hashed_files_which_decode_to_their_content(
    backend: Backend,
) -> anyhow::Result<()> {
    serially(|| async {
        let server = spa_server_on(backend).await?;
        let names = hashed_files(&server).await?;
        let mut gzipped = Vec::new();
        for name in &names {
            let (_, headers, body) = fetch(&server, &format!("/{name}"), Some("gzip")).await?;
            assert_eq!(header(&headers, header::CONTENT_ENCODING), "gzip");
            gzipped.push(base64::engine::general_purpose::STANDARD.encode(body));
        }
        with_browser("spa-delivery", |browser| async move {
            browser.goto(&format!("{}/login", server.base_url)).await?;
            wait_css(&browser, "input[name=email]").await?;
            // The loading screen is gone once the app is mounted.
            let leftover = browser
                .execute(
                    "return document.querySelectorAll('#boot, [aria-busy=true]').length;",
                    vec![],
                )
                .await?;
            assert_eq!(leftover, json!(0));

            let digests = browser
                .execute_async(DIGESTS, vec![json!(names), json!(gzipped)])
                .await?;
            let digests = digests.as_array().context("no digests")?;
            assert_eq!(digests.len(), names.len());
            for digest in digests {
                let name = digest["name"].as_str().unwrap_or_default();
                let hash = content_hash(name).context("unhashed name")?;
                assert_eq!(digest["encoding"], json!("br"), "{name}");
                for decoded in ["native", "inflated"] {
                    let sha256 = digest[decoded].as_str().unwrap_or_default();
                    assert!(sha256.starts_with(hash), "{name} ({decoded}): {sha256}");
                }
            }
            Ok(())
        })
        .await
    })
}

fn a_wasm_that_cannot_load_shows_an_error(backend: Backend) -> anyhow::Result<()> {
    serially(|| async {
        // The built app without its wasm, as when it fails to download.
        let copy = tempfile::tempdir()?;
        for entry in std::fs::read_dir(dist_dir())? {
            let entry = entry?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if !name.contains(".wasm") {
                std::fs::copy(entry.path(), copy.path().join(&name))?;
            }
        }
        let _ = rustls::crypto::ring::default_provider().install_default();
        let config = server::config::Config {
            spa_dir: copy.path().to_path_buf(),
            ..server::config::Config::default()
        };
        let server =
            TestServer::start_on(Arc::new(TestDatabase::create(backend).await?), config).await?;
        with_browser("spa-delivery-failure", |browser| async move {
            browser.goto(&format!("{}/login", server.base_url)).await?;
            let alert = wait_css(&browser, "#boot.boot-failed [role=alert]").await?;
            assert!(alert.text().await?.contains("n'a pas pu se charger"));
            let busy = browser
                .execute(
                    "return document.getElementById('boot').getAttribute('aria-busy');",
                    vec![],
                )
                .await?;
            assert_eq!(busy, json!("false"));
            Ok(())
        })
        .await
    })
}
