//! Access tokens and their lifetimes, as the two products run them.
//!
//! Tokens are kept only as SHA-256: what is stored or exported can check a
//! token but never yield one. Workplace app tokens never expire and are
//! replaced only by a reset; Admin Center tokens live exactly 7200 s and a
//! new one invalidates the previous at once (SPEC §1).

use std::cell::RefCell;
use std::fmt;

use zeroize::Zeroizing;

use crate::catalog::Product;
use crate::config::{clipped, kind, Config};
use crate::evaluate::{Decision, Policy};
use crate::request::Request;
use crate::error::{Error, ErrorCode, Result};
use crate::form;
use crate::json::{write_object, Map, ToJson, Value};
use crate::mac::same_bytes;
use crate::proof::{ProofSigner, TokenSigner};
use crate::reason::GraphError;
use crate::wipe::Text;

pub const ADMIN_CENTER_TOKEN_SECONDS: i64 = 7200;
/// At least 32 random bytes per token (SPEC §6).
const TOKEN_BYTES: usize = 32;
const STATE_VERSION: u64 = 1;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenRecord {
    /// Lower-case hex SHA-256 of the token.
    pub sha256: String,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

impl ToJson for TokenRecord {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("sha256", &self.sha256), ("issued_at", &self.issued_at), ("expires_at", &self.expires_at)]);
    }
}

impl TokenRecord {
    /// When the token stops working: Admin Center caps every token at
    /// 7200 s whatever a record claims.
    pub fn expiry(&self, product: Product) -> Option<i64> {
        let cap = (product == Product::AdminCenter).then(|| self.issued_at.saturating_add(ADMIN_CENTER_TOKEN_SECONDS));
        match (self.expires_at, cap) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn from_json(v: &Value, at: &str) -> Result<TokenRecord> {
        let bad = |m: String| Error::new(ErrorCode::InvalidCredentials, m);
        let map = v.as_object().ok_or_else(|| bad(format!("{at} must be an object {{ sha256, issued_at, expires_at }}")))?;
        if let Some(k) = map.keys().find(|k| !["sha256", "issued_at", "expires_at"].contains(&k.as_str())) {
            return Err(bad(format!("unknown field {at}.{}: tokens are stored only as sha256", clipped(k))));
        }
        let sha256 = match map.get("sha256") {
            Some(Value::String(s)) if is_sha256_hex(s) => s.clone(),
            _ => return Err(bad(format!("{at}.sha256 must be 64 lower-case hex digits (the SHA-256 of the token)"))),
        };
        let time = |key: &str| -> Result<Option<i64>> {
            match map.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_i64().map(Some).ok_or_else(|| bad(format!("{at}.{key} must be whole Unix seconds, found {}", kind(v)))),
            }
        };
        Ok(TokenRecord { sha256, issued_at: time("issued_at")?.unwrap_or(0), expires_at: time("expires_at")? })
    }
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn sha256_hex(token: &str) -> String {
    crate::proof::hex_lower(&crate::mac::sha256(token.as_bytes()))
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TokenStatus {
    Valid { issued_at: i64, expires_at: Option<i64> },
    Expired { expired_at: i64 },
    Invalid,
}

/// Checks a token, by its SHA-256 hex, against stored records at `now`.
pub fn check(records: &[TokenRecord], product: Product, digest: &str, now: i64) -> TokenStatus {
    let Some(record) = records.iter().find(|r| same_bytes(r.sha256.as_bytes(), digest.as_bytes())) else {
        return TokenStatus::Invalid;
    };
    // A token from the simulated future did not exist yet.
    if record.issued_at > now {
        return TokenStatus::Invalid;
    }
    match record.expiry(product) {
        Some(end) if now >= end => TokenStatus::Expired { expired_at: end },
        expires_at => TokenStatus::Valid { issued_at: record.issued_at, expires_at },
    }
}

/// The secret-bearing argument of `evaluate`/`compile` (SPEC §5).
pub struct Credentials {
    signer: ProofSigner,
    /// `None` when the caller gave no tokens: the token check is skipped.
    pub tokens: Option<Vec<TokenRecord>>,
    /// The last access token on record checked (see `with_token`), with its
    /// SHA-256 and a signer that has absorbed it. A gate sees one client's
    /// token many times in a row, and hashing it twice (token check, then
    /// proof) is most of what a full request costs; this makes the second and
    /// later requests hash only their time. Wiped when replaced or dropped.
    last_token: RefCell<Option<PreparedToken>>,
}

struct PreparedToken {
    token: Zeroizing<String>,
    sha256: String,
    signer: TokenSigner,
}

/// What the checks of one request need of its access token.
pub struct TokenFacts<'c> {
    pub sha256: &'c str,
    pub signer: &'c TokenSigner,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials").field("app_secret", &"<redacted>").field("tokens", &self.tokens).finish()
    }
}

