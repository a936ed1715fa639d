use workbay::domain::role::Role;

use crate::common::{spawn_app, spawn_app_with};

/// A pool of one connection, and a receptionist acting in `branch_ids` (for db() itself).
async fn one_connection_as_a_receptionist(
    app: &crate::common::TestApp,
    branch_ids: Vec<i64>,
) -> (workbay::db::Pool, workbay::db::Actor) {
    let user = app.create_user("amina", "Amina", Role::Receptionist).await;
    let pool = workbay::db::build_pool(&app.db.app_url, 1).unwrap();
    let actor = workbay::db::Actor {
        user_id: Some(user.id),
        branch_ids,
    };
    (pool, actor)
}

#[tokio::test]
async fn healthz_answers_ok_when_the_database_does() {
    let app = spawn_app().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status_and_show_the_pool() {
    let app = spawn_app().await;
    app.get("/login").await;
    app.get("/no/such/page").await;
    let body = app.get("/metrics").await.text().await.unwrap();
    assert!(
        body.contains(
            "workbay_http_requests_total{route=\"/login\",method=\"GET\",status=\"200\"} 1"
        ),
        "{body}"
    );
    assert!(body.contains("status=\"404\""));
    assert!(
        body.contains(
            "workbay_http_request_duration_seconds_bucket{route=\"/login\",le=\"+Inf\"} 1"
        )
    );
    assert!(body.contains("workbay_db_pool_max_size 4"));
}

#[tokio::test]
async fn metrics_are_for_admins_when_localhost_is_not_trusted() {
    let app = spawn_app_with(|s| s.metrics_from_localhost = false).await;
    assert_eq!(app.get("/metrics").await.status().as_u16(), 403);
    let tech = app.new_client();
    let t = app.create_user("tech", "Tech", Role::Technician).await;
    app.login_with(&tech, &t.username, &t.password).await;
    assert_eq!(app.get_with(&tech, "/metrics").await.status().as_u16(), 403);
    app.login_as(Role::Admin).await;
    assert_eq!(app.get("/metrics").await.status().as_u16(), 200);
}

#[tokio::test]
async fn the_pool_connects_as_the_application_role_which_owns_nothing_and_cannot_bypass_rls() {
    let app = spawn_app().await;
    let facts = app
        .with_db(|conn| {
            use diesel::RunQueryDsl;
            #[derive(diesel::QueryableByName)]
            struct Facts {
                #[diesel(sql_type = diesel::sql_types::Bool)]
                bypass: bool,
                #[diesel(sql_type = diesel::sql_types::Bool)]
                superuser: bool,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                owned: i64,
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                app_connections: i64,
            }
            diesel::sql_query(
                "SELECT r.rolbypassrls AS bypass, r.rolsuper AS superuser,
                        (SELECT count(*) FROM pg_tables WHERE tableowner = 'workbay_app') AS owned,
                        (SELECT count(*) FROM pg_stat_activity WHERE usename = 'workbay_app' AND datname = current_database()) AS app_connections
                 FROM pg_roles r WHERE r.rolname = 'workbay_app'",
            )
            .get_result::<Facts>(conn)
            .unwrap()
        })
        .await;
    assert!(!facts.bypass && !facts.superuser);
    assert_eq!(facts.owned, 0);
    assert!(
        facts.app_connections >= 1,
        "the pool is connected as workbay_app"
    );
    assert_eq!(app.count("SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tableowner <> 'workbay_owner'").await, 0);
}

#[tokio::test]
async fn pooled_connections_plan_without_parallel_workers_or_jit() {
    let app = spawn_app().await;
    let url = app.db.app_url.clone();
    let show = |conn: &mut diesel::PgConnection| {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct S {
            #[diesel(sql_type = diesel::sql_types::Text)]
            workers: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            jit: String,
        }
        let s: S = diesel::sql_query(
            "SELECT current_setting('max_parallel_workers_per_gather') AS workers, \
                    current_setting('jit') AS jit",
        )
        .get_result(conn)
        .unwrap();
        (s.workers, s.jit)
    };
    let (pooled, plain) = tokio::task::spawn_blocking(move || {
        let pool = workbay::db::build_pool(&url, 2).unwrap();
        let pooled = show(&mut pool.get().unwrap());
        let mut conn = <diesel::PgConnection as diesel::Connection>::establish(&url).unwrap();
        (pooled, show(&mut conn))
    })
    .await
    .unwrap();
    assert_eq!(pooled, ("0".to_string(), "off".to_string()));
    // The same role on a connection of its own gets the server's defaults: the pool set them.
    assert_eq!(plain, ("2".to_string(), "on".to_string()));
}

#[tokio::test]
async fn every_transaction_knows_the_acting_user() {
    // The db() helper writes workbay.user_id and workbay.branch_ids into each transaction.
    let app = spawn_app().await;
    let (pool, actor) = one_connection_as_a_receptionist(&app, vec![app.branch_id, 99]).await;
    let seen = workbay::db::db(&pool, &actor, |conn| {
        use diesel::RunQueryDsl;
        #[derive(diesel::QueryableByName)]
        struct S {
            #[diesel(sql_type = diesel::sql_types::Text)]
            u: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            b: String,
        }
        Ok(diesel::sql_query(
            "SELECT current_setting('workbay.user_id') AS u, current_setting('workbay.branch_ids') AS b",
        )
        .get_result::<S>(conn)?)
    })
    .await
    .unwrap();
    assert_eq!(seen.u, actor.user_id.unwrap().to_string());
    assert_eq!(seen.b, format!("{},99", app.branch_id));
}

#[tokio::test]
async fn a_failed_unit_of_work_leaves_nothing_behind_and_the_next_starts_clean() {
    // db() opens the transaction and sets the actor in one batch, then commits or rolls back.
    // On the pool's single connection: a write followed by an error is rolled back, the actor
    // does not outlive its transaction, and the connection is lent again in a usable state.
    let app = spawn_app().await;
    let (pool, actor) = one_connection_as_a_receptionist(&app, vec![app.branch_id]).await;
    let branch = app.branch_id;
    let failed: Result<(), _> = workbay::db::db(&pool, &actor, move |conn| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "INSERT INTO customers (name, phone, created_branch_id) VALUES ('Rolled Back', '0700 000 001', {branch})"
        ))
        .execute(conn)?;
        Err(workbay::repo::RepoError::Conflict("changed my mind".into()))
    })
    .await;
    assert!(failed.is_err());
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'Rolled Back'")
            .await,
        0
    );
    let committed = workbay::db::db(&pool, &actor, move |conn| {
        use diesel::RunQueryDsl;
        Ok(diesel::sql_query(format!(
            "INSERT INTO customers (name, phone, created_branch_id) VALUES ('Kept', '0700 000 002', {branch})"
        ))
        .execute(conn)?)
    })
    .await
    .unwrap();
    assert_eq!(committed, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'Kept'")
            .await,
        1
    );
    // Outside any transaction of ours (plain(): no BEGIN), the connection holds no actor and no
    // open transaction: the server refuses a SAVEPOINT outside a transaction block.
    let (user_after, savepoint) = workbay::db::plain(&pool, |conn| {
        use diesel::RunQueryDsl;
        use diesel::connection::SimpleConnection;
        #[derive(diesel::QueryableByName)]
        struct S {
            #[diesel(sql_type = diesel::sql_types::Text)]
            u: String,
        }
        let s =
            diesel::sql_query("SELECT COALESCE(current_setting('workbay.user_id', true), '') AS u")
                .get_result::<S>(conn)?;
        Ok((
            s.u,
            conn.batch_execute("SAVEPOINT probe")
                .map_err(|e| e.to_string()),
        ))
    })
    .await
    .unwrap();
    assert_eq!(user_after, "", "the actor ended with its transaction");
    let refused = savepoint.expect_err("no transaction was left open on the connection");
    assert!(refused.contains("transaction block"), "{refused}");
}

