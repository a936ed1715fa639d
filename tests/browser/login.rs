use fantoccini::Locator;
use workbay::domain::role::Role;

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
    assert!(
        c.current_url().await.unwrap().path().starts_with("/login"),
        "signed-out visitors land on the login page"
    );
    c.find(Locator::Css("#f-username"))
        .await
        .unwrap()
        .send_keys("amina")
        .await
        .unwrap();
    c.find(Locator::Css("#f-password"))
        .await
        .unwrap()
        .send_keys(crate::common::http::PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit].primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();

    let heading = c
        .wait()
        .for_element(Locator::Css("main h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Hello, Amina Njeri");
    assert_eq!(c.current_url().await.unwrap().path(), "/");
    let flash = c
        .find(Locator::Css(".flash-success"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(flash.contains("Welcome, Amina Njeri."));

    // The stylesheet loaded under the Content-Security-Policy (no inline styles needed).
    let bar_colour = c
        .execute(
            "return getComputedStyle(document.querySelector('.topbar')).backgroundColor",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(bar_colour.as_str(), Some("rgb(18, 38, 58)"));

    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let notice = c
        .wait()
        .for_element(Locator::Css(".flash-info"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(notice, "You have been signed out.");
    c.goto(&format!("{}/", app.address)).await.unwrap();
    assert!(
        c.current_url().await.unwrap().path().starts_with("/login"),
        "signed out for real"
    );
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
    c.find(Locator::Css("#f-username"))
        .await
        .unwrap()
        .send_keys("amina")
        .await
        .unwrap();
    c.find(Locator::Css("#f-password"))
        .await
        .unwrap()
        .send_keys("not it at all")
        .await
        .unwrap();
    c.find(Locator::Css("button[type=submit].primary"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let alert = c
        .wait()
        .for_element(Locator::Css(".flash-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(alert, "Wrong username or password.");
    let kept = c
        .find(Locator::Css("#f-username"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("amina"));
    let focused = c
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(focused.as_str(), Some("f-password"));
    browser.close().await;
}
