//! Measures the peak memory of a 1 GiB download streamed through a generated client
//! (`tests/clients/streams`, `download_file_byte_stream`) from a loopback server in the same
//! process, and prints it with the bytes read and the time taken. Not a test: a measurement,
//! whose figure BENCHMARKS.md records.
//!
//! `cargo run --release -p tests --example stream_download [MIB]` (1024 MiB by default).

use std::time::Instant;

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The process's peak resident memory so far (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let mib: u64 = std::env::args().nth(1).and_then(|arg| arg.parse().ok()).unwrap_or(1024);
    let total = mib * 1024 * 1024;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    // The server sends one 64 KiB block over and over, with the length announced first.
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("a connection");
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap_or(0) == 1 {
            head.push(byte[0]);
        }
        let header =
            format!("HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {total}\r\n\r\n");
        stream.write_all(header.as_bytes()).await.expect("write the head");
        let block = vec![0x5au8; 64 * 1024];
        let mut sent = 0u64;
        while sent < total {
            let n = (total - sent).min(block.len() as u64) as usize;
            stream.write_all(&block[..n]).await.expect("write the body");
            sent += n as u64;
        }
    });

    let before = peak_rss_kib();
    let client = streams::Client::builder().base_url(format!("http://{address}")).build().expect("client builds");
    let started = Instant::now();
    let mut body = client.files().content_byte_stream("big").await.expect("the stream starts");
    assert_eq!(body.content_length(), Some(total));
    let (mut read, mut chunks, mut largest) = (0u64, 0u64, 0usize);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.expect("a chunk");
        read += chunk.len() as u64;
        chunks += 1;
        largest = largest.max(chunk.len());
    }
    let elapsed = started.elapsed();
    assert_eq!(read, total, "every byte arrived");
    let peak = peak_rss_kib();
    println!(
        "streamed {} MiB in {chunks} chunks (largest {largest} bytes) in {:.2} s ({:.0} MiB/s); peak RSS {:.1} MiB (before the call: {:.1} MiB)",
        read / (1024 * 1024),
        elapsed.as_secs_f64(),
        read as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64(),
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
    );
    assert!(peak < 100 * 1024, "peak RSS {peak} KiB is over 100 MiB");
}
