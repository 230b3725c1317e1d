//! `application/x-www-form-urlencoded`: the one place that decodes query
//! strings and form bodies and encodes their components.
//!
//! Values in these strings are often tokens or proofs, so no error here ever
//! repeats input text: errors say which pair and which byte, never what it held.

use zeroize::{Zeroize, Zeroizing};

use crate::{Error, Result};

/// Splits `s` into decoded `(key, value)` pairs, in order, duplicates kept
/// (what a duplicate means is the caller's business).
///
/// A pair without `=` has an empty value; empty pairs (`&&`, a trailing `&`)
/// are skipped; `+` is a space and `%XX` a byte. A `%` not followed by two hex
/// digits, or bytes that do not form UTF-8, are an `invalid_argument` error.
pub fn parse(s: &str) -> Result<Vec<(String, String)>> {
    // Wiped if a later pair is refused: the values read so far may be tokens.
    let mut pairs = Zeroizing::new(Vec::new());
    for pair in raw_pairs(s) {
        pairs.push((pair.decoded_key()?, pair.decoded_value()?));
    }
    Ok(std::mem::take(&mut *pairs))
}

/// Encodes one key or value: the RFC 3986 unreserved characters
/// `A-Za-z0-9-._~` stay, every other UTF-8 byte becomes `%XX` (upper-case, as
/// RFC 3986 §2.1 recommends).
///
/// A space becomes `%20`, not `+`: `+` means a space only to form parsers,
/// while URL parsers (and the path part of a URL) keep it as a plus, so `%20`
/// is the one spelling that decodes to a space under both.
pub fn encode(s: &str) -> String {
    // Sized exactly: values are often tokens, and a buffer that grows leaves
    // its old copy behind in freed memory.
    let escaped = s.bytes().filter(|b| !is_unreserved(*b)).count();
    let mut out = String::with_capacity(s.len().saturating_add(escaped.saturating_mul(2)));
    // Runs of unreserved bytes are copied whole (a token is one run). A run
    // is ASCII, so it starts and ends on char boundaries: after an escaped
    // byte inside a character the run is empty.
    let mut run = 0;
    for (i, byte) in s.bytes().enumerate() {
        if is_unreserved(byte) {
            continue;
        }
        out.push_str(s.get(run..i).unwrap_or_default());
        let code = [b'%', hex_digit(byte >> 4).to_ascii_uppercase(), hex_digit(byte).to_ascii_uppercase()];
        out.push_str(std::str::from_utf8(&code).unwrap_or_default());
        run = i + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
    out
}

fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// The lower-case hex digit for the low four bits of `nibble`. Lower-case is
/// the one proofs use; `encode` upper-cases it.
pub(crate) fn hex_digit(nibble: u8) -> u8 {
    let n = nibble & 0x0f;
    if n < 10 {
        b'0' + n
    } else {
        b'a' + (n - 10)
    }
}

/// The value of a lower-case hex digit. Percent escapes accept either case,
/// so `decode` lower-cases first; proofs accept only this spelling.
pub(crate) fn lower_hex_value(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    }
}

/// One non-empty `key=value` piece of a form string, still encoded.
///
/// Kept raw so that a caller rewriting a query (see `proof::sign_url`) can
/// leave the pairs it does not touch exactly as they were written.
#[derive(Clone, Copy)]
pub(crate) struct RawPair<'a> {
    /// 1-based position among the `&`-separated pieces, empty ones included,
    /// so that it matches what a reader counts in the input.
    pub number: usize,
    /// Byte offset of the pair in the whole input.
    pub offset: usize,
    /// The pair as written.
    pub raw: &'a str,
    key: &'a str,
    value: &'a str,
}

impl RawPair<'_> {
    pub fn decoded_key(&self) -> Result<String> {
        decode(self.key, self.offset, "key", self.number)
    }

    pub fn decoded_value(&self) -> Result<String> {
        // The value starts after the key and its `=`.
        decode(
            self.value,
            self.offset + self.key.len() + 1,
            "value",
            self.number,
        )
    }
}

pub(crate) fn raw_pairs(s: &str) -> impl Iterator<Item = RawPair<'_>> {
    s.split('&')
        .scan(0usize, |offset, raw| {
            let start = *offset;
            *offset += raw.len() + 1;
            Some((start, raw))
        })
        .enumerate()
        .filter(|(_, (_, raw))| !raw.is_empty())
        .map(|(index, (offset, raw))| {
            let (key, value) = raw.split_once('=').unwrap_or((raw, ""));
            RawPair {
                number: index + 1,
                offset,
                raw,
                key,
                value,
            }
        })
}

/// Decodes one component; `offset` is where it starts in the whole input and
/// `part`/`number` say which component it is, for the error message.
fn decode(s: &str, offset: usize, part: &str, number: usize) -> Result<String> {
    // Never longer than `s`, so never reallocated; wiped if it is refused half-way.
    let mut bytes = Zeroizing::new(Vec::with_capacity(s.len()));
    let mut iter = s.bytes().enumerate();
    while let Some((i, byte)) = iter.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let hi = iter.next().and_then(|(_, c)| hex_value(c));
                let lo = iter.next().and_then(|(_, c)| hex_value(c));
                match (hi, lo) {
                    (Some(hi), Some(lo)) => bytes.push((hi << 4) | lo),
                    _ => {
                        return Err(Error::argument(format!(
                            "the {part} of pair {number} has a `%` at byte {} that is not \
                             followed by two hex digits",
                            offset + i
                        )))
                    }
                }
            }
            _ => bytes.push(byte),
        }
    }
    String::from_utf8(std::mem::take(&mut *bytes)).map_err(|refused| {
        refused.into_bytes().zeroize();
        Error::argument(format!(
            "the {part} of pair {number} (at byte {offset}) does not decode to UTF-8"
        ))
    })
}

