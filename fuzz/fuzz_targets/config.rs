//! Config parsing and validation: any bytes, read as JSON, go through
//! `config::parse`, `Config::from_json` and `validate`.
//!
//! Invariants beyond "no panic":
//! - `parse` gives a config exactly when the root is an object;
//! - `from_json` accepts exactly when `parse` gives a config and no error finding;
//! - every diagnostic path is a JSON Pointer (empty or starting with `/`), every
//!   message is non-empty, and the list is sorted by severity;
//! - ignoring every code leaves nothing; re-ranking every code to `suggestion` keeps
//!   the same findings;
//! - a secret planted under `app_secret` (and inside `options`) never appears in a
//!   message or a refusal;
//! - appgrant's JSON reader accepts exactly the text serde_json accepts, and reads
//!   what serde_json writes.
#![no_main]

use appgrant::config::{self, Config};
use appgrant::diagnostic::{Code, Severity};
use appgrant::validate::{validate, Options};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const PLANTED: &str = "Fuzz-Planted-Secret-7c1e";

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let ours = appgrant::json::parse(text);
        assert_eq!(ours.is_ok(), serde_json::from_str::<Value>(text).is_ok(), "the readers disagree: {ours:?}");
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(data) else { return };
    let text = String::from_utf8_lossy(data);
    let planted = !text.contains(PLANTED) && !text.contains("Fuzz-Planted");
    if planted {
        if let Value::Object(map) = &mut value {
            map.insert("app_secret".into(), Value::String(PLANTED.into()));
            if let Some(Value::Object(options)) = map.get_mut("options") {
                options.insert("password".into(), Value::String(PLANTED.into()));
            }
        }
    }

    let value_json = value;
    let value = appgrant::json::parse(&value_json.to_string()).expect("appgrant reads what serde_json writes");
    let (parsed, diagnostics) = config::parse(&value);
    assert_eq!(parsed.is_some(), value_json.is_object(), "parse gives a config exactly for an object");
    let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
    let strict = Config::from_json(&value);
    assert_eq!(strict.is_ok(), parsed.is_some() && !has_error, "from_json agrees with parse");
    if let Err(e) = &strict {
        assert!(!e.message.is_empty());
        if planted {
            assert!(!e.message.contains(PLANTED), "the planted secret leaked into a refusal: {}", e.message);
        }
    }

    let findings = validate(&value, &Options::default());
    for d in &findings {
        assert!(d.path.is_empty() || d.path.starts_with('/'), "not a JSON Pointer: {:?}", d.path);
        assert!(!d.message.is_empty(), "empty message for {:?}", d.code);
        if planted {
            assert!(!d.message.contains(PLANTED), "the planted secret leaked: {}", d.message);
            assert!(!d.path.contains(PLANTED));
        }
    }
    assert!(findings.windows(2).all(|w| matches!(w, [a, b] if a.severity <= b.severity)), "sorted by severity");
    // Every parse finding is among validate's.
    for d in &diagnostics {
        assert!(findings.iter().any(|f| f.code == d.code && f.path == d.path && f.message == d.message), "lost {:?}", d.code);
    }
    if planted && value_json.is_object() {
        assert!(findings.iter().any(|d| d.code == Code::SecretInConfig), "the planted app_secret is reported");
    }

    let ignore_all = Options { ignore: Code::ALL.iter().copied().collect(), ..Options::default() };
    assert!(validate(&value, &ignore_all).is_empty(), "ignoring every code leaves nothing");
    let quiet = Options { severity: Code::ALL.iter().map(|c| (*c, Severity::Suggestion)).collect(), ..Options::default() };
    let reranked = validate(&value, &quiet);
    assert_eq!(reranked.len(), findings.len(), "re-ranking keeps every finding");
    assert!(reranked.iter().all(|d| d.severity == Severity::Suggestion));
});
