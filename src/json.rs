//! JSON text in and out: the data every argument arrives as and every result
//! leaves as.
//!
//! Written for this crate instead of taken from serde_json because the API
//! module's size is one of its goals: serde_json and serde's derives were
//! about a tenth of it, and the crate needs little of them. Arguments reach
//! the core as text from `JSON.stringify`, results go back as text for
//! `JSON.parse`; so the reader follows RFC 8259 strictly and the writer
//! writes what `JSON.parse` reads, in serde_json's spelling (the tests hold
//! both to serde_json).

use zeroize::{Zeroize, Zeroizing};

use crate::proof::Decimal;
use crate::wipe::Text;

/// Deeper input is refused, as serde_json refused it: the reader recurses,
/// and a wasm stack is small.
pub const MAX_DEPTH: usize = 128;

#[derive(Clone, Debug, Default, PartialEq)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    Array(Vec<Value>),
    Object(Map),
}

/// A number as read: integers exactly, as far as 64 bits go; anything else as
/// the nearest `f64`, keeping its text so that writing it back gives the
/// number it was (no float formatting code needed).
#[derive(Clone, Debug, PartialEq)]
pub enum Number {
    Unsigned(u64),
    Negative(i64),
    Float(f64, Box<str>),
}

impl Number {
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Number::Unsigned(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Number::Unsigned(n) => i64::try_from(n).ok(),
            Number::Negative(n) => Some(n),
            Number::Float(..) => None,
        }
    }

    /// Always `Some`; an `Option` as in serde_json, whose callers this keeps.
    pub fn as_f64(&self) -> Option<f64> {
        Some(match *self {
            Number::Unsigned(n) => n as f64,
            Number::Negative(n) => n as f64,
            Number::Float(f, _) => f,
        })
    }
}

/// As written in the input (what a message quoting it shows).
impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Number::Unsigned(n) => n.fmt(f),
            Number::Negative(n) => n.fmt(f),
            Number::Float(_, text) => f.write_str(text),
        }
    }
}

/// Objects up to this many members are ordered by insertion.
const SMALL_OBJECT: usize = 32;

/// An object's members, ordered by key (as serde_json's default map orders
/// them, which diagnostics and written state follow); a repeated key keeps
/// its last value, as in `JSON.parse`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Map(Vec<(String, Value)>);

impl Map {
    fn from_members(mut members: Vec<(String, Value)>) -> Map {
        let mut unique: Vec<(String, Value)> = Vec::with_capacity(members.len());
        // Most objects here are small (a request, an exchange): each member is
        // put in place, with no allocation beyond the map's. Larger ones
        // (a directory, usage) are sorted first, not shifted quadratically.
        if members.len() <= SMALL_OBJECT {
            for member in members {
                match unique.binary_search_by(|m| m.0.cmp(&member.0)) {
                    Ok(at) => {
                        if let Some(same) = unique.get_mut(at) {
                            *same = member;
                        }
                    }
                    Err(at) => unique.insert(at, member),
                }
            }
            return Map(unique);
        }
        crate::sort::by(&mut members, |a, b| a.0.cmp(&b.0));
        for member in members {
            match unique.last_mut() {
                Some(last) if last.0 == member.0 => *last = member,
                _ => unique.push(member),
            }
        }
        Map(unique)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        let at = self.0.binary_search_by(|(k, _)| k.as_str().cmp(key)).ok()?;
        self.0.get(at).map(|(_, v)| v)
    }

    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.into_iter()
    }
}

impl<'m> IntoIterator for &'m Map {
    type Item = (&'m String, &'m Value);
    type IntoIter = std::iter::Map<std::slice::Iter<'m, (String, Value)>, fn(&(String, Value)) -> (&String, &Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Map {
    type Item = (String, Value);
    type IntoIter = std::vec::IntoIter<(String, Value)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Value {
    pub fn as_object(&self) -> Option<&Map> {
        match self {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.as_u64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Number(n) => n.as_i64(),
            _ => None,
        }
    }

    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// An object's member; `None` for anything else.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object()?.get(key)
    }
}

