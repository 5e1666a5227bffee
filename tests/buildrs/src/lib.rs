//! The Creatify client, generated into OUT_DIR by this crate's build script and included here:
//! what a crate that generates its client at build time looks like.

#![deny(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/creatify/src/lib.rs"));

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use super::types::{AspectRatio, LipsyncRequest};

    /// Answers one request with a preview, and hands back what it received.
    fn serve_once(listener: std::net::TcpListener) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let (mut stream, _) = listener.accept().expect("a connection");
            let mut received = Vec::new();
            let mut chunk = [0; 4096];
            while !String::from_utf8_lossy(&received).contains("\"aspect_ratio\"") {
                let read = stream.read(&mut chunk).expect("reads the request");
                if read == 0 {
                    break;
                }
                received.extend_from_slice(&chunk[..read]);
            }
            let body = concat!(
                r#"{"id":"6b3f3a9e-5a51-4e8c-9c9e-1d2a3b4c5d6e","name":null,"text":"Hello","creator":null,"#,
                r#""output":null,"video_thumbnail":"https://example.com/t.jpg","aspect_ratio":"16x9","#,
                r#""created_at":"2024-10-24T12:00:00Z","updated_at":"2024-10-24T12:00:05Z","credits_used":1.0,"#,
                r#""duration":12,"progress":"0.0","failed_reason":null,"media_job":null,"status":"pending","#,
                r#""is_hidden":false,"audio_url":null,"webhook_url":null,"accent":null,"#,
                r#""preview":"https://example.com/p","editor_url":null,"preview_audio":null}"#
            );
            let reply = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(reply.as_bytes()).expect("answers");
            String::from_utf8_lossy(&received).into_owned()
        })
    }

    #[tokio::test]
    async fn the_client_generated_at_build_time_calls_the_api() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        let base = format!("http://{}", listener.local_addr().expect("has an address"));
        let server = serve_once(listener);
        let client = super::Client::builder().base_url(&base).api_id("id").api_key("key").build().expect("a client");
        let body = LipsyncRequest::new(AspectRatio::V16x9).text("Hello");
        let preview = client.lipsyncs_preview_create(&body).await.expect("a preview");
        let received = server.join().expect("the server ran");
        assert!(received.starts_with("POST /api/lipsyncs/preview/ "), "{received}");
        assert!(received.to_ascii_lowercase().contains("x-api-key: key"), "{received}");
        assert_eq!(preview.preview.as_deref(), Some("https://example.com/p"));
    }
}
