//! Types the generated types are made of, beside the standard ones: re-exported by `types`.

#[cfg(feature = "nullable")]
/// A request value that may be sent as an explicit `null`.
///
/// Optional nullable fields are `Option<Nullable<T>>`: `None` leaves the field out of the
/// body, `Some(Nullable::Null)` sends `null`, and `Some(Nullable::Value(v))` sends `v`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nullable<T> {
    /// Sent as `null`.
    Null,
    /// Sent as the value.
    Value(T),
}

#[cfg(feature = "nullable")]
impl<T> Nullable<T> {
    /// The value, unless it is `Null`.
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Nullable::Null => None,
            Nullable::Value(value) => Some(value),
        }
    }
}

#[cfg(feature = "nullable")]
impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

#[cfg(feature = "nullable")]
impl<T: serde::Serialize> serde::Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_option().serialize(serializer)
    }
}

#[cfg(feature = "nullable")]
impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.map_or(Nullable::Null, Nullable::Value))
    }
}

#[cfg(feature = "file")]
/// A file: the value of a binary (`format: binary`) field.
///
/// In a `multipart/form-data` body it is a file part with its name and content type, its
/// contents a [`ByteSource`]: bytes in memory, a file read from its path as it is sent
/// ([`File::from_path`]), or a stream. In a JSON body only its bytes are sent, as an array of
/// numbers (contents in memory only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// The file name sent with the part.
    pub file_name: String,
    /// The content type sent with the part, e.g. `audio/mpeg`; when empty, the part goes with
    /// the one the API declares for it (`application/octet-stream` unless its `encoding` names
    /// another).
    pub content_type: String,
    /// The contents.
    pub contents: ByteSource,
}

#[cfg(feature = "file")]
impl File {
    /// A file with its name, content type and contents: bytes (`Vec<u8>`, `&[u8]`, `String`)
    /// or any [`ByteSource`] ([`ByteSource::from_path`], [`ByteSource::from_stream`], [`ByteSource::from_reader`]).
    pub fn new(file_name: impl Into<String>, content_type: impl Into<String>, contents: impl Into<ByteSource>) -> Self {
        File { file_name: file_name.into(), content_type: content_type.into(), contents: contents.into() }
    }

    /// The file at `path`, named by its last component and sent with `content_type`. It is
    /// opened when the call is sent (each attempt reads it again) and streamed, not read into
    /// memory; see [`ByteSource::from_path`].
    pub fn from_path(path: impl Into<std::path::PathBuf>, content_type: impl Into<String>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        File { file_name, content_type: content_type.into(), contents: ByteSource::from_path(path) }
    }
}

#[cfg(feature = "file")]
impl serde::Serialize for File {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.contents.serialize(serializer)
    }
}

#[cfg(feature = "file")]
impl<'de> serde::Deserialize<'de> for File {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let bytes = Vec::<u8>::deserialize(deserializer)?;
        Ok(File {
            file_name: String::new(),
            content_type: "application/octet-stream".to_owned(),
            contents: bytes.into(),
        })
    }
}

#[cfg(feature = "upload")]
/// What an upload sends: a whole binary body (`application/octet-stream` and the like), or the
/// contents of a [`File`] part.
///
/// - From memory: `Vec<u8>`, `&[u8]`, `&[u8; N]`, `String`, `&str` or `bytes::Bytes`, with
///   `.into()`. Sending it again (a retry) costs no copy.
/// - From a file: [`ByteSource::from_path`]. The file is opened when the call is sent and read in
///   chunks as the request goes out, never whole; its size is sent as `Content-Length`. Each
///   attempt opens it again, so a call with a file body is retried like one with bytes.
/// - From a stream or a reader: [`ByteSource::from_stream`], [`ByteSource::from_reader`]. Read in
///   chunks as the request goes out. A stream can be read only once: a call that sends one is
///   retried only when its connection could not be opened (so none of it was read), never after
///   an attempt that may have sent some of it, and a redirect that would send the body again
///   (`307`, `308`) ends the call with [`crate::Error::Config`]. See [`crate::RequestOptions`].
///
/// A clone of an upload made from a stream shares the stream: only one of them can be sent.
#[derive(Clone)]
pub struct ByteSource {
    source: Source,
}

