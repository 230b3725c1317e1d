//! Path matching: any text as a request path (query string included), under
//! every method and node type.
//!
//! Invariants beyond "no panic":
//! - a path `parse_path` refuses is `path_invalid` for every method and node:
//!   a refused path never resolves;
//! - an accepted path has only non-empty segments of `[A-Za-z0-9_.-]`, none `.`
//!   or `..`, and reads back to itself from its canonical form;
//! - when a call resolves to an operation, that operation's method is the call's
//!   (ignoring ASCII case) and its template matches the path segment for segment:
//!   literals exactly, `{id}` by a decimal (or `owner_post`) id. No spelling is
//!   normalised into an operation it does not literally name.
#![no_main]

use appgrant::catalog::{self, Node, OPERATIONS, PERMISSIONS};
use appgrant::config::Config;
use appgrant::evaluate::Policy;
use appgrant::request::{parse_path, split_url, Request};
use appgrant::DenyReason;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::sync::OnceLock;

const METHODS: [&str; 7] = ["GET", "POST", "DELETE", "PUT", "PATCH", "get", "Post"];

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        let all: Vec<&str> = PERMISSIONS.iter().filter(|p| p.id != "read_security_audit_logs").map(|p| p.id).collect();
        let config = json!({ "permissions": all, "options": { "auto_invite": true, "group_chats": true } });
        let config = appgrant::json::parse(&config.to_string()).expect("appgrant reads what serde_json writes");
        Policy::new(Config::from_json(&config).expect("the permissive config parses"))
    })
}

fn is_version(s: &str) -> bool {
    s.strip_prefix('v').and_then(|r| r.split_once('.')).is_some_and(|(a, b)| {
        !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
    })
}

fn is_id(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('_') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(s),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = std::str::from_utf8(data) else { return };
    let (path, _) = split_url(raw);
    let parsed = parse_path(path);

    if let Ok(target) = &parsed {
        let segments: Vec<&str> = target.segments().collect();
        for s in &segments {
            assert!(!s.is_empty() && *s != "." && *s != "..", "segment {s:?} of {path:?}");
            assert!(s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')), "segment {s:?}");
        }
        if segments.first().map_or(true, |s| !is_version(s)) {
            assert_eq!(parse_path(&target.shown()).as_ref(), Ok(target), "canonical form of {path:?}");
        }
    }

    let nodes = std::iter::once(None).chain(Node::ALL.into_iter().map(Some));
    for node in nodes {
        for method in METHODS {
            let mut request = json!({ "method": method, "path": raw });
            if let Some(n) = node {
                request["node"] = Value::from(n.as_str());
            }
            let request = appgrant::json::parse(&request.to_string()).expect("appgrant reads what serde_json writes");
            let Ok(request) = Request::from_json(&request) else { continue };
            let decision = policy().evaluate(&request, None, 1_764_000_000);
            let Ok(target) = &parsed else {
                assert_eq!(decision.reason, Some(DenyReason::PathInvalid), "{method} {raw:?} was not refused");
                assert_eq!(decision.operation, None);
                continue;
            };
            let Some(id) = decision.operation else { continue };
            let op = catalog::operation(id).or_else(|| OPERATIONS.iter().find(|o| o.id == id)).expect("a decision names a catalog operation");
            assert!(op.method.eq_ignore_ascii_case(method), "{method} {raw:?} resolved to {} {}", op.method, op.path);
            let template: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
            let segments: Vec<&str> = target.segments().collect();
            assert_eq!(template.len(), segments.len(), "{raw:?} resolved to {}", op.path);
            for (t, s) in template.iter().zip(&segments) {
                if t.starts_with('{') {
                    assert!(is_id(s), "{raw:?}: {s:?} taken as an id for {}", op.path);
                } else {
                    assert_eq!(t, s, "{raw:?} resolved to {} by a non-literal match", op.path);
                }
            }
        }
    }
});
