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
    assert!(home.contains("<h1>Today</h1>"), "{home}");
    assert!(home.contains("Amina Njeri"), "{home}");
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
    assert!(
        session_cookie(&before).is_none(),
        "the login page starts no session (issue 36, hole 8)"
    );
    let res = app.login(&user.username, &user.password).await;
    let signed_in = session_cookie(&res).expect("login sets a session cookie");
    // A key planted before sign-in is worthless after: the session id is new at every sign-in.
    let planted = app.new_client();
    let res = app
        .login_with(&planted, &user.username, &user.password)
        .await;
    let first = session_cookie(&res).expect("a session cookie");
    let res = app
        .login_with(&planted, &user.username, &user.password)
        .await;
    let second = session_cookie(&res).expect("a session cookie");
    assert_ne!(first, second, "signing in again renews the id");
    assert_ne!(first, signed_in);
    let replay = app.new_client();
    let res = replay
        .get(format!("{}/", app.address))
        .header("cookie", first)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        303,
        "the replaced id names no session"
    );
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
    assert_eq!(
        app.get_with(&tech_client, "/floor").await.status().as_u16(),
        200
    );

    let res = app
        .post_form(
            &format!("/admin/users/{}/status", tech.id),
            &[("active", "false")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let res = app.get_with(&tech_client, "/floor").await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "the disabled user's session has ended"
    );
    assert!(location(&res).starts_with("/login"));
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

/// An app whose sessions end after 20 idle seconds, so their expiry is pushed on once it has
/// fallen one second behind (a twentieth of the idle time): the tests below let real time pass,
/// since the server keeps the session, and its expiry, in memory between reads.
async fn app_with_twenty_idle_seconds() -> crate::common::TestApp {
    crate::common::spawn_app_with(|s| s.idle_timeout = chrono::Duration::seconds(20)).await
}

#[tokio::test]
async fn activity_pushes_the_idle_expiry_forward() {
    let app = app_with_twenty_idle_seconds().await;
    let user = app.login_as(Role::Receptionist).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let expiry = format!(
        "SELECT (extract(epoch FROM expires_at) * 1000)::bigint FROM sessions WHERE user_id = {}",
        user.id
    );
    let before = app.count(&expiry).await;
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let after = app.count(&expiry).await;
    assert!(
        after >= before + 1300,
        "a request renews the idle timeout: {before} then {after}"
    );
}

#[tokio::test]
async fn requests_soon_after_one_another_read_the_session_without_rewriting_it() {
    let app = app_with_twenty_idle_seconds().await;
    let user = app.login_as(Role::Receptionist).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    // The row version and expiry as they stand; the idle expiry is less than a second behind.
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
    // More than a second behind: the next request writes the new expiry once.
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let touched = app.text(&row).await;
    assert_ne!(
        touched, before,
        "a request renews an expiry that fell behind"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM sessions WHERE user_id = {} \
             AND expires_at > now() + interval '19 seconds'",
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
    let cookie = |res: &reqwest::Response, name: &str| {
        res.headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    };
    // the anonymous visitor's form nonce
    let res = app.get("/login").await;
    let header = cookie(&res, "workbay_presession").expect("the form's nonce cookie");
    assert!(
        header.contains("HttpOnly") && header.contains("SameSite=Lax") && header.contains("Secure"),
        "{header}"
    );
    // the session, from sign-in (the client keeps no Secure cookie over http: sign in by hand)
    let user = app
        .create_user("flags", "Flag Test", Role::Receptionist)
        .await;
    let nonce = header.split(';').next().unwrap().to_string();
    let page = res.text().await.unwrap();
    let token = crate::common::http::extract_csrf(&page).unwrap();
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/login", app.address))
        .header("cookie", nonce)
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", &token),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let header = cookie(&res, "workbay_session").expect("the session cookie");
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
    assert!(body.contains("Use at least 12 characters"));
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

/// A client that sees every answer (no redirect followed, `307` included), signed in as a new
/// user of `role`, and its session's CSRF token (read from a page, so the server keeps the
/// session in memory from then on).
async fn signed_in_seeing_every_answer(
    app: &crate::common::TestApp,
    username: &str,
    role: Role,
) -> (reqwest::Client, i64, String) {
    let client = app.client_seeing_every_answer();
    let user = app.create_user(username, "Kept Session", role).await;
    let res = app
        .login_with(&client, &user.username, &user.password)
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let token = app.csrf_token_with(&client, "/").await;
    (client, user.id, token)
}

/// A customer form posted with `token`, as a browser on the new customer page sends it. Each
/// name gets a phone number of its own, so that no form is held back as a likely duplicate.
async fn post_customer(
    app: &crate::common::TestApp,
    client: &reqwest::Client,
    token: &str,
    name: &str,
) -> reqwest::Response {
    let digits: u64 = name
        .bytes()
        .fold(7, |h, b| (h * 131 + u64::from(b)) % 1_000_000);
    let phone = format!("0711 {digits:06}");
    client
        .post(format!("{}/customers/new", app.address))
        .form(&[
            ("name", name),
            ("phone", phone.as_str()),
            ("csrf_token", token),
        ])
        .send()
        .await
        .expect("POST")
}

async fn customers_named(app: &crate::common::TestApp, name: &str) -> i64 {
    app.count(&format!(
        "SELECT count(*) FROM customers WHERE name = '{name}'"
    ))
    .await
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_elsewhere_saves_nothing_and_is_sent_again() {
    // The server keeps sessions in memory between requests; the first unit of work of each
    // request proves the kept one current. A session ended behind this server's back (another
    // instance, an administrator, a timeout) must not save the form; the browser is told to send
    // it again, and the second sending finds the session gone.
    let app = spawn_app().await;
    let (client, id, token) = signed_in_seeing_every_answer(&app, "rita", Role::Receptionist).await;
    assert_eq!(
        app.get_with(&client, "/customers").await.status().as_u16(),
        200
    );
    app.exec(&format!("DELETE FROM sessions WHERE user_id = {id}"))
        .await;
    let res = post_customer(&app, &client, &token, "Ghost Customer").await;
    assert_eq!(res.status().as_u16(), 307, "send it again");
    assert_eq!(location(&res), "/customers/new");
    assert_eq!(
        customers_named(&app, "Ghost Customer").await,
        0,
        "nothing saved"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'customer.create'")
            .await,
        0
    );
    let res = post_customer(&app, &client, &token, "Ghost Customer").await;
    assert_eq!(
        res.status().as_u16(),
        403,
        "signed out: the token of the ended session is refused"
    );
    assert_eq!(customers_named(&app, "Ghost Customer").await, 0);
}

#[tokio::test]
async fn a_form_sent_on_a_session_changed_elsewhere_is_saved_once_when_sent_again() {
    let app = spawn_app().await;
    let (client, _, token) = signed_in_seeing_every_answer(&app, "rita", Role::Receptionist).await;
    // Another server of the shop replaced the session's state.
    app.exec("UPDATE sessions SET rev = rev + 1").await;
    let res = post_customer(&app, &client, &token, "Wanjiru Kamau").await;
    assert_eq!(res.status().as_u16(), 307);
    assert_eq!(customers_named(&app, "Wanjiru Kamau").await, 0);
    let res = post_customer(&app, &client, &token, "Wanjiru Kamau").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(
        location(&res).starts_with("/customers/"),
        "{}",
        location(&res)
    );
    assert_eq!(customers_named(&app, "Wanjiru Kamau").await, 1);
    // A browser follows the 307 by itself: the test clients do too.
    let user = app.login_as(Role::Receptionist).await;
    let token = app.csrf_token_with(&app.client, "/").await;
    app.exec(&format!(
        "UPDATE sessions SET rev = rev + 1 WHERE user_id = {}",
        user.id
    ))
    .await;
    let res = post_customer(&app, &app.client, &token, "Amina Yusuf").await;
    assert_eq!(res.status().as_u16(), 303, "sent again and saved");
    assert!(
        location(&res).starts_with("/customers/"),
        "{}",
        location(&res)
    );
    assert_eq!(customers_named(&app, "Amina Yusuf").await, 1, "saved once");
}

#[tokio::test]
async fn a_role_taken_away_applies_before_anything_is_written_on_the_kept_one() {
    let app = spawn_app().await;
    let (client, id, token) = signed_in_seeing_every_answer(&app, "maria", Role::Manager).await;
    assert_eq!(
        app.get_with(&client, "/dashboards/sales")
            .await
            .status()
            .as_u16(),
        200
    );
    app.exec(&format!(
        "UPDATE staff_users SET role = 'technician' WHERE id = {id}"
    ))
    .await;
    // A technician may not create customers; the kept session still says manager.
    let res = post_customer(&app, &client, &token, "Role Race").await;
    assert_eq!(res.status().as_u16(), 307);
    assert_eq!(customers_named(&app, "Role Race").await, 0);
    let res = post_customer(&app, &client, &token, "Role Race").await;
    assert_eq!(res.status().as_u16(), 403, "read afresh: a technician");
    assert_eq!(customers_named(&app, "Role Race").await, 0);
    // Any change of the account that the session carries counts; others do not.
    let page = "/account/password";
    assert_eq!(app.get_with(&client, page).await.status().as_u16(), 200);
    app.exec(&format!(
        "UPDATE staff_users SET updated_at = now() WHERE id = {id}"
    ))
    .await;
    assert_eq!(app.get_with(&client, page).await.status().as_u16(), 200);
    app.exec(&format!(
        "UPDATE staff_users SET full_name = 'Maria N.' WHERE id = {id}"
    ))
    .await;
    assert_eq!(app.get_with(&client, page).await.status().as_u16(), 307);
    assert!(app.get_html_with(&client, page).await.contains("Maria N."));
}

#[tokio::test]
async fn a_page_that_reads_nothing_still_proves_the_kept_session_before_it_is_shown() {
    // `GET /account/password` runs no unit of work: the proof is made after the handler.
    let app = spawn_app().await;
    let (client, id, _) = signed_in_seeing_every_answer(&app, "rita", Role::Receptionist).await;
    for _ in 0..2 {
        let res = app.get_with(&client, "/account/password").await;
        assert_eq!(res.status().as_u16(), 200);
    }
    app.exec(&format!("DELETE FROM sessions WHERE user_id = {id}"))
        .await;
    let res = app.get_with(&client, "/account/password").await;
    assert_eq!(res.status().as_u16(), 307);
    assert_eq!(location(&res), "/account/password", "the page, asked again");
    let res = app.get_with(&client, "/account/password").await;
    assert_eq!(res.status().as_u16(), 303);
    assert!(location(&res).starts_with("/login"));
    // Static files do not depend on the session and are never held back for it.
    assert_eq!(
        app.get_with(&client, "/static/app.css")
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_renamed_branch_shows_on_the_next_page_of_a_kept_session() {
    let app = spawn_app().await;
    let (client, _, _) = signed_in_seeing_every_answer(&app, "rita", Role::Receptionist).await;
    assert!(
        app.get_html_with(&client, "/")
            .await
            .contains("Main branch")
    );
    app.exec(&format!(
        "UPDATE branches SET name = 'Westlands Branch' WHERE id = {}",
        app.branch_id
    ))
    .await;
    let res = app.get_with(&client, "/").await;
    assert_eq!(res.status().as_u16(), 307);
    assert_eq!(location(&res), "/");
    let home = app.get_html_with(&client, "/").await;
    assert!(home.contains("Westlands Branch") && !home.contains("Main branch"));
}

#[tokio::test]
async fn forms_racing_a_sign_out_save_exactly_those_they_report_saved() {
    // Twenty forms in flight on one kept session while an administrator ends it: each is either
    // saved and answered with its record, or not saved and answered otherwise (send again, sign
    // in); never saved without saying so, never reported saved and lost.
    let app = spawn_app().await;
    let (client, id, token) = signed_in_seeing_every_answer(&app, "rita", Role::Receptionist).await;
    let (ended, ended_rx) = tokio::sync::watch::channel(false);
    let sends = (0..20).map(|i| {
        let (app, client, token, ended, mut ended_rx) =
            (&app, &client, token.clone(), &ended, ended_rx.clone());
        async move {
            // Half go at once; one ends the session; the rest go once it has ended.
            if i == 10 {
                app.exec(&format!("DELETE FROM sessions WHERE user_id = {id}"))
                    .await;
                ended.send_replace(true);
            } else if i > 10 {
                ended_rx.wait_for(|e| *e).await.unwrap();
            }
            let name = format!("Racer {i:02}");
            let res = post_customer(app, client, &token, &name).await;
            (name, res.status().as_u16(), location(&res))
        }
    });
    let answers = futures_util::future::join_all(sends).await;
    let mut saved = 0;
    for (name, status, to) in &answers {
        let reported = *status == 303 && to.starts_with("/customers/") && to != "/customers/new";
        assert!(
            reported || *status == 307 || *status == 403 || to.starts_with("/login"),
            "{name}: {status} {to}"
        );
        let kept = customers_named(&app, name).await;
        assert_eq!(kept, i64::from(reported), "{name} answered {status} {to}");
        saved += kept;
    }
    assert!(saved <= 10, "none sent after the sign-out was saved");
    // After the sign-out nothing more is saved.
    let res = post_customer(&app, &client, &token, "Racer late").await;
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name LIKE 'Racer%'")
            .await,
        saved
    );
}
