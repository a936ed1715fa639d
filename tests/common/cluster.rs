//! The per-run cluster and the per-test databases.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};

use diesel::{Connection, PgConnection, RunQueryDsl};
use workbay::db::embedded::{
    ClusterOptions, EmbeddedCluster, SUPERUSER, create_database_if_missing, quote_ident,
};
use workbay::db::roles::{APP_ROLE, OWNER_ROLE};

const TEMPLATE: &str = "workbay_template";

/// The cluster for this test binary. It is stopped and its directory removed by a watcher
/// process when this process exits, however it exits.
pub struct TestCluster {
    pub cluster: EmbeddedCluster,
    pub dir: PathBuf,
    _watcher: Mutex<Child>,
}

static CLUSTER: OnceLock<TestCluster> = OnceLock::new();

/// The shared cluster, started (and the template migrated) on first use.
pub fn cluster() -> &'static TestCluster {
    CLUSTER.get_or_init(|| {
        workbay::telemetry::init();
        let dir = std::env::temp_dir().join(format!(
            "workbay-test-{}-{}",
            std::process::id(),
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::create_dir_all(&dir).expect("creating the test cluster directory");
        set_mode(&dir, 0o755);
        let mut cluster = EmbeddedCluster::new(&dir).expect("locating PostgreSQL");
        let options = ClusterOptions {
            extra_conf: vec![
                ("fsync".into(), "off".into()),
                ("synchronous_commit".into(), "off".into()),
                ("full_page_writes".into(), "off".into()),
                ("max_connections".into(), "400".into()),
                ("shared_buffers".into(), "'128MB'".into()),
            ],
        };
        cluster
            .init_and_start(&options)
            .expect("starting the test cluster");
        let watcher = spawn_watcher(&cluster, &dir);
        cluster
            .bootstrap(TEMPLATE)
            .expect("creating roles and the template database");
        workbay::db::migrate::run_migrations(&cluster.url(SUPERUSER, TEMPLATE))
            .expect("migrating the template database");
        TestCluster {
            cluster,
            dir,
            _watcher: Mutex::new(watcher),
        }
    })
}

/// A `sh` that waits for our end of its stdin to close (this process exiting), then stops the
/// cluster immediately and removes its directory.
fn spawn_watcher(cluster: &EmbeddedCluster, dir: &std::path::Path) -> Child {
    let stop = cluster.command("pg_ctl");
    let mut argv = vec![stop.get_program().to_string_lossy().to_string()];
    argv.extend(stop.get_args().map(|a| a.to_string_lossy().to_string()));
    argv.extend([
        "-D".into(),
        dir.join("postgres").display().to_string(),
        "-m".into(),
        "immediate".into(),
        "stop".into(),
    ]);
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(r#"cat >/dev/null; "$@" >/dev/null 2>&1; rm -rf "$WORKBAY_TEST_DIR""#)
        .arg("watcher")
        .args(&argv)
        .env("WORKBAY_TEST_DIR", dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("spawning the cluster watcher");
    // Keep the pipe open by holding stdin; write nothing.
    let _ = child.stdin.as_mut().map(|s| s.flush());
    child
}

use std::os::unix::process::CommandExt;

fn set_mode(path: &std::path::Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// A database of one test's own, cloned from the migrated template; dropped with this value.
pub struct TestDb {
    pub name: String,
    /// Superuser URL (assertions, setup).
    pub admin_url: String,
    /// The application role's URL.
    pub app_url: String,
}

/// Clones a fresh database from the template.
pub fn test_db() -> TestDb {
    let c = cluster();
    let name = format!("t_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::establish(&c.cluster.url(SUPERUSER, "postgres"))
        .expect("connecting as superuser");
    create_database_if_missing(&mut conn, &name, Some(TEMPLATE)).expect("cloning the template");
    TestDb {
        admin_url: c.cluster.url(SUPERUSER, &name),
        app_url: c.cluster.url(APP_ROLE, &name),
        name,
    }
}

impl TestDb {
    /// A superuser connection to this database.
    pub fn superuser(&self) -> PgConnection {
        PgConnection::establish(&self.admin_url).expect("superuser connection")
    }

    /// A connection as the application role, exactly as the server's pool has.
    pub fn as_app_role(&self) -> PgConnection {
        PgConnection::establish(&self.app_url).expect("app role connection")
    }

    /// The owner role's URL for this database.
    pub fn owner_url(&self) -> String {
        cluster().cluster.url(OWNER_ROLE, &self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let c = cluster();
        if let Ok(mut conn) = PgConnection::establish(&c.cluster.url(SUPERUSER, "postgres")) {
            let _ = diesel::sql_query(format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                quote_ident(&self.name)
            ))
            .execute(&mut conn);
        }
    }
}
