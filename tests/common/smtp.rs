//! The tests' SMTP server: `tests/smtp/server.py` (aiosmtpd, installed by `make test` into
//! `target/smtp-venv`) as a process of its own on a free port, writing each message it accepts to
//! a directory the test reads; stopped when dropped.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use workbay::config::{SenderSettings, SmtpSettings};

/// A running SMTP server.
pub struct SmtpServer {
    pub port: u16,
    pub dir: PathBuf,
    child: Child,
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target"))
}

impl SmtpServer {
    /// Starts one, and waits until it listens.
    pub fn start() -> Self {
        let python = target_dir().join("smtp-venv/bin/python");
        assert!(
            python.exists(),
            "{} is missing: run `make test-deps` (it installs the tests' SMTP server)",
            python.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let dir = std::env::temp_dir().join(format!("workbay-mail-{}-{port}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/smtp/server.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .arg(&dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting the SMTP server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Self { port, dir, child }
    }

    /// The sender's settings for this server: plain SMTP on localhost, a quick pace, short
    /// retries.
    pub fn sender(&self) -> SenderSettings {
        SenderSettings {
            smtp: Some(SmtpSettings {
                host: "127.0.0.1".into(),
                port: self.port,
                security: "none".into(),
                username: None,
                password: None,
                from: "Workbay Test <shop@workbay.test>".into(),
            }),
            sms: None,
            every: Duration::from_millis(100),
            retry_base: Duration::from_millis(200),
            max_attempts: 4,
            per_minute: 10_000,
            lease: Duration::from_secs(30),
        }
    }

    /// Every message received so far, oldest first, as received.
    pub fn messages(&self) -> Vec<String> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(&self.dir)
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        names.sort();
        names
            .iter()
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect()
    }

    /// Waits (up to 15 s) until `n` messages have arrived; all of them.
    pub async fn wait_for(&self, n: usize) -> Vec<String> {
        for _ in 0..300 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} messages never arrived; got {}", self.messages().len());
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A header of a received message (the first of that name) as it stands on its line.
pub fn header<'a>(message: &'a str, name: &str) -> Option<&'a str> {
    let head = message.split("\r\n\r\n").next()?;
    head.split("\r\n")
        .find(|l| starts_header(l, name))
        .map(|l| l[name.len() + 1..].trim())
}

/// A header of a received message, unfolded when it runs over several lines (a long link).
pub fn unfolded(message: &str, name: &str) -> Option<String> {
    let head = message.split("\r\n\r\n").next()?;
    let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    head.split("\r\n")
        .find(|l| starts_header(l, name))
        .map(|l| l[name.len() + 1..].trim().to_string())
}

fn starts_header(line: &str, name: &str) -> bool {
    line.len() > name.len()
        && line[..name.len()].eq_ignore_ascii_case(name)
        && line.as_bytes()[name.len()] == b':'
}

/// The decoded body of a message's part of `content_type` (`text/plain`, `text/html`).
pub fn part(message: &str, content_type: &str) -> String {
    let start = message
        .find(&format!("Content-Type: {content_type}"))
        .unwrap_or_else(|| panic!("no {content_type} part in {message}"));
    let section = &message[start..];
    let (head, body) = section.split_once("\r\n\r\n").unwrap();
    let body = body.split("\r\n--").next().unwrap();
    if head.contains("Content-Transfer-Encoding: base64") {
        use base64::Engine;
        let joined: String = body.split_whitespace().collect();
        String::from_utf8(
            base64::engine::general_purpose::STANDARD
                .decode(joined)
                .unwrap(),
        )
        .unwrap()
    } else if head.contains("Content-Transfer-Encoding: quoted-printable") {
        quoted_printable(body)
    } else {
        body.to_string()
    }
}

fn quoted_printable(body: &str) -> String {
    let joined = body.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && i + 3 <= bytes.len()
            && let Ok(b) = u8::from_str_radix(&joined[i + 1..i + 3], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
