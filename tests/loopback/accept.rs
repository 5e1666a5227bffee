//! The Accept fixture's client (tests/fixtures/rules/41-accept.yaml) against a loopback server
//! that, as Prism and many frameworks do, answers the first media type it offers unless the
//! request's `Accept` names another: each method's exact `Accept` header, and the body it reads.

use accept::{Client, RequestOptions};

use crate::recording::Recording;

/// A loopback server keeping each request and answering by path and `Accept`.
struct Server(Recording);

/// A response of `status` with a body of `content_type`.
fn response(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out =
        format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes();
    out.extend_from_slice(body);
    out
}

/// What the server answers to a request head: the media type `Accept` asks for among those the
/// path offers, else the first offered.
fn answer(head: &str) -> Vec<u8> {
    let target = head.split(' ').nth(1).unwrap_or_default();
    let accept = header_of(head, "accept").unwrap_or_default();
    let wants = |media: &str| accept.split(',').any(|m| m.trim() == media);
    match (head.split(' ').next().unwrap_or_default(), target) {
        ("DELETE", _) => response("204 No Content", "text/plain", b""),
        (_, "/pets/7") if wants("application/json") => {
            response("200 OK", "application/json", br#"{"id":7,"name":"Rex"}"#)
        }
        (_, "/pets/7") => response("200 OK", "application/xml", b"<Pet><id>7</id><name>Rex</name></Pet>"),
        (_, "/pets/7/photo") if wants("image/jpeg") && !wants("image/png") => {
            response("200 OK", "image/jpeg", b"\xff\xd8")
        }
        (_, "/pets/7/photo") => response("200 OK", "image/png", b"\x89PNG"),
        (_, "/pets/7/note") => response("200 OK", "text/plain", b"good dog"),
        (_, "/events") if wants("text/event-stream") => {
            response("200 OK", "text/event-stream", b"data: {\"id\":1,\"name\":\"a\"}\n\n")
        }
        (_, "/events") => response("200 OK", "application/json", br#"[{"id":1,"name":"a"}]"#),
        _ => response("200 OK", "application/json", br#"{"id":2,"name":"Any"}"#),
    }
}

/// Header `name` (lowercase) of a request head, when it is there.
fn header_of(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
    })
}

impl Server {
    async fn start() -> Server {
        Server(Recording::start(answer).await)
    }

    fn client(&self) -> Client {
        Client::builder()
            .base_url(&self.0.url)
            .options(RequestOptions::default().max_retries(0))
            .build()
            .expect("client builds")
    }

    /// Every `Accept` line of the last request.
    fn accept(&self) -> Vec<String> {
        self.0.header("accept")
    }
}

#[tokio::test]
async fn each_method_asks_for_what_it_reads() {
    let server = Server::start().await;
    let client = server.client();

    // XML is offered first: the JSON method asks for JSON alone (and its declared error type).
    let pet = client.pets().retrieve(7).await.expect("the JSON answer");
    assert_eq!((pet.id, pet.name.as_str()), (7, "Rex"));
    assert_eq!(server.accept(), ["application/json, application/problem+json"]);

    let photo = client.pets().photo(7).await.expect("the photo");
    assert_eq!(&photo[..], b"\x89PNG");
    assert_eq!(server.accept(), ["image/png, image/jpeg"]);

    assert_eq!(client.pets().note(7).await.expect("the note"), "good dog");
    assert_eq!(server.accept(), ["text/plain"]);

    let events = client.events().list().await.expect("the list");
    assert_eq!(events.len(), 1);
    assert_eq!(server.accept(), ["application/json"]);

    assert_eq!(client.anything().retrieve().await.expect("anything").name, "Any");
    assert_eq!(server.accept(), ["*/*"]);

    // No response has a body: the client names nothing, and reqwest's own `*/*` goes.
    client.pets().delete(7).await.expect("deleted");
    assert_eq!(server.accept(), ["*/*"]);
}

#[tokio::test]
async fn stream_methods_ask_for_their_stream() {
    let server = Server::start().await;
    let client = server.client();
    let _events = client.events().list_stream().await.expect("the event stream");
    assert_eq!(server.accept(), ["text/event-stream"]);
    let _bytes = client.pets().photo_byte_stream(7).await.expect("the byte stream");
    assert_eq!(server.accept(), ["image/png, image/jpeg"]);
}

#[tokio::test]
async fn an_accept_the_caller_sets_wins() {
    let server = Server::start().await;
    let client = Client::builder()
        .base_url(&server.0.url)
        .options(RequestOptions::default().max_retries(0))
        .default_header("accept", "image/jpeg")
        .build()
        .expect("client builds");
    let photo = client.pets().photo(7).await.expect("the photo");
    assert_eq!(&photo[..], b"\xff\xd8");
    assert_eq!(server.accept(), ["image/jpeg"]);
}