/// Reads one JSON value, with nothing but whitespace around it. The error
/// says what was wrong and at which byte.
pub fn parse(text: &str) -> Result<Value, String> {
    let mut reader = Reader { text, bytes: text.as_bytes(), at: 0, depth: 0 };
    let value = reader.value()?;
    reader.skip_space();
    match reader.peek() {
        None => Ok(value),
        Some(_) => Err(reader.error("unexpected text after the value")),
    }
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
}

impl<'t> Reader<'t> {
    fn error(&self, what: &str) -> String {
        format!("{what} at byte {}", self.at)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.at += 1;
        Some(b)
    }

    /// Steps over `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        self.at += usize::from(found);
        found
    }

    fn skip_space(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect_word(&mut self, word: &[u8], value: Value) -> Result<Value, String> {
        if self.bytes.get(self.at..self.at.saturating_add(word.len())) == Some(word) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected a value"))
        }
    }

    fn value(&mut self) -> Result<Value, String> {
        self.skip_space();
        match self.peek() {
            Some(b'n') => self.expect_word(b"null", Value::Null),
            Some(b't') => self.expect_word(b"true", Value::Bool(true)),
            Some(b'f') => self.expect_word(b"false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number().map(Value::Number),
            Some(open @ (b'[' | b'{')) => {
                if self.depth == MAX_DEPTH {
                    return Err(self.error(&format!("nested deeper than {MAX_DEPTH} levels")));
                }
                self.depth += 1;
                self.at += 1;
                let mut value = if open == b'[' { Value::Array(Vec::new()) } else { Value::Object(Map::default()) };
                let read = match &mut value {
                    Value::Array(items) => self.array(items),
                    Value::Object(map) => self.object(&mut map.0),
                    _ => Ok(()),
                };
                self.depth -= 1;
                match read {
                    Ok(()) => Ok(value),
                    // What was read may be part of a secret argument.
                    Err(e) => {
                        crate::wipe::wipe(&mut value);
                        Err(e)
                    }
                }
            }
            Some(_) => Err(self.error("expected a value")),
            None => Err(self.error("expected a value, found the end")),
        }
    }

    /// After `[`: the items, through `]`.
    fn array(&mut self, items: &mut Vec<Value>) -> Result<(), String> {
        self.skip_space();
        if self.eat(b']') {
            return Ok(());
        }
        loop {
            items.push(self.value()?);
            self.skip_space();
            if self.eat(b']') {
                return Ok(());
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `]`"));
            }
        }
    }

    /// After `{`: the members, through `}`, in the order written (the
    /// caller's map is not sorted until they are all read).
    fn object(&mut self, members: &mut Vec<(String, Value)>) -> Result<(), String> {
        self.skip_space();
        if self.eat(b'}') {
            return Ok(());
        }
        loop {
            self.skip_space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key (a string)"));
            }
            members.push((self.string()?, Value::Null));
            self.skip_space();
            if !self.eat(b':') {
                return Err(self.error("expected `:`"));
            }
            let value = self.value()?;
            if let Some(last) = members.last_mut() {
                last.1 = value;
            }
            self.skip_space();
            if self.eat(b'}') {
                *members = Map::from_members(std::mem::take(members)).0;
                return Ok(());
            }
            if !self.eat(b',') {
                return Err(self.error("expected `,` or `}`"));
            }
        }
    }

    /// At `"`: the string, through its closing quote.
    fn string(&mut self) -> Result<String, String> {
        self.at += 1;
        // Most strings hold no escape: one scan, one copy.
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        if let Some(end) = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20) {
            if rest.get(end) == Some(&b'"') {
                let start = self.at;
                self.at += end;
                let text = self.text(start)?;
                self.at += 1;
                return Ok(text.to_string());
            }
        }
        // Sized once, from the escaped length (escapes only shorten): a
        // string that grew would leave a copy of a secret in freed memory.
        let mut escaped = false;
        let length = self.bytes.get(self.at..).unwrap_or_default().iter().position(|&b| {
            let end = b == b'"' && !escaped;
            escaped = b == b'\\' && !escaped;
            end
        });
        let mut out = String::with_capacity(length.unwrap_or_default());
        let read = self.string_into(&mut out);
        match read {
            Ok(()) => Ok(out),
            Err(e) => {
                out.zeroize();
                Err(e)
            }
        }
    }

    fn string_into(&mut self, out: &mut String) -> Result<(), String> {
        let mut run = self.at;
        loop {
            let b = self.peek().ok_or_else(|| self.error("unterminated string"))?;
            if b == b'"' || b == b'\\' {
                out.push_str(self.text(run)?);
                self.at += 1;
                if b == b'"' {
                    return Ok(());
                }
                out.push(self.escape()?);
                run = self.at;
            } else if b < 0x20 {
                return Err(self.error("a control character in a string (it must be escaped)"));
            } else {
                self.at += 1;
            }
        }
    }

    /// The input from `start` to the current byte, which is ASCII: a char
    /// boundary of the `&str` the reader was given.
    fn text(&self, start: usize) -> Result<&'t str, String> {
        self.text.get(start..self.at).ok_or_else(|| self.error("a string cut inside a character"))
    }

    /// After a backslash: the character it stands for.
    fn escape(&mut self) -> Result<char, String> {
        Ok(match self.next() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if self.bytes.get(self.at..self.at.saturating_add(2)) != Some(b"\\u") {
                        return Err(self.error("a lone surrogate in a \\u escape"));
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.error("a lone surrogate in a \\u escape"));
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                char::from_u32(code).ok_or_else(|| self.error("a lone surrogate in a \\u escape"))?
            }
            _ => return Err(self.error("an unknown escape in a string")),
        })
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.next().and_then(|b| char::from(b).to_digit(16));
            code = code * 16 + digit.ok_or_else(|| self.error("a \\u escape needs four hex digits"))?;
        }
        Ok(code)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Result<Number, String> {
        let start = self.at;
        let negative = self.peek() == Some(b'-');
        if negative {
            self.at += 1;
        }
        let int_start = self.at;
        let int_digits = self.digits();
        if int_digits == 0 || (int_digits > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(self.error("a number needs digits, without leading zeros"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return Err(self.error("a number needs digits after its decimal point"));
            }
            float = true;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.error("a number needs digits in its exponent"));
            }
            float = true;
        }
        let text = self.bytes.get(start..self.at).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default();
        let int = self.bytes.get(int_start..int_start + int_digits).unwrap_or_default();
        if !float {
            // -0 has no integer to be: it stays the float it is in JavaScript.
            match (negative, decimal(int)) {
                (false, Some(n)) => return Ok(Number::Unsigned(n)),
                (true, Some(n)) if n != 0 && n <= 1 << 63 => return Ok(Number::Negative(0i64.wrapping_sub_unsigned(n))),
                _ => {}
            }
        }
        let value = float_of(text);
        if value.is_finite() {
            Ok(Number::Float(value, text.into()))
        } else {
            Err(self.error("a number out of the range of a double"))
        }
    }
}