fn hex_value(c: u8) -> Option<u8> {
    lower_hex_value(c.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn parses_pairs_in_order_with_duplicates() {
        assert_eq!(
            parse("a=1&b=2&a=3").unwrap(),
            pairs(&[("a", "1"), ("b", "2"), ("a", "3")])
        );
    }

    #[test]
    fn missing_equals_is_an_empty_value_and_only_the_first_equals_splits() {
        assert_eq!(
            parse("flag&k=a=b").unwrap(),
            pairs(&[("flag", ""), ("k", "a=b")])
        );
        assert_eq!(parse("=v").unwrap(), pairs(&[("", "v")]));
    }

    #[test]
    fn empty_pairs_are_skipped() {
        assert_eq!(parse("").unwrap(), pairs(&[]));
        assert_eq!(
            parse("&&a=1&&b=2&").unwrap(),
            pairs(&[("a", "1"), ("b", "2")])
        );
    }

    #[test]
    fn plus_is_space_and_escapes_decode_in_either_case() {
        assert_eq!(
            parse("q=a+b%20c%2b%2B&%C3%A9t%c3%a9=%E2%9C%93").unwrap(),
            pairs(&[("q", "a b c++"), ("été", "✓")])
        );
    }

    #[test]
    fn bad_escapes_are_refused_with_their_position() {
        for (input, byte) in [
            ("a=%", 2),
            ("a=%g1", 2),
            ("a=%4", 2),
            ("a=%4g", 2),
            ("x=1&k%=v", 5),
        ] {
            let err = parse(input).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidArgument, "{input}");
            assert!(
                err.message.contains(&format!("at byte {byte}")),
                "{input}: {}",
                err.message
            );
        }
        let err = parse("x=1&&k=%zz").unwrap_err();
        assert!(
            err.message.contains("the value of pair 3"),
            "{}",
            err.message
        );
        let err = parse("k%=v").unwrap_err();
        assert!(err.message.contains("the key of pair 1"), "{}", err.message);
    }

    #[test]
    fn escape_followed_by_a_multibyte_character_is_refused() {
        assert_eq!(parse("a=%é1").unwrap_err().code, ErrorCode::InvalidArgument);
    }

    #[test]
    fn invalid_utf8_is_refused() {
        for input in ["a=%FF", "a=%C3", "%80=1", "a=%ED%A0%80"] {
            let err = parse(input).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidArgument, "{input}");
            assert!(err.message.contains("UTF-8"), "{input}: {}", err.message);
        }
    }

    #[test]
    fn errors_never_repeat_the_value() {
        let secret = "EAAGsecretTOKENvalue";
        for input in [
            format!("access_token={secret}%"),
            format!("access_token={secret}%FF"),
        ] {
            let err = parse(&input).unwrap_err();
            assert!(!err.message.contains(secret), "{}", err.message);
            assert!(!err.to_string().contains(secret));
        }
    }

    #[test]
    fn encode_keeps_only_unreserved_characters() {
        assert_eq!(encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(
            encode("a b+c&d=e%f/g?h#i"),
            "a%20b%2Bc%26d%3De%25f%2Fg%3Fh%23i"
        );
        assert_eq!(encode("é✓"), "%C3%A9%E2%9C%93");
        assert_eq!(encode(""), "");
    }

    #[test]
    fn hex_digits_cover_every_nibble() {
        let digits: String = (0u8..16).map(|n| char::from(hex_digit(n))).collect();
        assert_eq!(digits, "0123456789abcdef");
        assert_eq!(hex_digit(0xf3), b'3', "only the low four bits count");
        for (n, c) in digits.bytes().enumerate() {
            assert_eq!(lower_hex_value(c), Some(n as u8));
        }
        for c in [b'A', b'F', b'g', b'/', b':', b'`', b' '] {
            assert_eq!(lower_hex_value(c), None, "{}", char::from(c));
        }
    }

    proptest! {
        #[test]
        fn parse_inverts_encode(key in any::<String>(), value in any::<String>(),
                                tricky in "[&=%+ a-zé✓]{0,12}") {
            prop_assert_eq!(
                parse(&format!("k={}", encode(&value))).unwrap(),
                vec![("k".to_string(), value.clone())]
            );
            let input = format!("{}={}&t={}", encode(&key), encode(&value), encode(&tricky));
            prop_assert_eq!(parse(&input).unwrap(), vec![(key, value), ("t".to_string(), tricky)]);
        }

        #[test]
        fn encode_emits_only_unreserved_and_upper_case_escapes(s in any::<String>()) {
            let encoded = encode(&s);
            let mut bytes = encoded.bytes();
            while let Some(b) = bytes.next() {
                if b == b'%' {
                    for _ in 0..2 {
                        let h = bytes.next().unwrap();
                        prop_assert!(h.is_ascii_digit() || (b'A'..=b'F').contains(&h));
                    }
                } else {
                    prop_assert!(b.is_ascii_alphanumeric() || b"-._~".contains(&b));
                }
            }
        }

        #[test]
        fn parse_never_panics_and_fails_only_with_invalid_argument(s in any::<String>()) {
            if let Err(err) = parse(&s) {
                prop_assert_eq!(err.code, ErrorCode::InvalidArgument);
            }
        }
    }
}