impl Credentials {
    pub fn from_json(v: &Value) -> Result<Credentials> {
        let bad = |m: String| Error::new(ErrorCode::InvalidCredentials, m);
        let map = v.as_object().ok_or_else(|| bad(format!("credentials must be an object {{ app_secret, tokens }}, found {}", kind(v))))?;
        if let Some(k) = map.keys().find(|k| !["app_secret", "tokens"].contains(&k.as_str())) {
            return Err(bad(format!("unknown field credentials.{}: use app_secret and tokens", clipped(k))));
        }
        let secret = secret_from(map.get("app_secret"), "credentials.app_secret")?;
        let tokens = match map.get("tokens") {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(
                items.iter().enumerate().map(|(i, t)| TokenRecord::from_json(t, &format!("credentials.tokens[{i}]"))).collect::<Result<_>>()?,
            ),
            Some(other) => return Err(bad(format!("credentials.tokens must be an array, found {}", kind(other)))),
        };
        Ok(Credentials::new(ProofSigner::new(&secret), tokens))
    }

    pub fn new(signer: ProofSigner, tokens: Option<Vec<TokenRecord>>) -> Credentials {
        Credentials { signer, tokens, last_token: RefCell::new(None) }
    }

    /// `f` given `token`'s SHA-256 and signer, prepared once for a run of
    /// calls with the same token.
    pub fn with_token<R>(&self, token: &str, f: impl FnOnce(TokenFacts<'_>) -> R) -> R {
        let Ok(mut last) = self.last_token.try_borrow_mut() else {
            // Only a call from inside `f` gets here; it prepares its own.
            return PreparedToken::new(&self.signer, token).facts(f);
        };
        // Constant-time, as every comparison with a token is.
        if let Some(p) = last.as_ref().filter(|p| same_bytes(p.token.as_bytes(), token.as_bytes())) {
            return p.facts(f);
        }
        let fresh = PreparedToken::new(&self.signer, token);
        // Only a token on record replaces the prepared one: otherwise every
        // unknown token (a scan, a client with a revoked token) would make the
        // next request with the gate's real token hash it all over again.
        if last.is_none() || self.on_record(&fresh.sha256) {
            return last.insert(fresh).facts(f);
        }
        fresh.facts(f)
    }

    /// Whether a token of this SHA-256 may pass the token check: it has a
    /// record, or the caller gave no records (then no token is checked).
    fn on_record(&self, sha256: &str) -> bool {
        self.tokens.as_deref().map_or(true, |records| records.iter().any(|r| same_bytes(r.sha256.as_bytes(), sha256.as_bytes())))
    }
}

impl PreparedToken {
    fn new(signer: &ProofSigner, token: &str) -> PreparedToken {
        PreparedToken { token: Zeroizing::new(token.to_owned()), sha256: sha256_hex(token), signer: signer.for_token(token) }
    }

