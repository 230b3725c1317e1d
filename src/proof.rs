//! App secret proofs (SPEC §4).
//!
//! `appsecret_proof = lowercase hex(HMAC-SHA256(key = app_secret,
//! message = access_token + "|" + appsecret_time))`, with `appsecret_time` an
//! integer count of Unix seconds. The platform treats a proof as expired after
//! five minutes, so a proof also bounds how long a leaked token-and-proof pair
//! can be replayed.

use std::fmt;

use zeroize::Zeroizing;

use crate::form;
use crate::mac::{same_bytes, Chain, Hasher, Key};
use crate::json::{write_object, ToJson};
use crate::wipe::Text;
use crate::{DenyReason, Error, Result};

/// How old a proof may be: "considered expired after 5 minutes" (seed).
pub const MAX_AGE_SECONDS: i64 = 300;

/// The last second of year 9999. Anything later is far more likely a
/// millisecond timestamp (`Date.now()`, ~1.7e12) passed as seconds, which
/// would sign a proof the platform rejects with no hint why.
const MAX_SECONDS: f64 = 253_402_300_799.0;

/// `Number.MAX_SAFE_INTEGER` (2^53 - 1). Above it an `f64` no longer tells
/// neighbouring integers apart, so a received number there may be a rounded
/// other time; the JavaScript notion of "integer" (`Number.isSafeInteger`)
/// stops here too.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Decimal digits a textual `appsecret_time` may have: enough for any time a
/// JS `Date` holds (13 digits) with room, few enough to always fit an `i64`.
const MAX_TIME_DIGITS: usize = 16;

/// The query keys `sign_url` sets. Earlier occurrences are dropped so the
/// signed URL carries exactly one of each: with duplicates, which one a server
/// reads (first or last) would decide what is checked.
const SIGNED_KEYS: [&str; 3] = ["access_token", "appsecret_proof", "appsecret_time"];

/// A proof and the time it was made for, as sent to the Graph API.
/// Not a secret: it travels in the query string next to the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub appsecret_proof: String,
    pub appsecret_time: i64,
}

impl ToJson for Proof {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("appsecret_proof", &self.appsecret_proof), ("appsecret_time", &self.appsecret_time)]);
    }
}

/// Makes and checks proofs for one app secret. The HMAC key schedule is done
/// once in `new`; each proof continues from the keyed chains.
#[derive(Clone)]
pub struct ProofSigner {
    key: Key,
}

impl fmt::Debug for ProofSigner {
    // The keyed HMAC state is as good as the secret for forging proofs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProofSigner").finish_non_exhaustive()
    }
}

/// A signer with one access token and its `|` already absorbed: a client
/// signs many calls with the same token, and each proof then hashes only
/// its time (the token's full 64-byte blocks are done once). It holds the
/// token's last partial block, wiped when it drops, on the heap: moving the
/// signer (into a cache, say) then moves a pointer, not a copy of the block
/// that nothing would wipe.
#[derive(Clone)]
pub struct TokenSigner {
    key: Key,
    inner: Box<Hasher>,
}

impl fmt::Debug for TokenSigner {
    // Holds the keyed state and the token: as good as both for forging.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSigner").finish_non_exhaustive()
    }
}

impl TokenSigner {
    pub fn proof(&self, time: i64) -> Proof {
        let mut hex = [0u8; 64];
        self.proof_hex(time, &mut hex);
        Proof { appsecret_proof: hex.iter().map(|&b| char::from(b)).collect(), appsecret_time: time }
    }

    /// Step 7 of [`ProofSigner::verify`], for a signer of `received`'s token.
    pub fn verify(&self, received: &Received<'_>) -> std::result::Result<(), DenyReason> {
        // Compared in constant time: how long a wrong proof takes to refuse
        // says nothing about how many of its bytes were right.
        same_bytes(&self.tag(received.time), &received.tag).then_some(()).ok_or(DenyReason::ProofMismatch)
    }

    /// The proof for `time` as 64 lower-case hex digits, written into `out`.
    pub fn proof_hex(&self, time: i64, out: &mut [u8; 64]) {
        hex_into(&self.tag(time), out);
    }

    fn tag(&self, time: i64) -> [u8; 32] {
        let mut inner = Hasher::clone(&self.inner);
        inner.update(Decimal::new(time).as_bytes());
        self.key.tag(&mut inner)
    }
}

/// A token's whole 64-byte blocks absorbed into a signer's inner chain, and
/// how much of the token that is: what a caller that keeps the token itself
/// (js/fast.mjs) keeps in wasm memory between proofs. A chain holds no byte
/// of the token; each proof passes the rest (fewer than 64 bytes).
pub struct TokenPrefix {
    chain: Chain,
    /// Bytes of the token absorbed, a multiple of 64 that falls on a char boundary.
    pub bytes: usize,
}

/// An integer written in decimal on the stack: proofs hash their time as
/// text, and a heap string per proof is measurable; JSON results write
/// their integers with it too (`json.rs`), and `ip::Shown` its octets and
/// prefix lengths, without core's formatting.
pub(crate) struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(n: i64) -> Decimal {
        Decimal::written(n < 0, n.unsigned_abs())
    }

    pub(crate) fn unsigned(n: u64) -> Decimal {
        Decimal::written(false, n)
    }

    /// 20 bytes hold either a u64's digits or an i64's 19 and its sign.
    fn written(negative: bool, magnitude: u64) -> Decimal {
        let mut digits = [0u8; 20];
        let mut start = digits.len();
        let mut rest = magnitude;
        loop {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                // A remainder of 10 fits a digit; the cast cannot truncate.
                *d = b'0' + (rest % 10) as u8;
            }
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if negative {
            start -= 1;
            if let Some(d) = digits.get_mut(start) {
                *d = b'-';
            }
        }
        Decimal { digits, start }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or_default()
    }
}

