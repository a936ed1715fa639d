use fantoccini::Locator;
use workbay::domain::role::Role;

use crate::common::http::PASSWORD;
use crate::common::spawn_app;
use crate::driver::Browser;

#[tokio::test]
async fn a_receptionist_logs_in_sees_their_name_and_logs_out() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let browser = Browser::start().await;
    let c = &browser.client;

    c.goto(&format!("{}/", app.address)).await.unwrap();
    let path = c.current_url().await.unwrap().path().to_string();
    assert!(
        path.starts_with("/login"),
        "signed-out visitors land on the login page"
    );
    browser.sign_in("amina", PASSWORD).await;

    assert_eq!(browser.text_of("main h1").await, "Today");
    assert_eq!(browser.text_of(".user-name").await, "Amina Njeri");
    assert_eq!(c.current_url().await.unwrap().path(), "/");
    assert!(
        browser
            .text_of(".flash-success")
            .await
            .contains("Welcome, Amina Njeri.")
    );

    // The stylesheet loaded under the Content-Security-Policy (no inline styles needed).
    let script = "return getComputedStyle(document.querySelector('.topbar')).backgroundColor";
    let bar_colour = c.execute(script, vec![]).await.unwrap();
    assert_eq!(bar_colour.as_str(), Some("rgb(18, 38, 58)"));

    // Signing out is in the menu under the user's name.
    browser.click(".user-menu summary").await;
    browser.click("form[action='/logout'] button").await;
    assert_eq!(
        browser.text_of(".flash-info").await,
        "You have been signed out."
    );
    c.goto(&format!("{}/", app.address)).await.unwrap();
    let path = c.current_url().await.unwrap().path().to_string();
    assert!(path.starts_with("/login"), "signed out for real");
    browser.close().await;
}

#[tokio::test]
async fn a_wrong_password_in_the_browser_keeps_the_username_and_focuses_the_password() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{}/login", app.address)).await.unwrap();
    browser.sign_in("amina", "not it at all").await;
    assert_eq!(
        browser.text_of(".flash-error").await,
        "Wrong username or password."
    );
    let username = c.find(Locator::Css("#f-username")).await.unwrap();
    assert_eq!(
        username.prop("value").await.unwrap().as_deref(),
        Some("amina")
    );
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("f-password"));
    browser.close().await;
}
