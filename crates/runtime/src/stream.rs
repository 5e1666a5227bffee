//! Streamed success bodies: bytes as they arrive (`ByteStream`), Server-Sent Events
//! (`text/event-stream`) decoded one at a time (`EventStream`), and JSON Lines (`JsonLines`:
//! `application/jsonl`, `application/x-ndjson`, `application/json-seq`) decoded a line at a time.
//!
//! Both hold the response after its head arrived: status and headers are known before the
//! body is read, and only one chunk is held at a time, so memory stays constant however long
//! the body is. There is no size limit; each wait for the next chunk is limited by
//! [`crate::RequestOptions::timeout`] instead (an idle timeout), so a stalled body ends in
//! [`Error::Timeout`] while a long, live one goes on.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Error;
#[cfg(feature = "events")]
use crate::error::EventFailure;
use crate::error::transport;
use crate::request::Request;
use crate::session::Session;

/// The read of one chunk: the response comes back with it, to read the next.
type Chunk = Pin<Box<dyn Future<Output = (reqwest::Response, Result<Option<Bytes>, Error>)> + Send>>;

/// Where a [`ByteStream`] is.
enum State {
    /// Between chunks.
    Idle(reqwest::Response),
    /// Waiting for a chunk.
    Reading(Chunk),
    /// The body ended, or failed.
    Done,
}

/// A success response whose body is read as it arrives: a [`Stream`] of byte chunks.
///
/// Status, headers and content length are known before the first chunk is read. Each item
/// is the next chunk as the server sent it (of any size), or an error, after which the stream
/// ends: [`Error::Timeout`] when no chunk came within [`crate::RequestOptions::timeout`],
/// [`Error::Transport`] when the connection broke. The body has no size limit and only one
/// chunk is held at a time. It is `Unpin`, so `StreamExt::next` (of `futures-util` or
/// `tokio-stream`) can be called on it directly.
pub struct ByteStream {
    status: StatusCode,
    headers: HeaderMap,
    content_length: Option<u64>,
    operation: &'static str,
    idle: Duration,
    #[cfg(feature = "json-lines")]
    /// The longest line a [`JsonLines`] reading it holds.
    limit: usize,
    state: State,
}

impl std::fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ByteStream")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("content_length", &self.content_length)
            .finish_non_exhaustive()
    }
}

impl ByteStream {
    /// The stream of `response`'s body; each chunk must arrive within `idle`.
    pub(crate) fn new(operation: &'static str, mut response: reqwest::Response, idle: Duration) -> Self {
        ByteStream {
            status: response.status(),
            headers: std::mem::take(response.headers_mut()),
            content_length: response.content_length(),
            operation,
            idle,
            #[cfg(feature = "json-lines")]
            limit: usize::MAX,
            state: State::Idle(response),
        }
    }

    /// The status (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The length of the body, when the server said it (`Content-Length`).
    pub fn content_length(&self) -> Option<u64> {
        self.content_length
    }
}

impl Stream for ByteStream {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            match std::mem::replace(&mut this.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Idle(mut response) => {
                    let (operation, idle) = (this.operation, this.idle);
                    this.state = State::Reading(Box::pin(async move {
                        let chunk = match tokio::time::timeout(idle, response.chunk()).await {
                            Ok(chunk) => chunk.map_err(|e| transport(operation, e)),
                            Err(_) => Err(Error::timeout(operation, "the next chunk of the body", idle)),
                        };
                        (response, chunk)
                    }));
                }
                State::Reading(mut chunk) => {
                    return match chunk.as_mut().poll(cx) {
                        Poll::Pending => {
                            this.state = State::Reading(chunk);
                            Poll::Pending
                        }
                        Poll::Ready((response, Ok(Some(bytes)))) => {
                            this.state = State::Idle(response);
                            Poll::Ready(Some(Ok(bytes)))
                        }
                        Poll::Ready((_, Ok(None))) => Poll::Ready(None),
                        Poll::Ready((_, Err(error))) => Poll::Ready(Some(Err(error))),
                    };
                }
            }
        }
    }
}