    fn facts<R>(&self, f: impl FnOnce(TokenFacts<'_>) -> R) -> R {
        f(TokenFacts { sha256: &self.sha256, signer: &self.signer })
    }
}

fn secret_from(v: Option<&Value>, at: &str) -> Result<Zeroizing<String>> {
    match v {
        Some(Value::String(s)) if !s.is_empty() => Ok(Zeroizing::new(s.clone())),
        Some(Value::String(_)) => Err(Error::new(ErrorCode::InvalidCredentials, format!("{at} is empty"))),
        Some(other) => Err(Error::new(ErrorCode::InvalidCredentials, format!("{at} must be a string, found {}", kind(other)))),
        None => Err(Error::new(ErrorCode::InvalidCredentials, format!("{at} is required"))),
    }
}

/// A freshly issued token: the only time the raw token exists outside the caller.
#[derive(Clone, PartialEq, Eq)]
pub struct IssuedToken {
    pub access_token: Zeroizing<String>,
    pub issued_at: i64,
    pub expires_at: Option<i64>,
}

impl ToJson for IssuedToken {
    fn write_json(&self, out: &mut Text) {
        write_object(
            out,
            &[("access_token", &self.access_token), ("issued_at", &self.issued_at), ("expires_at", &self.expires_at)],
        );
    }
}

impl fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedToken")
            .field("access_token", &"<redacted>")
            .field("issued_at", &self.issued_at)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// The token endpoint's answer, in Graph's shapes.
#[derive(Clone, PartialEq)]
pub enum TokenResponse {
    Token { access_token: Zeroizing<String>, token_type: &'static str, expires_in: i64 },
    Error { error: GraphError },
}

impl ToJson for TokenResponse {
    fn write_json(&self, out: &mut Text) {
        match self {
            TokenResponse::Token { access_token, token_type, expires_in } => write_object(
                out,
                &[("access_token", access_token), ("token_type", token_type), ("expires_in", expires_in)],
            ),
            TokenResponse::Error { error } => write_object(out, &[("error", error)]),
        }
    }
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenResponse::Token { expires_in, .. } => write!(f, "Token {{ access_token: <redacted>, expires_in: {expires_in} }}"),
            TokenResponse::Error { error } => write!(f, "Error {{ {error:?} }}"),
        }
    }
}

/// The token endpoint's form: urlencoded text or an object of strings.
pub enum TokenForm<'a> {
    Text(&'a str),
    Fields(&'a Map),
}

/// Random token text: base64url of `TOKEN_BYTES` bytes from the platform's
/// secure source (crypto.getRandomValues in wasm).
fn random_token() -> Result<Zeroizing<String>> {
    let mut bytes = Zeroizing::new([0u8; TOKEN_BYTES]);
    if !fill_random(bytes.as_mut()) {
        return Err(Error::new(ErrorCode::Unsupported, "no secure random source is available"));
    }
    Ok(Zeroizing::new(base64url(bytes.as_ref())))
}

#[cfg(feature = "api")]
fn fill_random(bytes: &mut [u8]) -> bool {
    getrandom::getrandom(bytes).is_ok()
}

/// The signer module (no `api`) has no random source, and issues no tokens:
/// none of its exports gets here.
#[cfg(not(feature = "api"))]
fn fill_random(_: &mut [u8]) -> bool {
    false
}

/// Sized for the whole text up front, so no growth leaves a partial token behind.
fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, b)| acc | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 63;
            out.push(char::from(ALPHABET.get(index as usize).copied().unwrap_or(b'A')));
        }
    }
    out
}

/// One integration: its config, secret and tokens, and the lifecycle
/// operations of both products.
pub struct Integration {
    config_json: Value,
    policy: Policy,
    product: Product,
    app_secret: Zeroizing<String>,
    credentials: Credentials,
}

impl fmt::Debug for Integration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Integration")
            .field("product", &self.product)
            .field("app_id", &self.policy.config.app_id)
            .field("app_secret", &"<redacted>")
            .field("tokens", &self.credentials.tokens)
            .finish()
    }
}

