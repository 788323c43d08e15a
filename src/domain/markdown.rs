//! The small Markdown subset of mail footers: paragraphs (blank lines),
//! line breaks, `**bold**`, `*italic*` and `[text](https://…)` links. The
//! input is escaped first and only these constructs become tags, so no
//! script, event handler or `javascript:` link can come through; links are
//! limited to `http`, `https` and `mailto`.

/// A footer rendered both ways.
pub struct Rendered {
    /// Safe HTML.
    pub html: String,
    /// Plain text for text mails (links as `text (url)`).
    pub text: String,
}

/// Render `source`.
pub fn render(source: &str) -> Rendered {
    let source = source.replace("\r\n", "\n");
    let paragraphs: Vec<&str> = source
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let html = paragraphs
        .iter()
        .map(|p| {
            let lines: Vec<String> = p.lines().map(|l| inline_html(l.trim())).collect();
            format!("<p>{}</p>", lines.join("<br>"))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let text = paragraphs
        .iter()
        .map(|p| {
            p.lines()
                .map(|l| inline_text(l.trim()))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .collect::<Vec<_>>()
        .join("\n\n");
    Rendered { html, text }
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:"))
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '<' || c == '>')
}

/// `[text](url)` at the start of `s`: (text, url, bytes used).
fn link_at(s: &str) -> Option<(&str, &str, usize)> {
    let rest = s.strip_prefix('[')?;
    let close = rest.find("](")?;
    let text = &rest[..close];
    let after = &rest[close + 2..];
    let end = after.find(')')?;
    let url = &after[..end];
    Some((text, url, 1 + close + 2 + end + 1))
}

fn inline_html(line: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    let (mut bold, mut italic) = (false, false);
    while i < line.len() {
        let rest = &line[i..];
        if let Some((text, url, used)) = link_at(rest) {
            if safe_url(url) {
                out.push_str(&format!("<a href=\"{}\">{}</a>", escape(url), escape(text)));
            } else {
                out.push_str(&escape(text));
            }
            i += used;
        } else if rest.starts_with("**") {
            out.push_str(if bold { "</strong>" } else { "<strong>" });
            bold = !bold;
            i += 2;
        } else if rest.starts_with('*') {
            out.push_str(if italic { "</em>" } else { "<em>" });
            italic = !italic;
            i += 1;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push_str(&escape(&c.to_string()));
            i += c.len_utf8();
        }
    }
    if italic {
        out.push_str("</em>");
    }
    if bold {
        out.push_str("</strong>");
    }
    out
}

fn inline_text(line: &str) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < line.len() {
        let rest = &line[i..];
        if let Some((text, url, used)) = link_at(rest) {
            if safe_url(url) {
                out.push_str(&format!("{text} ({url})"));
            } else {
                out.push_str(text);
            }
            i += used;
        } else if rest.starts_with("**") {
            i += 2;
        } else if rest.starts_with('*') {
            i += 1;
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Escape text for HTML.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn subset_and_sanitising() {
        let r = render(
            "**Demo BV** — *altijd* bereikbaar\nTel. 010\n\n[Site](https://demo.test) [x](javascript:alert(1))",
        );
        assert_eq!(
            r.html,
            "<p><strong>Demo BV</strong> — <em>altijd</em> bereikbaar<br>Tel. 010</p>\n<p><a href=\"https://demo.test\">Site</a> x)</p>"
        );
        assert_eq!(
            r.text,
            "Demo BV — altijd bereikbaar\nTel. 010\n\nSite (https://demo.test) x)"
        );
        let evil = render(
            "<script>alert(1)</script><img src=x onerror=alert(1)> [a](\"onmouseover=alert(1))",
        );
        assert!(!evil.html.contains("<script"));
        assert!(!evil.html.contains("<img"));
        assert!(!evil.html.contains("href"));
        assert!(evil.html.contains("&lt;script&gt;"));
    }
}