/// The proof-related parameters of a request, as received: any may be absent.
/// No `Debug`: it holds the raw token.
#[derive(Clone, Copy)]
pub struct ProofParams<'a> {
    pub access_token: Option<&'a str>,
    pub appsecret_proof: Option<&'a str>,
    pub appsecret_time: Option<TimeValue<'a>>,
}

/// `appsecret_time` as received: a JSON/JS number, a string (query parameters
/// are strings), or anything else (a bool, object or array), which is malformed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum TimeValue<'a> {
    Number(f64),
    Text(&'a str),
    Other,
}

/// When "now" is and how far a proof's time may stray from it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    pub now: i64,
    /// A proof exactly this many seconds old is still valid.
    pub max_age_seconds: i64,
    /// How far in the future a proof's time may be, for clocks running ahead.
    pub max_skew_seconds: i64,
}

impl VerifyOptions {
    /// The platform's window: 300 s of age, no future times.
    pub fn at(now: i64) -> VerifyOptions {
        VerifyOptions {
            now,
            max_age_seconds: MAX_AGE_SECONDS,
            max_skew_seconds: 0,
        }
    }

    /// A custom window. A negative bound is refused: it describes no window a
    /// caller means (a negative age refuses every proof, a negative skew
    /// refuses a proof made this very second).
    pub fn new(now: i64, max_age_seconds: i64, max_skew_seconds: i64) -> Result<VerifyOptions> {
        for (name, value) in [
            ("max_age_seconds", max_age_seconds),
            ("max_skew_seconds", max_skew_seconds),
        ] {
            if value < 0 {
                return Err(Error::argument(format!(
                    "`{name}` must be zero or more seconds, got {value}"
                )));
            }
        }
        Ok(VerifyOptions {
            now,
            max_age_seconds,
            max_skew_seconds,
        })
    }
}

impl ProofSigner {
    pub fn new(app_secret: &str) -> ProofSigner {
        ProofSigner { key: Key::new(app_secret.as_bytes()) }
    }

    pub fn proof(&self, access_token: &str, time: i64) -> Proof {
        self.for_token(access_token).proof(time)
    }

    /// This signer with `access_token|` absorbed, for many proofs of one token.
    pub fn for_token(&self, access_token: &str) -> TokenSigner {
        let mut inner = Box::new(self.key.inner().hasher());
        inner.update(access_token.as_bytes());
        inner.update(b"|");
        TokenSigner { key: self.key.clone(), inner }
    }

    /// The whole blocks of `access_token` absorbed, for [`ProofSigner::proof_after`].
    pub fn token_prefix(&self, access_token: &str) -> TokenPrefix {
        let whole = access_token.len() - access_token.len() % 64;
        // A cut inside a UTF-8 sequence could not be matched by the caller's
        // own slice of the token: step back a block at a time until it is not.
        let bytes = (0..=whole / 64).rev().map(|n| n * 64).find(|&n| access_token.is_char_boundary(n)).unwrap_or(0);
        let mut chain = self.key.inner().clone();
        chain.absorb(access_token.as_bytes().get(..bytes).unwrap_or_default());
        TokenPrefix { chain, bytes }
    }

    /// The proof (64 lower-case hex digits) for the token `prefix` began,
    /// whose remaining bytes are `rest`, at `time`.
    pub fn proof_after(&self, prefix: &TokenPrefix, rest: &str, time: i64) -> String {
        let mut inner = prefix.chain.hasher();
        inner.update(rest.as_bytes());
        inner.update(b"|");
        inner.update(Decimal::new(time).as_bytes());
        hex_lower(&self.key.tag(&mut inner))
    }

    /// The classic proof without a time, `hex(HMAC(app_secret, access_token))`.
    /// It never expires, so `verify` does not accept it.
    pub fn legacy(&self, access_token: &str) -> String {
        hex_lower(&self.key.mac(access_token.as_bytes()))
    }

    /// Checks a received proof. The first failing step decides:
    ///
    /// 1. no (or an empty) access token: `TokenMissing`;
    /// 2. no (or an empty) proof or time: `ProofMissing`;
    /// 3. the proof is not 64 lower-case hex digits: `ProofMalformed`;
    /// 4. the time is not an integer in its one decimal spelling: `ProofMalformed`;
    /// 5. the time is more than `max_skew_seconds` ahead of `now`: `ProofFuture`;
    /// 6. the time is more than `max_age_seconds` behind `now`: `ProofExpired`;
    /// 7. the HMAC differs: `ProofMismatch`.
    ///
    /// Shape comes before freshness and freshness before the HMAC so that
    /// each reason is exact (an expired proof is reported as expired whether
    /// or not it was also forged) and so that the secret-dependent step runs
    /// only on well-formed, current input. Empty strings count as missing:
    /// that is what `?appsecret_proof=` gives after query parsing.
    pub fn verify(
        &self,
        params: &ProofParams<'_>,
        opts: &VerifyOptions,
    ) -> std::result::Result<(), DenyReason> {
        let received = Received::checked(params, opts)?;
        self.for_token(received.access_token).verify(&received)
    }
}

/// A proof that passed every check but the HMAC: well-formed, and fresh at
/// the verifier's `now` (steps 1 to 6 of [`ProofSigner::verify`]).
pub struct Received<'a> {
    pub access_token: &'a str,
    tag: [u8; 32],
    time: i64,
}

