//! The `workbay` binary itself: commands against a test database, and `serve` on its own
//! embedded cluster stopped by a signal.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::spawn_app;

fn workbay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_workbay"))
}

#[tokio::test]
async fn create_admin_makes_an_account_that_can_sign_in() {
    let app = spawn_app().await;
    let out = workbay()
        .args(["create-admin", "Root.Admin"])
        .env("DATABASE_URL", &app.db.admin_url)
        .env("WORKBAY_APP_DATABASE_URL", &app.db.app_url)
        .env("WORKBAY_ADMIN_PASSWORD", "a long admin secret")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        app.login("root.admin", "a long admin secret")
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        app.get("/admin/users").await.status().as_u16(),
        200,
        "an admin"
    );
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password_and_creates_nothing() {
    let app = spawn_app().await;
    let mut child = workbay()
        .args(["create-admin", "root"])
        .env("DATABASE_URL", &app.db.admin_url)
        .env_remove("WORKBAY_ADMIN_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"short\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Use at least 12 characters"));
    assert_eq!(app.count("SELECT count(*) FROM staff_users").await, 0);
}

#[tokio::test]
async fn demo_loads_once_and_only_then_the_login_page_lists_its_logins() {
    let app = spawn_app().await;
    assert!(!app.get_html("/login").await.contains("Demo shop logins"));
    for expected in ["Demo shop loaded.", "already loaded"] {
        let out = workbay()
            .arg("demo")
            .env("DATABASE_URL", &app.db.admin_url)
            .env("WORKBAY_APP_DATABASE_URL", &app.db.app_url)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
    // One account per role; the stock demo: ~100 units, vendors, and orders in three states,
    // one half delivered through an intake batch; three weeks of sales: one draft, one void,
    // one refunded, the rest issued and paid in various ways, spread back over the days; the
    // workshop: a ticket in every status, preorders with one overdue, a claim.
    for (fact, n) in [
        ("SELECT count(*) FROM staff_users", 6),
        ("SELECT count(DISTINCT role) FROM staff_users", 6),
        ("SELECT count(*) FROM assets", 102),
        ("SELECT count(*) FROM vendors", 3),
        (
            "SELECT count(*) FROM purchase_orders WHERE status IN ('draft', 'ordered', 'partially_received')",
            3,
        ),
        (
            "SELECT count(*) FROM assets a JOIN purchase_orders p ON p.vendor_id = a.vendor_id WHERE p.status = 'partially_received'",
            2,
        ),
        ("SELECT count(*) FROM invoices", 36),
        ("SELECT count(*) FROM invoices WHERE status = 'draft'", 1),
        ("SELECT count(*) FROM invoices WHERE status = 'void'", 1),
        ("SELECT count(*) FROM invoices WHERE status = 'refunded'", 1),
        (
            "SELECT (max(created_at) - min(created_at) > interval '14 days')::int::bigint FROM invoices",
            1,
        ),
        ("SELECT count(DISTINCT status) FROM tickets", 9),
        (
            "SELECT count(*) FROM preorders WHERE sla_due_on < current_date AND status IN ('ordered', 'in_transit')",
            1,
        ),
        (
            "SELECT count(*) FROM warranty_claims WHERE status = 'submitted'",
            1,
        ),
    ] {
        assert_eq!(app.count(fact).await, n, "{fact}");
    }
    for (fact, at_least) in [
        ("SELECT count(DISTINCT method) FROM payments", 4),
        ("SELECT count(*) FROM payments WHERE change_given > 0", 1),
        (
            "SELECT count(*) FROM tickets WHERE assigned_to IS NOT NULL",
            5,
        ),
        // The demo refreshed the dashboards' daily figures.
        (
            "SELECT count(*) FROM dashboard_sales_daily WHERE transactions > 0",
            1,
        ),
    ] {
        assert!(app.count(fact).await >= at_least, "{fact}");
    }
    assert_eq!(
        app.count("SELECT count(*) FROM invoices WHERE number IS NOT NULL")
            .await,
        app.count("SELECT max(seq)::bigint FROM invoices").await,
        "numbers are gapless"
    );
    let login = app.get_html("/login").await;
    assert!(login.contains("Demo shop logins") && login.contains("workbay-demo"));
    assert_eq!(
        app.login("emeka", "workbay-demo").await.status().as_u16(),
        303
    );
    // Its sales show straight away.
    let sales = app.get_html("/dashboards/sales").await;
    assert!(!sales.contains("id=\"revenue\">0.00<"), "{sales}");
}

/// A `workbay serve` child on `dir`'s embedded cluster, its log lines arriving through a channel
/// so a server that never says where it listens fails the test instead of hanging it.
struct Served {
    child: std::process::Child,
    lines: std::sync::mpsc::Receiver<String>,
    base: String,
}

impl Served {
    fn start(dir: &std::path::Path) -> Served {
        let mut child = workbay()
            .args([
                "serve",
                "--bind",
                "127.0.0.1:0",
                "--insecure-cookies",
                "--data-dir",
            ])
            .arg(dir)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1")
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            lines,
            base: String::new(),
        };
        let port = loop {
            let line = served
                .next_line("starting")
                .expect("serve exited before it served");
            if let Some(rest) = line.split("serving on http://127.0.0.1:").nth(1) {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                break digits.parse::<u16>().unwrap();
            }
        };
        served.base = format!("http://127.0.0.1:{port}");
        served
    }

    fn next_line(&self, what: &str) -> Option<String> {
        match self.lines.recv_timeout(Duration::from_secs(120)) {
            Ok(line) => Some(line),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
            Err(_) => panic!("serve printed nothing for two minutes while {what}"),
        }
    }

    /// Sends SIGTERM and returns how it exited and everything it logged from then on.
    fn stop(mut self) -> (std::process::ExitStatus, String) {
        // SAFETY: sending SIGTERM to our own child.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        let mut rest = Vec::new();
        while let Some(line) = self.next_line("stopping") {
            rest.push(line);
        }
        (self.child.wait().unwrap(), rest.join("\n"))
    }
}

/// Signs in to `base` with a wrong password (in the query string too) and then the right one;
/// returns the session id it was given.
async fn sign_in_badly_then_well(client: &reqwest::Client, base: &str, secret: &str) -> String {
    let page = client
        .get(format!("{base}/login"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let token = crate::common::http::extract_csrf(&page).unwrap();
    let res = client
        .post(format!("{base}/login?username=admin&password={secret}"))
        .form(&[
            ("username", "admin"),
            ("password", secret),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 401);
    let res = client
        .post(format!("{base}/login"))
        .form(&[
            ("username", "admin"),
            ("password", "workbay-demo"),
            ("csrf_token", token.as_str()),
        ])
        .send()
        .await
        .unwrap();
    let cookie = res.headers().get_all("set-cookie").iter().find_map(|v| {
        v.to_str()
            .ok()
            .and_then(|v| v.strip_prefix("workbay_session="))
            .map(|v| v.split(';').next().unwrap().to_string())
    });
    let status = res.status().as_u16();
    assert_eq!(status, 303, "{}", res.text().await.unwrap());
    cookie.expect("a session cookie")
}

#[tokio::test]
async fn serve_runs_on_its_embedded_cluster_logs_no_secrets_and_sigterm_stops_both_cleanly() {
    let dir = std::env::temp_dir().join(format!("workbay-serve-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = workbay()
        .arg("demo")
        .arg("--data-dir")
        .arg(&dir)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let served = Served::start(&dir);
    let base = served.base.clone();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let health = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(health.status().as_u16(), 200);
    let pid = dir.join("postgres").join("postmaster.pid");
    assert!(pid.exists(), "the cluster runs");

    // A failed and a successful sign-in: neither the password nor the session id may be logged.
    let secret = "Wr0ng-but-secret-passw0rd";
    let cookie = sign_in_badly_then_well(&client, &base, secret).await;
    let home = client.get(format!("{base}/")).send().await.unwrap();
    assert_eq!(home.status().as_u16(), 200);

    let (status, log) = served.stop();
    assert!(status.success(), "clean exit: {status:?}\n{log}");
    assert!(log.contains("embedded PostgreSQL stopped"), "{log}");
    assert!(
        log.contains("path=/login status=401"),
        "the requests were logged: {log}"
    );
    assert!(!log.contains(secret), "a password reached the log");
    assert!(!log.contains("workbay-demo"), "a password reached the log");
    assert!(!log.contains(&cookie), "a session id reached the log");
    std::thread::sleep(Duration::from_millis(100));
    assert!(!pid.exists(), "PostgreSQL shut down");
    std::fs::remove_dir_all(&dir).ok();
}
