//! Streamed bodies and Server-Sent Events through the committed `streams` client (generated
//! from `tests/fixtures/rules/31-streams.yaml`, whose chat completions copy OpenAI's shapes)
//! against loopback servers: every event decodes, including the last, the stream stops at the
//! `[DONE]` sentinel, an event that does not decode is an error item naming it and its field,
//! multi-line data and comments are read, bytes arrive in chunks with the head known first, a
//! long live stream outlives the per-attempt timeout while a stalled one times out, the blocking
//! client iterates the same items, and the body's `stream` field is the method's to set.

use std::future::Future;
use std::time::Duration;

use futures_util::StreamExt;
use streams::types::{
    CreateChatCompletionRequest, CreateChatCompletionRequestMessagesItem, CreateChatCompletionRequestMessagesItemRole,
    CreateChatCompletionStreamResponseChoicesItemFinishReason, CreateTranscriptionBody2,
};
use streams::{Client, Error, RequestOptions};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A server on a free loopback port that answers every connection with `respond`, after
/// reading the request; the request head, then its body, is handed to `respond`.
async fn serve<F, Fut>(respond: F) -> String
where
    F: Fn(TcpStream, String) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let address = listener.local_addr().expect("local address");
    let respond = std::sync::Arc::new(respond);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let respond = respond.clone();
            tokio::spawn(async move {
                let head = read_request(&mut stream).await;
                respond(stream, head).await;
            });
        }
    });
    format!("http://{address}")
}

/// Reads a request's head and its body (by `Content-Length`); returns the head, then the body.
async fn read_request(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let length = head
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = stream.read_exact(&mut body).await;
    head + &String::from_utf8_lossy(&body)
}