/// Sends `request` for `session` (retries and redirects as for any call) and returns the
/// success with its body unread, as a [`ByteStream`].
pub(crate) async fn bytes<S: Session>(session: &S, mut request: Request<S::Scheme>) -> Result<ByteStream, Error> {
    request.streamed = true;
    let response = crate::send::send(session, &request).await?;
    Ok(ByteStream::new(request.operation, response, session.core().options.timeout))
}

#[cfg(feature = "events")]
/// One Server-Sent Event, its `data` decoded.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Event<T> {
    /// The event type (`event:`); `message` when the server sent none.
    pub event: String,
    /// The last event ID the server set (`id:`), which it keeps until it sets another; `None`
    /// while it has set none.
    pub id: Option<String>,
    /// The reconnection time the server asked for (`retry:`), when this event set one.
    pub retry: Option<Duration>,
    /// The data (`data:` lines, joined by line feeds), decoded.
    pub data: T,
}

#[cfg(feature = "events")]
/// How an event's data becomes a `T`: the field path and message when it does not.
pub(crate) type DecodeData<T> = fn(&str) -> Result<T, (String, String)>;

#[cfg(feature = "events")]
/// A `text/event-stream` success response: a [`Stream`] of [`Event`]s whose data is decoded
/// into `T`, one at a time.
///
/// Events are parsed by `eventsource-stream` (multi-line data, comments, `event:`, `id:` and
/// `retry:`). The stream ends at the end of the body, or at the event whose data is its
/// sentinel (`[DONE]` unless the API names another or none), which is not yielded. An event whose data does not decode is an
/// [`Error::Event`] item naming it (its index, type and ID) and the field that failed; the
/// stream goes on after it. A broken connection, a stalled body ([`Error::Timeout`]) or text
/// that is not an event stream is an error item after which the stream ends.
pub struct EventStream<T> {
    status: StatusCode,
    headers: HeaderMap,
    operation: &'static str,
    events: eventsource_stream::EventStream<ByteStream>,
    decode: DecodeData<T>,
    sentinel: Option<&'static str>,
    index: usize,
    done: bool,
}

#[cfg(feature = "events")]
impl<T> std::fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("events", &self.index)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "events")]
impl<T> EventStream<T> {
    /// The status (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

#[cfg(feature = "events")]
impl<T> Stream for EventStream<T> {
    type Item = Result<Event<T>, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        let event = match Pin::new(&mut this.events).poll_next(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(None) => {
                this.done = true;
                return Poll::Ready(None);
            }
            Poll::Ready(Some(Err(error))) => {
                this.done = true;
                let error = match error {
                    eventsource_stream::EventStreamError::Transport(error) => error,
                    other => this.failure(None, ".", format!("the body is not an event stream: {other}"), ""),
                };
                return Poll::Ready(Some(Err(error)));
            }
            Poll::Ready(Some(Ok(event))) => event,
        };
        if this.sentinel.is_some_and(|sentinel| event.data == sentinel) {
            this.done = true;
            return Poll::Ready(None);
        }
        let index = this.index;
        this.index += 1;
        let id = Some(event.id).filter(|id| !id.is_empty());
        Poll::Ready(Some(match (this.decode)(&event.data) {
            Ok(data) => Ok(Event { event: event.event, id, retry: event.retry, data }),
            Err((path, message)) => Err(Error::Event {
                operation: this.operation.to_owned(),
                failure: Box::new(EventFailure {
                    index,
                    event: event.event,
                    id,
                    path,
                    message,
                    data: cut(&event.data),
                }),
            }),
        }))
    }
}

#[cfg(feature = "events")]
impl<T> EventStream<T> {
    /// [`Error::Event`] for the next event, which could not be read at all.
    fn failure(&self, id: Option<String>, path: &str, message: String, data: &str) -> Error {
        let failure = EventFailure {
            index: self.index,
            event: String::new(),
            id,
            path: path.to_owned(),
            message,
            data: cut(data),
        };
        Error::Event { operation: self.operation.to_owned(), failure: Box::new(failure) }
    }
}

