use diesel::RunQueryDsl;
use workbay::domain::role::Role;

use crate::common::spawn_app;

#[tokio::test]
async fn the_application_role_cannot_update_delete_or_truncate_the_audit_log() {
    let app = spawn_app().await;
    let user = app.create_user("amina", "Amina", Role::Receptionist).await;
    app.login(&user.username, &user.password).await;
    let rows_before = app.count("SELECT count(*) FROM audit_log").await;
    assert!(
        rows_before >= 2,
        "the user's creation and login were recorded"
    );

    let app_url = app.db.app_url.clone();
    let results = tokio::task::spawn_blocking(move || {
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&app_url).unwrap();
        [
            "UPDATE audit_log SET action = 'tampered'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ]
        .map(|sql| {
            diesel::sql_query(sql)
                .execute(&mut conn)
                .map_err(|e| e.to_string())
        })
    })
    .await
    .unwrap();
    for r in &results {
        let e = r
            .as_ref()
            .expect_err("the app role must not change the audit log");
        assert!(e.contains("permission denied"), "{e}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log").await,
        rows_before
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'tampered'")
            .await,
        0
    );
}

#[tokio::test]
async fn even_the_owner_role_is_stopped_by_the_append_only_trigger() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina", Role::Receptionist).await;
    let owner_url = app.db.owner_url();
    let results = tokio::task::spawn_blocking(move || {
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&owner_url).unwrap();
        [
            "UPDATE audit_log SET action = 'x'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ]
        .map(|sql| {
            diesel::sql_query(sql)
                .execute(&mut conn)
                .map_err(|e| e.to_string())
        })
    })
    .await
    .unwrap();
    for r in &results {
        let e = r.as_ref().expect_err("the trigger refuses");
        assert!(e.contains("append-only"), "{e}");
    }
}

#[tokio::test]
async fn logins_failures_logouts_and_admin_changes_are_recorded_with_who_and_where() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin).await;
    app.login_with(&app.new_client(), "admin1", "wrong password!!")
        .await;
    let res = app
        .post_form(
            "/admin/branches/new",
            &[
                ("name", "Kisumu"),
                ("timezone", "Africa/Nairobi"),
                ("invoice_prefix", "KS-"),
                ("tax_rate", "16"),
                ("tax_rounding", "per_line"),
                ("labour_rate", "0"),
                ("labour_cost_rate", "20"),
                ("currency", "KES"),
                ("country", "KE"),
                ("active", "on"),
                ("sun_closed", "on"),
                ("mon_open", "08:00"),
                ("mon_close", "17:00"),
                ("tue_open", "08:00"),
                ("tue_close", "17:00"),
                ("wed_open", "08:00"),
                ("wed_close", "17:00"),
                ("thu_open", "08:00"),
                ("thu_close", "17:00"),
                ("fri_open", "08:00"),
                ("fri_close", "17:00"),
                ("sat_closed", "on"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    app.post_form("/logout", &[]).await;
    for (action, actor) in [
        ("login", Some(admin.id)),
        ("login.failed", None),
        ("branch.create", Some(admin.id)),
        ("logout", Some(admin.id)),
    ] {
        let actor_sql = actor.map_or("IS NULL".to_string(), |id| format!("= {id}"));
        assert_eq!(
            app.count(&format!(
                "SELECT count(*) FROM audit_log WHERE action = '{action}' AND actor_user_id {actor_sql} AND client_addr = '127.0.0.1'"
            ))
            .await,
            1,
            "{action}"
        );
    }
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'branch.create' AND after->>'name' = 'Kisumu' AND before IS NULL").await,
        1
    );
}

#[tokio::test]
async fn admins_can_browse_and_search_the_audit_log() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    app.login_with(&app.new_client(), "ghost", "wrong password!!")
        .await;
    let page = app.get_html("/admin/audit?q=login.failed").await;
    assert!(page.contains("login.failed"));
    assert!(page.contains("ghost"), "the attempted username is shown");
    assert!(
        !page.contains("<code>user.create</code>"),
        "the search filters rows"
    );
}