impl Integration {
    /// `app_secret` as the caller passed it: a non-empty string.
    pub fn new(config: &Value, app_secret: &Value) -> Result<Integration> {
        let policy = Policy::new(Config::from_json(config)?);
        let app_secret = secret_from(Some(app_secret), "app_secret")?;
        let credentials = Credentials::new(ProofSigner::new(&app_secret), Some(Vec::new()));
        Ok(Integration { config_json: config.clone(), product: policy.config.product, policy, app_secret, credentials })
    }

    /// Resumes from `export_state` output.
    pub fn from_state(state: &Value, app_secret: &Value) -> Result<Integration> {
        let (config, tokens) = read_state(state)?;
        Ok(Integration::new(&config, app_secret)?.with_tokens(tokens))
    }

    /// The same integration holding `tokens` (stored records) instead.
    pub fn with_tokens(mut self, tokens: Vec<TokenRecord>) -> Integration {
        self.credentials.tokens = Some(tokens);
        self
    }

    pub fn evaluate(&self, request: &Request, clock: i64) -> Decision {
        self.policy.evaluate(request, Some(&self.credentials), clock)
    }

    pub fn tokens(&self) -> &[TokenRecord] {
        self.credentials.tokens.as_deref().unwrap_or_default()
    }

    /// Issues a token. Each integration holds one active token, so the new
    /// one replaces any other at once; Workplace issues only the first
    /// (its token is replaced by `reset_token`).
    pub fn issue_token(&mut self, now: i64) -> Result<IssuedToken> {
        if self.product == Product::Workplace && !self.tokens().is_empty() {
            return Err(Error::new(
                ErrorCode::Unsupported,
                "a Workplace app has one token, shown once; call resetToken() to replace it",
            ));
        }
        self.replace_token(now)
    }

    /// Workplace's Reset Access Token button: a new token, the old one dead.
    pub fn reset_token(&mut self, now: i64) -> Result<IssuedToken> {
        if self.product == Product::AdminCenter {
            return Err(Error::new(
                ErrorCode::Unsupported,
                "Admin Center tokens are not reset: request a new one (it replaces the old) or reset the app secret to invalidate all",
            ));
        }
        self.replace_token(now)
    }

    fn replace_token(&mut self, now: i64) -> Result<IssuedToken> {
        let access_token = random_token()?;
        let expires_at = (self.product == Product::AdminCenter).then(|| now.saturating_add(ADMIN_CENTER_TOKEN_SECONDS));
        let record = TokenRecord { sha256: sha256_hex(&access_token), issued_at: now, expires_at };
        self.credentials.tokens = Some(vec![record]);
        Ok(IssuedToken { access_token, issued_at: now, expires_at })
    }

    /// A new app secret. Admin Center: every token dies at once (the seed's
    /// way to reset a token). Workplace: tokens stay; only proofs change.
    pub fn reset_secret(&mut self, new_secret: &Value) -> Result<()> {
        let secret = secret_from(Some(new_secret), "newSecret")?;
        self.credentials = Credentials::new(ProofSigner::new(&secret), self.credentials.tokens.take());
        self.app_secret = secret;
        if self.product == Product::AdminCenter {
            self.credentials.tokens = Some(Vec::new());
        }
        Ok(())
    }