#[cfg(feature = "events")]
/// Event data kept in an error, cut at the error-body limit.
fn cut(data: &str) -> String {
    let mut end = data.len().min(crate::error::BODY_LIMIT);
    while !data.is_char_boundary(end) {
        end -= 1;
    }
    data[..end].to_owned()
}

#[cfg(feature = "events")]
/// Sends `request` for `session`, asking for `text/event-stream`, and returns the success as
/// an [`EventStream`] whose data `decode` reads, ending at `sentinel` when there is one.
pub(crate) async fn events<S: Session, T>(
    session: &S,
    mut request: Request<S::Scheme>,
    decode: DecodeData<T>,
    sentinel: Option<&'static str>,
) -> Result<EventStream<T>, Error> {
    if request.accept.is_empty() {
        request.accept = "text/event-stream";
    }
    let mut body = bytes(session, request).await?;
    let (status, headers, operation) = (body.status, body.headers.clone(), body.operation);
    if let Some(media_type) = other_media_type(&headers) {
        let mut text = Vec::new();
        while let Some(Ok(chunk)) = std::future::poll_fn(|cx| Pin::new(&mut body).poll_next(cx)).await {
            text.extend_from_slice(&chunk);
            if text.len() >= crate::error::BODY_LIMIT {
                text.truncate(crate::error::BODY_LIMIT);
                break;
            }
        }
        return Err(Error::Decode {
            operation: operation.to_owned(),
            path: ".".to_owned(),
            message: format!("the response is {media_type}, not an event stream (text/event-stream)"),
            body: String::from_utf8_lossy(&text).into_owned(),
        });
    }
    let events = eventsource_stream::EventStream::new(body);
    Ok(EventStream { status, headers, operation, events, decode, sentinel, index: 0, done: false })
}

#[cfg(feature = "events")]
/// The media type of a response declared to be something other than an event stream (a JSON
/// answer to a stream call whose `stream: true` was left out, say); `None` for an event
/// stream, or when the server names no type.
fn other_media_type(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(reqwest::header::CONTENT_TYPE)?.to_str().ok()?;
    let media_type = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    (!media_type.is_empty() && media_type != "text/event-stream").then_some(media_type)
}

#[cfg(feature = "events-json")]
/// Event data as JSON decoded into `T`; a failure names the path of the field.
pub(crate) fn json_data<T: serde::de::DeserializeOwned>(data: &str) -> Result<T, (String, String)> {
    let deserializer = &mut serde_json::Deserializer::from_str(data);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let mut message = error.into_inner().to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        let path = if path == "." { ".".to_owned() } else { format!(".{path}") };
        match message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
            Some(field) => (format!("{}.{field}", path.trim_end_matches('.')), "missing from the event".to_owned()),
            None => (path, message),
        }
    })
}

#[cfg(feature = "events-text")]
/// Event data as text, as sent.
pub(crate) fn text_data(data: &str) -> Result<String, (String, String)> {
    Ok(data.to_owned())
}

#[cfg(feature = "json-lines")]
/// A JSON Lines success response (`application/jsonl`, `application/x-ndjson`, or
/// `application/json-seq`, whose records start with the RS character): a [`Stream`] of the
/// values of its lines, each decoded into `T` as it arrives.
///
/// One line is held at a time (and the chunk it ends in); a line longer than
/// [`crate::RequestOptions::max_response_bytes`] is an [`Error::TooLarge`] item after which the
/// stream ends. Blank lines are skipped, and the last line needs no line feed. A line that
/// does not decode is an [`Error::Decode`] item naming its line number and the field that
/// failed; the stream goes on after it. A broken connection or a stalled body
/// ([`Error::Timeout`]) is an error item after which the stream ends. It is `Unpin`.
pub struct JsonLines<T> {
    body: ByteStream,
    lines: Lines,
    done: bool,
    item: std::marker::PhantomData<fn() -> T>,
}

#[cfg(feature = "json-lines")]
impl<T> std::fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLines")
            .field("operation", &self.body.operation)
            .field("status", &self.body.status)
            .field("lines", &self.lines.taken)
            .finish_non_exhaustive()
    }
}

#[cfg(feature = "json-lines")]
impl<T> JsonLines<T> {
    /// The status (a success).
    pub fn status(&self) -> StatusCode {
        self.body.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.body.headers
    }
}

