//! A loopback server that keeps each request it receives, head and body, as bytes, and answers
//! each with what the test's function makes of it: the exact bytes a client sent, for the
//! tests of what goes on the wire (styles, accept, path_query, swagger2).

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The server: its base URL and the requests it received, in order.
pub struct Recording {
    pub url: String,
    requests: Arc<Mutex<Vec<Vec<u8>>>>,
}

impl Recording {
    /// Starts a server on a free loopback port; each request (read up to its
    /// `content-length`) is kept and answered with `answer(request)`, a whole HTTP response.
    pub async fn start(answer: fn(&str) -> Vec<u8>) -> Recording {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let url = format!("http://{}", listener.local_addr().expect("an address"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let kept = Arc::clone(&requests);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let kept = Arc::clone(&kept);
                tokio::spawn(async move {
                    let mut bytes = Vec::new();
                    let mut buffer = [0u8; 4096];
                    loop {
                        let Ok(read) = socket.read(&mut buffer).await else { return };
                        if read == 0 {
                            return;
                        }
                        bytes.extend_from_slice(&buffer[..read]);
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        let Some(end) = text.find("\r\n\r\n") else { continue };
                        let length = text[..end]
                            .lines()
                            .find_map(|line| {
                                line.to_ascii_lowercase().strip_prefix("content-length: ").map(str::to_owned)
                            })
                            .and_then(|n| n.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if bytes.len() < end + 4 + length {
                            continue;
                        }
                        kept.lock().expect("not poisoned").push(bytes.clone());
                        let _ = socket.write_all(&answer(&text)).await;
                        bytes.clear();
                    }
                });
            }
        });
        Recording { url, requests }
    }

    /// The last request, head and body, as text (bytes that are no UTF-8 read as U+FFFD).
    pub fn last(&self) -> String {
        String::from_utf8_lossy(&self.last_bytes()).into_owned()
    }

    /// The last request's bytes, head and body, exactly as received.
    pub fn last_bytes(&self) -> Vec<u8> {
        self.requests.lock().expect("not poisoned").last().expect("a request").clone()
    }

    /// The last request's target (`GET /path?query`).
    pub fn target(&self) -> String {
        let last = self.last();
        let line = last.lines().next().unwrap_or_default();
        line.rsplit_once(' ').map_or(line, |(target, _)| target).to_owned()
    }

    /// The last request's header `name`, every line of it.
    pub fn header(&self, name: &str) -> Vec<String> {
        let last = self.last();
        let head = last.split("\r\n\r\n").next().unwrap_or_default();
        head.lines()
            .skip(1)
            .filter_map(|line| line.split_once(':'))
            .filter(|(key, _)| key.trim().eq_ignore_ascii_case(name))
            .map(|(_, value)| value.trim().to_owned())
            .collect()
    }

    /// The last request's body's bytes, exactly as received.
    pub fn body_bytes(&self) -> Vec<u8> {
        let last = self.last_bytes();
        let end = last.windows(4).position(|w| w == b"\r\n\r\n").map_or(last.len(), |at| at + 4);
        last[end..].to_vec()
    }

    /// The last request's body.
    pub fn body(&self) -> String {
        self.last().split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
    }
}