impl<'a> Received<'a> {
    pub fn checked(params: &ProofParams<'a>, opts: &VerifyOptions) -> std::result::Result<Received<'a>, DenyReason> {
        let token = params
            .access_token
            .filter(|t| !t.is_empty())
            .ok_or(DenyReason::TokenMissing)?;
        let proof = params.appsecret_proof.filter(|p| !p.is_empty());
        let time = params.appsecret_time.filter(|t| *t != TimeValue::Text(""));
        let (Some(proof), Some(time)) = (proof, time) else {
            return Err(DenyReason::ProofMissing);
        };
        let tag = decode_proof(proof).ok_or(DenyReason::ProofMalformed)?;
        let time = time.seconds().ok_or(DenyReason::ProofMalformed)?;

        // i128 holds every difference of two i64 exactly: no overflow or
        // saturation can move an extreme time into the window.
        let ahead = i128::from(time) - i128::from(opts.now);
        if ahead > i128::from(opts.max_skew_seconds) {
            return Err(DenyReason::ProofFuture);
        }
        if -ahead > i128::from(opts.max_age_seconds) {
            return Err(DenyReason::ProofExpired);
        }
        Ok(Received { access_token: token, tag, time })
    }
}

/// The proof for `access_token` at `time` (Unix seconds).
pub fn appsecret_proof(access_token: &str, app_secret: &str, time: i64) -> Proof {
    ProofSigner::new(app_secret).proof(access_token, time)
}

/// The classic proof without a time; see `ProofSigner::legacy`.
pub fn legacy_appsecret_proof(access_token: &str, app_secret: &str) -> String {
    ProofSigner::new(app_secret).legacy(access_token)
}

/// [`seconds_from_f64`] for the argument `what`, whose name begins the message.
pub fn seconds_of(t: f64, what: &str) -> Result<i64> {
    seconds_from_f64(t).map_err(|e| Error::time(format!("{what}: {}", e.message)))
}

/// Whole Unix seconds from a JavaScript number of seconds. Fractions are
/// floored, as the seed asks ("Some Operating Systems ... return a timestamp
/// that is a float. Be sure to convert to an integer value").
pub fn seconds_from_f64(t: f64) -> Result<i64> {
    if t.is_nan() {
        return Err(Error::time(
            "NaN is not a time; expected a number of Unix seconds",
        ));
    }
    if t.is_infinite() {
        return Err(Error::time(
            "an infinite number is not a time; expected a finite number of Unix seconds",
        ));
    }
    if t < 0.0 {
        // A whole number is shown (a sign slip, usually); a fraction is not:
        // float formatting, core's or serde_json's, would be a tenth of the
        // signer module for this one message.
        let mut message: String = if t.fract() == 0.0 && t > -MAX_SAFE_INTEGER {
            Decimal::new(t as i64).as_bytes().iter().map(|&b| char::from(b)).collect()
        } else {
            "a fraction below zero".into()
        };
        message.push_str(" is negative; expected Unix seconds since 1970");
        return Err(Error::time(message));
    }
    let t = t.floor();
    if t > MAX_SECONDS {
        return Err(Error::time(
            "a time after the year 9999 is almost surely milliseconds; pass Unix seconds (divide Date.now() by 1000)",
        ));
    }
    // Floored, in range and finite, so the cast is exact.
    Ok(t as i64)
}

/// `url` with `access_token`, `appsecret_proof` and `appsecret_time` set in
/// its query string: earlier occurrences of those keys are removed, other
/// parameters are kept as written and in order, a `#fragment` stays last.
/// Works on absolute and relative URLs alike.
pub fn sign_url(url: &str, access_token: &str, signer: &ProofSigner, time: i64) -> Result<Zeroizing<String>> {
    if url.is_empty() {
        return Err(Error::argument("`url` is empty"));
    }
    // A raw space or control character means the URL was never encoded, and
    // different parsers split such a URL differently.
    if let Some((at, _)) = url
        .char_indices()
        .find(|(_, c)| c.is_whitespace() || c.is_control())
    {
        return Err(Error::argument(format!(
            "`url` has whitespace or a control character at byte {at}; percent-encode it"
        )));
    }
    if access_token.is_empty() {
        return Err(Error::argument("`access_token` is empty"));
    }
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let (base, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));

    // The URL holds the token (and maybe an earlier one): written as `Text`.
    let mut signed = Text::with_capacity(url.len().saturating_add(access_token.len().saturating_mul(3)).saturating_add(128));
    signed.push_str(base);
    let mut separator = "?";
    for pair in form::raw_pairs(query) {
        // Keys are compared decoded: `access%5Ftoken` is `access_token` to a server.
        let key = pair
            .decoded_key()
            .map_err(|e| Error::argument(format!("in the query string of `url`: {}", e.message)))?;
        if !SIGNED_KEYS.contains(&key.as_str()) {
            signed.push_str(separator);
            signed.push_str(pair.raw);
            separator = "&";
        }
    }
    let proof = signer.proof(access_token, time);
    let time = proof.appsecret_time.to_string();
    let token = Zeroizing::new(form::encode(access_token));
    for (key, value) in SIGNED_KEYS.iter().zip([token.as_str(), proof.appsecret_proof.as_str(), time.as_str()]) {
        for piece in [separator, key, "=", value] {
            signed.push_str(piece);
        }
        separator = "&";
    }
    if let Some(fragment) = fragment {
        signed.push_str("#");
        signed.push_str(fragment);
    }
    Ok(Zeroizing::new(signed.into_string()))
}

