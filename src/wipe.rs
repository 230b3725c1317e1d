//! Wiping what held a secret once it is dropped (SECURITY.md, promise 6).
//!
//! `Zeroizing` covers a single `String`; this module covers the two shapes
//! secrets also travel in: JSON values read from an argument (credentials, a
//! request, an exchange), and text written piece by piece (a signed URL, a
//! query string, a serialized token). A `String` that grows leaves its old
//! buffer behind in freed memory, unwiped; `Text` never lets that happen.

use std::fmt;
use std::ops::Deref;

use serde::Serialize;
use serde_json::Value;
use zeroize::{Zeroize, Zeroizing};

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

fn wipe(value: &mut Value) {
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
/// on drop. Bytes, so that serde_json can write into it too.
pub struct Text(Zeroizing<Vec<u8>>);

impl Text {
    pub fn with_capacity(capacity: usize) -> Text {
        Text(Zeroizing::new(Vec::with_capacity(capacity)))
    }

    pub fn push_str(&mut self, piece: &str) {
        self.push(piece.as_bytes());
    }

    fn push(&mut self, piece: &[u8]) {
        if self.0.capacity() - self.0.len() < piece.len() {
            let wanted = self.0.len().saturating_add(piece.len()).max(self.0.capacity().saturating_mul(2));
            let mut bigger = Zeroizing::new(Vec::with_capacity(wanted));
            bigger.extend_from_slice(&self.0);
            // The old buffer is dropped here, through `Zeroizing`: wiped.
            self.0 = bigger;
        }
        self.0.extend_from_slice(piece);
    }

    /// The text, taken over without a copy; `None` (and wiped) if it is not
    /// UTF-8, which only bytes from elsewhere than `push_str` can make it.
    fn into_utf8(mut self) -> Option<String> {
        String::from_utf8(std::mem::take(&mut *self.0)).map_err(|refused| refused.into_bytes().zeroize()).ok()
    }

    /// The text, for a holder that wipes it itself (a `Request`'s path).
    pub fn into_string(self) -> String {
        self.into_utf8().unwrap_or_default()
    }
}

impl std::io::Write for Text {
    fn write(&mut self, piece: &[u8]) -> std::io::Result<usize> {
        self.push(piece);
        Ok(piece.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `value` as JSON text that leaves no unwiped copy behind, for outputs that
/// hand a token over. `None` if it cannot be serialized.
pub fn to_json<T: Serialize>(value: &T) -> Option<Zeroizing<String>> {
    let mut out = Text::with_capacity(256);
    serde_json::to_writer(&mut out, value).ok()?;
    out.into_utf8().map(Zeroizing::new)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn wipe_empties_strings_and_takes_maps_apart() {
        let mut value = json!(["s3cret", { "app_secret": "s3cret" }, ["raw", 5, null, true]]);
        wipe(&mut value);
        assert_eq!(value, json!(["", {}, ["", 5, null, true]]));
    }

    #[test]
    fn secret_json_reads_as_its_value() {
        let value = SecretJson::new(json!({ "app_secret": "s3cret" }));
        assert_eq!(value.get("app_secret"), Some(&json!("s3cret")));
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
        let mut half = Text::with_capacity(0);
        std::io::Write::write_all(&mut half, &"é".as_bytes()[..1]).unwrap();
        assert_eq!(half.into_utf8(), None);
    }

    #[test]
    fn to_json_is_serde_json() {
        let value = json!({ "access_token": "tök€n".repeat(100), "expires_in": 7200 });
        assert_eq!(to_json(&value).as_deref().map(String::as_str), Some(value.to_string().as_str()));
    }
}
