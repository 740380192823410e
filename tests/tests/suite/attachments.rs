//! Attachments: uploaded through the GraphQL multipart spec, checked by content and size,
//! stored, and downloadable only by those who may see the ticket (or through a signed link
//! the API gave them, which expires).

use guichet_tests::{both_backends, Backend, TestServer};
use serde_json::json;

const PNG: &[u8] =
    b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

async fn attachments_are_checked_stored_and_guarded(backend: Backend) -> anyhow::Result<()> {
    let server = TestServer::start(backend).await?;
    let tenant = server.tenant("Atelier Dupont").await?;
    let jean = tenant.customer(&server, "Jean", "Dupont").await?;
    let marie = tenant.customer(&server, "Marie", "Martin").await?;
    let (_, jean_token) = tenant
        .user(&server, "jean@atelier-dupont.test", "customer", Some(&jean))
        .await?;
    let (_, marie_token) = tenant
        .user(
            &server,
            "marie@atelier-dupont.test",
            "customer",
            Some(&marie),
        )
        .await?;
    let ticket = tenant
        .ticket(&server, &jean, "SUPPORT", "Capture d'écran")
        .await?;

    let uploaded = server
        .upload(
            &jean_token,
            &ticket["id"],
            "../capture écran.png",
            PNG.to_vec(),
        )
        .await?;
    let attachment = &uploaded["data"]["uploadAttachment"];
    assert_eq!(attachment["contentType"], "image/png", "{uploaded}");
    assert_eq!(attachment["filename"], "capture_écran.png");
    assert_eq!(attachment["sizeBytes"], PNG.len());
    let id = attachment["id"].as_str().unwrap_or_default().to_owned();
    let url = attachment["url"].as_str().unwrap_or_default().to_owned();

    // The signed link works without credentials, with safe headers.
    let response = server.get(&url, None).await?;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.bytes().await?.as_ref(), PNG);
    // With a bearer credential: the ticket's customer and staff yes, another customer no.
    let path = format!("/attachments/{id}");
    assert_eq!(
        server.get(&path, Some(&tenant.admin_token)).await?.status(),
        200
    );
    assert_eq!(server.get(&path, Some(&jean_token)).await?.status(), 200);
    assert_eq!(server.get(&path, Some(&marie_token)).await?.status(), 404);
    assert_eq!(server.get(&path, None).await?.status(), 401);
    let other = server.tenant("Autre").await?;
    assert_eq!(
        server.get(&path, Some(&other.admin_token)).await?.status(),
        404
    );
    // A link for one attachment does not open another, and links expire.
    let token = url.split("token=").nth(1).unwrap_or_default();
    assert_eq!(
        server
            .get(
                &format!("/attachments/{}?token={token}", id.parse::<i64>()? + 1),
                None
            )
            .await?
            .status(),
        401
    );
    server.clock.advance(chrono::Duration::minutes(61));
    assert_eq!(server.get(&url, None).await?.status(), 401);

    // Content is checked, not the name; size is limited.
    let admin = server.login(&tenant.admin_email, &tenant.password).await?;
    let disguised = server
        .upload(
            &admin,
            &ticket["id"],
            "photo.png",
            b"MZ\x90\0 not an image".to_vec(),
        )
        .await?;
    assert_eq!(
        disguised["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{disguised}"
    );
    let mut huge = PNG.to_vec();
    huge.resize(10 * 1024 * 1024 + 1, 0);
    let too_big = server
        .upload(&admin, &ticket["id"], "huge.png", huge)
        .await?;
    assert_eq!(
        too_big["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{too_big}"
    );
    let pdf = server
        .upload(
            &admin,
            &ticket["id"],
            "devis.pdf",
            b"%PDF-1.7\n1 0 obj\n".to_vec(),
        )
        .await?;
    assert_eq!(
        pdf["data"]["uploadAttachment"]["contentType"],
        "application/pdf"
    );
    // Nobody uploads to a ticket they cannot see.
    let marie_again = server
        .login("marie@atelier-dupont.test", &tenant.password)
        .await?;
    let refused = server
        .upload(&marie_again, &ticket["id"], "x.png", PNG.to_vec())
        .await?;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "NOT_FOUND");

    let listed = server
        .ok(
            Some(&admin),
            "query($id: ID!) { ticket(id: $id) { attachments { filename contentType } } }",
            json!({ "id": ticket["id"] }),
        )
        .await?;
    assert_eq!(
        listed["ticket"]["attachments"],
        json!([{ "filename": "capture_écran.png", "contentType": "image/png" }, { "filename": "devis.pdf", "contentType": "application/pdf" }])
    );
    Ok(())
}

both_backends!(attachments_are_checked_stored_and_guarded);
