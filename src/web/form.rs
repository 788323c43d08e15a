//! The one form pattern: a field carries its label, value, hint and error;
//! templates render every field with the `field` macro of
//! `templates/layout/forms.html`.

use crate::error::FieldErrors;
use crate::i18n::Messages;

/// One input of a form, as the template shows it.
#[derive(Clone, Debug, Default)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub value: String,
    pub input_type: &'static str,
    pub hint: Option<&'static str>,
    pub error: Option<String>,
    pub autocomplete: &'static str,
    pub required: bool,
    pub autofocus: bool,
    pub maxlength: usize,
    /// The start of the DOM id (`f` unless two forms share the page).
    pub id_prefix: &'static str,
}

impl Field {
    /// A text input.
    pub fn new(name: &'static str, label: &'static str, value: impl Into<String>) -> Self {
        Self {
            name,
            label,
            value: value.into(),
            input_type: "text",
            autocomplete: "off",
            maxlength: 200,
            id_prefix: "f",
            ..Self::default()
        }
    }

    /// Input type (`email`, `password`, …).
    pub fn kind(mut self, input_type: &'static str) -> Self {
        self.input_type = input_type;
        self
    }

    /// Help text under the field.
    pub fn hint(mut self, hint: &'static str) -> Self {
        self.hint = Some(hint);
        self
    }

    /// Browser autocomplete token.
    pub fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = token;
        self
    }

    /// Mark as required.
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// Focus this field when the page opens.
    pub fn focus(mut self) -> Self {
        self.autofocus = true;
        self
    }

    /// Longest accepted input.
    pub fn max(mut self, n: usize) -> Self {
        self.maxlength = n;
        self
    }

    /// Another start of the DOM id, for a second form on a page.
    pub fn id_prefix(mut self, prefix: &'static str) -> Self {
        self.id_prefix = prefix;
        self
    }

    /// The DOM id of the input.
    pub fn id(&self) -> String {
        format!("{}-{}", self.id_prefix, self.name)
    }
}

/// One entry of the error summary at the top of a page: a link to the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorLink {
    /// `#f-…`: the field (or the group of fields) the error belongs to.
    pub href: String,
    pub text: String,
}

/// Put each error next to its field, focus the first field with an error,
/// and list every error in `summary` (the layout's error summary), in the
/// order of the fields. An error of a name without a [`Field`] (a group such
/// as the scope grid) links to `#f-{name}`, which its template must carry.
pub fn apply_errors(
    summary: &mut Vec<ErrorLink>,
    fields: &mut [&mut Field],
    errors: &FieldErrors,
    t: &Messages,
) {
    // Focus moves to the first field with an error; when the errors are
    // all elsewhere (a group of checkboxes), the page keeps its focus.
    let any = fields.iter().any(|f| errors.get(f.name).is_some());
    let mut first = true;
    summary.clear();
    for f in fields.iter_mut() {
        f.error = errors.get(f.name).map(|c| c.message(t));
        if any {
            f.autofocus = f.error.is_some() && first;
        }
        if let Some(e) = &f.error {
            first = false;
            summary.push(ErrorLink {
                href: format!("#{}", f.id()),
                text: format!("{}: {e}", f.label),
            });
        }
    }
    for (name, code) in &errors.0 {
        if !fields.iter().any(|f| f.name == *name) && !summary_has(summary, name) {
            summary.push(ErrorLink {
                href: format!("#f-{name}"),
                text: code.message(t),
            });
        }
    }
}

fn summary_has(summary: &[ErrorLink], name: &str) -> bool {
    summary.iter().any(|l| l.href == format!("#f-{name}"))
}

/// For a form with inputs that are not [`Field`]s (selects, a group of
/// checkboxes): put the summary in the order of `inputs` (name, label) and
/// name the input before each of their messages. [`Field`]s are named by
/// `apply_errors` already: list them with an empty label, for the order.
pub fn order_summary(summary: &mut [ErrorLink], inputs: &[(&str, &str)]) {
    let place = |l: &ErrorLink| {
        inputs
            .iter()
            .position(|(name, _)| l.href == format!("#f-{name}"))
            .unwrap_or(usize::MAX)
    };
    for l in summary.iter_mut() {
        if let Some((_, label)) = inputs.iter().find(|(n, _)| l.href == format!("#f-{n}"))
            && !label.is_empty()
        {
            l.text = format!("{label}: {}", l.text);
        }
    }
    summary.sort_by_key(place);
}

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}
