//! Rustdoc-safe Markdown: spec prose made safe for rustdoc (no doctest, no dangling link, no
//! HTML tag), code spans that hold any text, and links to methods. Lowering writes every doc
//! text of the model with these; emission only splits the text into `#[doc]` lines.

/// Spec text as doc lines, one `#[doc]` attribute each: made safe for rustdoc, and each line but
/// an empty one after a space (as `///` writes it).
pub fn doc_lines(text: &str) -> Vec<String> {
    sanitize(text).lines().map(|line| if line.is_empty() { String::new() } else { format!(" {line}") }).collect()
}

/// Paragraphs of doc lines joined by an empty line.
pub fn paragraphs(paragraphs: impl IntoIterator<Item = Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        if !out.is_empty() {
            out.push(String::new());
        }
        out.extend(paragraph);
    }
    out
}

/// `text` as a Markdown code span, fenced with one backtick more than the longest run inside.
pub fn code(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Rewrites spec prose so rustdoc renders it as written and warns about nothing.
pub fn sanitize(text: &str) -> String {
    let text = plain_characters(text);
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_fence = false;
    // The column a list item's text starts at, while its paragraph goes on.
    let mut item_text_at: Option<usize> = None;
    for (i, raw) in text.trim().lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if is_fence(trimmed) {
            // Untagged fences would be compiled as Rust doctests: mark every fence as text.
            in_fence = !in_fence;
            item_text_at = None;
            out.push_str(if in_fence { "```text" } else { "```" });
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        // Four spaces of indent would start an indented code block, which rustdoc also runs.
        let line = trimmed_indent(line);
        let indent = line.len() - line.trim_start().len();
        if trimmed.is_empty() || starts_block(trimmed) {
            item_text_at = list_marker_len(trimmed).map(|marker| indent + marker);
        } else if let Some(at) = item_text_at.filter(|&at| indent < at) {
            // A list item's paragraph that goes on unindented (a "lazy" line) renders the same
            // indented to the item's text, which is how clippy wants it written.
            out.push_str(&" ".repeat(at - indent));
        }
        escape_inline(line, &mut out);
    }
    if in_fence {
        out.push_str("\n```");
    }
    out
}

/// Whether a line opens or closes a fenced code block: three backticks or tildes, and for
/// backticks an info string without any (CommonMark), so a line-leading code span is no fence.
fn is_fence(line: &str) -> bool {
    match line.strip_prefix("```") {
        Some(info) => !info.trim_start_matches('`').contains('`'),
        None => line.starts_with("~~~"),
    }
}

/// Tabs become four spaces (clippy denies tabs in docs); other control characters, which
/// would land raw in the generated source, become U+FFFD.
fn plain_characters(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push_str("    "),
            '\n' => out.push('\n'),
            '\r' => {}
            c if c.is_control() => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The length of the list marker a line (without its indent) starts with, its space included:
/// `- `, `* `, `+ `, `1. `, `1) `.
fn list_marker_len(line: &str) -> Option<usize> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    let marker = match line.as_bytes().get(digits) {
        Some(b'.' | b')') if (1..=9).contains(&digits) => digits + 1,
        Some(b'-' | b'*' | b'+') if digits == 0 => 1,
        _ => return None,
    };
    line[marker..].starts_with(' ').then_some(marker + 1)
}

/// Whether a line (without its indent) starts a block of its own rather than going on with a
/// paragraph: a list item, a heading, a quote or a table row.
fn starts_block(line: &str) -> bool {
    list_marker_len(line).is_some() || line.starts_with(['#', '>', '|'])
}

fn trimmed_indent(line: &str) -> &str {
    let indent = line.len() - line.trim_start().len();
    if indent >= 4 { line.trim_start() } else { line }
}

/// Escapes what rustdoc would treat as links or HTML, and wraps bare URLs in `<…>`; code
/// spans (`` `…` ``), Markdown escapes (`\*`), autolinks (`<https://…>`) and inline links to
/// web or mail addresses (`[text](https://…)`, made absolute in lowering) are left as written,
/// since escapes would show inside them.
fn escape_inline(line: &str, out: &mut String) {
    escape_text(line, true, out);
}

/// [`escape_inline`] for `text`; inside a link's text (`bare_urls` false) a URL stays as it is,
/// since a link cannot hold another.
fn escape_text(text: &str, bare_urls: bool, out: &mut String) {
    let mut rest = text;
    while !rest.is_empty() {
        if let Some(span) = code_span_len(rest).or_else(|| autolink_len(rest)).or_else(|| markdown_escape_len(rest)) {
            out.push_str(&rest[..span]);
            rest = &rest[span..];
            continue;
        }
        if let Some((text_len, len)) = web_link_len(rest) {
            out.push('[');
            escape_text(&rest[1..=text_len], false, out);
            out.push_str(&rest[text_len + 1..len]);
            rest = &rest[len..];
            continue;
        }
        if let Some(len) = url_len(rest).filter(|_| bare_urls) {
            out.push('<');
            out.push_str(&rest[..len]);
            out.push('>');
            rest = &rest[len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        // A `<` opens an HTML tag only before a letter, `/`, `!` or `?`: `a < b` stays as is.
        let opens_tag = || rest[1..].starts_with(|n: char| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        match c {
            '<' if !opens_tag() => out.push(c),
            '[' | ']' | '<' | '>' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
}

/// The length of a Markdown escape (`\*`, `\[`: a backslash before ASCII punctuation) at the
/// start of `s`.
fn markdown_escape_len(s: &str) -> Option<usize> {
    let next = s.strip_prefix('\\')?.chars().next()?;
    next.is_ascii_punctuation().then_some(2)
}

/// The length of an autolink (`<https://example.com/a>`) at the start of `s`.
fn autolink_len(s: &str) -> Option<usize> {
    let inner = s.strip_prefix('<')?;
    let len = url_len(inner)?;
    inner[len..].starts_with('>').then_some(len + 2)
}

/// An inline link to a web or mail address at the start of `s` (`[text](https://…)`): the
/// length of its text and of the whole link. Its text holds no line break or unescaped `]`.
fn web_link_len(s: &str) -> Option<(usize, usize)> {
    let inner = s.strip_prefix('[')?;
    let mut escaped = false;
    let mut depth = 0usize;
    let mut text_len = None;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' if depth == 0 => {
                text_len = Some(i);
                break;
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    let text_len = text_len?;
    let target = inner[text_len + 1..].strip_prefix('(')?;
    let end = target.find(')')?;
    let url = &target[..end];
    let absolute = url_len(url) == Some(url.len()) || url.starts_with("mailto:") && !url.contains(char::is_whitespace);
    (absolute && text_len > 0).then_some((text_len, 1 + text_len + 2 + end + 1))
}

/// The length of a code span at the start of `s`, if a closed one starts there.
fn code_span_len(s: &str) -> Option<usize> {
    let ticks = s.len() - s.trim_start_matches('`').len();
    if ticks == 0 {
        return None;
    }
    let fence = &s[..ticks];
    s[ticks..].find(fence).map(|end| ticks + end + ticks)
}

/// The length of a URL at the start of `s`, if one starts there.
fn url_len(s: &str) -> Option<usize> {
    if !(s.starts_with("http://") || s.starts_with("https://")) {
        return None;
    }
    let end = s
        .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | '\'' | '[' | ']'))
        .unwrap_or(s.len());
    let url = s[..end].trim_end_matches(['.', ',', ';', ':']);
    (url.len() > "https://".len()).then_some(url.len())
}

/// An intra-doc link to the method `name` of `owner` (`Self`, `crate::Client`), or, for a raw
/// identifier (`r#fn`), which rustdoc cannot link to, the path as code.
pub fn method_link(owner: &str, name: &str) -> String {
    if name.starts_with("r#") { format!("`{owner}::{name}`") } else { format!("[`{owner}::{name}`]") }
}

#[cfg(test)]
mod tests {
    use super::{code, sanitize};

    #[test]
    fn code_spans_hold_any_text() {
        let table = [("16x9", "`16x9`"), ("a`b", "``a`b``"), ("`edge", "`` `edge ``"), ("x``y`", "``` x``y` ```")];
        for (raw, want) in table {
            assert_eq!(code(raw), want, "{raw:?}");
            assert_eq!(sanitize(&code(raw)), want, "{raw:?} survives sanitize");
        }
    }

    #[test]
    fn prose_is_made_safe_for_rustdoc() {
        let table = [
            ("plain text", "plain text"),
            ("see https://api.example.com/docs.", "see <https://api.example.com/docs>."),
            ("list [a] <b>", "list \\[a\\] \\<b\\>"),
            ("a < b and 1<2", "a < b and 1<2"),
            ("[docs](https://x.io/a) and [rel](/a)", "[docs](https://x.io/a) and \\[rel\\](/a)"),
            ("[see https://x.io](https://x.io)", "[see https://x.io](https://x.io)"),
            ("<https://x.io/a> and \\*not em\\*", "<https://x.io/a> and \\*not em\\*"),
            ("a regex \\d+", "a regex \\\\d+"),
            ("```\nlet x = 1;\n```", "```text\nlet x = 1;\n```"),
            ("```json\n{}\n```", "```text\n{}\n```"),
            ("unclosed\n```\ncode", "unclosed\n```text\ncode\n```"),
            ("a\n\n    indented", "a\n\nindented"),
            ("ends with */ and \"# and </doc>", "ends with */ and \"# and \\</doc\\>"),
            ("email a@b.c", "email a@b.c"),
            ("code `<T>` and `[x]` stays", "code `<T>` and `[x]` stays"),
            ("unclosed `tick <b>", "unclosed `tick \\<b\\>"),
            (
                "a\ttab, a bell \u{7}, an escape \u{1b}[31m, a NUL \0",
                "a    tab, a bell \u{fffd}, an escape \u{fffd}\\[31m, a NUL \u{fffd}",
            ),
            ("crlf\r\nline", "crlf\nline"),
        ];
        for (raw, want) in table {
            assert_eq!(sanitize(raw), want, "{raw:?}");
        }
    }

    /// A list item's paragraph that goes on unindented is indented to the item's text; a blank
    /// line, another item or a fence ends the item's paragraph.
    #[test]
    fn lazy_lines_of_a_list_item_are_indented() {
        let text = "Several cases:\n  - The server is generating\neither one or two\n- Short\n1. First\nsecond line\n\nA paragraph.";
        let got = sanitize(text);
        assert_eq!(
            got,
            "Several cases:\n  - The server is generating\n    either one or two\n- Short\n1. First\n   second line\n\nA paragraph."
        );
    }

    #[test]
    fn text_that_only_looks_like_a_list_is_left_alone() {
        assert_eq!(sanitize("*emphasis* first\nthen more"), "*emphasis* first\nthen more");
        assert_eq!(sanitize("- item\n```\ncode\n```\nafter"), "- item\n```text\ncode\n```\nafter");
    }
}
