//! `TestApp`: the real application on a free port with a cookie-keeping client.

use diesel::{PgConnection, RunQueryDsl};
use reqwest::redirect::Policy;
use workbay::config::Settings;
use workbay::domain::role::Role;
use workbay::domain::staff::StaffInput;
use workbay::repo;

use super::cluster::{TestDb, test_db};

/// Every test account's password.
pub const PASSWORD: &str = "correct horse battery";

/// A running application and a browser-like client (cookies kept, redirects not followed).
pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub db: TestDb,
    /// The branch created for the test.
    pub branch_id: i64,
}

/// An account created for a test.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: i64,
    pub username: String,
    pub password: String,
    pub role: Role,
}

/// Spawns the app with default test settings.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Spawns the app after `tweak` adjusted the settings.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let db = tokio::task::spawn_blocking(test_db)
        .await
        .expect("test db task");
    let mut settings = Settings::new(db.admin_url.clone(), db.app_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.secure_cookies = false;
    settings.pool_size = 4;
    settings.workers = Some(1);
    // Dashboard figures and the sales snapshot are taken when a test says so ("Refresh now"),
    // never by a timer racing its writes; a test of the schedule turns it back on.
    settings.dashboard_refresh = None;
    // Nothing is sent unless a test starts an SMTP server and gives the sender its address.
    settings.sender = None;
    tweak(&mut settings);
    let app = workbay::Application::build(settings)
        .await
        .expect("building the application");
    let port = app.port();
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(resend_only())
        .build()
        .expect("client");
    let admin_url = db.admin_url.clone();
    let branch_id = tokio::task::spawn_blocking(move || {
        let mut conn = <PgConnection as diesel::Connection>::establish(&admin_url).unwrap();
        repo::branches::first_or_create_default(&mut conn)
            .unwrap()
            .id
    })
    .await
    .unwrap();
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        client,
        db,
        branch_id,
    }
}

