//! The holes an attacker found (issue 36), each with a test named for it that failed before its
//! fix.

use workbay::domain::role::Role;

use crate::common::spawn_app;

/// Signs `user` in from a fresh client with `next`; the answer.
async fn sign_in_to(
    app: &crate::common::TestApp,
    user: &crate::common::http::TestUser,
    next: &str,
) -> reqwest::Response {
    let client = app.new_client();
    let token = app.csrf_token_with(&client, "/login").await;
    client
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", &token),
            ("next", next),
        ])
        .send()
        .await
        .unwrap()
}

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
        let res = sign_in_to(&app, &user, next).await;
        assert_eq!(res.status().as_u16(), 303, "{next:?}");
        assert_eq!(
            crate::common::http::location(&res),
            "/",
            "{next:?} is not followed"
        );
    }
    // a path of the site is followed
    let res = sign_in_to(&app, &user, "/customers?q=kamau%20j").await;
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

/// Hole 8: an anonymous `GET /login` (or any public page) writes no session row; its form is
/// still protected (the token is bound to a nonce cookie of the visitor's own), and sign-in
/// starts the session.
#[tokio::test]
async fn hole_8_an_anonymous_visit_writes_no_session_row() {
    let app = spawn_app().await;
    let user = app
        .create_user("visitor", "Vi Sitor", Role::Receptionist)
        .await;
    let sessions = "SELECT count(*) FROM sessions";
    let before = app.count(sessions).await;
    for _ in 0..5 {
        let client = app.new_client();
        app.get_html_with(&client, "/login").await;
    }
    assert_eq!(
        app.count(sessions).await,
        before,
        "no row for looking at the form"
    );

    // the form's token works only with the visitor's own nonce cookie
    let mallory = app.new_client();
    let stolen = app.csrf_token_with(&mallory, "/login").await;
    let victim = app.new_client();
    app.get_html_with(&victim, "/login").await;
    let res = victim
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", &stolen),
            ("next", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        403,
        "another visitor's token is refused"
    );
    let bare = reqwest::Client::new();
    let res = bare
        .post(format!("{}/login", app.address))
        .form(&[
            ("username", user.username.as_str()),
            ("password", user.password.as_str()),
            ("csrf_token", &stolen),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status().as_u16(),
        403,
        "a token with no nonce cookie is refused"
    );
    assert_eq!(app.count(sessions).await, before);

    // signing in with one's own form starts the session
    let res = app
        .login_with(&mallory, &user.username, &user.password)
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(app.count(sessions).await, before + 1);
    assert_eq!(
        app.get_with(&mallory, "/customers").await.status().as_u16(),
        200
    );
}

/// Hole 5: a 100,000-character plate is not echoed into a huge `Set-Cookie` (the client that
/// kept one got 431 on every later request); the next page still loads.
#[tokio::test]
async fn hole_5_a_huge_plate_is_not_echoed_into_a_cookie() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    let c = app.create_customer("Long Plate", "0700 123 456", "").await;
    let plate = "K".repeat(100_000);
    let token = app
        .csrf_token_with(&app.client, &format!("/customers/{c}"))
        .await;
    let res = app
        .client
        .post(format!("{}/customers/{c}/vehicles", app.address))
        .form(&[
            ("plate", plate.as_str()),
            ("make", "Toyota"),
            ("model", "Probox"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    assert!(status < 500, "{status}");
    for cookie in res.headers().get_all("set-cookie") {
        assert!(cookie.len() < 4096, "a cookie of {} bytes", cookie.len());
    }
    let next = app.get(&format!("/customers/{c}")).await;
    assert_eq!(next.status().as_u16(), 200, "the page after still loads");
}

/// Hole 6: the password policy follows NIST SP 800-63B: twelve characters at least, and not a
/// common password, a sequence, spaces, the username or the demo's password.
#[tokio::test]
async fn hole_6_weak_passwords_are_refused() {
    let app = spawn_app().await;
    let user = app.login_as(Role::Finance).await;
    for weak in [
        "password12",
        "password1234",
        "1234567890",
        "123456789012",
        "            ",
        "workbay-demo",
        "finance1-is-me",
        "qwertyuiop12",
    ] {
        let res = app
            .post_form(
                "/account/password",
                &[
                    ("current", &user.password),
                    ("new", weak),
                    ("confirm", weak),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 422, "{weak:?} is refused");
    }
    let res = app
        .post_form(
            "/account/password",
            &[
                ("current", &user.password),
                ("new", "blue kettle on the step"),
                ("confirm", "blue kettle on the step"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303, "a passphrase is welcome");
}

/// Hole 11: a customer link is never built from `X-Forwarded-Host` (a forged header would make
/// staff hand out a link to another site); with `--public-url` it starts with that address. An
/// oversized form is answered 413, not 409.
#[tokio::test]
async fn hole_11_customer_links_come_from_the_configured_address_not_a_header() {
    use workbay::domain::ticket::TicketStatus;
    let app = spawn_app().await;
    app.login_as(Role::Technician).await;
    let c = app.create_customer("Header Test", "0700 555 111", "").await;
    let branch = app.branch_id;
    let t = app
        .with_db(move |conn| {
            crate::common::fixtures::ticket_at(conn, branch, c, TicketStatus::Diagnosing)
        })
        .await;
    app.submit(&format!("/tickets/{t}/status-link"), &[]).await;
    let page = app
        .client
        .get(format!("{}/tickets/{t}", app.address))
        .header("X-Forwarded-Host", "evil.example")
        .header("Forwarded", "host=evil.example;proto=https")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("/status/"), "the link is on the page");
    assert!(!page.contains("evil.example"), "no link to another site");
    assert!(page.contains(&format!("value=\"{}/status/", app.address)));

    let configured =
        crate::common::spawn_app_with(|s| s.public_url = Some("https://shop.example/".into()))
            .await;
    configured.login_as(Role::Technician).await;
    let c = configured
        .create_customer("Header Test", "0700 555 111", "")
        .await;
    let branch = configured.branch_id;
    let t = configured
        .with_db(move |conn| {
            crate::common::fixtures::ticket_at(conn, branch, c, TicketStatus::Diagnosing)
        })
        .await;
    configured
        .submit(&format!("/tickets/{t}/status-link"), &[])
        .await;
    let page = configured.get_html(&format!("/tickets/{t}")).await;
    assert!(
        page.contains("value=\"https://shop.example/status/"),
        "the configured address"
    );

    // an oversized form
    let big = "x".repeat(300 * 1024);
    let res = app
        .client
        .post(format!("{}/customers/new", app.address))
        .form(&[("name", big.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
}

/// Hole 3: one address's failures do not lock out everyone behind it: five wrong passwords for
/// one account do not refuse another account's correct password from the same address, eight
/// honest sign-ins at once all go through, and even an address throttled for spraying many
/// accounts lets a correct password of an account that is not itself throttled in.
#[tokio::test]
async fn hole_3_the_throttle_does_not_lock_out_everyone_behind_one_address() {
    let app = spawn_app().await;
    let victim = app
        .create_user("victim", "Vic Tim", Role::Receptionist)
        .await;
    let colleague = app
        .create_user("colleague", "Col League", Role::Receptionist)
        .await;
    for _ in 0..5 {
        app.login_with(&app.new_client(), &victim.username, "wrong wrong wrong")
            .await;
    }
    let res = app
        .login_with(&app.new_client(), &colleague.username, &colleague.password)
        .await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "another account's correct password"
    );
    let res = app
        .login_with(&app.new_client(), &victim.username, "wrong wrong wrong")
        .await;
    assert_eq!(res.status().as_u16(), 429, "the account guessed at waits");

    // eight honest sign-ins at once
    let mut users = Vec::new();
    for i in 0..8 {
        users.push(
            app.create_user(&format!("honest{i}"), "Hon Est", Role::Technician)
                .await,
        );
    }
    let logins = users.iter().map(|u| {
        let client = app.new_client();
        let app = &app;
        async move {
            app.login_with(&client, &u.username, &u.password)
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(logins).await;
    assert_eq!(statuses, vec![303; 8]);

    // an address spraying many accounts waits, but not for a correct password
    for i in 0..31 {
        app.login_with(
            &app.new_client(),
            &format!("sprayed{}", i % 7),
            "wrong wrong wrong",
        )
        .await;
    }
    let res = app
        .login_with(&app.new_client(), "sprayed-again", "wrong wrong wrong")
        .await;
    assert_eq!(res.status().as_u16(), 429, "the sprayer waits");
    let res = app
        .login_with(&app.new_client(), &colleague.username, &colleague.password)
        .await;
    assert_eq!(
        res.status().as_u16(),
        303,
        "a correct password still goes through"
    );
}

/// Hole 9: an invoice's sales person is one of its branch's staff (a branch-1 invoice accepted a
/// branch-2 employee); the counter's own staff and whoever makes the sale are taken.
#[tokio::test]
async fn hole_9_a_sales_person_of_another_branch_is_refused() {
    let app = spawn_app().await;
    let me = app.login_as(Role::Receptionist).await;
    let other_branch = app.create_branch("Thika Road", "TR-").await;
    let stranger = app
        .create_user_in("stranger", "Stra Nger", Role::Receptionist, other_branch)
        .await;
    let colleague = app
        .create_user("colleague", "Col League", Role::Receptionist)
        .await;
    let reply = app
        .send(
            "/invoices/new",
            &[
                ("walk_in_name", "Okello"),
                ("sales_person_id", &stranger.id.to_string()),
            ],
        )
        .await;
    reply.is(422).says("Choose a sales person of this branch");
    assert_eq!(app.count("SELECT count(*) FROM invoices").await, 0);
    for person in [colleague.id, me.id] {
        app.submit(
            "/invoices/new",
            &[
                ("walk_in_name", "Okello"),
                ("sales_person_id", &person.to_string()),
            ],
        )
        .await;
    }
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM invoices WHERE sales_person_id IN ({}, {})",
            colleague.id, me.id
        ))
        .await,
        2
    );
}

/// Hole 4 (its first part): a NUL byte, or another control character, in a search box or a form
/// field no longer ends in a 500: it is dropped before the handler reads the field.
#[tokio::test]
async fn hole_4_a_nul_byte_in_a_search_box_or_a_field_is_not_a_500() {
    let app = spawn_app().await;
    app.login_as(Role::Receptionist).await;
    app.create_customer("Wanjiru Kamau", "0722 444 555", "")
        .await;
    let found = app.fetch("/customers?q=wan%00jiru").await;
    found.is(200).says("Wanjiru Kamau");
    for path in ["/search?q=%00", "/invoices?q=%00%1B", "/tickets/all?q=%00"] {
        let status = app.get(path).await.status().as_u16();
        assert!(status < 500, "{path}: {status}");
    }
    let res = app
        .post_form(
            "/customers/new",
            &[("name", "Nul\u{0}Byte Otieno"), ("phone", "0712 555 000")],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'NulByte Otieno'")
            .await,
        1,
        "saved without the NUL"
    );
}
