use workbay::domain::role::Role;

use crate::common::http::location;
use crate::common::spawn_app;

fn branch_form<'a>(name: &'a str, prefix: &'a str, tax: &'a str) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("name", name),
        ("timezone", "Africa/Nairobi"),
        ("invoice_prefix", prefix),
        ("tax_rate", tax),
        ("tax_rounding", "per_line"),
        ("labour_rate", "2500"),
        ("labour_cost_rate", "900"),
        ("currency", "KES"),
        ("country", "KE"),
        ("active", "on"),
    ];
    for day in ["mon", "tue", "wed", "thu", "fri", "sat"] {
        f.push(match day {
            "mon" => ("mon_open", "08:00"),
            "tue" => ("tue_open", "08:00"),
            "wed" => ("wed_open", "08:00"),
            "thu" => ("thu_open", "08:00"),
            "fri" => ("fri_open", "08:00"),
            _ => ("sat_open", "09:00"),
        });
        f.push(match day {
            "mon" => ("mon_close", "18:00"),
            "tue" => ("tue_close", "18:00"),
            "wed" => ("wed_close", "18:00"),
            "thu" => ("thu_close", "18:00"),
            "fri" => ("fri_close", "18:00"),
            _ => ("sat_close", "13:00"),
        });
    }
    f.push(("sun_closed", "on"));
    f
}

#[tokio::test]
async fn an_admin_creates_a_branch_and_sees_it_in_the_list() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let res = app
        .post_form("/admin/branches/new", &branch_form("Kisumu", "ks-", "16"))
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/admin/branches");
    let list = app.get_html("/admin/branches").await;
    assert!(list.contains("Branch Kisumu created."));
    assert!(list.contains("<code>KS-</code>"), "prefix upper-cased");
    assert!(list.contains("16.00"));
}

#[tokio::test]
async fn a_bad_branch_form_comes_back_with_messages_and_what_was_typed() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let mut form = branch_form("Kisumu Central", "KS-", "150");
    form.retain(|(k, _)| *k != "timezone" && *k != "mon_close" && *k != "labour_cost_rate");
    form.push(("timezone", "Mars/Olympus"));
    form.push(("labour_cost_rate", "twelve"));
    form.push(("mon_close", "07:00"));
    let res = app.post_form("/admin/branches/new", &form).await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("Enter a percentage from 0 to 100"));
    assert!(body.contains("Choose a timezone"));
    assert!(body.contains("Monday must close after it opens."));
    assert!(body.contains("value=\"Kisumu Central\""), "name kept");
    assert!(
        body.contains("value=\"Mars/Olympus\""),
        "bad value kept for correction"
    );
    assert!(body.contains("value=\"150\""));
    assert!(body.contains("Enter an amount per hour"));
    assert!(body.contains("value=\"twelve\""));
    assert_eq!(
        app.count("SELECT count(*) FROM branches WHERE name = 'Kisumu Central'")
            .await,
        0
    );
}

#[tokio::test]
async fn parallel_branches_with_one_prefix_make_one_branch_and_friendly_messages() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    let mut tasks = Vec::new();
    for i in 0..6 {
        let client = app.client.clone();
        let url = format!("{}/admin/branches/new", app.address);
        let name = format!("Race {i}");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut form: Vec<(String, String)> = branch_form(&name, "RACE", "0")
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            form.push(("csrf_token".into(), token));
            let res = client.post(url).form(&form).send().await.unwrap();
            (res.status().as_u16(), res.text().await.unwrap())
        }));
    }
    let mut created = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            303 => created += 1,
            422 => assert!(
                body.contains("Another branch already uses this prefix."),
                "{body}"
            ),
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(created, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM branches WHERE invoice_prefix = 'RACE'")
            .await,
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'branch.create' AND after->>'invoice_prefix' = 'RACE'").await, 1);
}

/// The version a branch's edit form carries.
fn branch_version(page: &str) -> String {
    crate::common::http::between(page, "name=\"version\" value=\"", "\"").to_string()
}

