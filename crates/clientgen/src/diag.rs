//! Problems found in the input, each pointing at its place: a line and column for syntax, a
//! JSON pointer for meaning.

use std::fmt;

/// Where in the input a problem is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A position in the text (1-based).
    Text {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
    },
    /// A JSON pointer into the document, e.g. `#/components/schemas/Pet`.
    Pointer(String),
    /// The document as a whole.
    Document,
}

/// One problem (or warning) with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where it is.
    pub location: Location,
    /// What is wrong, as a sentence fragment a person can act on.
    pub message: String,
}

impl Diagnostic {
    /// A problem at a JSON pointer.
    pub fn at(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { location: Location::Pointer(pointer.into()), message: message.into() }
    }

    /// A problem with the document as a whole.
    pub fn document(message: impl Into<String>) -> Self {
        Diagnostic { location: Location::Document, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.location {
            Location::Text { line, column } => write!(f, "line {line}, column {column}: ")?,
            Location::Pointer(pointer) => write!(f, "{pointer}: ")?,
            Location::Document => {}
        }
        f.write_str(&self.message)
    }
}

/// Why generation failed: every problem found, each with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The name of the input (a file name), used as the prefix of each line.
    pub source_name: String,
    /// The problems, in the order found.
    pub problems: Vec<Diagnostic>,
}

impl Error {
    /// An error with a single problem.
    pub fn single(source_name: &str, problem: Diagnostic) -> Self {
        Error { source_name: source_name.to_owned(), problems: vec![problem] }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{}: {problem}", self.source_name)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

/// Escapes one JSON pointer segment (`~` → `~0`, `/` → `~1`).
pub fn escape_segment(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// Reads one escaped JSON pointer segment back (`~1` → `/`, `~0` → `~`).
pub fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// Appends segments to a pointer: `pointer(&["#/paths", "/pets", "get"])` → `#/paths/~1pets/get`.
pub fn join(base: &str, segments: &[&str]) -> String {
    let mut out = base.to_owned();
    for segment in segments {
        out.push('/');
        out.push_str(&escape_segment(segment));
    }
    out
}
