//! Request bodies of the API: content type, JSON parsing, and picking the
//! fields a resource knows into the text inputs of the domain (so a value is
//! validated by the same rules as a form field).
//!
//! Partial updates: a field that is absent is left alone; `null` clears it.

use actix_web::HttpRequest;
use actix_web::http::header;
use serde_json::{Map, Value};

use crate::api::BASE;
use crate::error::{AppError, ErrorCode, FieldErrors};

/// Largest JSON body.
pub const MAX_BODY: usize = 64 * 1024;

/// A JSON object sent as a request body.
pub struct Body {
    fields: Map<String, Value>,
    errors: FieldErrors,
}

/// The media type of a request, lower case, without parameters.
fn media_type(req: &HttpRequest) -> String {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

impl Body {
    /// Read a JSON object: `application/json`, or for a `PATCH` also
    /// `application/merge-patch+json`. Another type is 415, bad JSON or
    /// anything but an object 400.
    pub fn read(req: &HttpRequest, bytes: &[u8]) -> Result<Self, AppError> {
        let media = media_type(req);
        let patch = req.method() == actix_web::http::Method::PATCH;
        let accepted =
            media == "application/json" || (patch && media == "application/merge-patch+json");
        if !accepted {
            return Err(AppError::UnsupportedMediaType(if media.is_empty() {
                "(none)".to_string()
            } else {
                media
            }));
        }
        if bytes.len() > MAX_BODY {
            return Err(AppError::PayloadTooLarge);
        }
        match serde_json::from_slice::<Value>(bytes) {
            Ok(Value::Object(fields)) => Ok(Self {
                fields,
                errors: FieldErrors::default(),
            }),
            Ok(_) => Err(AppError::BadRequest(
                "the body must be a JSON object".into(),
            )),
            Err(e) => Err(AppError::BadRequest(e.to_string())),
        }
    }

    /// Refuse fields outside `known` (read-only fields in `ignored` are
    /// allowed and ignored, so a fetched record can be sent back as it is).
    pub fn only(&mut self, known: &[&str], ignored: &[&str]) {
        let mut unknown: Vec<&String> = self
            .fields
            .keys()
            .filter(|k| !known.contains(&k.as_str()) && !ignored.contains(&k.as_str()))
            .collect();
        unknown.sort();
        for k in unknown {
            self.errors
                .add("_unknown", ErrorCode::UnknownField(k.clone()));
        }
    }

    /// Is `name` present (even as `null`)?
    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    /// A text field: absent `None`, `null` the empty text, numbers as their
    /// digits; anything else is a type error on `field` (the domain's name).
    pub fn text(&mut self, name: &str, field: &'static str) -> Option<String> {
        match self.fields.get(name)? {
            Value::Null => Some(String::new()),
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                self.errors.add(field, ErrorCode::InvalidType);
                None
            }
        }
    }

    /// An integer field given as a JSON number or `null` (text is a type
    /// error); returned as text for the domain's validation.
    pub fn integer(&mut self, name: &str, field: &'static str) -> Option<String> {
        match self.fields.get(name)? {
            Value::Null => Some(String::new()),
            Value::Number(n) if n.is_i64() => Some(n.to_string()),
            _ => {
                self.errors.add(field, ErrorCode::InvalidType);
                None
            }
        }
    }

    /// An array of texts (`null`: empty); anything else is a type error on
    /// `field`.
    pub fn texts(&mut self, name: &str, field: &'static str) -> Option<Vec<String>> {
        match self.fields.get(name)? {
            Value::Null => Some(vec![]),
            Value::Array(items) => {
                let texts: Option<Vec<String>> = items
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect();
                if texts.is_none() {
                    self.errors.add(field, ErrorCode::InvalidType);
                }
                texts
            }
            _ => {
                self.errors.add(field, ErrorCode::InvalidType);
                None
            }
        }
    }

    /// A boolean field (`null` or anything else is a type error on `field`).
    pub fn boolean(&mut self, name: &str, field: &'static str) -> Option<bool> {
        match self.fields.get(name)? {
            Value::Bool(b) => Some(*b),
            _ => {
                self.errors.add(field, ErrorCode::InvalidType);
                None
            }
        }
    }

    /// Record an error on `field` (a value the handler read and refused).
    pub fn error(&mut self, field: &'static str, code: ErrorCode) {
        self.errors.add(field, code);
    }

    /// A reference to a record of `collection`: its IRI
    /// (`/api/v1/{collection}/{id}`) or its bare id; `null` the empty text.
    pub fn reference(
        &mut self,
        name: &str,
        field: &'static str,
        collection: &str,
    ) -> Option<String> {
        let raw = self.text(name, field)?;
        let prefix = format!("{BASE}/{collection}/");
        let id = raw.strip_prefix(&prefix).unwrap_or(&raw).to_string();
        self.id_of(raw, id, field)
    }

    /// A reference to a record nested under a parent: its IRI
    /// (`/api/v1/{parent}/{parentId}/{collection}/{id}`) or its bare id;
    /// `null` the empty text. Whether it is the parent's is the domain's
    /// rule.
    pub fn nested_reference(
        &mut self,
        name: &str,
        field: &'static str,
        parent: &str,
        collection: &str,
    ) -> Option<String> {
        let raw = self.text(name, field)?;
        let id = match raw.strip_prefix(&format!("{BASE}/{parent}/")) {
            Some(rest) => match rest.split_once(&format!("/{collection}/")) {
                Some((owner, id)) if is_id(owner) => id.to_string(),
                // Not the shape of such an IRI.
                _ => String::new(),
            },
            None => raw.clone(),
        };
        self.id_of(raw, id, field)
    }

    /// `id` read from `raw` (the empty text when `raw` is), or a reference
    /// error.
    fn id_of(&mut self, raw: String, id: String, field: &'static str) -> Option<String> {
        if raw.is_empty() {
            return Some(raw);
        }
        if !is_id(&id) {
            self.errors.add(field, ErrorCode::InvalidReference);
            return None;
        }
        Some(id)
    }

    /// The errors found while picking fields, as a 422 (when any).
    pub fn finish(self) -> Result<(), AppError> {
        self.errors.into_result()
    }
}

/// Whether `s` has the shape of an id (`^[A-Za-z0-9_-]+$`).
fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}
