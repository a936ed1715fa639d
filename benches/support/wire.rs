//! The benchmark's browser: HTTP/1.1 on one kept-alive TCP connection, with the cookies the
//! server sets, written and read by hand.
//!
//! The benchmark runs its tills on the same two cores as the server, which real tills (other
//! machines) do not; every microsecond the client spends is taken from the server it measures.
//! `reqwest` took 0.14-0.16 ms of CPU a request here (URL parsing, a cookie store matched per
//! request, a connection pool, form serialization); this takes a few hundredths. The requests
//! are the same on the wire: a request line, `Host`, `Cookie`, and for a POST a form body.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// An answer: its status, `Location` (empty when none) and body.
pub struct Answer {
    pub status: u16,
    pub location: String,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One browser: its connection and cookies.
pub struct Wire {
    host: String,
    conn: tokio::sync::Mutex<Option<Conn>>,
    cookies: std::sync::Mutex<Vec<(String, String)>>,
}

struct Conn {
    stream: TcpStream,
    /// Bytes read past the last answer (none while the server answers one request at a time).
    buf: Vec<u8>,
}

impl Wire {
    /// A browser for the server at `host` (`127.0.0.1:port`); it connects on its first request.
    pub fn new(host: &str) -> Self {
        Self {
            host: host.to_string(),
            conn: tokio::sync::Mutex::new(None),
            cookies: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// `GET path`, and the time until its head arrived.
    pub async fn get(&self, path: &str) -> (Duration, Answer) {
        self.send("GET", path, None).await
    }

    /// `POST path` with the form `fields`, and the time until its head arrived.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> (Duration, Answer) {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send("POST", path, Some(&body)).await
    }

    fn cookie_header(&self) -> String {
        let cookies = self.cookies.lock().unwrap();
        cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn set_cookie(&self, header: &str) {
        let pair = header.split(';').next().unwrap_or_default();
        let Some((name, value)) = pair.split_once('=') else {
            return;
        };
        let (name, value) = (name.trim(), value.trim());
        let gone = value.is_empty()
            || header
                .split(';')
                .any(|a| a.trim().eq_ignore_ascii_case("max-age=0"));
        let mut cookies = self.cookies.lock().unwrap();
        cookies.retain(|(k, _)| k != name);
        if !gone {
            cookies.push((name.to_string(), value.to_string()));
        }
    }

    async fn send(&self, method: &str, path: &str, body: Option<&str>) -> (Duration, Answer) {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.host);
        let cookies = self.cookie_header();
        if !cookies.is_empty() {
            request.push_str(&format!("Cookie: {cookies}\r\n"));
        }
        if let Some(body) = body {
            request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
                body.len()
            ));
        } else {
            request.push_str("\r\n");
        }
        let mut slot = self.conn.lock().await;
        // A kept connection the server has closed meanwhile (it closes idle ones) answers
        // nothing: the request goes again on a new one, as a browser does. Nothing was read then,
        // so the server did not take it. The time counts from the first try, connecting included.
        let mut fresh = false;
        let t = Instant::now();
        let head = loop {
            if slot.is_none() {
                let stream = TcpStream::connect(&self.host).await.expect("connect");
                stream.set_nodelay(true).expect("nodelay");
                *slot = Some(Conn {
                    stream,
                    buf: Vec::with_capacity(16 * 1024),
                });
                fresh = true;
            }
            let conn = slot.as_mut().unwrap();
            if conn.stream.write_all(request.as_bytes()).await.is_err() && !fresh {
                *slot = None;
                continue;
            }
            match read_head(conn).await {
                Some(head) => break head,
                None if !fresh => *slot = None,
                None => panic!("the server closed a new connection unanswered"),
            }
        };
        let conn = slot.as_mut().unwrap();
        let took = t.elapsed();
        conn.buf.drain(..head.len);
        let body = if head.chunked {
            read_chunked(conn).await
        } else {
            while conn.buf.len() < head.length {
                read_more(conn).await;
            }
            conn.buf.drain(..head.length).collect()
        };
        if head.close {
            *slot = None;
        }
        drop(slot);
        for c in &head.set_cookies {
            self.set_cookie(c);
        }
        (
            took,
            Answer {
                status: head.status,
                location: head.location,
                body,
            },
        )
    }
}

/// An answer's head.
struct Head {
    status: u16,
    location: String,
    /// `Content-Length` (0 when absent).
    length: usize,
    /// `Transfer-Encoding: chunked`.
    chunked: bool,
    /// `Connection: close`.
    close: bool,
    /// The head's own length in the buffer.
    len: usize,
    set_cookies: Vec<String>,
}

/// The answer's head; `None` when the connection closed before any of it.
async fn read_head(conn: &mut Conn) -> Option<Head> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut res = httparse::Response::new(&mut headers);
        if let httparse::Status::Complete(len) = res.parse(&conn.buf).expect("an HTTP answer") {
            let mut head = Head {
                status: res.code.unwrap_or(0),
                location: String::new(),
                length: 0,
                chunked: false,
                close: false,
                len,
                set_cookies: Vec::new(),
            };
            for h in res.headers.iter() {
                let value = String::from_utf8_lossy(h.value).into_owned();
                match h.name.to_ascii_lowercase().as_str() {
                    "location" => head.location = value,
                    "content-length" => head.length = value.trim().parse().expect("a length"),
                    "transfer-encoding" => head.chunked = value.contains("chunked"),
                    "connection" => head.close = value.eq_ignore_ascii_case("close"),
                    "set-cookie" => head.set_cookies.push(value),
                    _ => {}
                }
            }
            return Some(head);
        }
        if !fill(conn).await {
            assert!(
                conn.buf.is_empty(),
                "the server closed the connection mid-answer"
            );
            return None;
        }
    }
}

/// Reads what the server sent next into the buffer; `false` when the connection has closed.
async fn fill(conn: &mut Conn) -> bool {
    let mut chunk = [0u8; 16 * 1024];
    match conn.stream.read(&mut chunk).await {
        Ok(n) if n > 0 => {
            conn.buf.extend_from_slice(&chunk[..n]);
            true
        }
        _ => false,
    }
}

/// Reads more of an answer that has begun.
async fn read_more(conn: &mut Conn) {
    assert!(
        fill(conn).await,
        "the server closed the connection mid-answer"
    );
}

/// A chunked body (`Transfer-Encoding: chunked`), up to and with its last chunk.
async fn read_chunked(conn: &mut Conn) -> Vec<u8> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = conn.buf.windows(2).position(|w| w == b"\r\n") {
                break i;
            }
            read_more(conn).await;
        };
        let size_text = String::from_utf8_lossy(&conn.buf[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("a chunk size");
        conn.buf.drain(..line_end + 2);
        // The chunk and its CRLF (for the last chunk, the CRLF that ends the body: no trailers
        // come from this server).
        while conn.buf.len() < size + 2 {
            read_more(conn).await;
        }
        body.extend(conn.buf.drain(..size));
        conn.buf.drain(..2);
        if size == 0 {
            return body;
        }
    }
}