impl TestApp {
    /// A fresh client with its own cookie jar (a second browser).
    pub fn new_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(resend_only())
            .build()
            .unwrap()
    }

    /// A fresh client that follows no redirect at all, `307` included, to see each answer.
    pub fn client_seeing_every_answer(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(Policy::none())
            .build()
            .unwrap()
    }

    /// `GET path` with this app's client.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.get_with(&self.client, path).await
    }

    /// `GET path` with another client.
    pub async fn get_with(&self, client: &reqwest::Client, path: &str) -> reqwest::Response {
        client
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("GET")
    }

    /// `GET path` read whole, whatever its status.
    pub async fn fetch(&self, path: &str) -> Reply {
        Reply::read(self.get(path).await).await
    }

    /// `GET path` with another client, read whole.
    pub async fn fetch_with(&self, client: &reqwest::Client, path: &str) -> Reply {
        Reply::read(self.get_with(client, path).await).await
    }

    /// The body of `GET path`, asserting 200.
    pub async fn get_html(&self, path: &str) -> String {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), 200, "GET {path}");
        res.text().await.unwrap()
    }

    /// `GET path` with another client, expecting a page.
    pub async fn get_html_with(&self, client: &reqwest::Client, path: &str) -> String {
        let res = self.get_with(client, path).await;
        assert_eq!(res.status().as_u16(), 200, "GET {path}");
        res.text().await.unwrap()
    }

    /// The CSRF token of the client's session (from the page at `path`, or the page it redirects
    /// to: a technician's home is My jobs).
    pub async fn csrf_token_with(&self, client: &reqwest::Client, path: &str) -> String {
        let mut res = self.get_with(client, path).await;
        if res.status().as_u16() == 303 {
            res = self.get_with(client, &location(&res)).await;
        }
        let body = res.text().await.unwrap();
        extract_csrf(&body).unwrap_or_else(|| panic!("no csrf token on {path}"))
    }

    /// `POST path` as a form with the session's CSRF token added (taken from `token_page`).
    pub async fn post_form_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let token_page = if self.is_signed_in(client).await {
            "/"
        } else {
            "/login"
        };
        let token = self.csrf_token_with(client, token_page).await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        client
            .post(format!("{}{}", self.address, path))
            .form(&all)
            .send()
            .await
            .expect("POST")
    }

    /// `POST path` with this app's client.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.post_form_with(&self.client, path, fields).await
    }

    async fn is_signed_in(&self, client: &reqwest::Client) -> bool {
        // Home is the Today page, or for a technician a redirect to My jobs; signed out, it is
        // a redirect to the sign-in page.
        let res = self.get_with(client, "/").await;
        res.status().as_u16() == 200 || !location(&res).starts_with("/login")
    }

    /// Uploads `bytes` as the import file `name` holding `kind` (multipart, the session's token
    /// in the address as the upload form has it).
    pub async fn upload_import(&self, kind: &str, name: &str, bytes: Vec<u8>) -> Reply {
        let token = self.csrf_token_with(&self.client, "/imports").await;
        let part = reqwest::multipart::Part::bytes(bytes)
            .file_name(name.to_string())
            .mime_str("text/csv")
            .unwrap();
        let form = reqwest::multipart::Form::new()
            .text("kind", kind.to_string())
            .part("file", part);
        let res = self
            .client
            .post(format!("{}/imports?csrf_token={token}", self.address))
            .multipart(form)
            .send()
            .await
            .expect("POST /imports");
        Reply::read(res).await
    }

    /// `POST path` read whole: its status, `Location` and body, for the assertions of [`Reply`].
    pub async fn send(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        Reply::read(self.post_form(path, fields).await).await
    }

    /// `POST path` that must be done and redirected (303); returns where it redirects to.
    pub async fn submit(&self, path: &str, fields: &[(&str, &str)]) -> String {
        let reply = self.send(path, fields).await;
        assert_eq!(reply.status, 303, "POST {path}: {}", reply.body);
        reply.location
    }

    /// `POST path` with another client, read whole.
    pub async fn send_with(
        &self,
        client: &reqwest::Client,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Reply {
        Reply::read(self.post_form_with(client, path, fields).await).await
    }

    /// A new client signed in as `user` (the sign-in must succeed).
    pub async fn client_as(&self, user: &TestUser) -> reqwest::Client {
        let client = self.new_client();
        let res = self
            .login_with(&client, &user.username, &user.password)
            .await;
        assert_eq!(
            res.status().as_u16(),
            303,
            "{} could not sign in",
            user.username
        );
        client
    }

    /// A new client signed in as a new account `username` with `role` at the test's branch.
    pub async fn client_with_role(&self, username: &str, role: Role) -> reqwest::Client {
        let user = self.create_user(username, username, role).await;
        self.client_as(&user).await
    }

    /// Signs in with this app's client.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.login_with(&self.client, username, password).await
    }

    /// Signs in with `client`.
    pub async fn login_with(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        let token = self.csrf_token_with(client, "/login").await;
        client
            .post(format!("{}/login", self.address))
            .form(&[
                ("username", username),
                ("password", password),
                ("csrf_token", &token),
                ("next", ""),
            ])
            .send()
            .await
            .expect("POST /login")
    }

    /// Creates an account directly (as the app role would) in the test's branch.
    pub async fn create_user(&self, username: &str, full_name: &str, role: Role) -> TestUser {
        self.create_user_in(username, full_name, role, self.branch_id)
            .await
    }

    /// Creates an account in `branch_id`.
    pub async fn create_user_in(
        &self,
        username: &str,
        full_name: &str,
        role: Role,
        branch_id: i64,
    ) -> TestUser {
        let url = self.db.app_url.clone();
        let (username, full_name) = (username.to_string(), full_name.to_string());
        tokio::task::spawn_blocking(move || {
            let mut conn = <PgConnection as diesel::Connection>::establish(&url).unwrap();
            let input = StaffInput {
                username: username.clone(),
                full_name,
                role,
                home_branch_id: branch_id,
                active: true,
            };
            let hash = workbay::passwords::hash_blocking(PASSWORD).unwrap();
            let user = repo::staff::create(
                &mut conn,
                &input,
                hash,
                false,
                &repo::staff::Steward::admin(),
                &repo::By::default(),
            )
            .unwrap();
            TestUser {
                id: user.id,
                username,
                password: PASSWORD.into(),
                role,
            }
        })
        .await
        .unwrap()
    }

    /// Adds another branch (UTC, no opening hours) and returns its id.
    pub async fn create_branch(&self, name: &str, prefix: &str) -> i64 {
        let (name, prefix) = (name.to_string(), prefix.to_string());
        self.with_db(move |conn| {
            use diesel::prelude::*;
            use workbay::schema::branches;
            diesel::insert_into(branches::table)
                .values((
                    branches::name.eq(name),
                    branches::invoice_prefix.eq(prefix),
                    branches::opening_hours.eq(serde_json::json!({})),
                ))
                .returning(branches::id)
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await
    }

    /// Creates an account with `role` and signs in as it with this app's client.
    pub async fn login_as(&self, role: Role) -> TestUser {
        let user = self
            .create_user(
                &format!("{}1", role.as_str()),
                &format!("Test {}", role.label()),
                role,
            )
            .await;
        let res = self.login(&user.username, &user.password).await;
        assert_eq!(
            res.status().as_u16(),
            303,
            "login as {role} should redirect"
        );
        user
    }

    /// Runs `f` on a superuser connection to the test database.
    pub async fn with_db<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut PgConnection) -> T + Send + 'static,
    ) -> T {
        let url = self.db.admin_url.clone();
        tokio::task::spawn_blocking(move || {
            let mut conn = <PgConnection as diesel::Connection>::establish(&url).unwrap();
            f(&mut conn)
        })
        .await
        .unwrap()
    }

    /// Fires every `(path, fields)` POST at once with this app's client (its CSRF token added)
    /// and returns the status codes in the same order.
    pub async fn post_all(&self, posts: Vec<(String, Vec<(&str, String)>)>) -> Vec<u16> {
        let token = self.csrf_token_with(&self.client, "/").await;
        let sends = posts.into_iter().map(|(path, mut fields)| {
            fields.push(("csrf_token", token.clone()));
            self.client
                .post(format!("{}{}", self.address, path))
                .form(&fields)
                .send()
        });
        futures_util::future::join_all(sends)
            .await
            .into_iter()
            .map(|r| r.expect("POST").status().as_u16())
            .collect()
    }

    /// A customer at the test's branch (as the owner, bypassing the screens); returns its id.
    pub async fn create_customer(&self, name: &str, phone: &str, email: &str) -> i64 {
        let (name, phone, email, branch) = (
            name.to_string(),
            phone.to_string(),
            email.to_string(),
            self.branch_id,
        );
        self.with_db(move |conn| {
            use diesel::prelude::*;
            use workbay::schema::customers;
            diesel::insert_into(customers::table)
                .values((
                    customers::name.eq(name),
                    customers::phone.eq(phone),
                    customers::email.eq(email),
                    customers::created_branch_id.eq(branch),
                ))
                .returning(customers::id)
                .get_result::<i64>(conn)
                .unwrap()
        })
        .await
    }

    /// Runs one statement as superuser (a change the test makes behind the screens).
    pub async fn exec(&self, sql: &str) {
        let sql = sql.to_string();
        self.with_db(move |conn| {
            diesel::RunQueryDsl::execute(diesel::sql_query(sql), conn).unwrap();
        })
        .await;
    }

    /// The text value of a one-row, one-column query, as superuser.
    pub async fn text(&self, sql: &str) -> String {
        let sql = sql.to_string();
        self.with_db(move |conn| {
            #[derive(diesel::QueryableByName)]
            struct T {
                #[diesel(sql_type = diesel::sql_types::Text)]
                t: String,
            }
            diesel::sql_query(format!("SELECT ({sql})::text AS t"))
                .get_result::<T>(conn)
                .unwrap()
                .t
        })
        .await
    }

    /// `SELECT count(*)` of a query, as superuser.
    pub async fn count(&self, sql: &str) -> i64 {
        let sql = sql.to_string();
        self.with_db(move |conn| {
            #[derive(diesel::QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            diesel::sql_query(format!("SELECT ({sql}) AS n"))
                .get_result::<N>(conn)
                .unwrap()
                .n
        })
        .await
    }
}

