//! The `<option>`s of the country picker in the location and customer
//! forms: some 250 countries, escaped once per language and kept (reference
//! data does not change while the server runs); each form only marks its
//! choice.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

use crate::domain::markdown::escape;
use crate::domain::reference::Country;
use crate::i18n::Lang;

/// Every country's `<option>`, escaped, in one string.
struct Rendered {
    html: String,
    /// Where each code's `<option value="…"` ends (before its `>`): the
    /// place of ` selected`.
    ends: HashMap<String, usize>,
}

static RENDERED: [OnceLock<Rendered>; 2] = [OnceLock::new(), OnceLock::new()];

/// The options of one form: write them with `{{ …|safe }}`.
pub struct Options<'a> {
    all: &'a Rendered,
    none_label: &'a str,
    /// The place of ` selected` in `all` (none: the "none" option is
    /// chosen, or an unknown code nothing).
    selected: Option<usize>,
    none_selected: bool,
}

/// The options: "none" (`none_label`) first, then `countries` (sorted by
/// name in `lang`, as `reference::countries_by_name` gives them), with
/// `selected` (a country code, any case; empty for none) marked.
pub fn options(
    countries: &[Country],
    lang: Lang,
    none_label: &'static str,
    selected: &str,
) -> Options<'static> {
    let all = RENDERED[usize::from(lang == Lang::En)].get_or_init(|| render(countries, lang));
    mark(all, none_label, selected)
}

fn render(countries: &[Country], lang: Lang) -> Rendered {
    let mut html = String::with_capacity(countries.len() * 40);
    let mut ends = HashMap::with_capacity(countries.len());
    for c in countries {
        html.push_str("<option value=\"");
        html.push_str(&escape(&c.code));
        html.push('"');
        ends.insert(c.code.to_ascii_uppercase(), html.len());
        html.push('>');
        html.push_str(&escape(c.name(lang)));
        html.push_str("</option>");
    }
    Rendered { html, ends }
}

fn mark<'a>(all: &'a Rendered, none_label: &'a str, selected: &str) -> Options<'a> {
    let selected = selected.trim().to_ascii_uppercase();
    Options {
        all,
        none_label,
        none_selected: selected.is_empty(),
        selected: all.ends.get(&selected).copied(),
    }
}

impl fmt::Display for Options<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "<option value=\"\"{}>{}</option>",
            if self.none_selected { " selected" } else { "" },
            escape(self.none_label)
        )?;
        let html = &self.all.html;
        match self.selected {
            Some(at) => {
                f.write_str(&html[..at])?;
                f.write_str(" selected")?;
                f.write_str(&html[at..])
            }
            None => f.write_str(html),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str, nl: &str, en: &str) -> Country {
        Country {
            code: code.into(),
            name_nl: nl.into(),
            name_en: en.into(),
            eu: false,
        }
    }

    #[test]
    fn marks_one_choice_and_escapes_names() {
        let list = vec![
            country("BE", "België", "Belgium"),
            country("NL", "Nederland", "Netherlands"),
            country("XX", "A & <B>", "A & <B>"),
        ];
        let all = render(&list, Lang::Nl);
        let html = mark(&all, "— geen —", "nl").to_string();
        assert!(html.starts_with("<option value=\"\">— geen —</option>"));
        assert!(html.contains("<option value=\"NL\" selected>Nederland</option>"));
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(html.contains(">A &amp; &lt;B&gt;</option>"));
        let none = mark(&all, "— geen —", "").to_string();
        assert!(none.starts_with("<option value=\"\" selected>"));
        assert_eq!(none.matches(" selected").count(), 1);
        let unknown = mark(&all, "— geen —", "ZZ").to_string();
        assert_eq!(unknown.matches(" selected").count(), 0, "nothing marked");
    }
}
