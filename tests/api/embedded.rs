use diesel::prelude::*;
use workbay::db::embedded::{
    ClusterOptions, EmbeddedCluster, SUPERUSER, create_database_if_missing,
};
use workbay::db::migrate::{revert_all_migrations, run_migrations};
use workbay::db::roles::APP_ROLE;
use workbay::schema::branches;

use crate::common::cluster::cluster;

#[test]
fn the_embedded_cluster_keeps_data_across_a_stop_and_start() {
    let dir = std::env::temp_dir().join(format!(
        "workbay-embedded-{}",
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let mut pg = EmbeddedCluster::new(&dir).unwrap();
    pg.init_and_start(&ClusterOptions::default()).unwrap();
    pg.bootstrap("workbay").unwrap();
    run_migrations(&pg.url(SUPERUSER, "workbay")).unwrap();
    {
        let mut conn = PgConnection::establish(&pg.url(APP_ROLE, "workbay")).unwrap();
        workbay::repo::branches::first_or_create_default(&mut conn).unwrap();
    }
    assert!(
        dir.join("run").join(".s.PGSQL.5432").exists(),
        "listens on a socket in the data dir"
    );
    pg.stop().unwrap();
    assert!(!pg.is_running());
    assert!(
        PgConnection::establish(&pg.url(APP_ROLE, "workbay")).is_err(),
        "really stopped"
    );

    let mut again = EmbeddedCluster::new(&dir).unwrap();
    again.init_and_start(&ClusterOptions::default()).unwrap();
    let names: Vec<String> = {
        let mut conn = PgConnection::establish(&again.url(APP_ROLE, "workbay")).unwrap();
        branches::table
            .select(branches::name)
            .load(&mut conn)
            .unwrap()
    };
    assert_eq!(names, vec!["Main branch".to_string()]);
    again.stop().unwrap();
    drop(again);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn every_migration_reverts_cleanly_and_applies_again() {
    let c = cluster();
    let name = format!("m_{}", uuid::Uuid::new_v4().simple());
    let mut su = PgConnection::establish(&c.cluster.url(SUPERUSER, "postgres")).unwrap();
    create_database_if_missing(&mut su, &name, None).unwrap();
    let url = c.cluster.url(SUPERUSER, &name);
    let applied = run_migrations(&url).unwrap();
    assert!(applied >= 3);
    assert_eq!(revert_all_migrations(&url).unwrap(), applied);
    let mut conn = PgConnection::establish(&url).unwrap();
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let left: N = diesel::sql_query(
        "SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public' AND tablename <> '__diesel_schema_migrations'",
    )
    .get_result(&mut conn)
    .unwrap();
    assert_eq!(left.n, 0, "down.sql removed every table");
    assert_eq!(run_migrations(&url).unwrap(), applied);
    drop(conn);
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut su)
        .unwrap();
}

#[test]
fn instances_starting_at_once_migrate_one_after_another() {
    let c = cluster();
    let name = format!("m_{}", uuid::Uuid::new_v4().simple());
    let mut su = PgConnection::establish(&c.cluster.url(SUPERUSER, "postgres")).unwrap();
    create_database_if_missing(&mut su, &name, None).unwrap();
    let url = c.cluster.url(SUPERUSER, &name);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let url = url.clone();
            std::thread::spawn(move || run_migrations(&url).map_err(|e| e.to_string()))
        })
        .collect();
    let applied: Vec<usize> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    let total: usize = applied.iter().sum();
    assert_eq!(
        total,
        workbay::db::migrate::migration_count(),
        "each migration ran exactly once: {applied:?}"
    );
    diesel::sql_query(format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
        .execute(&mut su)
        .unwrap();
}
