//! The program `shared_specs.rs` builds (with the `external` feature) next to the client it
//! generates from `../shared/specs/openai.yaml` and `tests/fixtures/openai-streams.overlay.yaml`:
//! a loopback server answers `create_chat_completion_stream` with a chat-completion stream in
//! OpenAI's wire format; every event decodes, the last included, and `[DONE]` ends the stream;
//! then a stream with an event that does not decode gives an `Error::Event` item naming it.
//! It prints `openai stream: ok` when all holds, and panics otherwise.

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A chunk of a chat completion, as OpenAI streams it.
fn chunk(index: usize, content: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_owned(), |f| format!("{f:?}"));
    let role = if index == 0 { r#""role":"assistant","#.to_owned() } else { String::new() };
    format!(
        r#"{{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini","system_fingerprint":"fp_44709d6fcb","choices":[{{"index":0,"delta":{{{role}"content":{content:?}}},"logprobs":null,"finish_reason":{finish}}}]}}"#
    )
}

/// A server that answers each connection with the next of `bodies`, as a chunked event stream.
async fn serve(bodies: Vec<Vec<String>>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    tokio::spawn(async move {
        for events in bodies {
            let (mut stream, _) = listener.accept().await.expect("a connection");
            let mut request = Vec::new();
            let mut buffer = [0u8; 4096];
            // The head and the JSON body: read until the body's closing brace.
            while !request.ends_with(b"}") {
                match stream.read(&mut buffer).await {
                    Ok(0) | Err(_) => break,
                    Ok(n) => request.extend_from_slice(&buffer[..n]),
                }
            }
            let request = String::from_utf8_lossy(&request).to_ascii_lowercase();
            assert!(request.contains("authorization: bearer sk-test"), "{request}");
            assert!(request.contains("accept: text/event-stream"), "{request}");
            assert!(request.contains(r#""stream":true"#), "{request}");
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ntransfer-encoding: chunked\r\n\r\n";
            stream.write_all(head.as_bytes()).await.expect("write the head");
            for event in events {
                let frame = format!("{:x}\r\n{event}\r\n", event.len());
                stream.write_all(frame.as_bytes()).await.expect("write an event");
            }
            stream.write_all(b"0\r\n\r\n").await.expect("end the body");
        }
    });
    format!("http://{address}")
}

#[tokio::main]
async fn main() {
    let words = ["Hello", " there", "!"];
    let mut good: Vec<String> = words.iter().enumerate().map(|(i, w)| format!("data: {}\n\n", chunk(i, w, None))).collect();
    good.push(format!("data: {}\n\n", chunk(3, "", Some("stop"))));
    good.push("data: [DONE]\n\n".to_owned());
    let bad = vec![
        format!("data: {}\n\n", chunk(0, "Hi", None)),
        format!("id: 9\ndata: {}\n\n", chunk(1, "x", None).replace(r#""created":1694268190"#, r#""created":"yesterday""#)),
        format!("data: {}\n\n", chunk(2, "", Some("stop"))),
        "data: [DONE]\n\n".to_owned(),
    ];
    let url = serve(vec![good, bad]).await;
    let client = openai::Client::builder().base_url(url).api_key_auth("sk-test").build().expect("client builds");
    let request: openai::types::CreateChatCompletionRequest = serde_json::from_value(serde_json::json!({
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "Say hello"}],
        "stream": true
    }))
    .expect("a request");

    let mut stream = client.chat().create_stream(&request).await.expect("the stream starts");
    let mut text = String::new();
    let mut finish = None;
    let mut events = 0;
    while let Some(event) = stream.next().await {
        let event = event.unwrap_or_else(|e| panic!("event {events} decodes: {e}"));
        let choice = &event.data.choices[0];
        text.push_str(choice.delta.content.as_deref().unwrap_or_default());
        finish = choice.finish_reason.clone();
        events += 1;
    }
    assert_eq!(events, 4, "every event, the last included, and nothing after [DONE]");
    assert_eq!(text, "Hello there!");
    assert_eq!(finish.map(|f| f.as_str().to_owned()).as_deref(), Some("stop"));

    let items: Vec<_> = client.chat().create_stream(&request).await.expect("the stream starts").collect().await;
    assert_eq!(items.len(), 3, "the bad event is an item and the stream goes on");
    match &items[1] {
        Err(openai::Error::Event { failure, .. }) => {
            assert_eq!((failure.index, failure.id.as_deref(), failure.path.as_str()), (1, Some("9"), ".created"));
        }
        other => panic!("an event error, not {other:?}"),
    }
    println!("openai stream: ok");
}
