//! The program `tests/shared_specs.rs` builds next to the `openai` crate it generates: each task
//! of `tests/tasks/openai.rs` runs against its own loopback server (`server.rs`), which checks
//! the request the task sends (method, path, credentials, body) and answers what the API answers
//! (bodies after OpenAI's API reference). Prints what the tasks print, then `openai tasks: ok`;
//! panics on any mismatch.

mod server;
mod tasks;

use serde_json::{Value, json};
use server::{Exchange, Request, Response, json};

fn exchange(check: impl FnOnce(&Request) + Send + 'static, response: Response) -> Exchange {
    (Box::new(check), response)
}

/// The checks every call shares: method, path and the API key.
fn call(request: &Request, method: &str, path: &str) {
    assert_eq!((request.method.as_str(), request.path.as_str()), (method, path), "{request:?}");
    assert_eq!(request.header("authorization"), "Bearer sk-test", "{request:?}");
}

/// The chat request of tasks 1 and 2: a system and a user message, the model, the temperature.
fn chat_request(request: &Request, stream: bool) {
    call(request, "POST", "/chat/completions");
    let body = request.json();
    assert_eq!(body["model"], "gpt-4o-mini", "{body}");
    assert_eq!(body["temperature"], 0.7, "{body}");
    assert_eq!(
        body["messages"],
        json!([
            {"role": "system", "content": "You are a helpful assistant."},
            {"role": "user", "content": "Who won the world series in 2020?"}
        ]),
        "{body}"
    );
    assert_eq!(body.get("stream").and_then(Value::as_bool).unwrap_or(false), stream, "{body}");
    let accept = if stream { "text/event-stream" } else { "application/json" };
    assert_eq!(request.header("accept"), accept, "{request:?}");
}

fn completion() -> Value {
    json!({
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1741569952,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "The Los Angeles Dodgers won the World Series in 2020.",
                "refusal": null,
                "annotations": []
            },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": 27,
            "completion_tokens": 13,
            "total_tokens": 40,
            "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 0,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0
            }
        },
        "service_tier": "default",
        "system_fingerprint": "fp_06737a9306"
    })
}

/// A chat-completion stream as OpenAI sends it: the role first, the content in pieces, the
/// finish reason, then `data: [DONE]`.
fn completion_stream() -> String {
    let chunk = |delta: Value, finish: Value| {
        let chunk = json!({
            "id": "chatcmpl-123",
            "object": "chat.completion.chunk",
            "created": 1694268190,
            "model": "gpt-4o-mini",
            "system_fingerprint": "fp_44709d6fcb",
            "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}]
        });
        format!("data: {chunk}\n\n")
    };
    let mut events = chunk(json!({"role": "assistant", "content": ""}), Value::Null);
    for piece in ["The Los Angeles Dodgers", " won the World Series", " in 2020."] {
        events.push_str(&chunk(json!({"content": piece}), Value::Null));
    }
    events.push_str(&chunk(json!({}), json!("stop")));
    events.push_str("data: [DONE]\n\n");
    events
}

fn api_error(status: u16, message: &str, kind: &str, param: Value, code: &str) -> Response {
    json(status, json!({"error": {"message": message, "type": kind, "param": param, "code": code}}))
}

