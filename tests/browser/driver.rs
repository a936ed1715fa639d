//! Starts chromedriver on a free port and opens a headless Chromium session with a fresh
//! profile; both go away when the `Browser` is dropped.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;

/// A headless Chromium session.
pub struct Browser {
    pub client: Client,
    /// chromedriver's port, for the DevTools commands WebDriver has no words for.
    port: u16,
    driver: Child,
    profile: std::path::PathBuf,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn chromium_binary() -> String {
    std::env::var("WORKBAY_CHROMIUM").unwrap_or_else(|_| {
        ["/usr/lib/chromium/chromium", "/usr/bin/chromium"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or("/usr/bin/chromium")
            .to_string()
    })
}

impl Browser {
    /// Starts chromedriver and a browser session.
    pub async fn start() -> Browser {
        let port = free_port();
        let driver = Command::new(
            std::env::var("WORKBAY_CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()),
        )
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect(
            "chromedriver must be installed (apt-get install chromium-driver; `make test` does it)",
        );
        let profile =
            std::env::temp_dir().join(format!("workbay-chrome-{}", uuid::Uuid::new_v4().simple()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium_binary(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--no-first-run", "--disable-quic", "--window-size=1024,768",
                    format!("--user-data-dir={}", profile.display()),
                ]
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        port,
                        driver,
                        profile,
                    };
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("could not start a browser session: {last_err:?}");
    }

    /// A session at `width` × `height`, signed in at `address` as `username` (password
    /// `PASSWORD`), on the page the sign-in lands on.
    pub async fn signed_in(address: &str, username: &str, (width, height): (u32, u32)) -> Browser {
        let browser = Browser::start().await;
        browser.client.set_window_size(width, height).await.unwrap();
        browser
            .client
            .goto(&format!("{address}/login"))
            .await
            .unwrap();
        browser
            .sign_in(username, crate::common::http::PASSWORD)
            .await;
        browser.text_of("main h1").await;
        browser
    }

    /// Whether the page fits the window's width (nothing scrolls sideways).
    pub async fn fits_width(&self) -> bool {
        self.client
            .execute(
                "return document.documentElement.scrollWidth <= window.innerWidth",
                vec![],
            )
            .await
            .unwrap()
            .as_bool()
            == Some(true)
    }

    /// The current value of the form field matching `css` (a date or time field's text is not
    /// its value).
    pub async fn value_of(&self, css: &str) -> String {
        let value = self
            .client
            .execute(
                "return document.querySelector(arguments[0]).value",
                vec![serde_json::json!(css)],
            )
            .await
            .unwrap();
        value.as_str().unwrap_or_default().to_string()
    }

    /// Types `text` into the element matching `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Replaces what the field matching `css` holds with `text`.
    pub async fn replace(&self, css: &str, text: &str) {
        let field = self
            .client
            .find(fantoccini::Locator::Css(css))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// The size in millimetres (width, height) of the first page Chromium prints of the current
    /// page, honouring its CSS `@page` size: DevTools' print-to-PDF, read from the PDF's MediaBox.
    pub async fn printed_page_mm(&self) -> (f64, f64) {
        use base64::Engine;
        let session = self.client.session_id().await.unwrap().expect("a session");
        let url = format!(
            "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
            self.port
        );
        let body = serde_json::json!({
            "cmd": "Page.printToPDF",
            "params": {"preferCSSPageSize": true, "printBackground": true}
        });
        let answer = reqwest::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
        let data = answer["value"]["data"].as_str().expect("the PDF");
        let pdf = base64::engine::general_purpose::STANDARD
            .decode(data)
            .unwrap();
        let text = String::from_utf8_lossy(&pdf);
        let at = text.find("/MediaBox").expect("a page size") + "/MediaBox".len();
        let numbers: Vec<f64> = text[at..]
            .trim_start()
            .trim_start_matches('[')
            .split(|c: char| c == ']' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .take(4)
            .map(|n| n.parse().unwrap())
            .collect();
        let points_to_mm = 25.4 / 72.0;
        (
            (numbers[2] - numbers[0]) * points_to_mm,
            (numbers[3] - numbers[1]) * points_to_mm,
        )
    }

    /// Clicks the element matching `css`, finding it again if the page replaced it between the
    /// finding and the click (a page still loading after the previous step's navigation).
    pub async fn click(&self, css: &str) {
        for attempt in 0.. {
            let el = self
                .client
                .find(fantoccini::Locator::Css(css))
                .await
                .unwrap();
            match el.click().await {
                Ok(_) => return,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && attempt < 20 =>
                {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("clicking {css}: {e}"),
            }
        }
    }

    /// Fills in and submits the sign-in form on the current page.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.fill("#f-username", username).await;
        self.fill("#f-password", password).await;
        self.click("button[type=submit].primary").await;
    }

    /// The text of the first element matching `css`, waiting for it to appear (and retrying
    /// while a navigation replaces the page under it).
    pub async fn text_of(&self, css: &str) -> String {
        for _ in 0..100 {
            let found = self.client.find(fantoccini::Locator::Css(css)).await;
            if let Ok(text) = futures_text(found).await {
                return text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("no element {css} appeared");
    }

    /// Waits until the text of `css` satisfies `ok`, and returns it.
    pub async fn text_until(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        for _ in 0..100 {
            let found = self.client.find(fantoccini::Locator::Css(css)).await;
            if let Ok(text) = futures_text(found).await {
                if ok(&text) {
                    return text;
                }
                last = text;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never showed what was expected; last: {last}");
    }

    /// Waits until the page's path satisfies `ok` (after a click that navigates).
    pub async fn wait_for_path(&self, ok: impl Fn(&str) -> bool) -> String {
        for _ in 0..100 {
            let url = self.client.current_url().await;
            if let Some(path) = url.ok().map(|u| u.path().to_string()).filter(|p| ok(p)) {
                return path;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the browser never reached the expected page");
    }

    /// Ends the session and chromedriver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        // A test that failed never closed its session: chromedriver's kill leaves Chromium
        // running, so end every process started with this profile (none after `close`).
        let _ = std::process::Command::new("pkill")
            .arg("-f")
            .arg(&self.profile)
            .status();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// The text of a found element (errors when it was not found or went stale).
async fn futures_text(
    found: Result<fantoccini::elements::Element, fantoccini::error::CmdError>,
) -> Result<String, fantoccini::error::CmdError> {
    found?.text().await
}
