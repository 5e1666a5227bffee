//! The loopback server the task programs (`openai_main.rs`, `stripe_main.rs`) run each task
//! against: it answers a fixed list of exchanges, one connection each (`connection: close`),
//! hands each request to its check, which panics on a mismatch, and answers as the API does.

// Each program uses a part: OpenAI's JSON and multipart bodies, Stripe's forms.
#![allow(dead_code)]

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

/// A request as the server read it.
#[derive(Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The query's pairs, percent-decoded, in order.
    pub query: Vec<(String, String)>,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(n, _)| n == name).map_or("", |(_, v)| v.as_str())
    }

    /// The body as JSON; panics when it is not.
    pub fn json(&self) -> serde_json::Value {
        assert!(self.header("content-type").starts_with("application/json"), "a JSON body: {self:?}");
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("the body is JSON ({e}): {self:?}"))
    }

    /// The body's `application/x-www-form-urlencoded` pairs, decoded; panics when it is not one.
    pub fn form(&self) -> Vec<(String, String)> {
        assert_eq!(self.header("content-type"), "application/x-www-form-urlencoded", "a form body: {self:?}");
        pairs(&String::from_utf8_lossy(&self.body))
    }

    /// The body as text (lossy).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// `a=1&b%5B%5D=2` as decoded pairs.
pub fn pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(name), decode(value))
        })
        .collect()
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
                out.push(u8::from_str_radix(hex, 16).unwrap_or_else(|_| panic!("bad escape in {text}")));
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

/// What the server answers: a status, a content type and a body.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

/// A JSON answer.
pub fn json(status: u16, body: serde_json::Value) -> Response {
    Response { status, content_type: "application/json", body: body.to_string() }
}

/// One exchange: the check of the request, and the answer.
pub type Exchange = (Box<dyn FnOnce(&Request) + Send>, Response);

/// Starts a server answering `exchanges` in order; returns its URL and a handle that ends when
/// all are answered (a failed check is a panic, which the handle's `await` returns).
pub async fn serve(exchanges: Vec<Exchange>) -> (String, tokio::task::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let handle = tokio::spawn(async move {
        for (check, response) in exchanges {
            let (stream, _) = listener.accept().await.expect("a connection");
            let (read, mut write) = stream.into_split();
            let request = read_request(&mut BufReader::new(read)).await;
            check(&request);
            let reason = match response.status {
                200 => "OK",
                400 => "Bad Request",
                402 => "Payment Required",
                429 => "Too Many Requests",
                _ => "Other",
            };
            let head = format!(
                "HTTP/1.1 {} {reason}\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                response.status,
                response.content_type,
                response.body.len()
            );
            write.write_all(head.as_bytes()).await.expect("write the head");
            write.write_all(response.body.as_bytes()).await.expect("write the body");
            write.shutdown().await.expect("close");
        }
    });
    (url, handle)
}

async fn read_request(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Request {
    let mut line = String::new();
    reader.read_line(&mut line).await.expect("the request line");
    let mut parts = line.split_whitespace();
    let method = parts.next().expect("a method").to_owned();
    let target = parts.next().expect("a target").to_owned();
    let (path, query) = target.split_once('?').unwrap_or((target.as_str(), ""));
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).await.expect("a header line");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').expect("a header");
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let header = |name: &str| headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let mut body = Vec::new();
    if let Some(length) = header("content-length") {
        body.resize(length.parse().expect("a length"), 0);
        reader.read_exact(&mut body).await.expect("the body");
    } else if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
        loop {
            let mut size = String::new();
            reader.read_line(&mut size).await.expect("a chunk size");
            let size = usize::from_str_radix(size.trim(), 16).expect("a hex size");
            let mut chunk = vec![0; size + 2];
            reader.read_exact(&mut chunk).await.expect("a chunk");
            if size == 0 {
                break;
            }
            body.extend_from_slice(&chunk[..size]);
        }
    }
    Request { method, path: path.to_owned(), query: pairs(query), headers, body }
}