/// ASCII digits as a u64, `None` if they overflow it.
fn decimal(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |n, d| n.checked_mul(10)?.checked_add(u64::from(d - b'0')))
}

/// A JSON number's text (already checked) as an `f64`. Exact when its
/// significant digits fit 2^53 and its power of ten is at most 22 (both
/// exact doubles, so one correctly rounded operation): every number
/// `JSON.stringify` writes for a time or a count. Otherwise within a few
/// units in the last place (about 1e-14 relative; serde_json was
/// within one or two); core's correctly rounded
/// parser brings 10 KB of tables for digits no input here depends on.
fn float_of(text: &str) -> f64 {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (text.get(..at).unwrap_or_default(), text.get(at + 1..).unwrap_or_default()),
        None => (text, "0"),
    };
    let negative = mantissa.starts_with('-');
    let mut significand: u64 = 0;
    let mut power: i64 = 0;
    let mut after_point = false;
    for b in mantissa.bytes() {
        match b {
            b'.' => after_point = true,
            b'0'..=b'9' => {
                match significand.checked_mul(10).and_then(|s| s.checked_add(u64::from(b - b'0'))) {
                    Some(s) => {
                        significand = s;
                        power -= i64::from(after_point);
                    }
                    // Digits past 19 only move the point.
                    None => power += i64::from(!after_point),
                }
            }
            _ => {}
        }
    }
    // An exponent too long for an i64 is far past either end of the range.
    let beyond = if exponent.starts_with('-') { i64::MIN / 2 } else { i64::MAX / 2 };
    let exponent: i64 = exponent.parse().unwrap_or(beyond);
    let power = power.saturating_add(exponent).clamp(-400, 400) as i32;
    let magnitude = if significand == 0 {
        0.0
    } else if power < -300 {
        // 10^-power itself would overflow: divided in two steps.
        significand as f64 / 10f64.powi(-power - 300) / 1e300
    } else if power < 0 {
        significand as f64 / 10f64.powi(-power)
    } else {
        significand as f64 * 10f64.powi(power)
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// What can be written as JSON. Results are written straight from the core's
/// types (no intermediate value), into a [`Text`], so that a result holding
/// a token leaves no unwiped copy behind.
pub trait ToJson {
    fn write_json(&self, out: &mut Text);
}

/// `value` as JSON text.
pub fn to_text<T: ToJson + ?Sized>(value: &T) -> Text {
    write_into(value, Text::plain(1024))
}

/// `to_text` for a result that holds a token: the text, and every buffer it
/// outgrew, is wiped.
pub fn to_wiped_text<T: ToJson + ?Sized>(value: &T) -> Text {
    write_into(value, Text::with_capacity(1024))
}

fn write_into<T: ToJson + ?Sized>(value: &T, mut out: Text) -> Text {
    value.write_json(&mut out);
    out
}

/// An object of these members, in this order. Members behind `dyn`: one
/// writer for every struct, each of which only lists its fields.
pub fn write_object(out: &mut Text, members: &[(&str, &dyn ToJson)]) {
    out.push_ascii(b'{');
    for (i, (key, value)) in members.iter().enumerate() {
        if i > 0 {
            out.push_ascii(b',');
        }
        key.write_json(out);
        out.push_ascii(b':');
        value.write_json(out);
    }
    out.push_ascii(b'}');
}

/// Members to write as an object where no type of their own is worth it.
pub struct Object<'a>(pub &'a [(&'a str, &'a dyn ToJson)]);