/// The test clients' redirect rule: a `307` (send the same request again, which the server
/// answers when a session it kept in memory turned out to have changed) is followed as a browser
/// follows it; every other redirect is left for the test to read.
pub fn resend_only() -> Policy {
    Policy::custom(|attempt| {
        if attempt.status().as_u16() == 307 && attempt.previous().len() < 3 {
            attempt.follow()
        } else {
            attempt.stop()
        }
    })
}

/// The value of the first `csrf_token` hidden field in a page.
pub fn extract_csrf(body: &str) -> Option<String> {
    let marker = "name=\"csrf_token\" value=\"";
    let start = body.find(marker)? + marker.len();
    let end = body[start..].find('"')? + start;
    Some(body[start..end].to_string())
}

/// The `Location` header of a redirect.
pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The three-digit numbers that follow `marker` in `page`, in page order (list tests name their
/// rows "… 001", "… 002" and read back which rows a page shows).
pub fn numbers_after(page: &str, marker: &str) -> Vec<u32> {
    page.match_indices(marker)
        .map(|(i, _)| {
            let at = i + marker.len();
            page[at..at + 3].parse().unwrap()
        })
        .collect()
}

/// The text of `page` between the first `from` and the next `to` after it.
#[track_caller]
pub fn between<'a>(page: &'a str, from: &str, to: &str) -> &'a str {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from} in {page}"))
        + from.len();
    let rest = &page[start..];
    &rest[..rest
        .find(to)
        .unwrap_or_else(|| panic!("{to} after {from} in {page}"))]
}

/// An answer read whole, so a test can check its status and words in one line each.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub location: String,
    pub body: String,
}

impl Reply {
    pub async fn read(res: reqwest::Response) -> Reply {
        let status = res.status().as_u16();
        let location = location(&res);
        let body = res.text().await.unwrap();
        Reply {
            status,
            location,
            body,
        }
    }

    /// Asserts the status (the body is printed when it is not).
    #[track_caller]
    pub fn is(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "{}", self.body);
        self
    }

    /// Asserts the body contains `text`.
    #[track_caller]
    pub fn says(&self, text: &str) -> &Self {
        assert!(
            self.body.contains(text),
            "expected {text:?} in {}",
            self.body
        );
        self
    }
}

/// A fresh one-time submission id, as a money form carries (`submission_id`).
pub fn sid() -> String {
    uuid::Uuid::new_v4().to_string()
}
