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

    /// The DOM id of the input.
    pub fn id(&self) -> String {
        format!("f-{}", self.name)
    }
}

/// Put each error next to its field and focus the first field with an error.
pub fn apply_errors(fields: &mut [&mut Field], errors: &FieldErrors, t: &Messages) {
    let mut focused = false;
    for f in fields.iter_mut() {
        f.error = errors.get(f.name).map(|c| c.message(t));
        if f.error.is_some() && !focused {
            f.autofocus = true;
            focused = true;
        } else if focused {
            f.autofocus = false;
        }
    }
    if focused {
        for f in fields.iter_mut() {
            if f.error.is_none() {
                f.autofocus = false;
            }
        }
    }
}

/// One option of a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}