impl ToJson for Object<'_> {
    fn write_json(&self, out: &mut Text) {
        write_object(out, self.0);
    }
}

impl ToJson for str {
    fn write_json(&self, out: &mut Text) {
        out.push_ascii(b'"');
        let mut run = 0;
        for (i, b) in self.bytes().enumerate() {
            if b >= 0x20 && b != b'"' && b != b'\\' {
                continue;
            }
            let escaped = match b {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                b'\n' => "\\n",
                b'\r' => "\\r",
                b'\t' => "\\t",
                0x08 => "\\b",
                0x0c => "\\f",
                _ => "",
            };
            out.push_str(self.get(run..i).unwrap_or_default());
            if escaped.is_empty() {
                let hex = |n: u8| b"0123456789abcdef".get(usize::from(n)).copied().unwrap_or(b'0');
                let code = [b'\\', b'u', b'0', b'0', hex(b >> 4), hex(b & 0xf)];
                out.push_str(std::str::from_utf8(&code).unwrap_or_default());
            } else {
                out.push_str(escaped);
            }
            run = i + 1;
        }
        out.push_str(self.get(run..).unwrap_or_default());
        out.push_ascii(b'"');
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut Text) {
        self.as_str().write_json(out);
    }
}

impl ToJson for Zeroizing<String> {
    fn write_json(&self, out: &mut Text) {
        self.as_str().write_json(out);
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut Text) {
        (**self).write_json(out);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut Text) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Integers in decimal, without core's formatting machinery.
fn write_decimal(out: &mut Text, n: Decimal) {
    for &d in n.as_bytes() {
        out.push_ascii(d);
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut Text) {
        write_decimal(out, Decimal::unsigned(*self));
    }
}

impl ToJson for i64 {
    fn write_json(&self, out: &mut Text) {
        write_decimal(out, Decimal::new(*self));
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut Text) {
        u64::from(*self).write_json(out);
    }
}

impl ToJson for u16 {
    fn write_json(&self, out: &mut Text) {
        u64::from(*self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut Text) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut Text) {
        out.push_ascii(b'[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push_ascii(b',');
            }
            item.write_json(out);
        }
        out.push_ascii(b']');
    }
}