#[cfg(feature = "upload")]
/// Where an upload's bytes come from.
#[derive(Clone)]
enum Source {
    /// Bytes in memory, shared by every attempt.
    Memory(bytes::Bytes),
    /// A file, opened by each attempt.
    Path(std::path::PathBuf),
    /// A stream, taken by the attempt that first reads it.
    Stream(std::sync::Arc<OneShot>),
}

#[cfg(feature = "upload")]
/// An error of a stream's chunk.
type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[cfg(feature = "upload")]
/// The chunks of an upload read as it is sent.
type Chunks = std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<bytes::Bytes, BoxError>> + Send>>;

#[cfg(feature = "upload")]
/// A stream sent at most once: the first attempt that reads it takes it from here.
struct OneShot {
    /// Its length, when the caller gave one.
    length: Option<u64>,
    /// The stream, until an attempt reads it.
    chunks: std::sync::Mutex<Option<Chunks>>,
}

#[cfg(feature = "upload")]
impl ByteSource {
    /// The file at `path`, opened when the call is sent (each attempt opens it again) and read
    /// in chunks as the request goes out, with its size as `Content-Length`. A file that cannot
    /// be opened ends the call with [`crate::Error::Validation`] before anything is sent.
    pub fn from_path(path: impl Into<std::path::PathBuf>) -> Self {
        ByteSource { source: Source::Path(path.into()) }
    }

    /// The chunks of `stream`, sent as they come; `length`, when known, is sent as
    /// `Content-Length` (the stream must then yield exactly that many bytes), otherwise the
    /// body is sent in chunked encoding. An error from the stream ends the call with
    /// [`crate::Error::Transport`].
    ///
    /// A stream is sent once: a call is retried only when its connection could not be opened.
    pub fn from_stream<S, T, E>(stream: S, length: Option<u64>) -> Self
    where
        S: futures_core::Stream<Item = Result<T, E>> + Send + 'static,
        T: Into<bytes::Bytes>,
        E: Into<BoxError>,
    {
        let chunks: Chunks = Box::pin(Converted(Box::pin(stream)));
        ByteSource {
            source: Source::Stream(std::sync::Arc::new(OneShot {
                length,
                chunks: std::sync::Mutex::new(Some(chunks)),
            })),
        }
    }

    /// The bytes of `reader` (a `tokio::fs::File`, a socket, a decompressor, …), read in
    /// chunks as they are sent; `length` as for [`ByteSource::from_stream`]. Sent once, like a
    /// stream.
    pub fn from_reader<R: tokio::io::AsyncRead + Send + 'static>(reader: R, length: Option<u64>) -> Self {
        ByteSource::from_stream(ReaderChunks::new(reader), length)
    }

    /// The contents, when they are in memory.
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match &self.source {
            Source::Memory(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// Whether every attempt can send it (it is not a stream).
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Stream(_))
    }
}

#[cfg(feature = "upload")]
impl std::fmt::Debug for ByteSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.source {
            Source::Memory(bytes) => write!(f, "ByteSource({} bytes in memory)", bytes.len()),
            Source::Path(path) => write!(f, "ByteSource(file {})", path.display()),
            Source::Stream(stream) => {
                let read = stream.chunks.lock().map_or(true, |chunks| chunks.is_none());
                let state = if read { ", already read" } else { "" };
                match stream.length {
                    Some(length) => write!(f, "ByteSource(stream of {length} bytes{state})"),
                    None => write!(f, "ByteSource(stream{state})"),
                }
            }
        }
    }
}

