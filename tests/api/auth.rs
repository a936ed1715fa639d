use workbay::domain::role::Role;

use crate::common::http::location;
use crate::common::spawn_app;

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("workbay_session="))
        .map(|v| v.split(';').next().unwrap().to_string())
}

#[tokio::test]
async fn login_with_the_right_password_shows_the_home_page_with_the_users_name() {
    let app = spawn_app().await;
    let user = app
        .create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let res = app.login(&user.username, &user.password).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/");
    let home = app.get_html("/").await;
    assert!(home.contains("Hello, Amina Njeri"), "{home}");
    assert!(home.contains("Receptionist"));
}

#[tokio::test]
async fn login_with_a_wrong_password_is_refused_and_keeps_the_username() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let res = app.login("amina", "not the password").await;
    assert_eq!(res.status().as_u16(), 401);
    let body = res.text().await.unwrap();
    assert!(body.contains("Wrong username or password."));
    assert!(
        body.contains("value=\"amina\""),
        "username kept in the form"
    );
    assert_eq!(
        app.get("/").await.status().as_u16(),
        303,
        "still signed out"
    );
}

#[tokio::test]
async fn login_of_an_unknown_user_gives_the_same_answer_as_a_wrong_password() {
    let app = spawn_app().await;
    let res = app.login("nobody", "whatever password").await;
    assert_eq!(res.status().as_u16(), 401);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("Wrong username or password.")
    );
}

#[tokio::test]
async fn a_disabled_user_cannot_log_in() {
    let app = spawn_app().await;
    let user = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    let id = user.id;
    app.with_db(move |conn| {
        use diesel::prelude::*;
        use workbay::schema::staff_users;
        diesel::update(staff_users::table.find(id))
            .set(staff_users::active.eq(false))
            .execute(conn)
            .unwrap();
    })
    .await;
    let res = app.login(&user.username, &user.password).await;
    assert_eq!(res.status().as_u16(), 403);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("This account is disabled")
    );
    assert_eq!(app.get("/").await.status().as_u16(), 303);
}

#[tokio::test]
async fn the_session_id_is_renewed_at_login() {
    let app = spawn_app().await;
    let user = app
        .create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let before = app.get("/login").await;
    let anonymous = session_cookie(&before).expect("the login page starts a session");
    let res = app.login(&user.username, &user.password).await;
    let signed_in = session_cookie(&res).expect("login sets a new session cookie");
    assert_ne!(anonymous, signed_in);
    // The anonymous key no longer names any session.
    let replay = app.new_client();
    let res = replay
        .get(format!("{}/", app.address))
        .header("cookie", anonymous)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
}

#[tokio::test]
async fn the_pre_logout_cookie_replayed_after_logout_is_refused() {
    let app = spawn_app().await;
    let user = app
        .create_user("amina", "Amina Njeri", Role::Receptionist)
        .await;
    let res = app.login(&user.username, &user.password).await;
    let cookie = session_cookie(&res).unwrap();
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let res = app.post_form("/logout", &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/login?signed_out=1");
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE user_id IS NOT NULL")
            .await,
        0
    );

    let attacker = app.new_client();
    let res = attacker
        .get(format!("{}/", app.address))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        303,
        "the old cookie must not sign anybody in"
    );
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn disabling_a_user_ends_their_open_session() {
    let app = spawn_app().await;
    let admin = app.login_as(Role::Admin).await;
    let tech_client = app.new_client();
    let tech = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    assert_eq!(
        app.login_with(&tech_client, &tech.username, &tech.password)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(app.get_with(&tech_client, "/").await.status().as_u16(), 200);

    let res = app
        .post_form(
            &format!("/admin/users/{}/status", tech.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = app.get_with(&tech_client, "/").await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "the disabled user's session has ended"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {}",
            tech.id
        ))
        .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'user.disable' AND entity_id = '{}' AND actor_user_id = {}",
            tech.id, admin.id
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn a_session_idle_past_the_timeout_is_over() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Receptionist).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    // Thirty-one minutes pass without a request.
    app.exec(&format!(
        "UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE user_id = {}",
        user.id
    ))
    .await;
    let res = app.get("/").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn activity_pushes_the_idle_expiry_forward() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Receptionist).await;
    let q = format!(
        "SELECT count(*) FROM sessions WHERE user_id = {} AND expires_at > now() + interval '29 minutes'",
        user.id
    );
    app.with_db(move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE sessions SET expires_at = now() + interval '1 minute' WHERE user_id = {}",
            user.id
        ))
        .execute(conn)
        .unwrap();
    })
    .await;
    assert_eq!(app.count(&q).await, 0);
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    assert_eq!(app.count(&q).await, 1, "a request renews the idle timeout");
}