/// Writes a chunked `200` of `content_type`, each of `chunks` as one HTTP chunk, `pause`
/// apart, then ends the body.
async fn chunked(mut stream: TcpStream, content_type: &str, chunks: Vec<String>, pause: Duration) {
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\n\r\n");
    if stream.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for chunk in chunks {
        tokio::time::sleep(pause).await;
        let frame = format!("{:x}\r\n{chunk}\r\n", chunk.len());
        if stream.write_all(frame.as_bytes()).await.is_err() {
            return;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
}

fn client(url: &str) -> Client {
    Client::builder().base_url(url).options(RequestOptions::default().max_retries(0)).build().expect("client builds")
}

fn chat_request() -> CreateChatCompletionRequest {
    let message = CreateChatCompletionRequestMessagesItem::new(CreateChatCompletionRequestMessagesItemRole::User, "Hi");
    CreateChatCompletionRequest::new("gpt-test", vec![message]).stream(true)
}

/// A chunk of a chat completion as OpenAI streams it.
fn chunk(content: &str, finish: Option<&str>) -> String {
    let finish = finish.map_or("null".to_owned(), |f| format!("{f:?}"));
    format!(
        r#"{{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1700000000,"model":"gpt-test","choices":[{{"index":0,"delta":{{"content":{content:?}}},"finish_reason":{finish}}}]}}"#
    )
}

#[tokio::test]
async fn a_chat_completion_stream_decodes_every_event_and_stops_at_done() {
    let url = serve(|stream, head| async move {
        assert!(head.to_ascii_lowercase().contains("accept: text/event-stream"), "{head}");
        let events = vec![
            format!("data: {}\n\n", chunk("Hel", None)),
            // One event split over two HTTP chunks, and a comment line before it.
            format!(": keep-alive\n\nid: 7\ndata: {}", &chunk("lo", None)[..20]),
            format!("{}\n\n", &chunk("lo", None)[20..]),
            format!("data: {}\n\n", chunk("!", Some("stop"))),
            "data: [DONE]\n\n".to_owned(),
            // Past the sentinel: never read.
            "data: {\"not\": \"read\"}\n\n".to_owned(),
        ];
        chunked(stream, "text/event-stream", events, Duration::from_millis(5)).await;
    })
    .await;
    let mut stream = client(&url).chat().create_stream(&chat_request()).await.expect("the stream starts");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let mut events = Vec::new();
    while let Some(event) = stream.next().await {
        let event = event.expect("every event decodes");
        text.push_str(event.data.choices[0].delta.content.as_deref().unwrap_or_default());
        events.push(event);
    }
    assert_eq!(text, "Hello!");
    assert_eq!(events.len(), 3, "the [DONE] sentinel ends the stream and is not an event");
    assert_eq!(events[0].event, "message");
    assert_eq!(events[0].id, None);
    assert_eq!(events[1].id.as_deref(), Some("7"));
    let last = &events[2].data.choices[0];
    assert_eq!(last.finish_reason, Some(CreateChatCompletionStreamResponseChoicesItemFinishReason::Stop));
    assert!(stream.next().await.is_none(), "a finished stream stays finished");
}

#[tokio::test]
async fn the_stream_method_asks_for_a_stream_and_the_buffered_one_does_not_whatever_the_body_says() {
    let bodies = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = bodies.clone();
    let url = serve(move |mut stream, request| {
        let (head, body) = request.split_once("\r\n\r\n").map(|(h, b)| (h.to_owned(), b.to_owned())).unwrap_or_default();
        seen.lock().unwrap().push(body);
        async move {
            if head.to_ascii_lowercase().contains("accept: text/event-stream") {
                let events = vec![format!("data: {}\n\n", chunk("Hi", Some("stop"))), "data: [DONE]\n\n".to_owned()];
                chunked(stream, "text/event-stream", events, Duration::ZERO).await;
            } else {
                let body = r#"{"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"gpt-test","choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}]}"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(response.as_bytes()).await;
            }
        }
    })
    .await;
    let client = client(&url);
    // The caller asks for the opposite of what each method does: the method decides.
    let stream = client.chat().create_stream(&chat_request().stream(false)).await.expect("the stream starts");
    let events: Vec<_> = stream.collect().await;
    assert_eq!(events.len(), 1, "{events:?}");
    let answer = client.chat().create(&chat_request().stream(true)).await.expect("a whole answer");
    assert_eq!(answer.choices[0].message.content.as_deref(), Some("Hi"));
    let unset = CreateChatCompletionRequest::new("gpt-test", Vec::new());
    client.chat().create_stream(&unset).await.expect("the stream starts").collect::<Vec<_>>().await;
    let bodies: Vec<serde_json::Value> =
        bodies.lock().unwrap().iter().map(|body| serde_json::from_str(body).expect("a JSON body")).collect();
    assert_eq!(bodies.len(), 3);
    assert_eq!(bodies[0]["stream"], serde_json::json!(true), "the stream method: {}", bodies[0]);
    assert_eq!(bodies[1]["stream"], serde_json::json!(false), "the buffered method: {}", bodies[1]);
    assert_eq!(bodies[2]["stream"], serde_json::json!(true), "a body that left it unset: {}", bodies[2]);
    assert_eq!(bodies[0]["model"], "gpt-test", "the other fields are sent as set");
}

#[tokio::test]
async fn an_event_that_does_not_decode_is_an_error_item_naming_it_and_the_field() {
    let url = serve(|stream, _| async move {
        let bad = chunk("x", None).replace(r#""index":0"#, r#""index":"zero""#);
        let events = vec![
            format!("data: {}\n\n", chunk("a", None)),
            format!("event: delta\nid: 42\ndata: {bad}\n\n"),
            format!("data: {}\n\n", chunk("b", Some("stop"))),
            "data: [DONE]\n\n".to_owned(),
        ];
        chunked(stream, "text/event-stream", events, Duration::ZERO).await;
    })
    .await;
    let stream = client(&url).chat().create_stream(&chat_request()).await.expect("the stream starts");
    let items: Vec<Result<_, Error>> = stream.collect().await;
    assert_eq!(items.len(), 3, "the bad event is an item, not skipped, and the stream goes on");
    assert!(items[0].is_ok() && items[2].is_ok());
    let Err(Error::Event { failure, .. }) = &items[1] else { panic!("an event error: {:?}", items[1]) };
    assert_eq!((failure.index, failure.event.as_str(), failure.id.as_deref()), (1, "delta", Some("42")));
    assert_eq!(failure.path, ".choices[0].index");
    let message = items[1].as_ref().unwrap_err().to_string();
    assert!(
        message.contains("event 1") && message.contains("42") && message.contains(".choices[0].index"),
        "{message}"
    );
}

#[tokio::test]
async fn text_events_keep_multi_line_data_type_and_retry_and_end_at_the_operations_sentinel() {
    let url = serve(|stream, _| async move {
        let events = vec![
            "retry: 1500\nevent: note\ndata: first line\ndata: second line\n\n".to_owned(),
            ": a comment\ndata: plain\n\n".to_owned(),
            "data: bye\n\n".to_owned(),
            "data: after the sentinel\n\n".to_owned(),
        ];
        chunked(stream, "text/event-stream", events, Duration::ZERO).await;
    })
    .await;
    let stream = client(&url).notifications().list_stream().await.expect("the stream starts");
    let events: Vec<_> = stream.map(|event| event.expect("text always decodes")).collect().await;
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].event, "note");
    assert_eq!(events[0].data, "first line\nsecond line");
    assert_eq!(events[0].retry, Some(Duration::from_millis(1500)));
    assert_eq!((events[1].event.as_str(), events[1].data.as_str(), events[1].retry), ("message", "plain", None));
}

#[tokio::test]
async fn events_without_a_schema_are_json_values_and_end_with_the_body() {
    // `feed` says `x-stream-sentinel: null`: `[DONE]` is data like any other, and no JSON.
    let url = serve(|stream, _| async move {
        let events =
            vec!["data: {\"n\": 1}\n\n".to_owned(), "data: [1, 2]\n\n".to_owned(), "data: [DONE]\n\n".to_owned()];
        chunked(stream, "text/event-stream", events, Duration::ZERO).await;
    })
    .await;
    let mut events: Vec<_> = client(&url).feed().retrieve_stream().await.expect("the stream starts").collect().await;
    assert!(
        matches!(events.pop(), Some(Err(Error::Event { .. }))),
        "with no sentinel, [DONE] is an event that does not decode"
    );
    let values: Vec<serde_json::Value> = events.into_iter().map(|e| e.expect("JSON").data).collect();
    assert_eq!(values, [serde_json::json!({"n": 1}), serde_json::json!([1, 2])]);
}

#[tokio::test]
async fn a_stream_call_answered_with_json_is_an_error_saying_what_arrived() {
    let url = serve(|stream, _| async move {
        chunked(
            stream,
            "application/json",
            vec!["{\"id\": \"chatcmpl-1\", \"choices\": []}".to_owned()],
            Duration::ZERO,
        )
        .await;
    })
    .await;
    let error = client(&url).chat().create_stream(&chat_request()).await.expect_err("JSON is no stream");
    let Error::Decode { message, body, .. } = &error else { panic!("{error:?}") };
    assert_eq!(message, "the response is application/json, not an event stream (text/event-stream)");
    assert!(body.contains("chatcmpl-1"), "{body}");
}

#[tokio::test]
async fn a_stream_that_names_no_sentinel_ends_at_done_with_no_error() {
    let url = serve(|stream, _| async move {
        let events = vec![
            "data: {\"type\": \"delta\", \"delta\": \"Hel\"}\n\n".to_owned(),
            "data: {\"type\": \"delta\", \"delta\": \"lo\"}\n\n".to_owned(),
            "data: [DONE]\n\n".to_owned(),
            "data: after the end\n\n".to_owned(),
        ];
        chunked(stream, "text/event-stream", events, Duration::ZERO).await;
    })
    .await;
    let body = CreateTranscriptionBody2::new("https://example.com/a.mp3");
    let stream = client(&url).transcriptions().create_stream(&body).await.expect("the stream starts");
    let deltas: Vec<String> = stream.map(|event| event.expect("every event decodes").data.delta).collect().await;
    assert_eq!(deltas, ["Hel", "lo"]);
}

#[tokio::test]
async fn bytes_arrive_in_chunks_with_the_head_first() {
    let url = serve(|mut stream, head| async move {
        assert!(head.starts_with("GET /files/f%201/content "), "{head}");
        let body = vec![7u8; 300_000];
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes()).await;
        for part in body.chunks(50_000) {
            let _ = stream.write_all(part).await;
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    })
    .await;
    let mut stream = client(&url).files().content_byte_stream("f 1").await.expect("the stream starts");
    assert_eq!(stream.status(), 200);
    assert_eq!(stream.content_length(), Some(300_000));
    assert_eq!(stream.headers()["content-type"], "application/octet-stream");
    let (mut total, mut chunks) = (0, 0);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("a chunk");
        assert!(chunk.iter().all(|b| *b == 7));
        total += chunk.len();
        chunks += 1;
    }
    assert_eq!(total, 300_000);
    assert!(chunks > 1, "the body came in {chunks} chunk(s)");
}