impl<T: ToJson, const N: usize> ToJson for [T; N] {
    fn write_json(&self, out: &mut Text) {
        self.as_slice().write_json(out);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut Text) {
        self.as_slice().write_json(out);
    }
}

impl ToJson for Number {
    fn write_json(&self, out: &mut Text) {
        match self {
            Number::Unsigned(n) => n.write_json(out),
            Number::Negative(n) => n.write_json(out),
            Number::Float(_, text) => out.push_str(text),
        }
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut Text) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            Value::Number(n) => n.write_json(out),
            Value::String(s) => s.write_json(out),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => {
                let members: Vec<(&str, &dyn ToJson)> = map.0.iter().map(|(k, v)| (k.as_str(), v as &dyn ToJson)).collect();
                write_object(out, &members);
            }
        }
    }
}

/// serde_json is the oracle the reader and writer are held to, and what
/// tests write their JSON with: `.ours()` hands it to the core.
#[cfg(test)]
impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Value {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Number::Unsigned(u),
                (None, Some(i)) => Number::Negative(i),
                (None, None) => Number::Float(n.as_f64().unwrap_or(f64::NAN), n.to_string().into()),
            }),
            serde_json::Value::String(s) => Value::String(s),
            serde_json::Value::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(map) => {
                Value::Object(Map::from_members(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect()))
            }
        }
    }
}

/// A test's serde_json value as the core reads it, converted without the
/// reader under test.
#[cfg(test)]
pub trait Ours {
    fn ours(&self) -> Value;
}

#[cfg(test)]
impl Ours for serde_json::Value {
    fn ours(&self) -> Value {
        Value::from(self.clone())
    }
}