    /// `POST /work_get_token` with `access_token=<app_id>|<app_secret>` and
    /// `grant_type=client_credentials`.
    pub fn handle_token_request(&mut self, form: TokenForm<'_>, now: i64) -> Result<TokenResponse> {
        let error = |code: u32, message: &str| Ok(TokenResponse::Error { error: GraphError::oauth(code, message) });
        if self.product != Product::AdminCenter {
            return error(100, "work_get_token is for Admin Center integrations; Workplace app tokens come from the Edit App dialog");
        }
        // The form holds the app secret: wiped when the request is answered.
        let pairs: Zeroizing<Vec<(String, String)>> = Zeroizing::new(match form {
            TokenForm::Text(text) => match form::parse(text) {
                Ok(p) => p,
                Err(_) => return error(100, "The request body cannot be read as a form"),
            },
            TokenForm::Fields(map) => {
                if let Some((k, _)) = map.iter().find(|(_, v)| !v.is_string()) {
                    return error(100, &format!("Form field {} must be a string", clipped(k)));
                }
                map.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect()
            }
        });
        let one = |key: &str| {
            let mut values = pairs.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str());
            match (values.next(), values.next()) {
                (Some(v), None) => Some(v),
                _ => None,
            }
        };
        if one("grant_type") != Some("client_credentials") {
            return error(100, "Invalid grant_type: use grant_type=client_credentials");
        }
        let Some((app_id, secret)) = one("access_token").and_then(|c| c.split_once('|')) else {
            return error(100, "Missing access_token=<app_id>|<app_secret>");
        };
        if self.policy.config.app_id.as_deref().is_some_and(|id| id != app_id) {
            return error(101, "Error validating application. Invalid application ID.");
        }
        if !same_bytes(secret.as_bytes(), self.app_secret.as_bytes()) {
            return error(1, "Error validating client secret.");
        }
        let issued = self.replace_token(now)?;
        Ok(TokenResponse::Token { access_token: issued.access_token, token_type: "bearer", expires_in: ADMIN_CENTER_TOKEN_SECONDS })
    }

    /// Everything needed to resume, minus the secret; tokens as SHA-256.
    pub fn export_state(&self) -> State<'_> {
        State(self)
    }
}

/// An integration's exported state, written as JSON.
pub struct State<'i>(&'i Integration);

impl ToJson for State<'_> {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("config", &self.0.config_json), ("tokens", &self.0.tokens()), ("version", &STATE_VERSION)]);
    }
}

