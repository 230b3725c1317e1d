//! Wiping what held a secret once it is dropped (SECURITY.md, promise 6).
//!
//! `Zeroizing` covers a single `String`; this module covers the two shapes
//! secrets also travel in: JSON values read from an argument (credentials, a
//! request, an exchange), and text written piece by piece (a signed URL, a
//! query string, a serialized token). A `String` that grows leaves its old
//! buffer behind in freed memory, unwiped; `Text` never lets that happen.

use std::fmt;
use std::ops::Deref;

use zeroize::{Zeroize, Zeroizing};

use crate::json::Value;

/// A JSON value whose strings, keys included, are wiped when it is dropped.
pub struct SecretJson(Value);

impl SecretJson {
    pub fn new(value: Value) -> SecretJson {
        SecretJson(value)
    }
}

impl Deref for SecretJson {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for SecretJson {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

/// Its strings may be secrets.
impl fmt::Debug for SecretJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretJson(<redacted>)")
    }
}

pub fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        // Keys cannot be changed in place: the map is taken apart instead.
        Value::Object(map) => {
            for (mut key, mut item) in std::mem::take(map) {
                key.zeroize();
                wipe(&mut item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Text that may hold a secret, built by appending: when it outgrows its
/// buffer, the old one is wiped before it is freed, and the whole is wiped
/// on drop. Every JSON result is written into one (`json::to_text`).
pub struct Text(Zeroizing<String>);

impl Text {
    pub fn with_capacity(capacity: usize) -> Text {
        Text(Zeroizing::new(String::with_capacity(capacity)))
    }

    pub fn push_str(&mut self, piece: &str) {
        if self.0.capacity() - self.0.len() < piece.len() {
            let wanted = self.0.len().saturating_add(piece.len()).max(self.0.capacity().saturating_mul(2));
            let mut bigger = Zeroizing::new(String::with_capacity(wanted));
            bigger.push_str(&self.0);
            // The old buffer is dropped here, through `Zeroizing`: wiped.
            self.0 = bigger;
        }
        self.0.push_str(piece);
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The text, for a holder that wipes it itself (a `Request`'s path).
    pub fn into_string(mut self) -> String {
        std::mem::take(&mut *self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::json;

    #[test]
    fn wipe_empties_strings_and_takes_maps_apart() {
        let mut value = json!(["s3cret", { "app_secret": "s3cret" }, ["raw", 5, null, true]]).ours();
        wipe(&mut value);
        assert_eq!(value, json!(["", {}, ["", 5, null, true]]).ours());
    }

    #[test]
    fn secret_json_reads_as_its_value() {
        let value = SecretJson::new(json!({ "app_secret": "s3cret" }).ours());
        assert_eq!(value.get("app_secret"), Some(&json!("s3cret").ours()));
        assert_eq!(format!("{value:?}"), "SecretJson(<redacted>)");
    }

    #[test]
    fn text_grows_and_keeps_what_was_pushed() {
        let mut text = Text::with_capacity(2);
        for piece in ["access_token=", "é✓", "", &"x".repeat(300)] {
            text.push_str(piece);
        }
        assert_eq!(text.into_string(), format!("access_token=é✓{}", "x".repeat(300)));
        assert_eq!(Text::with_capacity(0).into_string(), "");
    }

    #[test]
    fn json_text_grows_as_text_does() {
        let value = json!({ "access_token": "tök€n".repeat(100), "expires_in": 7200 });
        assert_eq!(crate::json::to_text(&value.ours()).into_string(), value.to_string());
    }
}
