//! Peak memory of large uploads through the HTTP fixture's client: 200 MiB from a stream and
//! from a file path go out in chunks, so the process's peak resident memory stays near where it
//! started; the same 200 MiB from memory is shown last, for scale. Linux only (reads `VmHWM`
//! from `/proc/self/status`). Run: `cargo run --release -p tests --example upload_memory`.

use std::io::Write as _;
use std::time::Instant;

use futures_util::stream;
use http_fixture::types::ByteSource;
use http_fixture::{Client, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MIB: usize = 1024 * 1024;
const SIZE: usize = 200 * MIB;
const CHUNK: usize = 64 * 1024;

/// The process's peak resident memory so far, in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

/// Answers every request on the connection with `204` once its body (of `Content-Length`
/// bytes) has been read and dropped.
async fn serve(mut socket: TcpStream) {
    let mut buffer = vec![0u8; CHUNK];
    let mut pending: Vec<u8> = Vec::new();
    loop {
        let head_end = loop {
            if let Some(at) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            match socket.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buffer[..n]),
            }
        };
        let head = String::from_utf8_lossy(&pending[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        let mut read = pending.len() - head_end;
        pending.clear();
        while read < length {
            match socket.read(&mut buffer[..CHUNK.min(length - read)]).await {
                Ok(0) | Err(_) => return,
                Ok(n) => read += n,
            }
        }
        if socket.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await.is_err() {
            return;
        }
    }
}

#[tokio::main]
async fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("its address");
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve(socket));
        }
    });
    let options = RequestOptions::default().timeout(std::time::Duration::from_secs(600));
    let client =
        Client::builder().base_url(format!("http://{address}")).token("t").options(options).build().expect("client");
    client.blobs().update("warm-up", b"x").await.expect("warm-up");
    let start = peak_mib();
    println!("peak resident memory before the uploads: {start:.1} MiB");

    let chunk = bytes_chunk();
    let chunks = stream::iter((0..SIZE / CHUNK).map(move |_| Ok::<_, std::io::Error>(chunk.clone())));
    let started = Instant::now();
    client.blobs().update("stream", ByteSource::from_stream(chunks, Some(SIZE as u64))).await.expect("stream upload");
    println!(
        "200 MiB from a stream: peak {:.1} MiB (+{:.1}), {:.2} s",
        peak_mib(),
        peak_mib() - start,
        started.elapsed().as_secs_f64()
    );

    let path = std::env::temp_dir().join(format!("upload-memory-{}.bin", std::process::id()));
    {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).expect("a scratch file"));
        let chunk = bytes_chunk();
        for _ in 0..SIZE / CHUNK {
            file.write_all(&chunk).expect("written");
        }
    }
    let started = Instant::now();
    let sent = client.blobs().update("file", ByteSource::from_path(&path)).await;
    let _ = std::fs::remove_file(&path);
    sent.expect("file upload");
    println!(
        "200 MiB from a file path: peak {:.1} MiB (+{:.1}), {:.2} s",
        peak_mib(),
        peak_mib() - start,
        started.elapsed().as_secs_f64()
    );

    let in_memory = vec![7u8; SIZE];
    client.blobs().update("memory", in_memory).await.expect("memory upload");
    println!("200 MiB from memory, for scale: peak {:.1} MiB (+{:.1})", peak_mib(), peak_mib() - start);
}

fn bytes_chunk() -> Vec<u8> {
    (0..CHUNK).map(|i| (i % 251) as u8).collect()
}
