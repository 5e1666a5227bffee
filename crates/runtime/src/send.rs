//! The path every call takes: credentials, default headers and the hook on each request,
//! redirects, retries and timeouts; then a success's body read, or any other status turned
//! into [`Error::Api`].

use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};

use crate::Error;
use crate::address::{redirect_target, same_origin, with_query};
use crate::error::{BODY_LIMIT, read_capped, too_large, transport};
use crate::hook::{AttemptInfo, Extras};
use crate::http::MAX_REDIRECTS;
use crate::request::Request;
use crate::retry::{error_retry_delay, status_retry_delay};
use crate::session::Session;

/// A success response with its body read in full.
pub(crate) struct Received {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    #[cfg_attr(not(any(feature = "read-json", feature = "read-text", feature = "read-bytes")), allow(dead_code))]
    pub(crate) body: Vec<u8>,
}

/// Reads a success body, at most `limit` bytes of it: a `Content-Length` over the limit
/// fails before reading, a body that grows past it as soon as it does.
async fn receive(operation: &str, mut response: reqwest::Response, limit: usize) -> Result<Received, Error> {
    if response.content_length().is_some_and(|length| length > limit as u64) {
        return Err(too_large(operation, limit));
    }
    // A byte past the limit tells a body that is too large from one that just fits.
    let body = read_capped(&mut response, limit.saturating_add(1)).await.map_err(|e| transport(operation, e))?;
    if body.len() > limit {
        return Err(too_large(operation, limit));
    }
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    Ok(Received { status, headers, body })
}

/// Turns a non-success response to `request` into [`Error::Api`], its body decoded into the
/// schema the operation declares for the status, if any.
pub(crate) async fn api_error<S>(request: &Request<S>, mut response: reqwest::Response) -> Error {
    let status = response.status();
    let headers = Box::new(std::mem::take(response.headers_mut()));
    let bytes = read_capped(&mut response, BODY_LIMIT).await.unwrap_or_default();
    #[cfg(feature = "error-body")]
    let (decoded, decode_failure) = crate::error::decode_declared(request.errors, status.as_u16(), &bytes);
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Error::Api {
        operation: request.operation.to_owned(),
        status,
        headers,
        #[cfg(feature = "drf")]
        messages: crate::error::drf_messages(&body),
        #[cfg(feature = "error-body")]
        decoded,
        #[cfg(feature = "error-body")]
        decode_failure,
        body,
    }
}

/// What one attempt ended with.
enum Attempt {
    /// A response, of any status.
    Response(reqwest::Response),
    /// No response: the connection failed, timed out or broke.
    Failed(reqwest::Error),
}

/// Sends `request` for `session`, following redirects and retrying as the options allow, and
/// reads the body of a success. Any status but a success becomes [`Error::Api`].
pub(crate) async fn execute<S: Session>(session: &S, request: Request<S::Scheme>) -> Result<Received, Error> {
    let response = send(session, &request).await?;
    receive(request.operation, response, session.core().options.max_response_bytes).await
}

/// Sends `request` for `session`, following redirects and retrying as the options allow, and
/// returns a success with its body still unread, for the caller to read as it needs (whole,
/// as a stream of bytes, or as events). Any status but a success becomes [`Error::Api`].
pub(crate) async fn send<S: Session>(session: &S, request: &Request<S::Scheme>) -> Result<reqwest::Response, Error> {
    let call = retried(session, request);
    #[cfg(feature = "tracing")]
    let call = traced(request.operation_id, request.operation, call);
    call.await
}

/// [`send`]'s attempts: the first, then each retry the options allow.
async fn retried<S: Session>(session: &S, request: &Request<S::Scheme>) -> Result<reqwest::Response, Error> {
    let options = &session.core().options;
    let mut retries = 0;
    loop {
        let attempt = attempt(session, request, retries + 1).await?;
        let delay = match &attempt {
            Attempt::Response(response) if response.status().is_success() => None,
            Attempt::Response(response) => {
                status_retry_delay(response.status(), response.headers(), &request.method, retries, options)
            }
            Attempt::Failed(error) => error_retry_delay(error, &request.method, retries, options),
        };
        #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
        // A stream in the body goes once: only an attempt whose connection never opened, which
        // read none of it, is retried.
        let delay = delay.filter(|_| request.body.is_replayable() || never_read(&attempt, &request.body));
        if let Some(delay) = delay.filter(|_| retries < options.max_retries) {
            retries += 1;
            tokio::time::sleep(delay).await;
            continue;
        }
        return match attempt {
            Attempt::Response(response) if response.status().is_success() => Ok(response),
            Attempt::Response(response) => Err(api_error(request, response).await),
            Attempt::Failed(error) => Err(transport(request.operation, error)),
        };
    }
}

