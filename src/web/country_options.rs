//! The `<option>`s of the country picker in the location and customer
//! forms: some 250 countries, escaped once per language and kept (reference
//! data does not change while the server runs); each form only marks its
//! choice.

use std::sync::OnceLock;

use crate::domain::mail::escape;
use crate::domain::reference::Country;
use crate::i18n::Lang;

static RENDERED: [OnceLock<String>; 2] = [OnceLock::new(), OnceLock::new()];

/// The options: "none" (`none_label`) first, then `countries` (sorted by
/// name in `lang`, as `reference::countries_by_name` gives them), with
/// `selected` (a country code, any case; empty for none) marked.
pub fn options(countries: &[Country], lang: Lang, none_label: &str, selected: &str) -> String {
    let all = RENDERED[usize::from(lang == Lang::En)].get_or_init(|| render(countries, lang));
    mark(all, none_label, selected)
}

fn render(countries: &[Country], lang: Lang) -> String {
    let mut html = String::with_capacity(countries.len() * 40);
    for c in countries {
        html.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            escape(&c.code),
            escape(c.name(lang))
        ));
    }
    html
}

fn mark(all: &str, none_label: &str, selected: &str) -> String {
    let selected = selected.trim().to_ascii_uppercase();
    let mut out = String::with_capacity(all.len() + 64);
    out.push_str(&format!(
        "<option value=\"\"{}>{}</option>",
        if selected.is_empty() { " selected" } else { "" },
        escape(none_label)
    ));
    let marker = format!("<option value=\"{}\">", escape(&selected));
    match all.find(&marker).filter(|_| !selected.is_empty()) {
        Some(at) => {
            let end = at + marker.len() - 1;
            out.push_str(&all[..end]);
            out.push_str(" selected");
            out.push_str(&all[end..]);
        }
        None => out.push_str(all),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn country(code: &str, nl: &str, en: &str) -> Country {
        Country {
            code: code.into(),
            name_nl: nl.into(),
            name_en: en.into(),
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
        let html = mark(&all, "— geen —", "nl");
        assert!(html.starts_with("<option value=\"\">— geen —</option>"));
        assert!(html.contains("<option value=\"NL\" selected>Nederland</option>"));
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(html.contains(">A &amp; &lt;B&gt;</option>"));
        let none = mark(&all, "— geen —", "");
        assert!(none.starts_with("<option value=\"\" selected>"));
        assert_eq!(none.matches(" selected").count(), 1);
        let unknown = mark(&all, "— geen —", "ZZ");
        assert_eq!(unknown.matches(" selected").count(), 0, "nothing marked");
    }
}