#[tokio::test]
async fn a_branch_form_opened_before_someone_elses_save_is_refused_with_what_they_changed() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let id = app.branch_id;
    let path = format!("/admin/branches/{id}");
    let opened = branch_version(&app.get_html(&path).await);
    // someone else raises the tax rate meanwhile
    let mut theirs = branch_form("Main branch", "INV-", "16");
    theirs.push(("version", &opened));
    assert_eq!(app.post_form(&path, &theirs).await.status().as_u16(), 303);
    // this form, opened before, renames the branch at the old rate
    let mut mine = branch_form("Westlands", "INV-", "8");
    mine.push(("version", &opened));
    let reply = app.send(&path, &mine).await;
    reply.is(422);
    assert!(reply.body.contains("Someone else saved this branch while you were editing: their save holds different Name, Tax rate."), "{}", reply.body);
    assert!(
        reply.body.contains("Their save holds: 16"),
        "the field is marked: {}",
        reply.body
    );
    assert!(
        reply.body.contains("value=\"Westlands\""),
        "what was typed is kept"
    );
    assert_eq!(
        app.text(&format!(
            "SELECT name || ' ' || tax_rate FROM branches WHERE id = {id}"
        ))
        .await,
        "Main branch 16.00",
        "nothing overwritten"
    );
    // saved again from the refusal: this form now knows their save, and keeps what it holds
    let again = branch_version(&reply.body);
    assert_ne!(again, opened);
    let mut mine = branch_form("Westlands", "INV-", "8");
    mine.push(("version", &again));
    assert_eq!(app.post_form(&path, &mine).await.status().as_u16(), 303);
    assert_eq!(
        app.text(&format!(
            "SELECT name || ' ' || tax_rate FROM branches WHERE id = {id}"
        ))
        .await,
        "Westlands 8.00"
    );
}

#[tokio::test]
async fn editing_a_branch_records_before_and_after() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let id = app.branch_id;
    let version = branch_version(&app.get_html(&format!("/admin/branches/{id}")).await);
    let mut form = branch_form("Renamed", "INV-", "8");
    form.retain(|(k, _)| *k != "labour_cost_rate");
    form.push(("labour_cost_rate", "1,150.50"));
    form.push(("version", &version));
    let res = app.post_form(&format!("/admin/branches/{id}"), &form).await;
    assert_eq!(res.status().as_u16(), 303);
    // The labour rates the invoices and the service-profitability dashboard use.
    assert_eq!(
        app.text(&format!(
            "SELECT labour_rate || ' ' || labour_cost_rate FROM branches WHERE id = {id}"
        ))
        .await,
        "2500.00 1150.50"
    );
    let edit = app.get_html(&format!("/admin/branches/{id}")).await;
    assert!(edit.contains("value=\"1150.50\""), "{edit}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'branch.update' AND entity_id = '{id}' AND before->>'name' = 'Main branch' AND after->>'name' = 'Renamed'"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn an_admin_creates_an_account_who_must_then_choose_a_password() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let branch = app.branch_id.to_string();
    let res = app
        .post_form(
            "/admin/users/new",
            &[
                ("full_name", "Chen Wei"),
                ("username", "Chen"),
                ("role", "warehouse"),
                ("home_branch_id", &branch),
                ("password", "first-password-1"),
                ("active", "on"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let list = app.get_html("/admin/users?q=chen").await;
    assert!(list.contains("Chen Wei") && list.contains("<code>chen</code>"));
    let c = app.new_client();
    assert_eq!(
        app.login_with(&c, "chen", "first-password-1")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(location(&app.get_with(&c, "/").await), "/account/password");
}

#[tokio::test]
async fn a_taken_username_is_reported_beside_the_field_with_the_form_kept() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    app.create_user("chen", "Chen Wei", Role::Warehouse).await;
    let branch = app.branch_id.to_string();
    let res = app
        .post_form(
            "/admin/users/new",
            &[
                ("full_name", "Chen Other"),
                ("username", "chen"),
                ("role", "finance"),
                ("home_branch_id", &branch),
                ("password", "first-password-1"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("This username is taken."));
    assert!(body.contains("value=\"Chen Other\""));
    assert!(body.contains("value=\"finance\" selected"));
}

#[tokio::test]
async fn an_admin_cannot_disable_themselves() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin).await;
    let res = app
        .post_form(
            &format!("/admin/users/{}/status", admin.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(
        app.get_html(&format!("/admin/users/{}", admin.id))
            .await
            .contains("You cannot disable your own account.")
    );
    assert_eq!(app.get("/").await.status().as_u16(), 200);
}

#[tokio::test]
async fn an_admin_cannot_change_their_own_role_and_keeps_what_they_typed() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin).await;
    let branch = app.branch_id.to_string();
    let fields = [
        ("full_name", "Renamed Admin"),
        ("username", admin.username.as_str()),
        ("role", "manager"),
        ("home_branch_id", &branch),
        ("active", "on"),
    ];
    // A refusal of the whole change comes back on the form, beside the role, with the values typed.
    app.send(&format!("/admin/users/{}", admin.id), &fields)
        .await
        .is(409)
        .says("You cannot change your own role.")
        .says("value=\"Renamed Admin\"");
    let role = format!(
        "SELECT count(*) FROM staff_users WHERE id = {} AND role = 'admin' AND full_name <> 'Renamed Admin'",
        admin.id
    );
    assert_eq!(app.count(&role).await, 1, "nothing was saved");
}

#[tokio::test]
async fn disabling_asks_for_confirmation_first() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let tech = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    let page = app
        .get_html(&format!("/admin/users/{}/status", tech.id))
        .await;
    assert!(page.contains("Disable Brian Otieno?"));
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM staff_users WHERE id = {} AND active",
            tech.id
        ))
        .await,
        1,
        "viewing the question changes nothing"
    );
}

