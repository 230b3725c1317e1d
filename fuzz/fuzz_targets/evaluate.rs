//! Request evaluation, and the edge gate on the same call.
//!
//! Input: one flag byte, then a config as JSON, a NUL byte, and a request as
//! JSON (without the NUL, the whole rest is the request and a permissive
//! config is used). The flags add what a fuzzer cannot guess: credentials
//! holding a known secret and token, a correctly signed proof, the token in
//! the query string instead of the request object, an expired token.
//!
//! Invariants beyond "no panic":
//! - allowed ⇔ no reason ⇔ no error, and the error is the reason's Graph error;
//! - the trace names the checks in SPEC order, stops at the first failure, and
//!   a skipped check counts as passed; an allowed decision ran all seven;
//! - `decide` (no trace) agrees with `evaluate` on reason, operation and permission;
//! - a path that `parse_path` refuses is never allowed, and never reaches an operation;
//! - the secret and the token never appear in a decision, a gate answer or a `Debug`
//!   of the request, the credentials, the policy or the gate;
//! - the gate forwards only what it allows, and answers 200, 400, 403 or 500.
#![no_main]

use appgrant::catalog::{OPERATIONS, PERMISSIONS};
use appgrant::config::Config;
use appgrant::evaluate::Policy;
use appgrant::gate::{Exchange, Gate};
use appgrant::proof::appsecret_proof;
use appgrant::request::{parse_path, split_url, Request};
use appgrant::token::{sha256_hex, Credentials};
use appgrant::DenyReason;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const SECRET: &str = "Fuzz-App-Secret-4b0d9e";
const TOKEN: &str = "Fuzz-Access-Token-a61f3c";
const CLOCK: i64 = 1_764_000_000;
const CHECKS: [&str; 7] = ["token", "ip", "proof", "operation", "permission", "group", "target"];

const WITH_CREDENTIALS: u8 = 1;
const NO_TOKEN_RECORDS: u8 = 2;
const SIGN: u8 = 4;
const TOKEN_IN_QUERY: u8 = 8;
const EXPIRED_TOKEN: u8 = 16;
const THROUGH_GATE: u8 = 32;

fn permissive() -> Value {
    let all: Vec<&str> = PERMISSIONS.iter().filter(|p| p.id != "read_security_audit_logs").map(|p| p.id).collect();
    json!({ "permissions": all, "options": { "auto_invite": true, "group_chats": true } })
}

fn credentials(flags: u8) -> Value {
    let (issued_at, expires_at) = if flags & EXPIRED_TOKEN != 0 { (CLOCK - 20_000, json!(CLOCK - 10_000)) } else { (CLOCK - 100, Value::Null) };
    if flags & NO_TOKEN_RECORDS != 0 {
        json!({ "app_secret": SECRET })
    } else {
        json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": issued_at, "expires_at": expires_at }] })
    }
}

/// Adds the token (in the object or the query string) and, when it can, a
/// proof signed for the request's own time.
fn sign(request: &mut Value, flags: u8) {
    let Value::Object(map) = request else { return };
    let time = map.get("now").and_then(Value::as_f64).filter(|t| t.is_finite() && *t >= 0.0 && *t < 2.5e11).map_or(CLOCK, |t| t.floor() as i64);
    let proof = appsecret_proof(TOKEN, SECRET, time).appsecret_proof;
    if flags & TOKEN_IN_QUERY != 0 {
        if let Some(Value::String(path)) = map.get_mut("path") {
            let (_, query) = split_url(path);
            let joiner = if query.is_some() { "&" } else { "?" };
            path.push_str(&format!("{joiner}access_token={TOKEN}&appsecret_proof={proof}&appsecret_time={time}"));
        }
    } else {
        map.insert("access_token".into(), json!(TOKEN));
        map.insert("appsecret_proof".into(), json!(proof));
        map.insert("appsecret_time".into(), json!(time));
    }
}

/// The core reads appgrant's own JSON values: serde_json's text, read back.
fn ours(value: &Value) -> appgrant::json::Value {
    appgrant::json::parse(&value.to_string()).expect("appgrant reads what serde_json writes")
}

