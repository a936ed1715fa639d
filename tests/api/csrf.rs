use workbay::domain::role::Role;

use crate::common::spawn_app;

#[tokio::test]
async fn a_post_without_a_csrf_token_is_forbidden() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let res = app
        .client
        .post(format!("{}/logout", app.address))
        .form(&[("x", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(
        res.text().await.unwrap().contains("Request id"),
        "the error page is rendered"
    );
    assert_eq!(
        app.get("/").await.status().as_u16(),
        200,
        "still signed in: the logout did not happen"
    );
}

#[tokio::test]
async fn a_post_with_a_wrong_csrf_token_is_forbidden_and_changes_nothing() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let before = app.count("SELECT count(*) FROM branches").await;
    let res = app
        .client
        .post(format!("{}/admin/branches/new", app.address))
        .form(&[
            ("csrf_token", "forged"),
            ("name", "Forged"),
            ("timezone", "UTC"),
            ("invoice_prefix", "FX"),
            ("tax_rate", "0"),
            ("tax_rounding", "per_line"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(app.count("SELECT count(*) FROM branches").await, before);
}

#[tokio::test]
async fn a_login_post_without_a_token_is_forbidden() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina", Role::Receptionist).await;
    let res = app
        .client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", "amina"),
            ("password", crate::common::http::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn a_cross_site_origin_is_refused_even_with_the_right_token() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let res = app
        .client
        .post(format!("{}/logout", app.address))
        .header("Origin", "https://evil.example")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(app.get("/").await.status().as_u16(), 200);
}

#[tokio::test]
async fn sec_fetch_site_cross_site_is_refused() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let res = app
        .client
        .post(format!("{}/logout", app.address))
        .header("Sec-Fetch-Site", "cross-site")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}

#[tokio::test]
async fn a_same_origin_post_with_the_token_goes_through() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let res = app
        .client
        .post(format!("{}/logout", app.address))
        .header("Origin", app.address.as_str())
        .header("Sec-Fetch-Site", "same-origin")
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

#[tokio::test]
async fn the_token_changes_at_login_so_a_planted_one_is_useless() {
    let app = spawn_app().await;
    let user = app.create_user("amina", "Amina", Role::Receptionist).await;
    let before = app.csrf_token_with(&app.client, "/login").await;
    app.login(&user.username, &user.password).await;
    let after = app.csrf_token_with(&app.client, "/").await;
    assert_ne!(before, after);
    let res = app
        .client
        .post(format!("{}/logout", app.address))
        .form(&[("csrf_token", before.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
}