#[cfg(feature = "json-lines")]
/// A body cut into lines as its chunks arrive, holding only the text past the last whole line.
#[derive(Debug, Default)]
struct Lines {
    /// The text read past the last whole line.
    pending: bytes::BytesMut,
    /// How much of `pending` is known to hold no line feed.
    scanned: usize,
    /// How many lines were taken.
    taken: usize,
}

#[cfg(feature = "json-lines")]
impl Lines {
    /// The next whole line (its line feed taken off), when there is one; at the end of the
    /// body (`end`), what is left, unless nothing is.
    fn next(&mut self, end: bool) -> Option<bytes::BytesMut> {
        let line = match self.pending[self.scanned..].iter().position(|&b| b == b'\n') {
            Some(at) => {
                let mut line = self.pending.split_to(self.scanned + at + 1);
                line.truncate(line.len() - 1);
                line
            }
            None if end && !self.pending.is_empty() => self.pending.split(),
            None => {
                self.scanned = self.pending.len();
                return None;
            }
        };
        self.scanned = 0;
        self.taken += 1;
        Some(line)
    }
}

#[cfg(feature = "json-lines")]
impl<T: serde::de::DeserializeOwned> Stream for JsonLines<T> {
    type Item = Result<T, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let operation = this.body.operation;
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            if let Some(line) = this.lines.next(false) {
                match decode_line(operation, this.lines.taken, &line) {
                    Some(item) => return Poll::Ready(Some(item)),
                    None => continue,
                }
            }
            let limit = this.body.limit;
            if this.lines.pending.len() > limit {
                this.done = true;
                return Poll::Ready(Some(Err(Error::TooLarge { operation: operation.to_owned(), limit })));
            }
            match Pin::new(&mut this.body).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(chunk))) => this.lines.pending.extend_from_slice(&chunk),
                Poll::Ready(Some(Err(error))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(error)));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    let line = this.lines.next(true);
                    return Poll::Ready(line.and_then(|line| decode_line(operation, this.lines.taken, &line)));
                }
            }
        }
    }
}

#[cfg(feature = "json-lines")]
/// The item of line `number`; `None` for a blank one. A `json-seq` record's RS and a line's
/// carriage return are no part of its value. A failure names the line and the field's path.
fn decode_line<T: serde::de::DeserializeOwned>(
    operation: &str,
    number: usize,
    line: &[u8],
) -> Option<Result<T, Error>> {
    let text = line.strip_prefix(b"\x1e").unwrap_or(line).trim_ascii();
    if text.is_empty() {
        return None;
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(text);
    Some(serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let mut message = error.into_inner().to_string();
        if let Some(at) = message.find(" at line ") {
            message.truncate(at);
        }
        let mut path = if path == "." { path } else { format!(".{path}") };
        // A missing field is named by its path, as a wrong one is.
        if let Some(field) = message.strip_prefix("missing field `").and_then(|m| m.strip_suffix('`')) {
            path = format!("{}.{field}", path.trim_end_matches('.'));
            message = "missing".to_owned();
        }
        Error::Decode {
            operation: operation.to_owned(),
            path,
            message: format!("line {number} of the stream: {message}"),
            body: String::from_utf8_lossy(&text[..text.len().min(crate::error::BODY_LIMIT)]).into_owned(),
        }
    }))
}

