//! The holes an attacker found (issue 36), each with a test named for it that failed before its
//! fix.

use workbay::domain::role::Role;

use crate::common::spawn_app;

/// Hole 2: after a correct sign-in only a path of this site is followed, whatever the spelling
/// of `next` (tabs, backslashes, encoded slashes, `//`, `/\`, CR/LF); a line break is not a 500.
#[tokio::test]
async fn hole_2_sign_in_never_redirects_to_another_site() {
    let app = spawn_app().await;
    let user = app
        .create_user("redirected", "Re Directed", Role::Receptionist)
        .await;
    for next in [
        "/\t/evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "/%2F/evil.example",
        "/%5C/evil.example",
        "/\r\n/evil.example",
        "/\nSet-Cookie: x=1",
        "https://evil.example/",
        "/ /evil.example",
    ] {
        let client = app.new_client();
        let token = app.csrf_token_with(&client, "/login").await;
        let res = client
            .post(format!("{}/login", app.address))
            .form(&[
                ("username", user.username.as_str()),
                ("password", user.password.as_str()),
                ("csrf_token", &token),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(
            crate::common::http::location(&res),
            "/",
            "{next:?} is not followed"
        );
    }
    // a path of the site is followed
    let client = app.new_client();
    let token = app.csrf_token_with(&client, "/login").await;
    let res = client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", &token),
            ("next", "/customers?q=kamau%20j"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        crate::common::http::location(&res),
        "/customers?q=kamau%20j"
    );
}

/// Hole 7: invented HTTP methods do not each add a series to `/metrics`; they fold into one
/// label, as unknown routes fold into `unmatched`.
#[tokio::test]
async fn hole_7_metrics_do_not_grow_with_invented_methods() {
    let app = spawn_app().await;
    let client = reqwest::Client::new();
    for i in 0..40 {
        let method = reqwest::Method::from_bytes(format!("INVENTED{i}").as_bytes()).unwrap();
        client
            .request(method, format!("{}/nowhere-{i}", app.address))
            .send()
            .await
            .unwrap();
    }
    let body = app.get("/metrics").await.text().await.unwrap();
    assert!(!body.contains("INVENTED"), "no series per invented method");
    assert!(!body.contains("nowhere-"), "no series per unknown path");
    let series = body
        .lines()
        .filter(|l| l.starts_with("workbay_http_requests_total{") && l.contains("method=\"other\""))
        .count();
    assert!(
        (1..=3).contains(&series),
        "the invented methods share one label per status: {series}"
    );
}
