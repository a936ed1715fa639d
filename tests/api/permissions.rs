use workbay::domain::role::Role;

use crate::common::http::location;
use crate::common::spawn_app;

const ADMIN_PAGES: [&str; 5] = [
    "/admin/branches",
    "/admin/branches/new",
    "/admin/users",
    "/admin/users/new",
    "/admin/audit",
];

#[tokio::test]
async fn every_role_but_admin_is_refused_on_admin_pages_but_managers_run_their_staff_and_read_their_log()
 {
    let app = spawn_app().await;
    for role in Role::ALL.into_iter().filter(|r| *r != Role::Admin) {
        let client = app.new_client();
        let user = app
            .create_user(&format!("u-{}", role.as_str()), "Someone", role)
            .await;
        assert_eq!(
            app.login_with(&client, &user.username, &user.password)
                .await
                .status()
                .as_u16(),
            303
        );
        for path in ADMIN_PAGES {
            let res = app.get_with(&client, path).await;
            // managers run their own branch's staff and read their branches' audit log
            let managed = path.starts_with("/admin/users") || path == "/admin/audit";
            let expected = match role == Role::Manager && managed {
                true => 200,
                false => 403,
            };
            assert_eq!(res.status().as_u16(), expected, "{role} on {path}");
        }
        let res = app
            .post_form_with(
                &client,
                "/admin/branches/new",
                &[
                    ("name", "Sneaky"),
                    ("timezone", "UTC"),
                    ("invoice_prefix", "SN"),
                    ("tax_rate", "0"),
                    ("tax_rounding", "per_line"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 403, "{role} posting a branch");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM branches WHERE name = 'Sneaky'")
            .await,
        0
    );
}

#[tokio::test]
async fn an_admin_may_use_every_admin_page() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    for path in ADMIN_PAGES {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_the_login_page() {
    let app = spawn_app().await;
    for path in ["/", "/account/password", "/admin/users"] {
        let res = app.get(path).await;
        assert_eq!(res.status().as_u16(), 303, "{path}");
        assert!(location(&res).starts_with("/login?next="), "{path}");
    }
}

#[tokio::test]
async fn a_manager_switches_branch_but_a_receptionist_cannot() {
    let app = spawn_app().await;
    let second = app.create_branch("Mombasa Road", "MR-").await;
    let manager = app.login_as(Role::Manager).await;
    let home = app.get_html("/").await;
    assert!(
        home.contains("branch-switch"),
        "managers get a branch switcher"
    );
    let res = app
        .post_form("/branch", &[("branch_id", &second.to_string())])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(app.get_html("/").await.contains(" · Mombasa Road · "));
    let _ = manager;

    let clerk = app.new_client();
    let r = app.create_user("desk", "Desk", Role::Receptionist).await;
    app.login_with(&clerk, &r.username, &r.password).await;
    let page = app.get_with(&clerk, "/").await.text().await.unwrap();
    assert!(!page.contains("branch-switch"));
    let res = app
        .post_form_with(&clerk, "/branch", &[("branch_id", &second.to_string())])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert!(
        !app.get_with(&clerk, "/")
            .await
            .text()
            .await
            .unwrap()
            .contains("Mombasa Road")
    );
}
