use workbay::domain::role::Role;

use crate::common::spawn_app;

fn assert_security_headers(res: &reqwest::Response, what: &str) {
    let h = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default()
    };
    let csp = h("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{what}: {csp}"
    );
    assert_eq!(h("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(h("referrer-policy"), "same-origin", "{what}");
    assert!(!h("x-request-id").is_empty(), "{what}");
}

#[tokio::test]
async fn a_normal_page_carries_the_security_headers() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let res = app.get("/").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_security_headers(&res, "home");
}

#[tokio::test]
async fn a_404_is_an_html_page_with_a_request_id_and_the_security_headers() {
    let app = spawn_app().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status().as_u16(), 404);
    assert_security_headers(&res, "404");
    let id = res
        .headers()
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let body = res.text().await.unwrap();
    assert!(body.contains("404 · Not Found"), "{body}");
    assert!(body.contains(&id), "the page shows the request id");
}

#[tokio::test]
async fn a_403_page_also_carries_the_headers() {
    let app = spawn_app().await;
    app.login_as(Role::Technician).await;
    let res = app.get("/admin/users").await;
    assert_eq!(res.status().as_u16(), 403);
    assert_security_headers(&res, "403");
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("You do not have permission")
    );
}

#[tokio::test]
async fn a_users_script_full_name_is_shown_escaped() {
    let app = spawn_app().await;
    let evil = app
        .create_user("mallory", "<script>alert(1)</script>", Role::Receptionist)
        .await;
    app.login(&evil.username, &evil.password).await;
    let home = app.get_html("/").await;
    assert!(
        !home.contains("<script>alert(1)</script>"),
        "raw script must not appear"
    );
    assert!(
        home.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || home.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{home}"
    );

    let admin = app.new_client();
    let a = app.create_user("root", "Root", Role::Admin).await;
    app.login_with(&admin, &a.username, &a.password).await;
    let list = app
        .get_with(&admin, "/admin/users")
        .await
        .text()
        .await
        .unwrap();
    assert!(!list.contains("<script>alert(1)</script>"));
}