/// Sends `request` once, following redirects: attempt `number` of the call. Credentials and
/// default headers go only to the base URL's origin (and the operation's own server's): a
/// redirect elsewhere is followed without them. The hook sees each request sent and what came back.
async fn attempt<S: Session>(session: &S, request: &Request<S::Scheme>, number: u32) -> Result<Attempt, Error> {
    let extras = &session.core().extras;
    #[cfg(feature = "tracing")]
    tracing::Span::current().record("attempt", number);
    let mut url = request.url.clone();
    let mut method = request.method.clone();
    let mut with_body = true;
    let mut redirects = 0;
    loop {
        let target = if redirects == 0 { with_query(&url, &request.query) } else { url.clone() };
        let mut builder = session.core().http.request(method.clone(), target);
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if with_body {
            builder = request.body.attach(builder)?;
        }
        let to_base_origin = same_origin(&url, &session.core().base_url)
            || request.server.as_ref().is_some_and(|server| same_origin(&url, server));
        if to_base_origin {
            builder = session.authorize(request.operation, builder, request.security)?;
        }
        let mut outgoing = match builder.build() {
            Ok(outgoing) => outgoing,
            Err(error) => return Ok(Attempt::Failed(error)),
        };
        if to_base_origin {
            extras.fill(outgoing.headers_mut());
        }
        let accept = (!request.accept.is_empty() && !outgoing.headers().contains_key(ACCEPT))
            .then(|| HeaderValue::from_str(request.accept).ok())
            .flatten();
        if let Some(accept) = accept {
            outgoing.headers_mut().insert(ACCEPT, accept);
        }
        let (method_text, path) = request.operation.split_once(' ').unwrap_or(("", request.operation));
        let info = AttemptInfo {
            operation_id: request.operation_id,
            method: method_text,
            path,
            attempt: number,
            redirect: u32::try_from(redirects).unwrap_or(u32::MAX),
            to_base_origin,
        };
        if let Some(hook) = &extras.hook {
            hook.before_send(&info, &mut outgoing)
                .await
                .map_err(|source| Error::Hook { operation: request.operation.to_owned(), source })?;
        }
        let response = match send_head(request, session.core().options.timeout, &session.core().http, outgoing).await? {
            Ok(response) => response,
            Err(error) => {
                observe(extras, &info, Err(&error));
                return Ok(Attempt::Failed(error));
            }
        };
        observe(extras, &info, Ok(&response));
        let Some(next) = redirect_target(&response, &url).filter(|_| redirects < MAX_REDIRECTS) else {
            return Ok(Attempt::Response(response));
        };
        let status = response.status();
        if status == StatusCode::SEE_OTHER
            || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND) && method == Method::POST)
        {
            if method != Method::HEAD {
                method = Method::GET;
            }
            with_body = false;
        }
        #[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
        // A stream cannot be sent again.
        if with_body && !request.body.is_replayable() {
            return Err(Error::config(format!(
                "{} was redirected ({status}), which would send its body again, and a body from a stream is sent only once: upload from memory or a file to follow the redirect",
                request.operation
            )));
        }
        url = next;
        redirects += 1;
    }
}

/// Shows what came back for one request to the hook, and as an event to `tracing` (status or
/// the kind of failure only: never a URL, header or body).
fn observe(extras: &Extras, info: &AttemptInfo, outcome: Result<&reqwest::Response, &reqwest::Error>) {
    match outcome {
        Ok(response) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = info.attempt,
                redirect = info.redirect,
                status = response.status().as_u16(),
                "response"
            );
            if let Some(hook) = &extras.hook {
                hook.on_response(info, response);
            }
        }
        Err(error) => {
            #[cfg(feature = "tracing")]
            tracing::debug!(
                attempt = info.attempt,
                redirect = info.redirect,
                error = failure_kind(error),
                "no response"
            );
            if let Some(hook) = &extras.hook {
                hook.on_error(info, error);
            }
        }
    }
}