#[tokio::test]
async fn a_step_that_fails_inside_a_unit_of_work_is_answered_but_nothing_of_the_unit_is_kept() {
    // repo::tx inside db() adds no savepoint (one round trip each way saved on every state
    // change), so a failed step cannot be undone on its own: the whole unit of work rolls back,
    // even when the handler answers the error (a form shown again) and returns normally.
    let app = spawn_app().await;
    let (pool, actor) = one_connection_as_a_receptionist(&app, vec![app.branch_id]).await;
    let branch = app.branch_id;
    let insert = move |conn: &mut diesel::PgConnection, name: &str| {
        use diesel::RunQueryDsl;
        diesel::sql_query(format!(
            "INSERT INTO customers (name, phone, created_branch_id) VALUES ('{name}', '0700 000 009', {branch})"
        ))
        .execute(conn)
    };
    let depth = |conn: &mut diesel::PgConnection| {
        use diesel::connection::{AnsiTransactionManager, TransactionManager};
        AnsiTransactionManager::transaction_manager_status_mut(conn)
            .transaction_depth()
            .unwrap()
            .map(|d| d.get())
    };
    let answered = workbay::db::db(&pool, &actor, move |conn| {
        insert(conn, "Before the step")?;
        let step = workbay::repo::tx(conn, |conn| {
            // Directly in db()'s transaction: no savepoint was opened for the step.
            assert_eq!(depth(conn), Some(1));
            insert(conn, "Inside the step")?;
            Err::<(), _>(workbay::repo::RepoError::Conflict("no".into()))
        });
        Ok(match step {
            Err(workbay::repo::RepoError::Conflict(m)) => format!("answered: {m}"),
            other => format!("unexpected: {other:?}"),
        })
    })
    .await
    .unwrap();
    assert_eq!(answered, "answered: no");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM customers WHERE name IN ('Before the step', 'Inside the step')"
        )
        .await,
        0,
        "a failed step rolls back its whole unit of work"
    );
    // The mark does not outlive its unit of work: the next one on the same connection commits.
    let kept = workbay::db::db(&pool, &actor, move |conn| {
        workbay::repo::tx(conn, |conn| Ok(insert(conn, "Next unit")?))
    })
    .await
    .unwrap();
    assert_eq!(kept, 1);
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'Next unit'")
            .await,
        1
    );
    // Outside db() (no transaction of ours), tx is a transaction of its own: a failure inside it
    // is rolled back and what ran before it, in autocommit, stays.
    let outside = workbay::db::plain(&pool, move |conn| {
        insert(conn, "Autocommitted")?;
        let step = workbay::repo::tx(conn, |conn| {
            assert_eq!(depth(conn), Some(1));
            insert(conn, "Own transaction")?;
            Err::<(), _>(workbay::repo::RepoError::Conflict("no".into()))
        });
        Ok(step.is_err())
    })
    .await
    .unwrap();
    assert!(outside);
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'Autocommitted'")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE name = 'Own transaction'")
            .await,
        0
    );
}

