use workbay::domain::role::Role;

use crate::common::spawn_app;

#[tokio::test]
async fn after_five_failures_the_next_attempt_gets_429_and_an_audit_row() {
    let app = spawn_app().await;
    let user = app.create_user("amina", "Amina", Role::Receptionist).await;
    for _ in 0..5 {
        assert_eq!(
            app.login("amina", "wrong wrong wrong")
                .await
                .status()
                .as_u16(),
            401
        );
    }
    // Even the right password waits now.
    let res = app.login("amina", &user.password).await;
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().get("retry-after").is_some());
    let body = res.text().await.unwrap();
    assert!(body.contains("Too many failed attempts"), "{body}");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login.throttled'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login.failed'")
            .await,
        5
    );
    assert_eq!(app.get("/").await.status().as_u16(), 303, "not signed in");
}

#[tokio::test]
async fn throttling_ends_once_the_delay_has_passed_so_nobody_is_locked_out_forever() {
    let app = spawn_app().await;
    let user = app.create_user("amina", "Amina", Role::Receptionist).await;
    for _ in 0..12 {
        app.login("amina", "wrong wrong wrong").await;
    }
    assert_eq!(
        app.login("amina", &user.password).await.status().as_u16(),
        429
    );
    // The delay is capped; once it has passed since the last failure the user gets in.
    app.with_db(|conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query("UPDATE login_attempts SET at = at - interval '16 minutes'")
            .execute(conn)
            .unwrap();
    })
    .await;
    assert_eq!(
        app.login("amina", &user.password).await.status().as_u16(),
        303
    );
}

#[tokio::test]
async fn one_address_trying_many_accounts_is_throttled_too() {
    let app = spawn_app().await;
    // thirty failures spread over many accounts (password spraying)
    for i in 0..30 {
        app.login(&format!("guess{}", i % 6), "wrong wrong wrong")
            .await;
    }
    let res = app.login("someone-else", "wrong wrong wrong").await;
    assert_eq!(res.status().as_u16(), 429);
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_than_five_tries() {
    let app = spawn_app().await;
    app.create_user("amina", "Amina", Role::Receptionist).await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let client = app.new_client();
        let token = app.csrf_token_with(&client, "/login").await;
        let url = format!("{}/login", app.address);
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .form(&[
                    ("username", "amina"),
                    ("password", "wrong wrong wrong"),
                    ("csrf_token", token.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses.sort();
    // A burst cannot get past the limit: exactly five passwords were checked.
    assert_eq!(statuses, vec![401, 401, 401, 401, 401, 429, 429, 429]);
    assert_eq!(
        app.count("SELECT count(*) FROM login_attempts WHERE NOT succeeded")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login.failed'")
            .await,
        5
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'login.throttled'")
            .await,
        3
    );
}