impl TimeValue<'_> {
    /// The integer this time denotes, if it is one.
    fn seconds(self) -> Option<i64> {
        match self {
            TimeValue::Number(t) => {
                (t.is_finite() && t.fract() == 0.0 && t.abs() <= MAX_SAFE_INTEGER)
                    .then_some(t as i64)
            }
            // Exactly the canonical decimal, `0` or `-?[1-9][0-9]{0,15}`: the
            // HMAC covers the value, so every other spelling (`+1`, `01`,
            // `-0`) would be a second spelling of one signed proof, which a
            // replay filter keyed on the parameters would not recognise.
            TimeValue::Text(s) => {
                let digits = s.strip_prefix('-').unwrap_or(s);
                let canonical = s == "0" || !digits.starts_with('0');
                let well_formed = canonical
                    && (1..=MAX_TIME_DIGITS).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit());
                if well_formed {
                    s.parse().ok()
                } else {
                    None
                }
            }
            TimeValue::Other => None,
        }
    }
}

/// The 32 bytes of a proof written as exactly 64 lower-case hex digits.
///
/// Upper-case hex is refused: the platform and every generator in the seed
/// emit lower-case, and accepting a second spelling of the same proof would
/// let a captured proof be replayed in a form a replay filter keyed on the
/// proof string has not seen.
fn decode_proof(proof: &str) -> Option<[u8; 32]> {
    let digits = proof.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut tag = [0u8; 32];
    for (byte, pair) in tag.iter_mut().zip(digits.chunks_exact(2)) {
        let [hi, lo] = pair else { return None };
        *byte = (form::lower_hex_value(*hi)? << 4) | form::lower_hex_value(*lo)?;
    }
    Some(tag)
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex_lower(bytes: &[u8]) -> String {
    bytes
        .iter()
        .flat_map(|&b| [b >> 4, b])
        .map(|nibble| char::from(form::hex_digit(nibble)))
        .collect()
}

fn hex_into(bytes: &[u8], out: &mut [u8; 64]) {
    for (pair, &b) in out.chunks_exact_mut(2).zip(bytes) {
        if let [hi, lo] = pair {
            *hi = form::hex_digit(b >> 4);
            *lo = form::hex_digit(b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorCode;
    use proptest::prelude::*;

    const SECRET: &str = "6b9a2c4e8f0d1b3a5c7e9f1a2b3c4d5e";
    const TOKEN: &str = "DQVJzX2ExYmMyZGVmZ2hpamtsbW5vcA";
    const TIME: i64 = 1_700_000_000;
    // Computed independently with Node.js 20 (OpenSSL's HMAC):
    // node -e "console.log(require('crypto').createHmac('sha256', SECRET).update(TOKEN+'|'+TIME).digest('hex'))"
    const PROOF: &str = "4f560b4cf9cfdca0461e46d051f7f205fd3ade9b4aebf277ef20263b96981bbc";

    fn hmac_hex(key: &[u8], data: &[u8]) -> String {
        hex_lower(&Key::new(key).mac(data))
    }

    fn params<'a>(token: &'a str, proof: &'a str, time: TimeValue<'a>) -> ProofParams<'a> {
        ProofParams {
            access_token: Some(token),
            appsecret_proof: Some(proof),
            appsecret_time: Some(time),
        }
    }

    fn verify_at(
        proof: &str,
        time: TimeValue<'_>,
        opts: VerifyOptions,
    ) -> std::result::Result<(), DenyReason> {
        ProofSigner::new(SECRET).verify(&params(TOKEN, proof, time), &opts)
    }

    #[test]
    fn hex_is_lower_case_two_digits_per_byte() {
        assert_eq!(
            hex_lower(&[0x00, 0x0f, 0xf0, 0xff, 0xab, 0x5c]),
            "000ff0ffab5c"
        );
        assert_eq!(hex_lower(&[]), "");
        assert_eq!(decode_proof(&hex_lower(&[0xa5; 32])), Some([0xa5; 32]));
    }

    #[test]
    fn proof_matches_node() {
        assert_eq!(
            appsecret_proof(TOKEN, SECRET, TIME),
            Proof {
                appsecret_proof: PROOF.to_string(),
                appsecret_time: TIME
            }
        );
        // Same tool: createHmac('sha256', 'sécret✓').update('tök€n|1'), strings as UTF-8.
        assert_eq!(
            appsecret_proof("tök€n", "sécret✓", 1).appsecret_proof,
            "44d1406b18ee0980b368d15d10169c503b012eb0b9e71614c71ce83288c5f8c5"
        );
        // Same tool: createHmac('sha256', 'k'.repeat(100)).update('t|0'): a secret longer than a block.
        assert_eq!(
            ProofSigner::new(&"k".repeat(100))
                .proof("t", 0)
                .appsecret_proof,
            "87813224f299e7ea465976f523a55548fecb391524204892ef70d8d9321e4d13"
        );
    }

    #[test]
    fn legacy_proof_matches_node() {
        // node -e "console.log(require('crypto').createHmac('sha256', SECRET).update(TOKEN).digest('hex'))"
        assert_eq!(
            legacy_appsecret_proof(TOKEN, SECRET),
            "3a7232e881de3258c676d1ff6f22123afd6f47cef83aa3b65b8d7c0ea5c25d98"
        );
        assert_eq!(
            ProofSigner::new("sécret✓").legacy("tök€n"),
            "e7bbf6c14212425fc0cc55eb6db439eb0a33135da2b30012b96bf0b7ed5ef9ce"
        );
    }

    #[test]
    fn a_signer_is_reusable() {
        let signer = ProofSigner::new(SECRET);
        let first = signer.proof(TOKEN, TIME);
        signer.proof("other", 5);
        assert_eq!(signer.proof(TOKEN, TIME), first);
        assert_eq!(signer.clone().legacy(TOKEN), signer.legacy(TOKEN));
    }

    fn after_prefix(signer: &ProofSigner, token: &str, time: i64) -> (TokenPrefix, String) {
        let prefix = signer.token_prefix(token);
        let hex = signer.proof_after(&prefix, token.get(prefix.bytes..).unwrap(), time);
        (prefix, hex)
    }

    #[test]
    fn a_token_prefix_signs_as_the_whole_token() {
        let signer = ProofSigner::new(SECRET);
        let (prefix, hex) = after_prefix(&signer, TOKEN, TIME);
        assert_eq!((prefix.bytes, hex.as_str()), (0, PROOF));
        for len in [63, 64, 65, 127, 128, 200, 1000] {
            let token: String = (0..len).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
            let (prefix, hex) = after_prefix(&signer, &token, TIME);
            assert_eq!(prefix.bytes, len - len % 64, "length {len}");
            assert_eq!(hex, signer.proof(&token, TIME).appsecret_proof, "length {len}");
        }
        // `€` is 3 bytes: at 63..66 it straddles the block boundary at 64, and
        // the cut steps back a block; later in the token it is absorbed whole.
        for (token, bytes) in [
            (format!("{}€{}", "a".repeat(63), "b".repeat(10)), 0),
            (format!("{}€{}", "a".repeat(127), "b".repeat(10)), 64),
            (format!("{}€{}", "a".repeat(63), "b".repeat(100)), 128),
        ] {
            let (prefix, hex) = after_prefix(&signer, &token, TIME);
            assert_eq!(prefix.bytes, bytes, "{token}");
            assert_eq!(hex, signer.proof(&token, TIME).appsecret_proof, "{token}");
        }
    }

    #[test]
    fn proof_serializes_with_the_wire_names() {
        let json = crate::json::to_serde(&appsecret_proof(TOKEN, SECRET, TIME));
        assert_eq!(
            json,
            serde_json::json!({ "appsecret_proof": PROOF, "appsecret_time": TIME })
        );
    }

    #[test]
    fn debug_of_a_signer_shows_no_key_material() {
        let signer = ProofSigner::new(SECRET);
        assert_eq!(format!("{signer:?}"), "ProofSigner { .. }");
        assert_eq!(format!("{signer:#?}"), "ProofSigner { .. }");
    }

    #[test]
    fn seconds_from_f64_floors_in_range_numbers() {
        assert_eq!(seconds_from_f64(1_700_000_000.9).unwrap(), 1_700_000_000);
        assert_eq!(seconds_from_f64(0.0).unwrap(), 0);
        assert_eq!(seconds_from_f64(-0.0).unwrap(), 0);
        assert_eq!(seconds_from_f64(0.999).unwrap(), 0);
        assert_eq!(seconds_from_f64(253_402_300_799.0).unwrap(), 253_402_300_799);
        assert_eq!(seconds_from_f64(253_402_300_799.5).unwrap(), 253_402_300_799, "floored before the range check");
    }

    #[test]
    fn seconds_from_f64_refuses_what_is_not_a_time() {
        for (t, says) in [
            (f64::NAN, "NaN"),
            (f64::INFINITY, "infinite"),
            (f64::NEG_INFINITY, "infinite"),
            (-1.0, "-1 is negative"),
            (-1.764e9, "-1764000000 is negative"),
            (-0.5, "a fraction below zero is negative"),
            (253_402_300_800.0, "milliseconds"),
            (1_764_000_000_000.0, "milliseconds"),
            (f64::MAX, "milliseconds"),
        ] {
            let err = seconds_from_f64(t).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidTime, "{t}");
            assert!(err.message.contains(says), "{t}: {}", err.message);
        }
    }

    #[test]
    fn verify_options_defaults_and_bounds() {
        assert_eq!(
            VerifyOptions::at(7),
            VerifyOptions {
                now: 7,
                max_age_seconds: 300,
                max_skew_seconds: 0
            }
        );
        assert_eq!(
            VerifyOptions::new(7, 0, 0).unwrap(),
            VerifyOptions {
                now: 7,
                max_age_seconds: 0,
                max_skew_seconds: 0
            }
        );
        for (age, skew, name) in [(-1, 0, "max_age_seconds"), (0, -1, "max_skew_seconds")] {
            let err = VerifyOptions::new(7, age, skew).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidArgument);
            assert!(err.message.contains(name), "{}", err.message);
        }
    }

    #[test]
    fn valid_for_exactly_max_age_seconds() {
        let text = TIME.to_string();
        for now in [TIME, TIME + 1, TIME + 300] {
            assert_eq!(
                verify_at(
                    PROOF,
                    TimeValue::Number(TIME as f64),
                    VerifyOptions::at(now)
                ),
                Ok(()),
                "{now}"
            );
            assert_eq!(
                verify_at(PROOF, TimeValue::Text(&text), VerifyOptions::at(now)),
                Ok(()),
                "{now}"
            );
        }
        assert_eq!(
            verify_at(PROOF, TimeValue::Text(&text), VerifyOptions::at(TIME + 301)),
            Err(DenyReason::ProofExpired)
        );
        let wide = VerifyOptions::new(TIME + 301, 301, 0).unwrap();
        assert_eq!(verify_at(PROOF, TimeValue::Text(&text), wide), Ok(()));
    }

    #[test]
    fn future_times_need_skew() {
        let time = TimeValue::Number(TIME as f64);
        assert_eq!(
            verify_at(PROOF, time, VerifyOptions::at(TIME - 1)),
            Err(DenyReason::ProofFuture)
        );
        let skew_1 = VerifyOptions::new(TIME - 1, 300, 1).unwrap();
        assert_eq!(verify_at(PROOF, time, skew_1), Ok(()));
        let skew_1_two_ahead = VerifyOptions::new(TIME - 2, 300, 1).unwrap();
        assert_eq!(
            verify_at(PROOF, time, skew_1_two_ahead),
            Err(DenyReason::ProofFuture)
        );
    }

    #[test]
    fn missing_pieces() {
        let signer = ProofSigner::new(SECRET);
        let opts = VerifyOptions::at(TIME);
        let full = params(TOKEN, PROOF, TimeValue::Number(TIME as f64));
        let cases = [
            (
                ProofParams {
                    access_token: None,
                    ..full
                },
                DenyReason::TokenMissing,
            ),
            (
                ProofParams {
                    access_token: Some(""),
                    ..full
                },
                DenyReason::TokenMissing,
            ),
            (
                ProofParams {
                    access_token: None,
                    appsecret_proof: None,
                    appsecret_time: None,
                },
                DenyReason::TokenMissing,
            ),
            (
                ProofParams {
                    access_token: None,
                    appsecret_proof: Some("nope"),
                    ..full
                },
                DenyReason::TokenMissing,
            ),
            (
                ProofParams {
                    appsecret_proof: None,
                    ..full
                },
                DenyReason::ProofMissing,
            ),
            (
                ProofParams {
                    appsecret_proof: Some(""),
                    ..full
                },
                DenyReason::ProofMissing,
            ),
            (
                ProofParams {
                    appsecret_time: None,
                    ..full
                },
                DenyReason::ProofMissing,
            ),
            (
                ProofParams {
                    appsecret_time: Some(TimeValue::Text("")),
                    ..full
                },
                DenyReason::ProofMissing,
            ),
            (
                ProofParams {
                    appsecret_proof: None,
                    appsecret_time: Some(TimeValue::Other),
                    ..full
                },
                DenyReason::ProofMissing,
            ),
        ];
        for (i, (p, reason)) in cases.iter().enumerate() {
            assert_eq!(signer.verify(p, &opts), Err(*reason), "case {i}");
        }
        assert_eq!(signer.verify(&full, &opts), Ok(()));
    }

    #[test]
    fn malformed_proofs() {
        let time = TimeValue::Number(TIME as f64);
        let opts = VerifyOptions::at(TIME);
        for proof in [
            PROOF.to_uppercase(),
            format!("{}F", &PROOF[..63]),
            PROOF[..63].to_string(),
            format!("{PROOF}0"),
            format!("{}g", &PROOF[..63]),
            format!(" {}", &PROOF[..63]),
            format!("{}\n", &PROOF[..63]),
            "é".repeat(32),
        ] {
            assert_eq!(
                verify_at(&proof, time, opts),
                Err(DenyReason::ProofMalformed),
                "{proof:?}"
            );
        }
    }

    #[test]
    fn malformed_times() {
        let opts = VerifyOptions::at(1);
        let texts = [
            "1.0",
            "1e9",
            " 1",
            "1 ",
            "+1",
            "0x10",
            "-",
            "--1",
            "1-",
            "١",
            "12345678901234567",
            "-12345678901234567",
            "01",
            "0001700000000",
            "00",
            "-0",
            "-01",
        ];
        for text in texts {
            assert_eq!(
                verify_at(PROOF, TimeValue::Text(text), opts),
                Err(DenyReason::ProofMalformed),
                "{text:?}"
            );
        }
        for n in [
            1.5,
            -0.25,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            9_007_199_254_740_992.0,
            -1e300,
        ] {
            assert_eq!(
                verify_at(PROOF, TimeValue::Number(n), opts),
                Err(DenyReason::ProofMalformed),
                "{n}"
            );
        }
        assert_eq!(
            verify_at(PROOF, TimeValue::Other, opts),
            Err(DenyReason::ProofMalformed)
        );
    }

    #[test]
    fn canonical_decimals_are_hashed_as_their_value() {
        let opts = VerifyOptions::at(TIME);
        assert_eq!(verify_at(PROOF, TimeValue::Text("1700000000"), opts), Ok(()));
        assert_eq!(verify_at(PROOF, TimeValue::Number(1.7e9), opts), Ok(()));
        let zero = appsecret_proof(TOKEN, SECRET, 0).appsecret_proof;
        assert_eq!(
            verify_at(&zero, TimeValue::Text("0"), VerifyOptions::at(0)),
            Ok(())
        );
        let negative = appsecret_proof(TOKEN, SECRET, -5).appsecret_proof;
        assert_eq!(
            verify_at(&negative, TimeValue::Text("-5"), VerifyOptions::at(0)),
            Ok(())
        );
    }

    #[test]
    fn checks_run_in_the_documented_order() {
        let forged = "0".repeat(64);
        let expired = TimeValue::Number((TIME - 1000) as f64);
        // Malformed proof before malformed time.
        assert_eq!(
            verify_at("XYZ", TimeValue::Text("1.0"), VerifyOptions::at(TIME)),
            Err(DenyReason::ProofMalformed)
        );
        // Malformed time before freshness.
        assert_eq!(
            verify_at(&forged, TimeValue::Text("1e3"), VerifyOptions::at(TIME)),
            Err(DenyReason::ProofMalformed)
        );
        // Freshness before the HMAC.
        assert_eq!(
            verify_at(&forged, expired, VerifyOptions::at(TIME)),
            Err(DenyReason::ProofExpired)
        );
        assert_eq!(
            verify_at(
                &forged,
                TimeValue::Number((TIME + 9) as f64),
                VerifyOptions::at(TIME)
            ),
            Err(DenyReason::ProofFuture)
        );
        assert_eq!(
            verify_at(
                &forged,
                TimeValue::Number(TIME as f64),
                VerifyOptions::at(TIME)
            ),
            Err(DenyReason::ProofMismatch)
        );
    }

    #[test]
    fn extreme_times_do_not_overflow() {
        let max = TimeValue::Text("9999999999999999");
        let min = TimeValue::Text("-9999999999999999");
        let cases = [
            (
                min,
                VerifyOptions {
                    now: i64::MAX,
                    max_age_seconds: i64::MAX,
                    max_skew_seconds: 0,
                },
                DenyReason::ProofExpired,
            ),
            (
                max,
                VerifyOptions {
                    now: i64::MIN,
                    max_age_seconds: 300,
                    max_skew_seconds: i64::MAX,
                },
                DenyReason::ProofFuture,
            ),
            (max, VerifyOptions::at(i64::MIN), DenyReason::ProofFuture),
            (min, VerifyOptions::at(i64::MAX), DenyReason::ProofExpired),
            (
                TimeValue::Number(-9_007_199_254_740_991.0),
                VerifyOptions::at(i64::MAX),
                DenyReason::ProofExpired,
            ),
            (
                max,
                VerifyOptions {
                    now: 0,
                    max_age_seconds: i64::MAX,
                    max_skew_seconds: i64::MAX,
                },
                DenyReason::ProofMismatch,
            ),
        ];
        for (i, (time, opts, reason)) in cases.into_iter().enumerate() {
            assert_eq!(verify_at(PROOF, time, opts), Err(reason), "case {i}");
        }
    }

    #[test]
    fn sign_url_sets_the_three_parameters() {
        let signer = ProofSigner::new(SECRET);
        let signed = sign_url(
            "https://graph.workplace.com/v18.0/me?fields=name,email#top",
            TOKEN,
            &signer,
            TIME,
        )
        .unwrap()
        .to_string();
        assert_eq!(
            signed,
            format!(
                "https://graph.workplace.com/v18.0/me?fields=name,email&access_token={TOKEN}\
                 &appsecret_proof={PROOF}&appsecret_time={TIME}#top"
            )
        );
        let signed = sign_url("/1234/feed", TOKEN, &signer, TIME).unwrap().to_string();
        assert_eq!(
            signed,
            format!(
                "/1234/feed?access_token={TOKEN}&appsecret_proof={PROOF}&appsecret_time={TIME}"
            )
        );
        let signed = sign_url("/1234/feed?", TOKEN, &signer, TIME).unwrap().to_string();
        assert!(signed.starts_with("/1234/feed?access_token="), "{signed}");
    }

    #[test]
    fn sign_url_replaces_earlier_credentials_and_keeps_the_rest_verbatim() {
        let signer = ProofSigner::new(SECRET);
        let url = "/me?access_token=old&a=1&&appsecret_proof=stale&access%5Ftoken=x&appsecret_time=1&b=%2B+&a=2&#frag?x=1";
        let signed = sign_url(url, "new token&", &signer, TIME).unwrap().to_string();
        let proof = signer.proof("new token&", TIME).appsecret_proof;
        assert_eq!(
            signed,
            format!("/me?a=1&b=%2B+&a=2&access_token=new%20token%26&appsecret_proof={proof}&appsecret_time={TIME}#frag?x=1")
        );
    }

    #[test]
    fn sign_url_refuses_bad_input_without_echoing_it() {
        let signer = ProofSigner::new(SECRET);
        let token = "EAAGsecretTOKEN";
        let bad_urls = [
            "".to_string(),
            format!("/me?access_token={token} x"),
            format!("/me?a={token}\t"),
            format!("/me?a={token}\n"),
            format!("/me?a={token}\u{7f}"),
            format!("/me?a={token}\u{a0}"),
            format!("/me?a={token}&k%zz=1"),
        ];
        for url in bad_urls {
            let err = sign_url(&url, token, &signer, TIME).unwrap_err();
            assert_eq!(err.code, ErrorCode::InvalidArgument, "{url:?}");
            assert!(!err.message.contains(token), "{}", err.message);
            assert!(!err.message.contains(SECRET), "{}", err.message);
        }
        let err = sign_url("/me", "", &signer, TIME).unwrap_err();
        assert_eq!(err.code, ErrorCode::InvalidArgument);
        assert!(err.message.contains("access_token"), "{}", err.message);
        let err = sign_url("/me?a=1 ", token, &signer, TIME).unwrap_err();
        assert!(err.message.contains("byte 7"), "{}", err.message);
    }

    /// Secrets without NUL: HMAC zero-pads short keys, so "a" and "a\0" are
    /// the same key and would make "another secret" not another key.
    fn secret() -> impl Strategy<Value = String> {
        "[^\u{0}]{0,80}"
    }

    /// Times `seconds_from_f64` accepts.
    fn time() -> impl Strategy<Value = i64> {
        0i64..=253_402_300_799
    }

    fn verify_with(
        secret: &str,
        token: &str,
        proof: &str,
        time: i64,
        now: i64,
    ) -> std::result::Result<(), DenyReason> {
        let text = time.to_string();
        ProofSigner::new(secret).verify(
            &params(token, proof, TimeValue::Text(&text)),
            &VerifyOptions::at(now),
        )
    }

    #[test]
    fn decimal_edges() {
        for n in [0, 9, 10, -1, i64::MIN, i64::MAX, 1_764_000_000] {
            assert_eq!(Decimal::new(n).as_bytes(), n.to_string().as_bytes());
        }
        for n in [0, 9, 10, u64::MAX, 1 << 63] {
            assert_eq!(Decimal::unsigned(n).as_bytes(), n.to_string().as_bytes());
        }
    }

    proptest! {
        #[test]
        fn decimal_is_to_string(n in any::<i64>()) {
            let (ours, std) = (Decimal::new(n), n.to_string());
            prop_assert_eq!(ours.as_bytes(), std.as_bytes());
        }

        /// A signer prepared for a token signs, for every time, what the
        /// plain HMAC of `token|time` is.
        #[test]
        fn token_signer_signs_token_and_time(token in ".{0,200}", secret in secret(), times in proptest::collection::vec(time(), 1..4)) {
            let prepared = ProofSigner::new(&secret).for_token(&token);
            for time in times {
                let expected = hmac_hex(secret.as_bytes(), format!("{token}|{time}").as_bytes());
                prop_assert_eq!(&prepared.proof(time).appsecret_proof, &expected);
                let mut hex = [0u8; 64];
                prepared.proof_hex(time, &mut hex);
                prop_assert_eq!(hex.as_slice(), expected.as_bytes());
            }
        }

        #[test]
        fn generated_proofs_verify(token in ".{1,40}", secret in secret(), time in time(), age in 0i64..=300) {
            let proof = appsecret_proof(&token, &secret, time);
            prop_assert_eq!(proof.appsecret_time, time);
            prop_assert_eq!(verify_with(&secret, &token, &proof.appsecret_proof, time, time + age), Ok(()));
            let number = params(&token, &proof.appsecret_proof, TimeValue::Number(time as f64));
            prop_assert_eq!(ProofSigner::new(&secret).verify(&number, &VerifyOptions::at(time + age)), Ok(()));
        }

        #[test]
        fn any_changed_hex_digit_is_a_mismatch(token in ".{1,40}", secret in secret(), time in time(),
                                               at in 0usize..64, digit in 0u8..16) {
            let proof = appsecret_proof(&token, &secret, time).appsecret_proof;
            let mut bytes = proof.clone().into_bytes();
            prop_assume!(bytes[at] != hex_digit_for_test(digit));
            bytes[at] = hex_digit_for_test(digit);
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert_eq!(verify_with(&secret, &token, &changed, time, time), Err(DenyReason::ProofMismatch));
        }

        #[test]
        fn any_changed_token_character_is_a_mismatch(token in ".{1,40}", secret in secret(), time in time(),
                                                     at in any::<prop::sample::Index>(), replacement in any::<char>()) {
            let proof = appsecret_proof(&token, &secret, time).appsecret_proof;
            let mut chars: Vec<char> = token.chars().collect();
            let i = at.index(chars.len());
            prop_assume!(chars[i] != replacement);
            chars[i] = replacement;
            let changed: String = chars.into_iter().collect();
            prop_assert_eq!(verify_with(&secret, &changed, &proof, time, time), Err(DenyReason::ProofMismatch));
        }

        #[test]
        fn another_secret_is_a_mismatch(token in ".{1,40}", secret in secret(), other in secret(), time in time()) {
            prop_assume!(secret != other);
            let proof = appsecret_proof(&token, &secret, time).appsecret_proof;
            prop_assert_eq!(verify_with(&other, &token, &proof, time, time), Err(DenyReason::ProofMismatch));
        }

        #[test]
        fn another_time_is_refused_for_the_right_reason(token in ".{1,40}", secret in secret(), time in time(),
                                                       delta in -1000i64..=1000) {
            prop_assume!(delta != 0);
            let proof = appsecret_proof(&token, &secret, time).appsecret_proof;
            let claimed = time + delta;
            let expected = if delta > 0 {
                DenyReason::ProofFuture
            } else if delta < -300 {
                DenyReason::ProofExpired
            } else {
                DenyReason::ProofMismatch
            };
            prop_assert_eq!(verify_with(&secret, &token, &proof, claimed, time), Err(expected));
        }

        #[test]
        fn debug_never_shows_the_secret(secret in "[a-f0-9]{32}") {
            let shown = format!("{:?}", ProofSigner::new(&secret));
            prop_assert!(!shown.contains(&secret));
            prop_assert_eq!(shown, "ProofSigner { .. }");
        }

        #[test]
        fn signed_urls_parse_back_and_verify(token in ".{1,30}", secret in secret(), time in time(),
                                             others in prop::collection::vec(("[a-z_%+ é]{1,8}", ".{0,8}"), 0..4),
                                             fragment in prop::option::of("[a-z?=&]{0,6}")) {
            prop_assume!(others.iter().all(|(k, _)| !SIGNED_KEYS.contains(&k.as_str())));
            let query: Vec<String> = others.iter().map(|(k, v)| format!("{}={}", form::encode(k), form::encode(v))).collect();
            let mut url = format!("https://graph.workplace.com/v18.0/me?{}", query.join("&"));
            if let Some(f) = &fragment {
                url.push('#');
                url.push_str(f);
            }
            let signer = ProofSigner::new(&secret);
            let signed = sign_url(&url, &token, &signer, time).unwrap().to_string();

            let (before_fragment, got_fragment) = match signed.split_once('#') {
                Some((b, f)) => (b, Some(f.to_string())),
                None => (signed.as_str(), None),
            };
            prop_assert_eq!(got_fragment, fragment);
            let (base, query) = before_fragment.split_once('?').unwrap();
            prop_assert_eq!(base, "https://graph.workplace.com/v18.0/me");
            let pairs = form::parse(query).unwrap();
            let (signed_pairs, kept): (Vec<_>, Vec<_>) =
                pairs.into_iter().partition(|(k, _)| SIGNED_KEYS.contains(&k.as_str()));
            prop_assert_eq!(kept, others);
            let keys: Vec<&str> = signed_pairs.iter().map(|(k, _)| k.as_str()).collect();
            prop_assert_eq!(keys, SIGNED_KEYS.to_vec());
            let [(_, got_token), (_, got_proof), (_, got_time)] = &signed_pairs[..] else { unreachable!() };
            prop_assert_eq!(got_token, &token);
            let p = params(got_token, got_proof, TimeValue::Text(got_time));
            prop_assert_eq!(signer.verify(&p, &VerifyOptions::at(time)), Ok(()));
        }
    }

    fn hex_digit_for_test(n: u8) -> u8 {
        b"0123456789abcdef"[usize::from(n)]
    }
}