#[tokio::test]
async fn requests_soon_after_one_another_read_the_session_without_rewriting_it() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Receptionist).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    // The row version and expiry as they stand; the idle expiry is less than a minute behind.
    let row = format!(
        "SELECT xmin::text || ' ' || expires_at::text FROM sessions WHERE user_id = {}",
        user.id
    );
    let before = app.text(&row).await;
    for _ in 0..3 {
        assert_eq!(app.get("/").await.status().as_u16(), 200);
    }
    assert_eq!(
        app.text(&row).await,
        before,
        "reading a fresh session writes nothing"
    );
    // Two minutes behind: the next request writes the new expiry once.
    app.exec(&format!(
        "UPDATE sessions SET expires_at = now() + interval '28 minutes' WHERE user_id = {}",
        user.id
    ))
    .await;
    let behind = app.text(&row).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let touched = app.text(&row).await;
    assert_ne!(
        touched, behind,
        "a request renews an expiry that fell behind"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {} \
             AND expires_at > now() + interval '29 minutes 50 seconds'",
            user.id
        ))
        .await,
        1,
        "to a full idle time from now"
    );
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    assert_eq!(app.text(&row).await, touched, "and only once");
}

#[tokio::test]
async fn a_session_past_the_absolute_timeout_is_over_even_when_active() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Receptionist).await;
    app.with_db(move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "UPDATE sessions SET absolute_expires_at = now() - interval '1 second' WHERE user_id = {}",
            user.id
        ))
        .execute(conn)
        .unwrap();
    })
    .await;
    assert_eq!(app.get("/").await.status().as_u16(), 303);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_same_site_lax_and_secure_by_default() {
    let app = crate::common::spawn_app_with(|s| s.secure_cookies = true).await;
    let res = app.get("/login").await;
    let header = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("workbay_session="))
        .unwrap()
        .to_string();
    assert!(header.contains("HttpOnly"), "{header}");
    assert!(header.contains("SameSite=Lax"), "{header}");
    assert!(header.contains("Secure"), "{header}");
}