#[tokio::test]
async fn a_live_stream_outlives_the_attempt_timeout_and_a_stalled_one_times_out() {
    let timeout = Duration::from_millis(300);
    // Ten chunks 100 ms apart: a second in all, each well within the timeout.
    let live = serve(|stream, _| async move {
        let chunks = (0..10).map(|i| format!("chunk {i};")).collect();
        chunked(stream, "application/octet-stream", chunks, Duration::from_millis(100)).await;
    })
    .await;
    let options = RequestOptions::default().max_retries(0).timeout(timeout);
    let client = Client::builder().base_url(&live).options(options.clone()).build().unwrap();
    let body: Vec<_> = client.files().content_byte_stream("f").await.unwrap().collect().await;
    let body: Vec<u8> = body.into_iter().flat_map(|chunk| chunk.expect("no timeout").to_vec()).collect();
    assert_eq!(body.len(), (0..10).map(|i| format!("chunk {i};").len()).sum::<usize>());

    // One chunk, then silence.
    let stalled = serve(|mut stream, _| async move {
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n";
        let _ = stream.write_all(head.as_bytes()).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let client = Client::builder().base_url(&stalled).options(options).build().unwrap();
    let mut stream = client.files().content_byte_stream("f").await.unwrap();
    assert_eq!(&stream.next().await.unwrap().unwrap()[..], b"first");
    let started = std::time::Instant::now();
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(stream.next().await.is_none(), "the stream ends after its error");
}

#[test]
fn the_blocking_client_iterates_the_same_events() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let url = runtime.block_on(serve(|stream, _| async move {
        let events = vec![
            format!("data: {}\n\n", chunk("one", None)),
            format!("data: {}\n\n", chunk("two", Some("stop"))),
            "data: [DONE]\n\n".to_owned(),
        ];
        chunked(stream, "text/event-stream", events, Duration::ZERO).await;
    }));
    let client = streams::blocking::Client::new(client(&url)).unwrap();
    let events = client.chat().create_stream(&chat_request()).unwrap();
    assert_eq!(events.get_ref().status(), 200);
    let texts: Vec<String> =
        events.map(|event| event.unwrap().data.choices[0].delta.content.clone().unwrap_or_default()).collect();
    assert_eq!(texts, ["one", "two"]);
}
