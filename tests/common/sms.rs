//! The tests' SMS gateway: a local HTTP server that takes the form POST a gateway takes, records
//! each request (its form fields and headers) and answers as told: `503` for the first few
//! requests when asked to, `400` for numbers it is told to refuse, else `200` with an id.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use workbay::config::SmsSettings;

/// One request the gateway took.
#[derive(Debug, Clone)]
pub struct Received {
    pub fields: HashMap<String, String>,
    pub headers: HashMap<String, String>,
}

#[derive(Default)]
struct State {
    received: Vec<Received>,
    /// Requests still to answer `503`.
    unavailable: usize,
    /// Numbers answered `400`.
    refused: Vec<String>,
}

/// A running gateway; stopped when dropped.
pub struct SmsGateway {
    pub url: String,
    state: Arc<Mutex<State>>,
    handle: actix_web::dev::ServerHandle,
}

async fn take(
    req: HttpRequest,
    form: web::Form<HashMap<String, String>>,
    state: web::Data<Arc<Mutex<State>>>,
) -> HttpResponse {
    let mut s = state.lock().unwrap();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let fields = form.into_inner();
    let to = fields.get("to").cloned().unwrap_or_default();
    s.received.push(Received { fields, headers });
    if s.unavailable > 0 {
        s.unavailable -= 1;
        return HttpResponse::ServiceUnavailable().body("gateway busy, try later");
    }
    if s.refused.contains(&to) {
        return HttpResponse::BadRequest().body(format!("invalid destination {to}"));
    }
    HttpResponse::Ok().body(format!(
        "{{\"status\":\"queued\",\"id\":\"sms-{}\"}}",
        s.received.len()
    ))
}

impl SmsGateway {
    /// Starts one on a free port.
    pub async fn start() -> Self {
        let state = Arc::new(Mutex::new(State::default()));
        let data = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .route("/send", web::post().to(take))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/send"),
            state,
            handle,
        }
    }

    /// Answers the next `n` requests `503`.
    pub fn unavailable_for(&self, n: usize) {
        self.state.lock().unwrap().unavailable = n;
    }

    /// Answers requests to `number` `400`.
    pub fn refuse(&self, number: &str) {
        self.state.lock().unwrap().refused.push(number.to_string());
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.state.lock().unwrap().received.clone()
    }

    /// The settings that send through this gateway: basic authentication, a sender id field,
    /// and the API key in a header, as real gateways want them.
    pub fn settings(&self) -> SmsSettings {
        let mut s = SmsSettings::new(&self.url);
        s.username = Some("shop".into());
        s.password = Some("s3cret-key".into());
        s.fields.push(("from".into(), "WORKBAY".into()));
        s.headers.push(("apiKey".into(), "{password}".into()));
        s
    }
}

impl Drop for SmsGateway {
    fn drop(&mut self) {
        let handle = self.handle.clone();
        tokio::spawn(async move { handle.stop(false).await });
    }
}