#[tokio::test]
async fn changing_ones_password_signs_out_other_sessions_but_not_this_one() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Finance).await;
    let other = app.new_client();
    assert_eq!(
        app.login_with(&other, &user.username, &user.password)
            .await
            .status()
            .as_u16(),
        303
    );

    let res = app
        .post_form(
            "/account/password",
            &[
                ("current", &user.password),
                ("new", "a brand new secret"),
                ("confirm", "a brand new secret"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.get("/").await.status().as_u16(),
        200,
        "this session continues"
    );
    assert_eq!(
        app.get_with(&other, "/").await.status().as_u16(),
        303,
        "the other one ended"
    );
    let fresh = app.new_client();
    assert_eq!(
        app.login_with(&fresh, &user.username, "a brand new secret")
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn a_wrong_current_password_or_a_weak_new_one_is_explained_beside_the_field() {
    let app = spawn_app().await;
    app.login_as(Role::Finance).await;
    let res = app
        .post_form(
            "/account/password",
            &[
                ("current", "nope nope nope"),
                ("new", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 422);
    let body = res.text().await.unwrap();
    assert!(body.contains("That is not your current password."));
    assert!(body.contains("Use at least 10 characters."));
}

#[tokio::test]
async fn after_an_admin_reset_the_user_must_choose_a_new_password() {
    let app = spawn_app().await;
    app.login_as(Role::Admin).await;
    let tech = app
        .create_user("brian", "Brian Otieno", Role::Technician)
        .await;
    let res = app
        .post_form(
            &format!("/admin/users/{}/password", tech.id),
            &[("password", "temporary-pass-1")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);

    let tech_client = app.new_client();
    assert_eq!(
        app.login_with(&tech_client, "brian", "temporary-pass-1")
            .await
            .status()
            .as_u16(),
        303
    );
    let res = app.get_with(&tech_client, "/").await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(location(&res), "/account/password");
}

#[tokio::test]
async fn a_next_parameter_returns_the_user_where_they_were_going_but_never_off_site() {
    let app = spawn_app().await;
    let res = app.get("/admin/users?page=2").await;
    assert_eq!(location(&res), "/login?next=%2Fadmin%2Fusers%3Fpage%3D2");
    let user = app.create_user("root", "Root", Role::Admin).await;
    let token = app.csrf_token_with(&app.client, "/login").await;
    let res = app
        .client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", "root"),
            ("password", user.password.as_str()),
            ("csrf_token", &token),
            ("next", "//evil.example/"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&res), "/");
}

#[tokio::test]
async fn two_instances_share_sessions_and_logout_on_one_ends_it_on_both() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Receptionist).await;
    let mut settings =
        workbay::config::Settings::new(app.db.admin_url.clone(), app.db.app_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.secure_cookies = false;
    settings.pool_size = 2;
    settings.workers = Some(1);
    let second = workbay::Application::build(settings).await.unwrap();
    let other = format!("http://127.0.0.1:{}", second.port());
    tokio::spawn(second.run_until_stopped());
    // The cookie jar is per host+path, not port, so this client presents the same cookie.
    let res = app.client.get(format!("{other}/")).send().await.unwrap();
    assert_eq!(
        res.status().as_u16(),
        200,
        "signed in on the other instance too"
    );
    assert!(res.text().await.unwrap().contains("Test Receptionist"));
    app.post_form("/logout", &[]).await;
    let _ = user;
    assert_eq!(
        app.client
            .get(format!("{other}/"))
            .send()
            .await
            .unwrap()
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn each_request_sees_the_account_as_it_is_now_and_the_session_never_stores_it() {
    // The session store reads the account with the session on every request: a role or branch
    // changed by an admin applies to the next request, and the account read is not written back.
    let app = spawn_app().await;
    let user = app.login_as(Role::Manager).await;
    let other = app.create_branch("Eastleigh", "EL-").await;
    assert_eq!(app.get("/dashboards/sales").await.status().as_u16(), 200);
    let home = app.get_html("/").await;
    assert!(
        home.contains("Eastleigh"),
        "a manager can switch to every branch"
    );
    // A switch changes the session's state (the branch, a message), so the session is saved.
    let branch = other.to_string();
    let res = app
        .post_form("/branch", &[("branch_id", branch.as_str()), ("back", "/")])
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(
        app.get_html("/")
            .await
            .contains("You are now working in Eastleigh.")
    );
    let id = user.id;
    app.exec(&format!(
        "UPDATE staff_users SET role = 'receptionist' WHERE id = {id}"
    ))
    .await;
    assert_eq!(
        app.get("/dashboards/inventory").await.status().as_u16(),
        200
    );
    assert_eq!(
        app.get("/admin/branches").await.status().as_u16(),
        403,
        "no longer a manager or admin"
    );
    let home = app.get_html("/").await;
    assert!(
        !home.contains("Eastleigh"),
        "a receptionist sees only the home branch"
    );
    let res = app
        .post_form("/branch", &[("branch_id", branch.as_str()), ("back", "/")])
        .await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {id}"
        ))
        .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE state ? '_account'")
            .await,
        0,
        "the account read is never stored"
    );
    // Gone altogether: the next request signs the session out.
    app.exec(&format!(
        "UPDATE staff_users SET active = false WHERE id = {id}"
    ))
    .await;
    let res = app.get("/").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(location(&res).starts_with("/login"));
}

#[tokio::test]
async fn messages_waiting_for_the_next_page_are_capped_so_their_cookie_stays_small() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    // Twelve saves whose redirects are never followed (no page is shown in between, so none of
    // the messages is taken): each queues "Customer … saved.".
    let token = app.csrf_token_with(&app.client, "/").await;
    let mut longest_cookie = 0;
    for n in 1..=12 {
        let (name, phone) = (format!("Flash Customer {n:02}"), format!("0712 000 {n:03}"));
        let res = app
            .client
            .post(format!("{}/customers/new", app.address))
            .form(&[("name", &name), ("phone", &phone), ("csrf_token", &token)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 303);
        let cookie = res
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with("workbay_flash="))
            .expect("each save sets the message cookie")
            .to_string();
        longest_cookie = longest_cookie.max(cookie.len());
    }
    assert!(
        longest_cookie < 1500,
        "the message cookie grew to {longest_cookie} bytes"
    );
    // The messages never went through the session row.
    assert_eq!(
        app.count("SELECT count(*) FROM sessions WHERE state ? 'flash'")
            .await,
        0
    );
    let page = app.get_html("/customers").await;
    let shown: Vec<usize> = (1..=12)
        .filter(|n| page.contains(&format!("Customer Flash Customer {n:02} saved.")))
        .collect();
    assert_eq!(
        shown,
        (13 - workbay::web::page::MAX_FLASH..=12).collect::<Vec<_>>()
    );
    // Shown once, then gone.
    let again = app.get_html("/customers").await;
    assert!(!again.contains("saved."));
}

#[tokio::test]
async fn a_message_cookie_made_by_the_client_is_not_shown() {
    let app = spawn_app().await;
    let user = app
        .create_user("forger", "Forger", Role::Receptionist)
        .await;
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let res = app
        .login_with(&client, &user.username, &user.password)
        .await;
    assert_eq!(res.status().as_u16(), 303);
    // Only the server's encrypted cookie counts: a forged one, in plain text, is ignored.
    let url: reqwest::Url = app.address.parse().unwrap();
    jar.add_cookie_str(
        r#"workbay_flash=[{"kind":"error","text":"Pay deposits to account 999"}]; Path=/"#,
        &url,
    );
    let page = app.get_html_with(&client, "/customers").await;
    assert!(page.contains("<h1>Customers"), "{page}");
    assert!(!page.contains("account 999"));
    // A message the server queued does show.
    let res = app
        .post_form_with(
            &client,
            "/customers/new",
            &[("name", "Flash Real"), ("phone", "0712 555 000")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let page = app.get_html_with(&client, "/customers").await;
    assert!(page.contains("Customer Flash Real saved."), "{page}");
}