#[cfg(feature = "tracing")]
/// Runs a call in a span of its own: `operation_id`, `method`, `path` (the spec's template),
/// and, as they become known, the `attempt` under way, the final `status` or `error` kind,
/// and the call's `duration_ms` up to its response's headers (or its failure). No field
/// holds a URL, a header, a credential or a body.
async fn traced(
    operation_id: &'static str,
    operation: &'static str,
    call: impl std::future::Future<Output = Result<reqwest::Response, Error>>,
) -> Result<reqwest::Response, Error> {
    use tracing::field::Empty;
    let (method, path) = operation.split_once(' ').unwrap_or(("", operation));
    let span = tracing::info_span!(
        "call",
        operation_id,
        method,
        path,
        attempt = Empty,
        status = Empty,
        error = Empty,
        duration_ms = Empty
    );
    let started = std::time::Instant::now();
    let result = tracing::Instrument::instrument(call, span.clone()).await;
    span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
    match &result {
        Ok(response) => {
            span.record("status", response.status().as_u16());
        }
        Err(error) => {
            if let Some(status) = error.status() {
                span.record("status", status.as_u16());
            }
            let kind = match error {
                Error::Api { .. } => "status",
                Error::Transport { source, .. } => failure_kind(source),
                Error::Hook { .. } => "hook",
                Error::Config { .. } => "config",
                _ => "other",
            };
            span.record("error", kind);
        }
    }
    result
}

#[cfg(feature = "tracing")]
/// What kind of failure left a request without a response, in a word.
fn failure_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else {
        "transport"
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
/// Whether an attempt failed before its connection opened and left the body's streams unread,
/// so that sending it again sends nothing twice.
fn never_read(attempt: &Attempt, body: &crate::request::Body) -> bool {
    matches!(attempt, Attempt::Failed(error) if error.is_connect()) && body.is_unread()
}

#[cfg(not(feature = "byte-stream"))]
/// Sends one request, within `timeout` from sending it to the end of its response.
async fn send_head<S>(
    _: &Request<S>,
    timeout: Duration,
    http: &reqwest::Client,
    mut outgoing: reqwest::Request,
) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
    *outgoing.timeout_mut() = Some(timeout);
    Ok(http.execute(outgoing).await)
}