fn assert_secret_free(what: &str, text: &str) {
    assert!(!text.contains(SECRET), "the app secret leaked into {what}: {text}");
    assert!(!text.contains(TOKEN), "the token leaked into {what}: {text}");
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else { return };
    let (config, request) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (rest.get(..at).unwrap_or_default(), rest.get(at + 1..).unwrap_or_default()),
        None => (&b""[..], rest),
    };
    let config = if config.is_empty() { Some(permissive()) } else { serde_json::from_slice::<Value>(config).ok() };
    let (Some(config), Ok(mut request_json)) = (config, serde_json::from_slice::<Value>(request)) else { return };
    // Only text we plant may hold the secret and the token, so any sighting is a leak.
    let raw = String::from_utf8_lossy(data);
    if raw.contains("Fuzz-App") || raw.contains("Fuzz-Access") {
        return;
    }
    let Ok(config) = Config::from_json(&ours(&config)) else { return };
    if flags & SIGN != 0 {
        sign(&mut request_json, flags);
    }
    let Ok(request) = Request::from_json(&ours(&request_json)) else { return };
    let creds_json = credentials(flags);
    let creds = (flags & WITH_CREDENTIALS != 0).then(|| Credentials::from_json(&ours(&creds_json)).expect("fixed credentials parse"));

    let policy = Policy::new(config.clone());
    let decision = policy.evaluate(&request, creds.as_ref(), CLOCK);

    // allowed ⇔ no reason ⇔ no error; the error is the reason's.
    assert_eq!(decision.allowed, decision.reason.is_none());
    assert_eq!(decision.error, decision.reason.map(DenyReason::graph_error));

    // The trace: SPEC order, first failure decides, skipped means passed.
    let names: Vec<&str> = decision.trace.iter().map(|c| c.check).collect();
    assert!(!names.is_empty() && names.len() <= CHECKS.len());
    assert_eq!(names.as_slice(), CHECKS.get(..names.len()).unwrap_or_default(), "trace order");
    for (i, check) in decision.trace.iter().enumerate() {
        let last = i + 1 == decision.trace.len();
        assert!(!check.skipped || check.ok, "a skipped check passed");
        assert_eq!(check.ok, !(last && !decision.allowed), "only the last check of a denial fails: {:?}", decision.trace);
        assert!(!check.detail.is_empty(), "every trace line explains itself");
    }
    if decision.allowed {
        assert_eq!(decision.trace.len(), CHECKS.len(), "an allowed call ran every check");
        assert!(decision.operation.is_some(), "an allowed call names its operation");
    }

    // decide() is evaluate() without the trace.
    let verdict = policy.decide(&request, creds.as_ref(), CLOCK);
    assert_eq!(verdict.reason, decision.reason);
    assert_eq!(verdict.operation.and_then(|i| OPERATIONS.get(i)).map(|o| o.id), decision.operation);
    assert_eq!(verdict.permission.and_then(|i| PERMISSIONS.get(i)).map(|p| p.id), decision.permission);
    // Deterministic, and the same from a fresh policy.
    assert_eq!(Policy::new(config).evaluate(&request, creds.as_ref(), CLOCK), decision);

    // A refused path never resolves, let alone passes.
    let path = request_json.get("path").and_then(Value::as_str).unwrap_or_default();
    if parse_path(split_url(path).0).is_err() {
        assert!(!decision.allowed, "a refused path was allowed: {path:?}");
        assert_eq!(decision.operation, None, "a refused path named an operation: {path:?}");
        if let Some(reason) = decision.reason {
            use DenyReason::*;
            assert!(
                matches!(reason, TokenMissing | TokenInvalid | TokenExpired | IpNotAllowed | ProofMissing | ProofMalformed | ProofExpired | ProofFuture | ProofMismatch | PathInvalid),
                "a refused path was denied for {reason:?}, after the operation check"
            );
        }
    }

    // Nothing we output or print holds the secret or the token.
    assert_secret_free("the decision", appgrant::json::to_text(&decision).as_str());
    assert_secret_free("Debug of the request", &format!("{request:?}"));
    assert_secret_free("Debug of the policy", &format!("{policy:?}"));
    if let Some(c) = &creds {
        assert_secret_free("Debug of the credentials", &format!("{c:?}"));
    }

    if flags & THROUGH_GATE != 0 {
        let Ok(mut gate) = Gate::new(&ours(&json!({ "permissions": ["read_group_content"] })), &ours(&creds_json), None) else { return };
        // Read from the JSON, so the target does not depend on how `Request` stores its fields.
        let text = |key: &str| request_json.get(key).and_then(Value::as_str).map(str::to_string);
        let exchange = Exchange {
            method: text("method").unwrap_or_default(),
            url: path.to_string(),
            body: text("body"),
            client_ip: text("source_ip"),
            authorization: (flags & TOKEN_IN_QUERY == 0).then(|| format!("Bearer {TOKEN}")),
            now: request_json.get("now").and_then(Value::as_i64).filter(|t| (0..253_402_300_800).contains(t)),
        };
        let answer = gate.handle(&exchange, CLOCK);
        assert!(matches!(answer.status, 200 | 400 | 403 | 500), "status {}", answer.status);
        if answer.forward {
            assert_eq!(answer.status, 200);
            assert!(answer.decision.as_ref().is_some_and(|d| d.allowed), "forwarded a denial");
        }
        if answer.decision.as_ref().is_some_and(|d| !d.allowed) {
            assert!(!answer.forward && answer.status != 200, "a denial answered {}", answer.status);
        }
        assert_secret_free("the gate's answer", appgrant::json::to_text(&answer).as_str());
        assert_secret_free("Debug of the gate", &format!("{gate:?}"));
        assert_secret_free("Debug of the exchange", &format!("{exchange:?}"));
    }
});
