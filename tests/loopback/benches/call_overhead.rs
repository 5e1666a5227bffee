//! Client call overhead: the generated Creatify call against a hand-written reqwest + serde_json
//! call doing the same request, both against one loopback HTTP/1.1 keep-alive server. Run by
//! `cargo xtask bench`; prints one `overhead:` line it reads.

use std::time::{Duration, Instant};

use creatify::types::{AspectRatio, Lipsync, LipsyncRequest};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const WARM_UP: usize = 500;
const CALLS: usize = 10_000;
const ROUNDS: usize = 20;

const BODY: &str = r#"{"id":"6b3f3a9e-5a51-4e8c-9c9e-1d2a3b4c5d6e","name":"bench","text":"Hello","output":null,"video_thumbnail":"https://example.com/t.jpg","aspect_ratio":"16x9","created_at":"2024-10-24T12:00:00Z","updated_at":"2024-10-24T12:00:05Z","credits_used":1.0,"duration":12,"progress":"0.0","failed_reason":null,"media_job":null,"status":"pending","is_hidden":false,"audio_url":null,"preview":"https://app.creatify.ai/preview?layout=x.json","editor_url":null,"preview_audio":null}"#;

/// Answers every request on a connection with the same 200 and JSON body, until it closes.
async fn serve(listener: TcpListener) {
    let response =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}", BODY.len());
    loop {
        let Ok((mut socket, _)) = listener.accept().await else { return };
        let response = response.clone();
        tokio::spawn(async move {
            let mut buffer = Vec::with_capacity(8192);
            let mut chunk = [0u8; 8192];
            loop {
                // A request is its head plus `content-length` bytes of body.
                let Some(head_end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") else {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                    continue;
                };
                let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|line| line.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let total = head_end + 4 + length;
                while buffer.len() < total {
                    match socket.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                    }
                }
                buffer.drain(..total);
                if socket.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
    }
}

async fn generated(client: &creatify::Client, request: &LipsyncRequest, calls: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..calls {
        let lipsync = client.lipsyncs_preview_create(request).await.expect("the generated call succeeds");
        std::hint::black_box(lipsync);
    }
    started.elapsed()
}

async fn handwritten(http: &reqwest::Client, url: &str, request: &LipsyncRequest, calls: usize) -> Duration {
    let started = Instant::now();
    for _ in 0..calls {
        let response = http
            .post(url)
            .header("X-API-ID", "bench-id")
            .header("X-API-KEY", "bench-key")
            .json(request)
            .send()
            .await
            .expect("the hand-written call succeeds");
        let bytes = response.bytes().await.expect("a body");
        let lipsync: Lipsync = serde_json::from_slice(&bytes).expect("the body decodes");
        std::hint::black_box(lipsync);
    }
    started.elapsed()
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("a runtime");
    runtime.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("an address"));
        tokio::spawn(serve(listener));
        let client = creatify::Client::builder()
            .base_url(&base)
            .api_id("bench-id")
            .api_key("bench-key")
            .build()
            .expect("the client builds");
        let http = reqwest::Client::builder().build().expect("reqwest builds");
        let url = format!("{base}/api/lipsyncs/preview/");
        let request = LipsyncRequest::new(AspectRatio::V16x9).text("Hello from the benchmark").name("bench");
        generated(&client, &request, WARM_UP).await;
        handwritten(&http, &url, &request, WARM_UP).await;
        // Alternate the two, a round at a time, so that drift hits both alike; the ratio is the
        // median of the rounds' ratios, which machine noise moves least.
        let per_call = |d: Duration| d.as_nanos() as f64 / (CALLS / ROUNDS) as f64;
        let (mut ours, mut theirs, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..ROUNDS {
            // Each goes first in every other round.
            let (a, b) = if round % 2 == 0 {
                let a = per_call(generated(&client, &request, CALLS / ROUNDS).await);
                (a, per_call(handwritten(&http, &url, &request, CALLS / ROUNDS).await))
            } else {
                let b = per_call(handwritten(&http, &url, &request, CALLS / ROUNDS).await);
                (per_call(generated(&client, &request, CALLS / ROUNDS).await), b)
            };
            ours.push(a);
            theirs.push(b);
            ratios.push(a / b);
        }
        ratios.sort_by(f64::total_cmp);
        let (low, high) = (ratios[ROUNDS / 4], ratios[ROUNDS * 3 / 4]);
        let (ours, theirs, ratio) = (median(ours), median(theirs), median(ratios));
        println!(
            "overhead: generated_us={:.2} handwritten_us={:.2} ratio={ratio:.3} ratio_p25={low:.3} ratio_p75={high:.3} calls={CALLS}",
            ours / 1000.0,
            theirs / 1000.0
        );
    });
}
