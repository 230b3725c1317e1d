//! Wiping what held a secret once it is dropped (SECURITY.md, promise 6).
//!
//! `Zeroizing` covers a single `String`; this module covers the two shapes
//! secrets also travel in: JSON values read from an argument (credentials, a
//! request, an exchange), and text written piece by piece (a signed URL, a
//! query string, a serialized token). A `String` that grows leaves its old
//! buffer behind in freed memory, unwiped; `Text` never lets that happen.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use zeroize::Zeroize;

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

/// Text that may be a secret, wiped in place and left empty.
///
/// Why not `Zeroize`: zeroize's `String` (its `Vec`) impl writes each byte
/// through a volatile store of its own, a loop that made wiping the token
/// and proof of a request 4% of deciding it. These wipe the bytes, and the
/// spare capacity past them, each as one slice, with zeroize's bulk write.
pub trait Wipe {
    fn wipe(&mut self);
}

impl Wipe for String {
    fn wipe(&mut self) {
        drop(zeroed(std::mem::take(self)));
    }
}

impl<T: Wipe> Wipe for Option<T> {
    fn wipe(&mut self) {
        if let Some(v) = self {
            v.wipe();
        }
    }
}

/// Borrowed text is its owner's to wipe.
impl Wipe for Cow<'_, str> {
    fn wipe(&mut self) {
        if let Cow::Owned(text) = self {
            text.wipe();
        }
    }
}

/// `text`'s own buffer, every byte of it zero, its length kept.
fn zeroed(text: String) -> Vec<u8> {
    let mut bytes = text.into_bytes();
    bytes.as_mut_slice().zeroize();
    bytes.spare_capacity_mut().zeroize();
    bytes
}

pub fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.wipe(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        // Keys cannot be changed in place: the map is taken apart instead.
        Value::Object(map) => {
            for (mut key, mut item) in std::mem::take(map) {
                key.wipe();
                wipe(&mut item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Text that may hold a secret, built by appending: when it outgrows its
/// buffer, the old one is wiped before it is freed, and the whole is wiped
/// on drop. Every JSON result is written into one (`json::to_text`); a
/// `plain` one, for results that hold no secret, does neither, because
/// wiping is a volatile write per byte (a sixth of a large result's cost).
pub struct Text {
    text: String,
    secret: bool,
}

impl Text {
    pub fn with_capacity(capacity: usize) -> Text {
        Text { text: String::with_capacity(capacity), secret: true }
    }

    pub fn plain(capacity: usize) -> Text {
        Text { text: String::with_capacity(capacity), secret: false }
    }

    pub fn push_str(&mut self, piece: &str) {
        if self.secret && self.text.capacity() - self.text.len() < piece.len() {
            let wanted = self.text.len().saturating_add(piece.len()).max(self.text.capacity().saturating_mul(2));
            let mut bigger = String::with_capacity(wanted);
            bigger.push_str(&self.text);
            std::mem::replace(&mut self.text, bigger).wipe();
        }
        self.text.push_str(piece);
    }

    /// One ASCII character: JSON's punctuation, without a copy call.
    pub fn push_ascii(&mut self, c: u8) {
        let c = char::from(c & 0x7f);
        if self.secret && self.text.len() == self.text.capacity() {
            self.push_str(c.encode_utf8(&mut [0; 1]));
        } else {
            self.text.push(c);
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The text, for a holder that wipes it itself (a `Request`'s path).
    pub fn into_string(mut self) -> String {
        std::mem::take(&mut self.text)
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        if self.secret {
            self.text.wipe();
        }
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
    fn wiping_text_zeroes_its_own_buffer_and_empties_it() {
        let mut text = String::with_capacity(300);
        text.push_str("EAAGtök€n");
        let (at, len) = (text.as_ptr(), text.len());
        // In place: the same buffer, not a copy, every byte of it zero.
        let bytes = zeroed(text);
        assert_eq!((bytes.as_ptr(), bytes.as_slice()), (at, vec![0; len].as_slice()));
        let mut token = "x".repeat(200);
        token.wipe();
        assert_eq!((token.len(), token.capacity()), (0, 0));
    }

    #[test]
    fn secret_json_reads_as_its_value() {
        let value = SecretJson::new(json!({ "app_secret": "s3cret" }).ours());
        assert_eq!(value.get("app_secret"), Some(&json!("s3cret").ours()));
        assert_eq!(format!("{value:?}"), "SecretJson(<redacted>)");
    }

    #[test]
    fn text_grows_and_keeps_what_was_pushed() {
        for mut text in [Text::with_capacity(2), Text::plain(2)] {
            for piece in ["access_token=", "é✓", "", &"x".repeat(300)] {
                text.push_str(piece);
            }
            for c in *b"{}" {
                text.push_ascii(c);
            }
            assert_eq!(text.into_string(), format!("access_token=é✓{}{{}}", "x".repeat(300)));
        }
        assert_eq!(Text::with_capacity(0).into_string(), "");
    }

    #[test]
    fn json_text_grows_as_text_does() {
        let value = json!({ "access_token": "tök€n".repeat(100), "expires_in": 7200 });
        assert_eq!(crate::json::to_text(&value.ours()).into_string(), value.to_string());
    }
}