async fn run<F: Future<Output = Result<(), Box<dyn std::error::Error>>>>(
    name: &str,
    exchanges: Vec<Exchange>,
    task: impl FnOnce(openai::Client) -> F,
) {
    let (url, server) = server::serve(exchanges).await;
    // Client set-up, outside the task: no retries, so the 429 of task 6 is the task's to see.
    let client =
        openai::Client::builder().base_url(url).api_key_auth("sk-test").max_retries(0).build().expect("client");
    println!("== {name}");
    let result = task(client).await;
    if let Err(panic) = server.await {
        panic!("{name}: the server's check failed: {panic}");
    }
    result.unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[tokio::main]
async fn main() {
    let chat = exchange(|r| chat_request(r, false), json(200, completion()));
    run("1 chat completion", vec![chat], |c| async move { tasks::chat_completion(&c).await }).await;

    let stream = Response { status: 200, content_type: "text/event-stream; charset=utf-8", body: completion_stream() };
    let chat = exchange(|r| chat_request(r, true), stream);
    run("2 chat completion, streamed", vec![chat], |c| async move { tasks::chat_completion_stream(&c).await }).await;

    let check = |request: &Request| {
        call(request, "POST", "/embeddings");
        let body = request.json();
        assert_eq!(body, json!({"input": ["apple", "banana", "cherry"], "model": "text-embedding-3-small"}));
    };
    let data: Vec<Value> = (0..3)
        .map(|index| json!({"object": "embedding", "index": index, "embedding": [0.0023064255, -0.009327292, -0.0028842222]}))
        .collect();
    let answer = json!({
        "object": "list",
        "data": data,
        "model": "text-embedding-3-small",
        "usage": {"prompt_tokens": 3, "total_tokens": 3}
    });
    run("3 embeddings", vec![exchange(check, json(200, answer))], |c| async move { tasks::embeddings(&c).await }).await;

    let lines = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hello!\"}]}\n";
    std::fs::write("training.jsonl", lines).expect("writes the training file");
    let check = move |request: &Request| {
        call(request, "POST", "/files");
        assert!(request.header("content-type").starts_with("multipart/form-data; boundary="), "{request:?}");
        let text = request.text();
        let purpose = text.split("name=\"purpose\"").nth(1).unwrap_or_default();
        assert!(purpose.contains("\r\n\r\nfine-tune\r\n--"), "the purpose part: {text}");
        assert!(text.contains("name=\"file\"; filename=\"training.jsonl\""), "the file part: {text}");
        assert!(text.to_ascii_lowercase().contains("content-type: application/jsonl"), "{text}");
        assert!(text.contains(lines), "the file's contents: {text}");
    };
    let answer = json!({
        "id": "file-abc123",
        "object": "file",
        "bytes": lines.len(),
        "created_at": 1677610602,
        "expires_at": null,
        "filename": "training.jsonl",
        "purpose": "fine-tune",
        "status": "processed",
        "status_details": null
    });
    run("4 file upload", vec![exchange(check, json(200, answer))], |c| async move { tasks::upload_file(&c).await })
        .await;
    std::fs::remove_file("training.jsonl").expect("removes the training file");

    let check = |request: &Request| {
        call(request, "GET", "/models");
        assert!(request.body.is_empty() && request.query.is_empty(), "{request:?}");
    };
    let answer = json!({
        "object": "list",
        "data": [
            {"id": "gpt-4o-mini", "object": "model", "created": 1721172741, "owned_by": "system"},
            {"id": "text-embedding-3-small", "object": "model", "created": 1705948997, "owned_by": "system"},
            {"id": "ft:gpt-4o-mini-2024-07-18:acme::9XyZ", "object": "model", "created": 1722000000, "owned_by": "user-abc123"}
        ]
    });
    run("5 models", vec![exchange(check, json(200, answer))], |c| async move { tasks::list_models(&c).await }).await;

    let check = |request: &Request| {
        call(request, "POST", "/chat/completions");
        let body = request.json();
        assert_eq!(body["model"], "gpt-4o-mini", "{body}");
        assert_eq!(body["messages"], json!([{"role": "user", "content": "Hello!"}]), "{body}");
    };
    let bad = api_error(
        400,
        "This model's maximum context length is 128000 tokens. However, your messages resulted in 130412 tokens. Please reduce the length of the messages.",
        "invalid_request_error",
        json!("messages"),
        "context_length_exceeded",
    );
    let limited = api_error(
        429,
        "Rate limit reached for gpt-4o-mini in organization org-abc123 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.",
        "requests",
        Value::Null,
        "rate_limit_exceeded",
    );
    let errors = vec![exchange(check, bad), exchange(check, limited)];
    run("6 a 400 and a 429", errors, |c| async move { tasks::api_errors(&c).await }).await;

    println!("openai tasks: ok");
}
