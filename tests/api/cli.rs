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
    assert!(String::from_utf8_lossy(&out.stderr).contains("Use at least 10 characters."));
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
    assert_eq!(app.count("SELECT count(*) FROM staff_users").await, 6);
    assert_eq!(
        app.count("SELECT count(DISTINCT role) FROM staff_users")
            .await,
        6,
        "one per role"
    );
    let login = app.get_html("/login").await;
    assert!(login.contains("Demo shop logins") && login.contains("workbay-demo"));
    assert_eq!(
        app.login("emeka", "workbay-demo").await.status().as_u16(),
        303
    );
}

#[test]
fn serve_runs_on_its_embedded_cluster_and_sigterm_stops_both_cleanly() {
    let dir = std::env::temp_dir().join(format!("workbay-serve-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut child = workbay()
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--insecure-cookies",
            "--data-dir",
        ])
        .arg(&dir)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Lines arrive through a channel so a server that never says where it listens fails the
    // test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next_line = |what: &str| match rx.recv_timeout(Duration::from_secs(120)) {
        Ok(line) => Some(line),
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => None,
        Err(_) => panic!("serve printed nothing for two minutes while {what}"),
    };
    let port = loop {
        let line = next_line("starting").expect("serve exited before it served");
        if let Some(rest) = line.split("serving on http://127.0.0.1:").nth(1) {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            break digits.parse::<u16>().unwrap();
        }
    };
    let health = std::net::TcpStream::connect(("127.0.0.1", port)).and_then(|mut s| {
        use std::io::{Read, Write};
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")?;
        let mut out = String::new();
        s.read_to_string(&mut out)?;
        Ok(out)
    });
    assert!(health.unwrap().starts_with("HTTP/1.1 200"));
    assert!(
        dir.join("postgres").join("postmaster.pid").exists(),
        "the cluster runs"
    );

    // SAFETY: sending SIGTERM to our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let mut rest = Vec::new();
    while let Some(line) = next_line("stopping") {
        rest.push(line);
    }
    let status = child.wait().unwrap();
    assert!(
        status.success(),
        "clean exit: {status:?}\n{}",
        rest.join("\n")
    );
    assert!(
        rest.iter()
            .any(|l| l.contains("embedded PostgreSQL stopped")),
        "{}",
        rest.join("\n")
    );
    std::thread::sleep(Duration::from_millis(100));
    assert!(
        !dir.join("postgres").join("postmaster.pid").exists(),
        "PostgreSQL shut down"
    );
    std::fs::remove_dir_all(&dir).ok();
}