#[cfg(feature = "upload")]
/// Bytes are equal when they are the same bytes, files when they are the same path, and
/// streams only to themselves (or a clone).
impl PartialEq for ByteSource {
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Memory(a), Source::Memory(b)) => a == b,
            (Source::Path(a), Source::Path(b)) => a == b,
            (Source::Stream(a), Source::Stream(b)) => std::sync::Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

#[cfg(feature = "upload")]
impl Eq for ByteSource {}

#[cfg(feature = "upload")]
impl From<bytes::Bytes> for ByteSource {
    fn from(bytes: bytes::Bytes) -> Self {
        ByteSource { source: Source::Memory(bytes) }
    }
}

#[cfg(feature = "upload")]
impl From<Vec<u8>> for ByteSource {
    fn from(bytes: Vec<u8>) -> Self {
        ByteSource::from(bytes::Bytes::from(bytes))
    }
}

#[cfg(feature = "upload")]
impl From<&Vec<u8>> for ByteSource {
    fn from(bytes: &Vec<u8>) -> Self {
        ByteSource::from(bytes.as_slice())
    }
}

#[cfg(feature = "upload")]
impl From<&[u8]> for ByteSource {
    fn from(bytes: &[u8]) -> Self {
        ByteSource::from(bytes::Bytes::copy_from_slice(bytes))
    }
}

#[cfg(feature = "upload")]
impl<const N: usize> From<&[u8; N]> for ByteSource {
    fn from(bytes: &[u8; N]) -> Self {
        ByteSource::from(bytes.as_slice())
    }
}

#[cfg(feature = "upload")]
impl From<String> for ByteSource {
    fn from(text: String) -> Self {
        ByteSource::from(text.into_bytes())
    }
}

#[cfg(feature = "upload")]
impl From<&str> for ByteSource {
    fn from(text: &str) -> Self {
        ByteSource::from(text.as_bytes())
    }
}

#[cfg(feature = "upload")]
/// Bytes in memory go as an array of numbers (a binary field of a JSON body); a file or a
/// stream cannot go in a JSON body.
impl serde::Serialize for ByteSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_bytes() {
            Some(bytes) => bytes.serialize(serializer),
            None => Err(serde::ser::Error::custom("a file or stream upload cannot be sent in a JSON body")),
        }
    }
}

#[cfg(feature = "upload")]
impl<'de> serde::Deserialize<'de> for ByteSource {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(ByteSource::from(Vec::<u8>::deserialize(deserializer)?))
    }
}

#[cfg(feature = "upload")]
/// A caller's stream with its chunks made `Bytes` and its errors boxed.
struct Converted<S>(std::pin::Pin<Box<S>>);

#[cfg(feature = "upload")]
impl<S: futures_core::Stream<Item = Result<T, E>>, T: Into<bytes::Bytes>, E: Into<BoxError>> futures_core::Stream
    for Converted<S>
{
    type Item = Result<bytes::Bytes, BoxError>;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx).map(|item| item.map(|chunk| chunk.map(Into::into).map_err(Into::into)))
    }
}

#[cfg(feature = "upload")]
/// How much of a reader one chunk holds.
const CHUNK_BYTES: usize = 64 * 1024;

#[cfg(feature = "upload")]
/// A reader as a stream of chunks of up to `CHUNK_BYTES`.
struct ReaderChunks<R> {
    reader: std::pin::Pin<Box<R>>,
    buffer: Vec<u8>,
}

#[cfg(feature = "upload")]
impl<R> ReaderChunks<R> {
    fn new(reader: R) -> Self {
        ReaderChunks { reader: Box::pin(reader), buffer: vec![0; CHUNK_BYTES] }
    }
}