#[tokio::test]
async fn a_pooled_connection_whose_server_went_away_is_dropped_and_the_next_use_reconnects() {
    // The pool lends connections without a `SELECT 1` first; when a connection's backend is gone
    // the one use that finds out fails, and the pool must not lend that connection again.
    let app = spawn_app().await;
    let pool = workbay::db::build_pool(&app.db.app_url, 1).unwrap();
    let backend = || {
        let pool = pool.clone();
        async move {
            workbay::db::plain(&pool, |conn| {
                use diesel::RunQueryDsl;
                #[derive(diesel::QueryableByName)]
                struct P {
                    #[diesel(sql_type = diesel::sql_types::Integer)]
                    pid: i32,
                }
                Ok(diesel::sql_query("SELECT pg_backend_pid() AS pid")
                    .get_result::<P>(conn)?
                    .pid)
            })
            .await
        }
    };
    let first = backend().await.unwrap();
    assert_eq!(backend().await.unwrap(), first, "one connection, reused");
    let killed = app.text(&format!("pg_terminate_backend({first})")).await;
    assert_eq!(killed, "true");
    // Wait until the backend has really gone.
    for _ in 0..100 {
        if app
            .count(&format!(
                "SELECT count(*) FROM pg_stat_activity WHERE pid = {first}"
            ))
            .await
            == 0
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let after = backend().await;
    assert!(after.is_err(), "the use that finds the server gone fails");
    let fresh = backend().await.expect("the next use reconnects");
    assert_ne!(fresh, first);
    assert_eq!(backend().await.unwrap(), fresh);
}

#[tokio::test]
async fn requests_take_turns_at_the_database_no_more_than_the_limit_at_once() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let app = spawn_app().await;
    let pool = workbay::db::build_pool(&app.db.app_url, 4)
        .unwrap()
        .with_concurrency(2);
    let (inside, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let works = (0..8).map(|_| {
        let (pool, inside, most) = (pool.clone(), inside.clone(), most.clone());
        tokio::spawn(async move {
            workbay::db::plain(&pool, move |conn| {
                use diesel::RunQueryDsl;
                let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                // Long enough for the others to pile up behind this one.
                diesel::sql_query("SELECT pg_sleep(0.05)")
                    .execute(conn)
                    .map_err(workbay::repo::RepoError::from)?;
                inside.fetch_sub(1, Ordering::SeqCst);
                Ok(())
            })
            .await
        })
    });
    for work in futures_util::future::join_all(works).await {
        work.unwrap().unwrap();
    }
    // Four connections were free, yet never more than two requests worked at once.
    assert_eq!(most.load(Ordering::SeqCst), 2);
}