#[tokio::test]
async fn the_staff_list_searches_and_pages() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    app.with_db(|conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(
            "INSERT INTO staff_users (username, full_name, role, home_branch_id, password_hash)
             SELECT 'tech' || g, 'Technician ' || lpad(g::text, 2, '0'), 'technician', (SELECT min(id) FROM branches), 'x'
             FROM generate_series(1, 30) g",
        )
        .execute(conn)
        .unwrap();
    })
    .await;
    let first = app.get_html("/admin/users?q=technician").await;
    assert!(
        first.contains("Page 1 of 2 · 30 in all"),
        "the admin's own 'Test Administrator' is not a technician name"
    );
    assert!(first.contains("Technician 01") && !first.contains("Technician 30"));
    let second = app.get_html("/admin/users?q=technician&page=2").await;
    assert!(second.contains("Technician 30"));
}

#[tokio::test]
async fn a_manager_runs_their_branch_s_staff_but_not_another_branch_s_nor_managers_and_admins() {
    let app = spawn_app().await;
    let home = app.branch_id;
    let other = app.create_branch("Mombasa Road", "MR-").await;
    let tech_here = app
        .create_user_in("tess", "Tess Tech", Role::Technician, home)
        .await;
    let tech_there = app
        .create_user_in("tom", "Tom Tech", Role::Technician, other)
        .await;
    let peer = app
        .create_user_in("mary", "Mary Manager", Role::Manager, home)
        .await;
    app.login_as(Role::Manager).await;
    let (h, o) = (home.to_string(), other.to_string());
    let account = |role: &'static str, branch: &str| {
        vec![
            ("full_name", "Rita Reception".to_string()),
            ("username", format!("rita-{role}-{branch}")),
            ("role", role.to_string()),
            ("home_branch_id", branch.to_string()),
            ("password", "first-password-1".to_string()),
            ("active", "on".to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.send("/admin/users/new", &f).await
        }
    };
    // Their own branch, a role below manager: done.
    send(account("receptionist", &h)).await.is(303);
    // Not an administrator, not a manager, not another branch's: refused beside the field.
    send(account("admin", &h))
        .await
        .is(422)
        .says("Only an administrator can give the manager or administrator role.");
    send(account("manager", &h)).await.is(422);
    send(account("technician", &o))
        .await
        .is(422)
        .says("Choose one of your branches.");
    assert_eq!(
        app.count("SELECT count(*) FROM staff_users WHERE username LIKE 'rita-%'")
            .await,
        1
    );
    // The form offers only what they may give.
    let form = app.get_html("/admin/users/new").await;
    assert!(!form.contains("value=\"admin\"") && !form.contains("value=\"manager\""));
    let homes = crate::common::http::between(&form, "<select id=\"f-home_branch_id\"", "</select>");
    assert!(!homes.contains("Mombasa Road"), "{homes}");

    // Their branch's technician: edited, disabled, password reset.
    let tess = format!("/admin/users/{}", tech_here.id);
    let edit = [
        ("full_name", "Tess Technician"),
        ("username", "tess"),
        ("role", "technician"),
        ("home_branch_id", h.as_str()),
    ];
    app.send(&tess, &edit).await.is(303);
    app.send(&format!("{tess}/status"), &[("active", "false")])
        .await
        .is(303);
    app.send(
        &format!("{tess}/password"),
        &[("password", "a-new-password-9")],
    )
    .await
    .is(303);
    let row = app
        .text(&format!("SELECT full_name || ' ' || active || ' ' || must_change_password FROM staff_users WHERE id = {}", tech_here.id))
        .await;
    assert_eq!(row, "Tess Technician false true");
    // Promoting them is refused, the form kept.
    let promote = [
        ("full_name", "Tess Technician"),
        ("username", "tess"),
        ("role", "manager"),
        ("home_branch_id", h.as_str()),
    ];
    app.send(&tess, &promote)
        .await
        .is(422)
        .says("Only an administrator can give the manager or administrator role.")
        .says("value=\"Tess Technician\"");
    // Another branch's technician and a fellow manager are not there for them.
    for id in [tech_there.id, peer.id] {
        assert_eq!(
            app.get(&format!("/admin/users/{id}"))
                .await
                .status()
                .as_u16(),
            404
        );
        app.send(&format!("/admin/users/{id}/status"), &[("active", "false")])
            .await
            .is(404);
        app.send(
            &format!("/admin/users/{id}/password"),
            &[("password", "a-new-password-9")],
        )
        .await
        .is(404);
    }
    let list = app.get_html("/admin/users").await;
    assert!(
        list.contains("Tess Technician")
            && !list.contains("Tom Tech")
            && !list.contains("Mary Manager")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM staff_users WHERE id IN ({}, {}) AND active",
            tech_there.id, peer.id
        ))
        .await,
        2
    );
}