#[cfg(feature = "json-lines")]
/// Sends `request` for `session` and returns the success as [`JsonLines`], a line at most
/// [`crate::RequestOptions::max_response_bytes`] long.
pub(crate) async fn json_lines<S: Session, T>(session: &S, request: Request<S::Scheme>) -> Result<JsonLines<T>, Error> {
    let mut body = bytes(session, request).await?;
    body.limit = session.core().options.max_response_bytes;
    Ok(JsonLines { body, lines: Lines::default(), done: false, item: std::marker::PhantomData })
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "events")]
    #[test]
    fn only_a_declared_other_media_type_is_no_event_stream() {
        use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderValue};
        let of = |value: Option<&'static str>| {
            let mut headers = HeaderMap::new();
            if let Some(value) = value {
                headers.insert(CONTENT_TYPE, HeaderValue::from_static(value));
            }
            super::other_media_type(&headers)
        };
        assert_eq!(of(Some("application/json; charset=utf-8")), Some("application/json".to_owned()));
        assert_eq!(of(Some("Text/Event-Stream; charset=utf-8")), None);
        assert_eq!(of(None), None);
    }

    #[cfg(feature = "events-json")]
    #[test]
    fn json_data_names_the_field_that_failed() {
        #[derive(Debug, serde::Deserialize)]
        struct Chunk {
            #[allow(dead_code)]
            choices: Vec<Choice>,
        }
        #[derive(Debug, serde::Deserialize)]
        struct Choice {
            #[allow(dead_code)]
            index: u32,
        }
        assert!(super::json_data::<Chunk>(r#"{"choices": [{"index": 0}]}"#).is_ok());
        let (path, message) = super::json_data::<Chunk>(r#"{"choices": [{"index": "x"}]}"#).unwrap_err();
        assert_eq!(path, ".choices[0].index");
        assert!(message.starts_with("invalid type"), "{message}");
        let (path, message) = super::json_data::<Chunk>(r#"{"choices": [{}]}"#).unwrap_err();
        assert_eq!((path.as_str(), message.as_str()), (".choices[0].index", "missing from the event"));
        let (path, _) = super::json_data::<Chunk>("DONE").unwrap_err();
        assert_eq!(path, ".");
    }

    #[cfg(feature = "events")]
    #[test]
    fn kept_data_is_cut_on_a_character_boundary() {
        let long = "é".repeat(crate::error::BODY_LIMIT);
        let kept = super::cut(&long);
        assert!(kept.len() <= crate::error::BODY_LIMIT && kept.chars().all(|c| c == 'é'));
    }

    #[cfg(feature = "json-lines")]
    #[test]
    fn lines_are_cut_as_chunks_arrive_and_the_last_needs_no_line_feed() {
        let mut lines = super::Lines::default();
        let mut taken = Vec::new();
        for chunk in ["{\"a\":1}\n{\"a\"", ":2}\r\n\n", "\x1e{\"a\":3}"] {
            lines.pending.extend_from_slice(chunk.as_bytes());
            while let Some(line) = lines.next(false) {
                taken.push(String::from_utf8(line.to_vec()).unwrap());
            }
        }
        assert_eq!(lines.pending.len(), lines.scanned);
        taken.extend(lines.next(true).map(|line| String::from_utf8(line.to_vec()).unwrap()));
        assert_eq!(taken, ["{\"a\":1}", "{\"a\":2}\r", "", "\x1e{\"a\":3}"]);
        assert_eq!((lines.taken, lines.next(true)), (4, None));
    }

    #[cfg(feature = "json-lines")]
    #[test]
    fn a_line_that_does_not_decode_names_its_number_and_field() {
        #[derive(Debug, PartialEq, serde::Deserialize)]
        struct Item {
            a: u32,
        }
        let decode = |line: &str| super::decode_line::<Item>("GET /items", 7, line.as_bytes());
        assert_eq!(decode("\x1e {\"a\": 1}\r").unwrap().unwrap(), Item { a: 1 });
        assert!(decode(" \r").is_none());
        match decode("{}").unwrap().unwrap_err() {
            crate::Error::Decode { path, message, .. } => {
                assert_eq!((path.as_str(), message.as_str()), (".a", "line 7 of the stream: missing"));
            }
            other => panic!("{other:?}"),
        }
        match decode("{\"a\": \"x\"}").unwrap().unwrap_err() {
            crate::Error::Decode { path, message, body, .. } => {
                assert_eq!(path, ".a");
                assert!(message.starts_with("line 7 of the stream: invalid type"), "{message}");
                assert_eq!(body, "{\"a\": \"x\"}");
            }
            other => panic!("{other:?}"),
        }
        let error = decode("not json").unwrap().unwrap_err().to_string();
        assert!(error.starts_with("GET /items: response field .: line 7 of the stream: expected"), "{error}");
    }
}