/// What `JSON.parse` (here serde_json) reads in what the writer wrote.
#[cfg(test)]
pub fn to_serde<T: ToJson + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::from_str(to_text(value).as_str()).unwrap()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn serde_value() -> impl Strategy<Value = serde_json::Value> {
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::from),
            any::<u64>().prop_map(serde_json::Value::from),
            any::<i64>().prop_map(serde_json::Value::from),
            (-1e15f64..1e15).prop_map(serde_json::Value::from),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
            any::<String>().prop_map(serde_json::Value::from),
            "[\"\\\\\u{0}-\u{1f}a-z\u{7f}é✓\u{10348}]{0,12}".prop_map(serde_json::Value::from),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                prop::collection::vec(("[a-c\"\\\\é]{0,3}", inner), 0..6)
                    .prop_map(|members| serde_json::Value::Object(members.into_iter().collect())),
            ]
        })
    }

    /// Numbers compare by what they are; a float's value may differ from
    /// serde_json's (correctly rounded) reading in the last places only.
    fn same(ours: &Value, theirs: &serde_json::Value) -> bool {
        match (ours, theirs) {
            (Value::Number(Number::Float(f, _)), serde_json::Value::Number(n)) => {
                let t = n.as_f64().unwrap();
                n.as_u64().is_none() && n.as_i64().is_none() && (f == &t || ((f - t) / t).abs() < 1e-14)
            }
            (Value::Array(a), serde_json::Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same(x, y)),
            (Value::Object(a), serde_json::Value::Object(b)) => {
                a.iter().count() == b.len() && a.iter().zip(b).all(|((k, x), (l, y))| k == l && same(x, y))
            }
            _ => ours == &Value::from(theirs.clone()),
        }
    }

    proptest! {
        #[test]
        fn reads_what_serde_json_writes(v in serde_value(), pretty in any::<bool>()) {
            let text = if pretty { serde_json::to_string_pretty(&v).unwrap() } else { v.to_string() };
            let ours = parse(&text).unwrap();
            prop_assert!(same(&ours, &v), "{text}");
        }

        #[test]
        fn writes_what_serde_json_writes(v in serde_value()) {
            // Floats are written back as they were read, everything else
            // in the one spelling both writers use; keys in order.
            let text = v.to_string();
            prop_assert_eq!(to_text(&parse(&text).unwrap()).into_string(), text);
        }

        #[test]
        fn refuses_what_serde_json_refuses(text in "[\\[\\]{}\",:0-9eE.+\\-a-z\\\\ ]{0,24}") {
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            let ours = parse(&text);
            // serde_json reads numbers past a double's range as infinite
            // only with a feature; both refuse them here.
            prop_assert_eq!(ours.is_ok(), theirs.is_ok(), "{} {:?}", text, ours);
        }

        #[test]
        fn numbers_read_as_serde_json_reads_them(n in any::<f64>().prop_filter("finite", |f| f.is_finite()), int in any::<i64>()) {
            for text in [n.to_string(), format!("{n:e}"), int.to_string(), format!("{int}.0"), format!("{int}e0")] {
                let ours = parse(&text).unwrap();
                prop_assert!(same(&ours, &serde_json::from_str(&text).unwrap()), "{}", text);
            }
        }
    }

    #[test]
    fn times_and_counts_read_exactly() {
        // JSON.stringify's spelling of typical times: one rounding, correct.
        for (text, want) in [("1700000000.5", 1_700_000_000.5f64), ("0.1", 0.1), ("1e21", 1e21), ("-0", -0.0), ("1.7e9", 1.7e9)] {
            let Value::Number(Number::Float(f, written)) = parse(text).unwrap() else { panic!("{text}") };
            assert_eq!((f.to_bits(), &*written), (want.to_bits(), text));
        }
        assert_eq!(parse("18446744073709551615").unwrap().as_u64(), Some(u64::MAX));
        assert_eq!(parse("-9223372036854775808").unwrap().as_i64(), Some(i64::MIN));
        assert_eq!(parse("18446744073709551616").unwrap().as_u64(), None, "past u64: a float");
        assert_eq!(parse("7").unwrap().as_i64(), Some(7));
        assert_eq!(parse("-7").unwrap().as_u64(), None);
        assert_eq!(parse("7.0").unwrap().as_u64(), None, "as in serde_json: written as a float");
        for (text, want) in [("1e-99999999999999999999", 0.0), ("-1e-400", -0.0), ("123456789012345678901234567890", 1.2345678901234568e29)] {
            assert_eq!(parse(text).unwrap(), Value::Number(Number::Float(want, text.into())), "{text}");
        }
        assert!(parse("1e99999999999999999999").is_err());
    }

    #[test]
    fn nesting_is_bounded() {
        let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert!(parse(&nested(MAX_DEPTH)).is_ok());
        let err = parse(&nested(MAX_DEPTH + 1)).unwrap_err();
        assert_eq!(err, format!("nested deeper than {MAX_DEPTH} levels at byte {MAX_DEPTH}"));
        assert!(parse(&"{\"a\":".repeat(100_000)).is_err(), "no stack overflow");
    }

    #[test]
    fn errors_say_what_and_where() {
        for (text, want) in [
            ("", "expected a value, found the end at byte 0"),
            ("[1,]", "expected a value at byte 3"),
            ("{\"a\" 1}", "expected `:` at byte 5"),
            ("[1 2]", "expected `,` or `]` at byte 3"),
            ("{\"a\":1 \"b\"}", "expected `,` or `}` at byte 7"),
            ("{1:2}", "expected a key (a string) at byte 1"),
            ("\"ab", "unterminated string at byte 3"),
            ("\"a\nb\"", "a control character in a string (it must be escaped) at byte 2"),
            ("\"\\x\"", "an unknown escape in a string at byte 3"),
            ("\"\\u12\"", "a \\u escape needs four hex digits at byte 6"),
            ("\"\\ud800\"", "a lone surrogate in a \\u escape at byte 7"),
            ("\"\\ud800\\u0041\"", "a lone surrogate in a \\u escape at byte 13"),
            ("\"\\udc00\"", "a lone surrogate in a \\u escape at byte 7"),
            ("01", "a number needs digits, without leading zeros at byte 2"),
            ("1.", "a number needs digits after its decimal point at byte 2"),
            ("1e+", "a number needs digits in its exponent at byte 3"),
            ("1e400", "a number out of the range of a double at byte 5"),
            ("nul", "expected a value at byte 0"),
            ("1 2", "unexpected text after the value at byte 2"),
        ] {
            assert_eq!(parse(text).unwrap_err(), want, "{text:?}");
        }
    }

    #[test]
    fn strings_escape_as_serde_json_escapes_them() {
        let all: String = (0u8..0x80).map(char::from).chain("é✓\u{2028}\u{10348}".chars()).collect();
        let ours = to_text(all.as_str()).into_string();
        assert_eq!(ours, serde_json::to_string(&all).unwrap());
        assert_eq!(parse(&ours).unwrap(), Value::String(all));
        assert_eq!(parse("\"\\ud834\\udd1e \\/\"").unwrap(), Value::String("\u{1d11e} /".into()));
    }

    #[test]
    fn a_string_is_read_into_one_buffer() {
        let raw = format!("{}\\n\\\"\\u00e9{}", "s3cret".repeat(50), "x".repeat(300));
        let Value::String(s) = parse(&format!("\"{raw}\"")).unwrap() else { panic!() };
        assert_eq!(s, format!("{}\n\"é{}", "s3cret".repeat(50), "x".repeat(300)));
        assert_eq!(s.capacity(), raw.len(), "sized once from the escaped text, never grown");
    }

    #[test]
    fn a_repeated_key_keeps_its_last_value() {
        let v = parse("{\"b\":1,\"a\":2,\"b\":3}").unwrap();
        assert_eq!(v.get("b").and_then(Value::as_u64), Some(3));
        assert_eq!(v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>()), Some(vec!["a".to_string(), "b".to_string()]));
        assert_eq!(to_text(&v).into_string(), "{\"a\":2,\"b\":3}");
        // Past SMALL_OBJECT members the map is sorted rather than built in place: the same rules.
        let members: Vec<String> = (0..SMALL_OBJECT * 2).rev().map(|i| format!("\"k{i:03}\":{i}")).collect();
        let big = parse(&format!("{{{},\"k005\":-1}}", members.join(","))).unwrap();
        let map = big.as_object().unwrap();
        assert_eq!(map.iter().count(), SMALL_OBJECT * 2);
        assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b));
        assert_eq!(big.get("k005").and_then(Value::as_i64), Some(-1));
    }

    #[test]
    fn integers_write_at_their_edges() {
        for n in [0, 1, -1, 9, 10, -10, i64::MAX, i64::MIN] {
            assert_eq!(to_text(&n).into_string(), n.to_string());
        }
        assert_eq!(to_text(&u64::MAX).into_string(), u64::MAX.to_string());
        assert_eq!(to_text(&[Some(1u32), None]).into_string(), "[1,null]");
        assert_eq!(to_text(&Object(&[("a", &true), ("b", &"x")])).into_string(), "{\"a\":true,\"b\":\"x\"}");
    }
}