/// Issue 36, hole 10: a decimal comma in a branch's labour rate is a decimal comma (`12,50`
/// was stored as 1250.00); every amount goes through the one parser.
#[tokio::test]
async fn hole_10_a_decimal_comma_in_the_labour_rate_is_not_a_hundred_times_it() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let id = app.branch_id;
    let version = branch_version(&app.get_html(&format!("/admin/branches/{id}")).await);
    let mut form = branch_form("Comma", "INV-", "8");
    form.retain(|(k, _)| *k != "labour_rate" && *k != "labour_cost_rate");
    form.push(("labour_rate", "12,50"));
    form.push(("labour_cost_rate", "1.150,50"));
    form.push(("version", &version));
    let res = app.post_form(&format!("/admin/branches/{id}"), &form).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.text(&format!(
            "SELECT labour_rate || ' ' || labour_cost_rate FROM branches WHERE id = {id}"
        ))
        .await,
        "12.50 1150.50"
    );
    // marks that do not read one way are refused, not guessed
    let version = branch_version(&app.get_html(&format!("/admin/branches/{id}")).await);
    let mut form = branch_form("Comma", "INV-", "8");
    form.retain(|(k, _)| *k != "labour_rate");
    form.push(("labour_rate", "1,00,0"));
    form.push(("version", &version));
    let res = app.post_form(&format!("/admin/branches/{id}"), &form).await;
    assert_eq!(res.status().as_u16(), 422);
}