#[cfg(feature = "byte-stream")]
/// Sends one request, within `timeout` from sending it to the end of its response; a streamed
/// one within `timeout` to its head, since its body may go on for as long as it is live. A
/// streamed request whose head is late is not retried: [`Error::Timeout`].
async fn send_head<S>(
    request: &Request<S>,
    timeout: Duration,
    http: &reqwest::Client,
    mut outgoing: reqwest::Request,
) -> Result<Result<reqwest::Response, reqwest::Error>, Error> {
    if !request.streamed {
        *outgoing.timeout_mut() = Some(timeout);
        return Ok(http.execute(outgoing).await);
    }
    tokio::time::timeout(timeout, http.execute(outgoing))
        .await
        .map_err(|_| Error::timeout(request.operation, "the response head", timeout))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Duration;

    use reqwest::Url;

    use super::*;
    use crate::address::join_path;
    use crate::hook::{Hook, HookFuture};
    use crate::http::RequestOptions;
    use crate::session::Core;
    use crate::transport::http_client;

    /// A session over a loopback address, with a hook.
    struct TestSession {
        core: Core,
    }

    impl Session for TestSession {
        type Scheme = ();

        fn core(&self) -> &Core {
            &self.core
        }

        fn authorize(
            &self,
            _operation: &str,
            request: reqwest::RequestBuilder,
            _alternatives: &[&[()]],
        ) -> Result<reqwest::RequestBuilder, Error> {
            Ok(request.header("authorization", "Bearer secret"))
        }
    }

    /// Answers each connection with the next of `statuses`, recording what it was sent.
    fn loopback(statuses: Vec<u16>) -> (Url, std::thread::JoinHandle<Vec<String>>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = Url::parse(&format!("http://{}/", listener.local_addr().unwrap())).unwrap();
        let server = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for status in statuses {
                let (mut stream, _) = listener.accept().unwrap();
                let mut request = Vec::new();
                let mut buffer = [0; 4096];
                while !request.ends_with(b"\r\n\r\n") {
                    let read = stream.read(&mut buffer).unwrap();
                    if read == 0 {
                        break;
                    }
                    request.extend_from_slice(&buffer[..read]);
                }
                seen.push(String::from_utf8_lossy(&request).to_lowercase());
                let answer = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                stream.write_all(answer.as_bytes()).unwrap();
            }
            seen
        });
        (url, server)
    }

    #[derive(Default)]
    struct Recorder {
        seen: std::sync::Mutex<Vec<(AttemptInfo, Option<u16>)>>,
    }

    impl Hook for Recorder {
        fn before_send<'a>(&'a self, attempt: &'a AttemptInfo, request: &'a mut reqwest::Request) -> HookFuture<'a> {
            Box::pin(async move {
                tokio::task::yield_now().await;
                request.headers_mut().insert("x-attempt", attempt.attempt.into());
                Ok(())
            })
        }

        fn on_response(&self, attempt: &AttemptInfo, response: &reqwest::Response) {
            self.seen.lock().unwrap().push((*attempt, Some(response.status().as_u16())));
        }

        fn on_error(&self, attempt: &AttemptInfo, _error: &reqwest::Error) {
            self.seen.lock().unwrap().push((*attempt, None));
        }
    }

    fn session(base_url: Url, extras: Extras) -> TestSession {
        let options =
            RequestOptions::default().initial_backoff(Duration::from_millis(1)).max_backoff(Duration::from_millis(2));
        TestSession { core: Core { http: http_client(None, "test", None).unwrap(), base_url, options, extras } }
    }

    #[tokio::test]
    async fn the_hook_sees_every_attempt_and_may_change_the_request() {
        let (base_url, server) = loopback(vec![503, 503, 200]);
        let recorder = Arc::new(Recorder::default());
        let mut extras = Extras::default();
        extras.hook(recorder.clone());
        extras.default_header("x-version", "2");
        extras.default_header("authorization", "Bearer default");
        let session = session(base_url.clone(), extras);
        let request =
            Request::<()>::new("itemsRead", "GET /items/{id}", Method::GET, join_path(&base_url, &["items", "1"]));
        let response = send(&session, &request).await.expect("the third attempt succeeds");
        assert_eq!(response.status(), StatusCode::OK);
        let seen = recorder.seen.lock().unwrap().clone();
        let expected = |attempt, status| {
            let info = AttemptInfo {
                operation_id: "itemsRead",
                method: "GET",
                path: "/items/{id}",
                attempt,
                redirect: 0,
                to_base_origin: true,
            };
            (info, Some(status))
        };
        assert_eq!(seen, [expected(1, 503), expected(2, 503), expected(3, 200)]);
        let sent = server.join().unwrap();
        for (number, request) in sent.iter().enumerate() {
            assert!(request.contains(&format!("x-attempt: {}\r\n", number + 1)), "{request}");
            assert!(request.contains("x-version: 2\r\n"), "{request}");
            assert!(request.contains("authorization: bearer secret\r\n"), "the credential wins: {request}");
            assert!(!request.contains("bearer default"), "{request}");
        }
    }

    struct Refuses;

    impl Hook for Refuses {
        fn before_send<'a>(&'a self, _: &'a AttemptInfo, _: &'a mut reqwest::Request) -> HookFuture<'a> {
            Box::pin(async { Err("no signing key".into()) })
        }
    }

    #[tokio::test]
    async fn a_hook_that_fails_ends_the_call_unsent() {
        let mut extras = Extras::default();
        extras.hook(Arc::new(Refuses));
        // Nothing listens at this address: the call must end before connecting.
        let base_url = Url::parse("http://127.0.0.1:9/").unwrap();
        let session = session(base_url.clone(), extras);
        let request = Request::<()>::new("itemsRead", "GET /items", Method::GET, base_url);
        let error = send(&session, &request).await.unwrap_err();
        assert!(matches!(error, Error::Hook { .. }), "{error:?}");
        assert_eq!(error.to_string(), "GET /items: the client's hook refused the request: no signing key");
    }
}