#[cfg(feature = "upload")]
impl<R: tokio::io::AsyncRead> futures_core::Stream for ReaderChunks<R> {
    type Item = std::io::Result<bytes::Bytes>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let mut buffer = tokio::io::ReadBuf::new(&mut this.buffer);
        match this.reader.as_mut().poll_read(cx, &mut buffer) {
            std::task::Poll::Ready(Ok(())) if buffer.filled().is_empty() => std::task::Poll::Ready(None),
            std::task::Poll::Ready(Ok(())) => {
                std::task::Poll::Ready(Some(Ok(bytes::Bytes::copy_from_slice(buffer.filled()))))
            }
            std::task::Poll::Ready(Err(error)) => std::task::Poll::Ready(Some(Err(error))),
            std::task::Poll::Pending => std::task::Poll::Pending,
        }
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
impl ByteSource {
    /// The body one attempt sends, with its length when known. A file is opened here: one that
    /// cannot be is an error naming `field`.
    pub(crate) fn to_body(&self, field: &str) -> Result<(reqwest::Body, Option<u64>), crate::Error> {
        match &self.source {
            Source::Memory(bytes) => Ok((reqwest::Body::from(bytes.clone()), Some(bytes.len() as u64))),
            Source::Path(path) => {
                let opened = std::fs::File::open(path).and_then(|file| Ok((file.metadata()?.len(), file)));
                let (length, file) = opened.map_err(|e| crate::Error::Validation {
                    field: field.to_owned(),
                    rule: format!("cannot be read from {}: {e}", path.display()),
                })?;
                let chunks: Chunks = Box::pin(Converted(Box::pin(ReaderChunks::new(tokio::fs::File::from_std(file)))));
                Ok((reqwest::Body::wrap(SourceBody::new(Sending::Chunks(chunks), Some(length))), Some(length)))
            }
            Source::Stream(stream) => Ok((
                reqwest::Body::wrap(SourceBody::new(Sending::Waiting(stream.clone()), stream.length)),
                stream.length,
            )),
        }
    }

    /// Whether no attempt has read it yet (always, but for a stream that one has).
    pub(crate) fn is_unread(&self) -> bool {
        match &self.source {
            Source::Stream(stream) => stream.chunks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).is_some(),
            _ => true,
        }
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
/// Where an attempt's body is in its upload.
enum Sending {
    /// A stream not taken yet: taken when the body is first read, so that an attempt whose
    /// connection never opened leaves it for the next.
    Waiting(std::sync::Arc<OneShot>),
    /// Chunks being read.
    Chunks(Chunks),
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
/// One attempt's body: chunks read as they are sent, checked against a declared length.
struct SourceBody {
    /// In a mutex only to be `Sync`, as reqwest asks; reading it takes no lock.
    state: std::sync::Mutex<Sending>,
    length: Option<u64>,
    sent: u64,
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
impl SourceBody {
    fn new(state: Sending, length: Option<u64>) -> Self {
        SourceBody { state: std::sync::Mutex::new(state), length, sent: 0 }
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
impl http_body::Body for SourceBody {
    type Data = bytes::Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<bytes::Bytes>, BoxError>>> {
        use std::task::Poll;
        let this = self.get_mut();
        let state = this.state.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Sending::Waiting(stream) = state {
            let taken = stream.chunks.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take();
            match taken {
                Some(chunks) => *state = Sending::Chunks(chunks),
                None => return Poll::Ready(Some(Err("the upload's stream was read by an earlier attempt".into()))),
            }
        }
        let Sending::Chunks(chunks) = state else { return Poll::Ready(None) };
        match chunks.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                this.sent += chunk.len() as u64;
                if this.length.is_some_and(|length| this.sent > length) {
                    return Poll::Ready(Some(Err(length_error(this.length, this.sent))));
                }
                Poll::Ready(Some(Ok(http_body::Frame::data(chunk))))
            }
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
            Poll::Ready(None) if this.length.is_some_and(|length| this.sent != length) => {
                Poll::Ready(Some(Err(length_error(this.length, this.sent))))
            }
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.length.map_or_else(http_body::SizeHint::default, http_body::SizeHint::with_exact)
    }
}

#[cfg(any(feature = "bytes-body", feature = "multipart-files"))]
/// A stream that sent more or fewer bytes than the length it was given.
fn length_error(length: Option<u64>, sent: u64) -> BoxError {
    format!("the upload was to be {} bytes long and sent {sent}", length.unwrap_or_default()).into()
}

#[cfg(feature = "decimal")]
/// A decimal number (`format: decimal`), kept exactly as it goes on the wire, e.g. `"-0.40"`.
///
/// Build one from an integer (`Decimal::from(2)`), a float ([`Decimal::from_f64`]) or text
/// (`"0.25".parse()`, which checks it is a decimal number). It is sent as text. A value
/// received from the server is kept as sent, number or not, so that decoding a response
/// never fails on it; [`Decimal::to_f64`] reads it as a number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Decimal(String);

#[cfg(feature = "decimal")]
impl Decimal {
    /// The decimal for a finite float, in its shortest exact text (`0.1` is `"0.1"`).
    pub fn from_f64(value: f64) -> Option<Decimal> {
        value.is_finite().then(|| Decimal(value.to_string()))
    }

