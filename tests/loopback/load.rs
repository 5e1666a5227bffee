//! One client shared by many tasks under load, against a loopback HTTP/1.1 server that counts
//! the connections it accepts: a thousand concurrent calls all succeed and a second wave reuses
//! the pooled connections of the first, the process's memory stays bounded, and when half the
//! calls are turned away with `429` and `Retry-After`, their retries come back no earlier than
//! asked and spread out, not all in the same instant.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_fixture::Client;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const CALLS: i64 = 1000;

/// What the server saw.
#[derive(Default)]
struct Seen {
    /// TCP connections accepted.
    connections: AtomicUsize,
    /// Requests answered.
    requests: AtomicUsize,
    /// Per item id turned away: when the `429` went out, and when the retry came in.
    limited: Mutex<HashMap<i64, (Instant, Option<Instant>)>>,
}

/// A keep-alive HTTP/1.1 server on loopback answering `GET /items/{id}` with an item, or, when
/// `limit_even` holds, with `429 Too Many Requests` and `Retry-After: 1` to the first request
/// for each even id. Returns its base URL and what it saw.
async fn server(limit_even: bool) -> (String, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("has an address"));
    let seen = Arc::new(Seen::default());
    let shared = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            shared.connections.fetch_add(1, Ordering::SeqCst);
            let seen = shared.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read);
                loop {
                    let mut request_line = String::new();
                    if lines.read_line(&mut request_line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    // The headers, up to the blank line (a GET has no body).
                    loop {
                        let mut header = String::new();
                        if lines.read_line(&mut header).await.unwrap_or(0) == 0 {
                            return;
                        }
                        if header == "\r\n" {
                            break;
                        }
                    }
                    let id: i64 = request_line
                        .split(' ')
                        .nth(1)
                        .and_then(|path| path.strip_prefix("/items/"))
                        .and_then(|id| id.split('?').next())
                        .and_then(|id| id.parse().ok())
                        .unwrap_or(-1);
                    seen.requests.fetch_add(1, Ordering::SeqCst);
                    let turned_away = limit_even && id % 2 == 0 && {
                        let mut limited = seen.limited.lock().unwrap();
                        match limited.get_mut(&id) {
                            None => {
                                limited.insert(id, (Instant::now(), None));
                                true
                            }
                            Some((_, retried)) => {
                                retried.get_or_insert_with(Instant::now);
                                false
                            }
                        }
                    };
                    let response = if turned_away {
                        "HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n".to_owned()
                    } else {
                        let body = format!(r#"{{"id": {id}, "name": "item {id}", "tags": []}}"#);
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                            body.len()
                        )
                    };
                    if write.write_all(response.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    (base, seen)
}

/// The process's resident memory, in KiB (Linux), if known.
fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Makes `CALLS` calls at once on clones of `client` (which share one connection pool), and
/// returns how many failed.
async fn wave(client: &Client) -> usize {
    let tasks: Vec<_> = (0..CALLS)
        .map(|id| {
            let client = client.clone();
            tokio::spawn(async move {
                let item = client.items().retrieve(id, &Default::default()).await?;
                assert_eq!(item.name, format!("item {id}"));
                Ok::<_, http_fixture::Error>(())
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        if let Err(error) = task.await.expect("the task ran") {
            eprintln!("call failed: {error}");
            failed += 1;
        }
    }
    failed
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_one_client_succeed_and_reuse_pooled_connections() {
    let (base, seen) = server(false).await;
    let client = Client::builder().base_url(base).token("load").build().expect("client builds");
    let before = resident_kib();

    let started = Instant::now();
    assert_eq!(wave(&client).await, 0, "every call of the first wave succeeds");
    let first = seen.connections.load(Ordering::SeqCst);
    // The connections go back to the pool as their responses are read; let the last ones land.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(wave(&client).await, 0, "every call of the second wave succeeds");
    let elapsed = started.elapsed();
    let second = seen.connections.load(Ordering::SeqCst) - first;
    let after = resident_kib();

    assert_eq!(seen.requests.load(Ordering::SeqCst), 2 * CALLS as usize);
    // HTTP/1.1 carries one request at a time per connection, so a wave opens up to one
    // connection per call in flight, fewer when a call finds one another call has finished with.
    // The second wave takes the first's idle connections from the pool and opens only what it
    // lacks: the two together open about as many as one wave needs, not one per call.
    assert!(first <= CALLS as usize, "{first} connections for the first wave");
    assert!(
        first + second <= CALLS as usize + CALLS as usize / 10,
        "the two waves opened {first} and {second} connections: the second did not reuse the first's"
    );
    if let (Some(before), Some(after)) = (before, after) {
        let grown = after.saturating_sub(before);
        eprintln!(
            "{} calls in {elapsed:.2?}: {first} connections, then {second} new; resident memory {before} KiB \
             before, {after} KiB after (+{grown} KiB)",
            2 * CALLS
        );
        assert!(grown < 256 * 1024, "resident memory grew by {grown} KiB");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_after_a_429_wait_as_long_as_asked_and_come_back_spread_out() {
    let (base, seen) = server(true).await;
    let client = Client::builder().base_url(base).token("load").build().expect("client builds");
    assert_eq!(wave(&client).await, 0, "every call succeeds, half of them on a retry");

    let limited = seen.limited.lock().unwrap();
    assert_eq!(limited.len(), CALLS as usize / 2, "half the calls were turned away");
    let mut waits: Vec<Duration> = limited
        .values()
        .map(|(turned_away, retried)| retried.expect("each was retried").duration_since(*turned_away))
        .collect();
    waits.sort();
    let (shortest, longest) = (waits[0], waits[waits.len() - 1]);
    eprintln!("retries came back {shortest:.2?} to {longest:.2?} after their 429");
    // None before `Retry-After: 1` said.
    assert!(shortest >= Duration::from_secs(1), "a retry came back after {shortest:?}");
    // Spread over the jitter window (up to 500 ms for a first retry), not in one instant: the
    // waits cover a good part of it, and no tenth of it holds most of them.
    assert!(longest - shortest >= Duration::from_millis(200), "all retries within {:?}", longest - shortest);
    let crowded = waits.iter().filter(|wait| **wait < shortest + Duration::from_millis(50)).count();
    assert!(crowded < waits.len() / 2, "{crowded} of {} retries within 50 ms of the first", waits.len());
    assert!(longest < Duration::from_secs(10), "a retry came back only after {longest:?}");
}
