//! Which statuses the runtime retries, read from its own constants (`RETRIED_STATUSES` and
//! `IDEMPOTENT_RETRIED_STATUSES` in `http.rs`), so the method docs and the README say what
//! the copied runtime does.

use std::sync::OnceLock;

use super::file_text;

/// The statuses the runtime's `execute` retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryStatuses {
    /// Retried whatever the method (`429`).
    pub always: Vec<u16>,
    /// Retried for idempotent methods only (`408`, `500`, …).
    pub idempotent: Vec<u16>,
}

impl RetryStatuses {
    /// The lists of the embedded runtime, read once (every operation's docs ask).
    pub fn get() -> &'static Self {
        static STATUSES: OnceLock<RetryStatuses> = OnceLock::new();
        STATUSES.get_or_init(|| {
            let http = file_text("src/http.rs");
            RetryStatuses {
                always: list(http, "RETRIED_STATUSES").unwrap_or_default(),
                idempotent: list(http, "IDEMPOTENT_RETRIED_STATUSES").unwrap_or_default(),
            }
        })
    }

    /// Every status an idempotent call is retried after, in ascending order.
    pub fn for_idempotent(&self) -> Vec<u16> {
        let mut all: Vec<u16> = self.always.iter().chain(&self.idempotent).copied().collect();
        all.sort_unstable();
        all.dedup();
        all
    }
}

/// `` `408`, `500` ``: statuses as Markdown code spans.
pub fn codes(statuses: &[u16]) -> String {
    statuses.iter().map(|code| format!("`{code}`")).collect::<Vec<_>>().join(", ")
}

/// The value of `const NAME: &[u16] = &[…];` in `source`, one line as rustfmt writes it.
fn list(source: &str, name: &str) -> Option<Vec<u16>> {
    let value = super::constant_text(source, name)?;
    let items = value.strip_prefix("&[")?.strip_suffix(']')?;
    items.split(',').map(str::trim).filter(|item| !item.is_empty()).map(|item| item.parse().ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lists_are_read_from_the_runtime() {
        let statuses = RetryStatuses::get();
        assert!(!statuses.always.is_empty() && !statuses.idempotent.is_empty(), "{statuses:?}");
        assert!(statuses.always.contains(&429), "{statuses:?}");
        assert_eq!(list("pub(crate) const X: &[u16] = &[1, 22];\n", "X"), Some(vec![1, 22]));
        assert_eq!(list("const XY: &[u16] = &[1];\n", "X"), None);
    }

    /// The hand-written `RequestOptions` docs of the runtime name exactly the statuses its
    /// constants list, in its paragraph on what is retried.
    #[test]
    fn the_runtime_docs_name_the_retried_statuses() {
        let http = file_text("src/http.rs");
        let docs: Vec<&str> = http.lines().filter_map(|line| line.trim().strip_prefix("///")).collect();
        let docs = docs.join(" ");
        let start = docs.find("What is retried").expect("RequestOptions says what is retried");
        let paragraph = &docs[start..];
        let paragraph = &paragraph[..paragraph.find(" never repeated").unwrap_or(paragraph.len())];
        let mut named: Vec<u16> = paragraph
            .split('`')
            .skip(1)
            .step_by(2)
            .filter_map(|span| span.split(' ').next().and_then(|code| code.parse().ok()))
            .collect();
        named.sort_unstable();
        assert_eq!(named, RetryStatuses::get().for_idempotent(), "{paragraph}");
    }

    /// The method docs and the README say what the constants say.
    #[test]
    fn generated_docs_name_the_retried_statuses() {
        let statuses = RetryStatuses::get();
        let spec = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /a:\n    get:\n      operationId: a\n      \
                    responses:\n        '204': {description: ok}\n    post:\n      operationId: b\n      responses:\n        \
                    '204': {description: ok}\n";
        let input = crate::Input::spec(crate::Source::new("t.yaml", spec));
        let files = crate::generate(&input, &crate::Config::new("t")).expect("generates").files;
        let file = |path: &str| files.iter().find(|f| f.path == path).expect("generated").contents.clone();
        let client = file("src/client.rs");
        let readme = file("README.md");
        assert!(
            client.contains(&format!("Idempotent: retried after {} and transport", codes(&statuses.for_idempotent())))
        );
        assert!(client.contains(&format!("could not be opened or on {},", codes(&statuses.always))));
        assert!(readme.contains(&format!("nothing was sent), and {}.", codes(&statuses.always))));
        assert!(readme.contains(&format!("): {}, and connections that broke", codes(&statuses.idempotent))));
    }
}