/// The config and token records of an exported state.
fn read_state(state: &Value) -> Result<(Value, Vec<TokenRecord>)> {
        let bad = |m: &str| Error::new(ErrorCode::InvalidState, m.to_string());
        let map = state.as_object().ok_or_else(|| bad("the state must be an object from exportState()"))?;
        if map.get("version").and_then(Value::as_u64) != Some(STATE_VERSION) {
            return Err(bad("state.version must be 1"));
        }
        if let Some(k) = map.keys().find(|k| !["version", "config", "tokens"].contains(&k.as_str())) {
            return Err(Error::new(ErrorCode::InvalidState, format!("unknown field state.{}", clipped(k))));
        }
        let config = map.get("config").cloned().ok_or_else(|| bad("state.config is missing"))?;
        let tokens = match map.get("tokens") {
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, t)| TokenRecord::from_json(t, &format!("state.tokens[{i}]")))
                .collect::<Result<Vec<_>>>()
                .map_err(|e| Error::new(ErrorCode::InvalidState, e.message))?,
            _ => return Err(bad("state.tokens must be an array")),
        };
        Ok((config, tokens))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::json;
    use proptest::prelude::*;

    const SECRET: &str = "s3cr3t-value-that-must-not-leak";

    fn check(records: &[TokenRecord], product: Product, token: &str, now: i64) -> TokenStatus {
        super::check(records, product, &sha256_hex(token), now)
    }

    fn integration(product: Product) -> Integration {
        Integration::new(&json!({ "product": product.as_str(), "app_id": "1234" }).ours(), &json!(SECRET).ours()).unwrap()
    }

    #[test]
    fn sha256_matches_fips_180_vector() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    #[test]
    fn base64url_matches_rfc_4648_vectors() {
        for (input, expected) in [("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64url(input.as_bytes()), expected);
        }
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn tokens_are_random_and_long() {
        let mut i = integration(Product::AdminCenter);
        let a = i.issue_token(0).unwrap().access_token;
        let b = i.issue_token(0).unwrap().access_token;
        assert_ne!(a, b);
        assert_eq!(a.len(), 43, "32 bytes in base64url");
    }

    #[test]
    fn admin_center_token_lives_exactly_7200_seconds() {
        let mut i = integration(Product::AdminCenter);
        let t = i.issue_token(1000).unwrap();
        assert_eq!(t.expires_at, Some(8200));
        assert!(matches!(check(i.tokens(), Product::AdminCenter, &t.access_token, 8199), TokenStatus::Valid { .. }));
        assert_eq!(check(i.tokens(), Product::AdminCenter, &t.access_token, 8200), TokenStatus::Expired { expired_at: 8200 });
        assert_eq!(check(i.tokens(), Product::AdminCenter, &t.access_token, 999), TokenStatus::Invalid, "not issued yet");
    }

    #[test]
    fn admin_center_caps_records_that_claim_longer() {
        let r = TokenRecord { sha256: sha256_hex("t"), issued_at: 0, expires_at: None };
        assert_eq!(r.expiry(Product::AdminCenter), Some(7200));
        assert_eq!(r.expiry(Product::Workplace), None);
        assert_eq!(check(&[r], Product::Workplace, "t", i64::MAX), TokenStatus::Valid { issued_at: 0, expires_at: None });
    }

    #[test]
    fn a_new_admin_center_token_kills_the_previous() {
        let mut i = integration(Product::AdminCenter);
        let first = i.issue_token(0).unwrap();
        let second = i.issue_token(10).unwrap();
        assert_eq!(check(i.tokens(), Product::AdminCenter, &first.access_token, 20), TokenStatus::Invalid);
        assert!(matches!(check(i.tokens(), Product::AdminCenter, &second.access_token, 20), TokenStatus::Valid { .. }));
    }

    #[test]
    fn workplace_token_never_expires_and_reset_replaces_it() {
        let mut i = integration(Product::Workplace);
        let first = i.issue_token(0).unwrap();
        assert_eq!(first.expires_at, None);
        assert_eq!(i.issue_token(1).unwrap_err().code, ErrorCode::Unsupported);
        assert!(matches!(check(i.tokens(), Product::Workplace, &first.access_token, 10_000_000_000), TokenStatus::Valid { .. }));
        let second = i.reset_token(5).unwrap();
        assert_eq!(check(i.tokens(), Product::Workplace, &first.access_token, 6), TokenStatus::Invalid);
        assert!(matches!(check(i.tokens(), Product::Workplace, &second.access_token, 6), TokenStatus::Valid { .. }));
        assert_eq!(integration(Product::AdminCenter).reset_token(0).unwrap_err().code, ErrorCode::Unsupported);
    }

    #[test]
    fn secret_reset_kills_admin_center_tokens_only() {
        let mut ac = integration(Product::AdminCenter);
        let t = ac.issue_token(0).unwrap();
        ac.reset_secret(&json!("new-secret").ours()).unwrap();
        assert_eq!(check(ac.tokens(), Product::AdminCenter, &t.access_token, 1), TokenStatus::Invalid);
        let mut wp = integration(Product::Workplace);
        let t = wp.issue_token(0).unwrap();
        wp.reset_secret(&json!("new-secret").ours()).unwrap();
        assert!(matches!(check(wp.tokens(), Product::Workplace, &t.access_token, 1), TokenStatus::Valid { .. }));
        assert_eq!(wp.reset_secret(&json!("").ours()).unwrap_err().code, ErrorCode::InvalidCredentials);
    }

    #[test]
    fn the_prepared_token_is_always_the_one_asked_for() {
        let c = Credentials::new(ProofSigner::new(SECRET), None);
        for token in ["first", "second", "first", "", "second", "first"] {
            let (sha256, proof) = c.with_token(token, |f| (f.sha256.to_owned(), f.signer.proof(7).appsecret_proof));
            assert_eq!(sha256, sha256_hex(token), "{token}");
            assert_eq!(proof, ProofSigner::new(SECRET).proof(token, 7).appsecret_proof, "{token}");
        }
        // Asked again from inside: prepared on the side, still right.
        let inner = c.with_token("first", |_| c.with_token("second", |f| f.sha256.to_owned()));
        assert_eq!(inner, sha256_hex("second"));
    }

    /// The token that stays prepared, by its SHA-256.
    fn prepared(c: &Credentials) -> Option<String> {
        c.last_token.borrow().as_ref().map(|p| p.sha256.clone())
    }

    #[test]
    fn unknown_tokens_do_not_displace_the_prepared_one() {
        let record = |token: &str| TokenRecord { sha256: sha256_hex(token), issued_at: 0, expires_at: None };
        let c = Credentials::new(ProofSigner::new(SECRET), Some(vec![record("known"), record("other")]));
        c.with_token("stranger", |_| ());
        assert_eq!(prepared(&c), Some(sha256_hex("stranger")), "an empty slot takes any token");
        c.with_token("known", |_| ());
        for token in ["stranger", "known-ish", ""] {
            let sha256 = c.with_token(token, |f| f.sha256.to_owned());
            assert_eq!(sha256, sha256_hex(token), "an unknown token is still hashed right");
            assert_eq!(prepared(&c), Some(sha256_hex("known")), "after {token:?}");
        }
        c.with_token("other", |_| ());
        assert_eq!(prepared(&c), Some(sha256_hex("other")), "another token on record takes the slot");
    }

    #[test]
    fn a_secret_reset_reaches_requests_that_reuse_the_token() {
        let mut wp = integration(Product::Workplace);
        let t = wp.issue_token(0).unwrap();
        let request = |secret: &str| {
            let p = ProofSigner::new(secret).proof(&t.access_token, 50);
            let r = json!({ "method": "GET", "path": "/community", "access_token": t.access_token.as_str(),
                "appsecret_proof": p.appsecret_proof, "appsecret_time": 50, "now": 60 });
            Request::from_json(&r.ours()).unwrap()
        };
        // The integration holds no permission: a request whose proof passes
        // is refused one check later.
        let reason = |i: &Integration, secret: &str| i.evaluate(&request(secret), 60).reason;
        assert_eq!(reason(&wp, SECRET), Some(crate::DenyReason::PermissionMissing));
        wp.reset_secret(&json!("new-secret").ours()).unwrap();
        assert_eq!(reason(&wp, SECRET), Some(crate::DenyReason::ProofMismatch));
        assert_eq!(reason(&wp, "new-secret"), Some(crate::DenyReason::PermissionMissing));
    }

    fn token_of(r: TokenResponse) -> String {
        match r {
            TokenResponse::Token { access_token, token_type, expires_in } => {
                assert_eq!((token_type, expires_in), ("bearer", 7200));
                access_token.to_string()
            }
            TokenResponse::Error { error } => panic!("{error:?}"),
        }
    }

    fn error_code(r: TokenResponse) -> u32 {
        match r {
            TokenResponse::Error { error } => error.code,
            TokenResponse::Token { .. } => panic!("expected an error"),
        }
    }

    #[test]
    fn token_endpoint_checks_credentials_and_grant_type() {
        let mut i = integration(Product::AdminCenter);
        let body = format!("access_token=1234%7C{SECRET}&grant_type=client_credentials");
        let t = token_of(i.handle_token_request(TokenForm::Text(&body), 50).unwrap());
        assert!(matches!(check(i.tokens(), Product::AdminCenter, &t, 60), TokenStatus::Valid { .. }));
        let wrong = i.handle_token_request(TokenForm::Text("access_token=1234%7Cwrong&grant_type=client_credentials"), 50).unwrap();
        assert!(!format!("{wrong:?}").contains("wrong"));
        assert_eq!(error_code(wrong), 1);
        let other_app = i.handle_token_request(TokenForm::Text(&format!("access_token=99%7C{SECRET}&grant_type=client_credentials")), 50);
        assert_eq!(error_code(other_app.unwrap()), 101);
        let fields: Map =
            json!({ "access_token": format!("1234|{SECRET}"), "grant_type": "password" }).ours().as_object().cloned().unwrap();
        assert_eq!(error_code(i.handle_token_request(TokenForm::Fields(&fields), 50).unwrap()), 100);
        assert!(matches!(check(i.tokens(), Product::AdminCenter, &t, 60), TokenStatus::Valid { .. }), "failed calls keep the token");
        let dup = format!("access_token=1234%7C{SECRET}&grant_type=client_credentials&grant_type=client_credentials");
        assert_eq!(error_code(i.handle_token_request(TokenForm::Text(&dup), 50).unwrap()), 100);
        let mut wp = integration(Product::Workplace);
        assert_eq!(error_code(wp.handle_token_request(TokenForm::Text(&body), 50).unwrap()), 100);
    }

    #[test]
    fn state_round_trips_without_secret_or_token() {
        let mut i = integration(Product::AdminCenter);
        let t = i.issue_token(100).unwrap();
        let text = crate::json::to_text(&i.export_state()).into_string();
        let state = crate::json::parse(&text).unwrap();
        assert!(!text.contains(SECRET) && !text.contains(t.access_token.as_str()));
        let back = Integration::from_state(&state, &json!(SECRET).ours()).unwrap();
        assert_eq!(crate::json::to_text(&back.export_state()).into_string(), text);
        assert!(matches!(check(back.tokens(), Product::AdminCenter, &t.access_token, 200), TokenStatus::Valid { .. }));
        for bad in [json!(null), json!({ "version": 2, "config": {}, "tokens": [] }), json!({ "version": 1, "config": {}, "tokens": [{ "sha256": "xyz" }] })] {
            assert_eq!(Integration::from_state(&bad.ours(), &json!(SECRET).ours()).unwrap_err().code, ErrorCode::InvalidState);
        }
        let bad_config = json!({ "version": 1, "config": { "permissions": ["nope"] }, "tokens": [] });
        assert_eq!(Integration::from_state(&bad_config.ours(), &json!(SECRET).ours()).unwrap_err().code, ErrorCode::InvalidConfig);
    }

    #[test]
    fn evaluation_follows_the_token_lifecycle() {
        let mut i = Integration::new(
            &json!({ "product": "admin_center", "app_id": "1234", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] }).ours(),
            &json!(SECRET).ours(),
        )
        .unwrap();
        let t = i.issue_token(0).unwrap();
        let call = |token: &str, now: i64| {
            Request::from_json(&json!({ "method": "GET", "path": "/scim/v1/Users", "access_token": token, "source_ip": "203.0.113.2", "now": now }).ours()).unwrap()
        };
        assert!(i.evaluate(&call(&t.access_token, 10), 0).allowed);
        assert_eq!(i.evaluate(&call(&t.access_token, 7200), 0).reason, Some(crate::DenyReason::TokenExpired));
        i.reset_secret(&json!("another").ours()).unwrap();
        assert_eq!(i.evaluate(&call(&t.access_token, 10), 0).reason, Some(crate::DenyReason::TokenInvalid));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let mut i = integration(Product::AdminCenter);
        let t = i.issue_token(0).unwrap();
        for text in [format!("{i:?}"), format!("{t:?}"), format!("{:?}", i.credentials)] {
            assert!(!text.contains(SECRET) && !text.contains(t.access_token.as_str()), "{text}");
        }
    }

    #[test]
    fn credentials_shape_errors_name_the_field() {
        for (v, needle) in [
            (json!({}), "credentials.app_secret"),
            (json!({ "app_secret": 5 }), "credentials.app_secret"),
            (json!({ "app_secret": "x", "tokens": [{ "sha256": "ab" }] }), "credentials.tokens[0].sha256"),
            (json!({ "app_secret": "x", "token": "raw" }), "credentials.token"),
        ] {
            let e = Credentials::from_json(&v.ours()).unwrap_err();
            assert!(e.message.contains(needle), "{}", e.message);
        }
    }

    proptest! {
        #[test]
        fn only_the_issued_token_checks(other in "[A-Za-z0-9_-]{1,60}") {
            let mut i = integration(Product::AdminCenter);
            let t = i.issue_token(0).unwrap();
            prop_assume!(other != *t.access_token);
            prop_assert_eq!(check(i.tokens(), Product::AdminCenter, &other, 1), TokenStatus::Invalid);
        }
    }
}
