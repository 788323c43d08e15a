//! HTML rendered once and served to many browsers.
//!
//! A fragment that depends only on audited data (a page of a customer's
//! contacts, say) is rendered once per data version and kept in
//! `domain::cache`. The one value in it that differs per browser is the CSRF
//! token of its forms: the fragment is rendered with a placeholder in its
//! place (random per process, so no stored text can contain it) and each
//! browser's token is written in when the fragment goes out.

use std::fmt;
use std::sync::LazyLock;

use crate::error::AppError;

static PLACEHOLDER: LazyLock<String> = LazyLock::new(crate::crypto::random_token);

/// A rendered fragment with its CSRF token left open.
pub struct SharedHtml {
    /// The HTML between the places of the token.
    pieces: Vec<String>,
}

impl crate::domain::cache::Weigh for SharedHtml {
    fn weigh(&self) -> usize {
        self.pieces.weigh()
    }
}

impl SharedHtml {
    /// Render with `render(csrf)`, where `csrf` is the placeholder to put
    /// wherever the template puts the token.
    pub fn render(render: impl FnOnce(&str) -> askama::Result<String>) -> Result<Self, AppError> {
        let html = render(&PLACEHOLDER)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
        Ok(Self {
            pieces: html
                .split(PLACEHOLDER.as_str())
                .map(str::to_owned)
                .collect(),
        })
    }

    /// The fragment with `csrf` (a browser's token, hex) in its places; a
    /// `Display` for `{{ …|safe }}` in a page, or `to_string()` for an
    /// htmx answer.
    pub fn with<'a>(&'a self, csrf: &'a str) -> Filled<'a> {
        debug_assert!(csrf.bytes().all(|b| b.is_ascii_alphanumeric()));
        Filled { html: self, csrf }
    }
}

/// A [`SharedHtml`] with one browser's token.
#[derive(Clone, Copy)]
pub struct Filled<'a> {
    html: &'a SharedHtml,
    csrf: &'a str,
}

impl fmt::Display for Filled<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut pieces = self.html.pieces.iter();
        if let Some(first) = pieces.next() {
            f.write_str(first)?;
        }
        for piece in pieces {
            f.write_str(self.csrf)?;
            f.write_str(piece)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_browser_gets_its_own_token_in_every_place() {
        let html = SharedHtml::render(|csrf| {
            Ok(format!(
                "<form><input name=\"_csrf\" value=\"{csrf}\"></form><p>csrf</p><i value=\"{csrf}\">"
            ))
        })
        .unwrap();
        assert_eq!(
            html.with("aa11").to_string(),
            "<form><input name=\"_csrf\" value=\"aa11\"></form><p>csrf</p><i value=\"aa11\">"
        );
        assert_eq!(
            html.with("bb22").to_string(),
            "<form><input name=\"_csrf\" value=\"bb22\"></form><p>csrf</p><i value=\"bb22\">"
        );
        let plain = SharedHtml::render(|_| Ok("<p>no forms</p>".to_string())).unwrap();
        assert_eq!(plain.with("cc33").to_string(), "<p>no forms</p>");
        assert_eq!(plain.pieces.len(), 1, "no place for a token");
    }
}