    /// The text sent on the wire.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The value as a float, when the text is a number.
    pub fn to_f64(&self) -> Option<f64> {
        self.0.parse().ok()
    }
}

#[cfg(feature = "decimal")]
impl From<i64> for Decimal {
    fn from(value: i64) -> Self {
        Decimal(value.to_string())
    }
}

#[cfg(feature = "decimal")]
/// Why a text is not a decimal number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError {
    text: String,
}

#[cfg(feature = "decimal")]
impl std::fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not a decimal number (digits, with an optional sign and decimal point)", self.text)
    }
}

#[cfg(feature = "decimal")]
impl std::error::Error for ParseDecimalError {}

#[cfg(feature = "decimal")]
impl std::str::FromStr for Decimal {
    type Err = ParseDecimalError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if whole.len() + fraction.len() > 0 && digits(whole) && digits(fraction) {
            Ok(Decimal(text.to_owned()))
        } else {
            Err(ParseDecimalError { text: text.to_owned() })
        }
    }
}

#[cfg(feature = "decimal")]
impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(feature = "decimal")]
impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(feature = "decimal")]
impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::String(text) => Ok(Decimal(text)),
            serde_json::Value::Number(number) => Ok(Decimal(number.to_string())),
            other => Err(serde::de::Error::custom(format!("expected a decimal, found {other}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(feature = "decimal")]
    #[test]
    fn decimals_keep_their_text() {
        use super::Decimal;
        assert_eq!("-0.40".parse::<Decimal>().unwrap().as_str(), "-0.40");
        assert!("-".parse::<Decimal>().is_err());
        assert!("1e3".parse::<Decimal>().is_err());
        let received: Decimal = serde_json::from_str("0.25").unwrap();
        assert_eq!(received.to_f64(), Some(0.25));
    }

    #[cfg(all(feature = "bytes-body", feature = "file"))]
    mod uploads {
        use super::super::*;

        /// Reads a body whole, as the HTTP client would, or returns its first error.
        async fn read(mut body: SourceBody) -> Result<Vec<u8>, BoxError> {
            let mut bytes = Vec::new();
            loop {
                let frame = std::future::poll_fn(|cx| http_body::Body::poll_frame(std::pin::Pin::new(&mut body), cx));
                match frame.await {
                    Some(frame) => bytes.extend_from_slice(frame?.data_ref().expect("data")),
                    None => return Ok(bytes),
                }
            }
        }

        fn chunks(parts: &[&'static str]) -> impl futures_core::Stream<Item = Result<&'static str, std::io::Error>> {
            struct Parts(Vec<&'static str>);
            impl futures_core::Stream for Parts {
                type Item = Result<&'static str, std::io::Error>;
                fn poll_next(
                    mut self: std::pin::Pin<&mut Self>,
                    _: &mut std::task::Context<'_>,
                ) -> std::task::Poll<Option<Self::Item>> {
                    std::task::Poll::Ready((!self.0.is_empty()).then(|| Ok(self.0.remove(0))))
                }
            }
            Parts(parts.to_vec())
        }

        fn stream_body(upload: &ByteSource) -> SourceBody {
            let Source::Stream(stream) = &upload.source else { panic!("not a stream") };
            SourceBody::new(Sending::Waiting(stream.clone()), stream.length)
        }

        #[test]
        fn bytes_in_memory_convert_and_compare() {
            assert_eq!(ByteSource::from(b"abc"), ByteSource::from("abc".to_owned()));
            assert_eq!(ByteSource::from(vec![1, 2]).as_bytes(), Some(&[1u8, 2][..]));
            assert_ne!(ByteSource::from_path("a"), ByteSource::from("a"));
            let file = File::new("a.bin", "application/octet-stream", b"\x00\x01".to_vec());
            assert_eq!(serde_json::to_string(&file).unwrap(), "[0,1]");
            assert!(serde_json::to_string(&ByteSource::from_path("a")).is_err());
            assert_eq!(File::from_path("/tmp/voice.mp3", "audio/mpeg").file_name, "voice.mp3");
            assert!(ByteSource::from("x").is_replayable() && ByteSource::from_path("x").is_replayable());
            assert!(!ByteSource::from_stream(chunks(&[]), None).is_replayable());
        }

        #[tokio::test]
        async fn a_file_is_read_by_each_attempt_with_its_length() {
            let path = std::env::temp_dir().join(format!("upload-test-{}", std::process::id()));
            let contents: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
            std::fs::write(&path, &contents).unwrap();
            let upload = ByteSource::from_path(&path);
            for _ in 0..2 {
                let (_, length) = upload.to_body("body").unwrap();
                assert_eq!(length, Some(contents.len() as u64));
                let Source::Path(path) = &upload.source else { unreachable!() };
                let file = tokio::fs::File::open(path).await.unwrap();
                let body =
                    SourceBody::new(Sending::Chunks(Box::pin(Converted(Box::pin(ReaderChunks::new(file))))), length);
                assert_eq!(read(body).await.unwrap(), contents);
            }
            std::fs::remove_file(&path).unwrap();
            let error = upload.to_body("file").unwrap_err().to_string();
            assert!(error.contains("file") && error.contains("cannot be read from"), "{error}");
        }

        #[tokio::test]
        async fn a_stream_is_taken_by_the_first_attempt_that_reads_it() {
            let upload = ByteSource::from_stream(chunks(&["ab", "cd"]), Some(4));
            let unread = stream_body(&upload);
            drop(unread);
            assert!(upload.is_unread(), "a body never read leaves the stream");
            assert_eq!(read(stream_body(&upload)).await.unwrap(), b"abcd");
            assert!(!upload.is_unread());
            assert_eq!(format!("{upload:?}"), "ByteSource(stream of 4 bytes, already read)");
            assert!(read(stream_body(&upload)).await.is_err(), "a second attempt has nothing to send");
        }

        #[tokio::test]
        async fn a_stream_must_keep_to_its_length() {
            let short = ByteSource::from_stream(chunks(&["ab"]), Some(3));
            assert!(read(stream_body(&short)).await.unwrap_err().to_string().contains("3 bytes long and sent 2"));
            let long = ByteSource::from_stream(chunks(&["ab", "cd"]), Some(3));
            assert!(read(stream_body(&long)).await.is_err());
            let unsized_ = ByteSource::from_stream(chunks(&["ab", "cd"]), None);
            assert_eq!(read(stream_body(&unsized_)).await.unwrap(), b"abcd");
            let reader = ByteSource::from_reader(&b"xyz"[..], Some(3));
            assert_eq!(read(stream_body(&reader)).await.unwrap(), b"xyz");
        }
    }

    #[cfg(feature = "nullable")]
    #[test]
    fn null_is_sent_as_null() {
        use super::Nullable;
        assert_eq!(serde_json::to_string(&Nullable::<i32>::Null).unwrap(), "null");
        assert_eq!(serde_json::to_string(&Nullable::from(3)).unwrap(), "3");
    }
}
