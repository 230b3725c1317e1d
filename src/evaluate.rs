//! "Is this call allowed for this integration, and why (not)?"
//!
//! Checks run in SPEC §5's order — token, ip, proof, operation, permission,
//! group, target — and the first failure decides. Each check leaves a line in
//! the trace, so a decision explains itself. A `Policy` is a config compiled
//! once (allow-list ranges, group set, effective permissions) so that many
//! requests are evaluated without re-reading it.

use std::collections::HashSet;
use std::net::IpAddr;

use serde::Serialize;

use crate::catalog::{self, Auth, GroupScope, Operation, PermissionSet, Product, TargetRule, When};
use crate::config::{Config, GroupMode};
use crate::ip::{self, AllowList};
use crate::proof::{ProofParams, TimeValue, VerifyOptions};
use crate::reason::{DenyReason, GraphError};
use crate::request::{AuthMethod, Param, PostPlace, Request, Resolution, Thread, TimeParam};
use crate::token::{self, Credentials, TokenStatus};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub ok: bool,
    /// The check had no input (or does not apply) and did not run.
    pub skipped: bool,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Option<DenyReason>,
    pub operation: Option<&'static str>,
    pub permission: Option<&'static str>,
    pub trace: Vec<Check>,
    pub error: Option<GraphError>,
}

/// A config read once: allow-list ranges, group set and effective
/// permissions ready for many decisions. Secrets stay outside it and are
/// passed per call, so one compiled config serves an `Integration` whose
/// tokens change.
#[derive(Debug)]
pub struct Policy {
    pub config: Config,
    allow: AllowList,
    groups: HashSet<String>,
    effective: PermissionSet,
}

impl Policy {
    pub fn new(config: Config) -> Policy {
        let allow = AllowList::new(config.ip_allowlist.iter().map(|e| e.value.net()));
        let groups = config.groups.iter().map(|g| g.value.clone()).collect();
        let effective = config.effective();
        Policy { config, allow, groups, effective }
    }

    /// `clock` is the current time, used when the request gives no `now`.
    pub fn evaluate(&self, request: &Request, credentials: Option<&Credentials>, clock: i64) -> Decision {
        let resolution = request.target.as_ref().ok().map(|segments| {
            crate::request::resolve(&request.method, segments, request.node, &request.directory)
        });
        let mut ctx = Ctx {
            policy: self,
            credentials,
            request,
            now: request.now.unwrap_or(clock),
            resolution,
            permission: None,
            candidates: Vec::new(),
        };
        let mut trace = Vec::with_capacity(CHECKS.len());
        for (name, check) in CHECKS {
            match check(&mut ctx) {
                Outcome::Pass(detail) => trace.push(Check { check: name, ok: true, skipped: false, detail }),
                Outcome::Skip(detail) => trace.push(Check { check: name, ok: true, skipped: true, detail }),
                Outcome::Deny(reason, detail) => {
                    trace.push(Check { check: name, ok: false, skipped: false, detail });
                    return Decision {
                        allowed: false,
                        reason: Some(reason),
                        operation: ctx.operation().map(|o| o.id),
                        permission: ctx.permission,
                        trace,
                        error: Some(reason.graph_error()),
                    };
                }
            }
        }
        Decision {
            allowed: true,
            reason: None,
            operation: ctx.operation().map(|o| o.id),
            permission: ctx.permission,
            trace,
            error: None,
        }
    }
}

enum Outcome {
    Pass(String),
    Skip(String),
    Deny(DenyReason, String),
}
use Outcome::{Deny, Pass, Skip};

struct Ctx<'a> {
    policy: &'a Policy,
    credentials: Option<&'a Credentials>,
    request: &'a Request,
    now: i64,
    resolution: Option<Resolution>,
    /// The permission the decision rests on (reported in the decision).
    permission: Option<&'static str>,
    /// Every held permission that covers the call, in catalog order: the
    /// group check accepts the first whose group rule passes, so holding
    /// more permissions never narrows access.
    candidates: Vec<&'static str>,
}

impl Ctx<'_> {
    fn operation(&self) -> Option<&'static Operation> {
        match &self.resolution {
            Some(Resolution::Found { operation, .. }) => Some(operation),
            _ => None,
        }
    }
    fn path_id(&self) -> Option<&str> {
        match &self.resolution {
            Some(Resolution::Found { id, .. }) => id.as_deref(),
            _ => None,
        }
    }
    fn by_app_credentials(&self) -> bool {
        self.operation().is_some_and(|o| o.auth == Auth::AppCredentials)
    }
    fn product(&self) -> Product {
        self.policy.config.product
    }
}

type CheckFn = fn(&mut Ctx) -> Outcome;

/// The order is the platform's: a bad token is reported before anything
/// about the operation, so a caller without credentials learns nothing of
/// what the integration may do.
const CHECKS: [(&str, CheckFn); 7] = [
    ("token", check_token),
    ("ip", check_ip),
    ("proof", check_proof),
    ("operation", check_operation),
    ("permission", check_permission),
    ("group", check_group),
    ("target", check_target),
];

const BY_APP_CREDENTIALS: &str = "not needed: this call authenticates with app_id|app_secret";

fn check_token(ctx: &mut Ctx) -> Outcome {
    if ctx.by_app_credentials() {
        return Skip(BY_APP_CREDENTIALS.into());
    }
    let Some(records) = ctx.credentials.and_then(|c| c.tokens.as_deref()) else {
        return Skip("no tokens in the credentials: the token is not checked".into());
    };
    let token = match &ctx.request.access_token {
        Param::Absent => return Deny(DenyReason::TokenMissing, "the request has no access_token".into()),
        Param::Conflict => return Deny(DenyReason::TokenInvalid, "access_token is given more than once".into()),
        Param::One(t) => t,
    };
    match token::check(records, ctx.product(), token, ctx.now) {
        TokenStatus::Valid { issued_at, expires_at: None } => Pass(format!("active token issued at {issued_at}; it never expires")),
        TokenStatus::Valid { issued_at, expires_at: Some(end) } => {
            Pass(format!("active token issued at {issued_at}, valid for {} more seconds", end.saturating_sub(ctx.now)))
        }
        TokenStatus::Expired { expired_at } => Deny(
            DenyReason::TokenExpired,
            format!("the token expired at {expired_at}, {} seconds ago; request a new one", ctx.now.saturating_sub(expired_at)),
        ),
        TokenStatus::Invalid => Deny(
            DenyReason::TokenInvalid,
            "the token is not this integration's active token (reset, replaced, or never issued)".into(),
        ),
    }
}

fn check_ip(ctx: &mut Ctx) -> Outcome {
    let required = ctx.product() == Product::AdminCenter;
    let Some(raw) = ctx.request.source_ip.as_deref() else {
        return if required {
            Deny(DenyReason::IpNotAllowed, "Admin Center restricts tokens to allow-listed servers; the request has no source_ip".into())
        } else {
            Skip("no source_ip given".into())
        };
    };
    let address: IpAddr = match ip::parse_source(raw) {
        Ok(a) => a,
        Err(e) => return Deny(DenyReason::IpNotAllowed, format!("source_ip is not a plain IP address: {e}")),
    };
    if ctx.policy.allow.is_empty() {
        return if required {
            Deny(DenyReason::IpNotAllowed, "Admin Center integrations need an IP allow-list, and this one has none".into())
        } else {
            Pass(format!("{address}: no allow-list is configured, so any address may use the token"))
        };
    }
    if ctx.policy.allow.contains(address) {
        Pass(format!("{address} is in the allow-list"))
    } else {
        Deny(DenyReason::IpNotAllowed, format!("{address} is not in the allow-list ({} entries)", ctx.policy.config.ip_allowlist.len()))
    }
}

fn check_proof(ctx: &mut Ctx) -> Outcome {
    if ctx.by_app_credentials() {
        return Skip(BY_APP_CREDENTIALS.into());
    }
    let r = ctx.request;
    let sent = !matches!((&r.appsecret_proof, &r.appsecret_time), (Param::Absent, Param::Absent));
    let required = ctx.policy.config.require_appsecret_proof;
    if !sent {
        return if required {
            Deny(DenyReason::ProofMissing, "this integration requires appsecret_proof and appsecret_time".into())
        } else {
            Skip("no proof sent, and this integration does not require one".into())
        };
    }
    let Some(credentials) = ctx.credentials else {
        return Skip("a proof was sent, but no app_secret was given to check it".into());
    };
    let (Param::One(proof), time) = (&r.appsecret_proof, &r.appsecret_time) else {
        return match r.appsecret_proof {
            Param::Conflict => Deny(DenyReason::ProofMalformed, "appsecret_proof is given more than once".into()),
            _ => Deny(DenyReason::ProofMissing, "appsecret_time was sent without appsecret_proof".into()),
        };
    };
    let time = match time {
        Param::Absent => None,
        Param::Conflict => return Deny(DenyReason::ProofMalformed, "appsecret_time is given more than once".into()),
        Param::One(TimeParam::Number(n)) => Some(TimeValue::Number(*n)),
        Param::One(TimeParam::Text(s)) => Some(TimeValue::Text(s)),
        Param::One(TimeParam::Other) => Some(TimeValue::Other),
    };
    let token = match &r.access_token {
        Param::One(t) => Some(t.as_str()),
        _ => None,
    };
    let params = ProofParams { access_token: token, appsecret_proof: Some(proof), appsecret_time: time };
    match credentials.signer.verify(&params, &VerifyOptions::at(ctx.now)) {
        Ok(()) => Pass("appsecret_proof matches the token and appsecret_time, within 300 seconds".into()),
        Err(reason) => Deny(reason, proof_detail(reason).into()),
    }
}

fn proof_detail(reason: DenyReason) -> &'static str {
    match reason {
        DenyReason::TokenMissing => "a proof needs the access_token it was made for",
        DenyReason::ProofMissing => "appsecret_proof needs appsecret_time beside it",
        DenyReason::ProofMalformed => "appsecret_proof must be 64 lower-case hex digits and appsecret_time whole Unix seconds",
        DenyReason::ProofFuture => "appsecret_time is in the future",
        DenyReason::ProofExpired => "appsecret_time is more than 300 seconds old; make a fresh proof for each call",
        _ => "appsecret_proof is not HMAC-SHA256(app_secret, access_token|appsecret_time)",
    }
}

fn check_operation(ctx: &mut Ctx) -> Outcome {
    let r = ctx.request;
    let resolution = match (&r.target, &ctx.resolution) {
        (Err(why), _) => return Deny(DenyReason::PathInvalid, why.clone()),
        (_, Some(res)) => res,
        (_, None) => return Deny(DenyReason::PathInvalid, "the path cannot be read".into()),
    };
    match resolution {
        Resolution::Unknown(detail) => Deny(DenyReason::OperationUnknown, detail.clone()),
        Resolution::Ambiguous { id, candidates } => Deny(
            DenyReason::OperationAmbiguous,
            format!("{id} could name: {}; say which with request.node or request.directory", candidates.join(", ")),
        ),
        Resolution::Found { operation, .. } if !operation.available_in(ctx.product()) => Deny(
            DenyReason::ProductMismatch,
            format!("{} is not an operation of {} integrations", operation.id, ctx.product().as_str()),
        ),
        Resolution::Found { operation, .. } => {
            Pass(format!("{} ({} {}, {})", operation.id, operation.method, operation.path, operation.source.as_str()))
        }
    }
}

/// Whether a conditional grant applies to this request, and if it is
/// blocked, by what.
fn applies(ctx: &Ctx, when: When) -> Result<bool, DenyReason> {
    let place = ctx.request.post_place(ctx.path_id());
    Ok(match when {
        When::Always => true,
        When::Mentioned => ctx.request.mentioned,
        // An unknown place may be a group: the group check then decides.
        When::InGroup => place != PostPlace::Timeline,
        When::OnTimeline => place == PostPlace::Timeline,
        When::Unscoped if ctx.policy.config.group_mode != GroupMode::All => return Err(DenyReason::GroupCreationNotAllowed),
        When::Unscoped => true,
        When::OptionInGroupThread(option) => {
            let on = match option {
                "group_chats" => ctx.policy.config.group_chats.value,
                "auto_invite" => ctx.policy.config.auto_invite.value,
                _ => false,
            };
            if ctx.request.thread == Some(Thread::Group) && !on {
                return Err(DenyReason::OptionMissing);
            }
            true
        }
    })
}

fn check_permission(ctx: &mut Ctx) -> Outcome {
    let Some(op) = ctx.operation() else { return Skip("no operation".into()) };
    let effective = ctx.policy.effective;
    let fields = &ctx.request.fields;
    if op.permissions.is_empty() {
        return Pass("needs no permission".into());
    }
    if !op.fields.is_empty() && !fields.is_empty() {
        let mut used = Vec::new();
        for list in op.requirements(fields.iter().map(String::as_str)) {
            match list.iter().find(|p| effective.contains_id(p)) {
                Some(p) => used.push(*p),
                None => {
                    ctx.permission = list.first().copied();
                    return Deny(DenyReason::PermissionMissing, format!("the requested fields need one of: {}", list.join(", ")));
                }
            }
        }
        ctx.permission = used.first().copied();
        return Pass(format!("fields {} allowed by {}", fields.join(","), used.join(", ")));
    }
    let mut blocked = None;
    let mut missing = Vec::new();
    for grant in op.permissions {
        match applies(ctx, grant.when) {
            Ok(true) if effective.contains_id(grant.permission) => ctx.candidates.push(grant.permission),
            Ok(true) => missing.push(grant.permission),
            Ok(false) => {}
            Err(reason) if effective.contains_id(grant.permission) => blocked = blocked.or(Some((reason, grant))),
            Err(_) => missing.push(grant.permission),
        }
    }
    if let Some(first) = ctx.candidates.first() {
        ctx.permission = Some(first);
        return Pass(format!("granted {}", ctx.candidates.join(", ")));
    }
    if let Some((reason, grant)) = blocked {
        ctx.permission = Some(grant.permission);
        let detail = match grant.when {
            When::OptionInGroupThread(option) => format!("{} covers group threads only with the option `{option}` on", grant.permission),
            _ => format!("{} is scoped to specific groups, so it cannot create groups", grant.permission),
        };
        return Deny(reason, detail);
    }
    ctx.permission = missing.first().copied();
    Deny(DenyReason::PermissionMissing, missing_detail(ctx, op, &missing))
}

fn missing_detail(ctx: &Ctx, op: &Operation, candidates: &[&str]) -> String {
    let mut detail = if candidates.is_empty() {
        let conditional: Vec<String> = op.permissions.iter().map(|g| format!("{} ({})", g.permission, when_text(g.when))).collect();
        format!("no permission covers this call as described; it needs one of: {}", conditional.join(", "))
    } else {
        format!("needs one of: {}", candidates.join(", "))
    };
    let granted = ctx.policy.config.granted();
    let withheld: Vec<&str> = candidates
        .iter()
        .filter(|p| granted.contains_id(p) && !ctx.policy.effective.contains_id(p))
        .copied()
        .collect();
    if !withheld.is_empty() {
        detail.push_str(&format!("; {} is granted but not offered to this product", withheld.join(", ")));
    }
    detail
}

fn when_text(when: When) -> &'static str {
    match when {
        When::Always => "always",
        When::Mentioned => "when the integration is mentioned",
        When::InGroup => "for a post in a group",
        When::OnTimeline => "for a timeline post: give group_id: null",
        When::Unscoped => "with group access all",
        When::OptionInGroupThread(_) => "with its option for group threads",
    }
}

fn check_group(ctx: &mut Ctx) -> Outcome {
    let Some(op) = ctx.operation() else { return Skip("no operation".into()) };
    let mode = ctx.policy.config.group_mode;
    match op.group_scope {
        GroupScope::None => Skip("the operation is not group-scoped".into()),
        GroupScope::AllGroups if mode == GroupMode::All => Pass("group access is `all`, as this operation needs".into()),
        GroupScope::AllGroups => Deny(
            DenyReason::GroupNotAllowed,
            format!("{} needs group access `all`; this integration has `{}`", op.id, mode.as_str()),
        ),
        GroupScope::Path | GroupScope::Post => {
            let mut first_denial = None;
            for candidate in ctx.candidates.clone() {
                match group_rule(ctx, op, candidate) {
                    denied @ Deny(..) => first_denial = first_denial.or(Some(denied)),
                    passed => {
                        ctx.permission = Some(candidate);
                        return passed;
                    }
                }
            }
            first_denial.unwrap_or_else(|| Skip("no permission to check against a group".into()))
        }
    }
}

/// The group rule for one permission that covers a path- or post-scoped call.
fn group_rule(ctx: &Ctx, op: &Operation, permission: &str) -> Outcome {
    if catalog::permission(permission).is_some_and(|(_, p)| !p.group_scoped) {
        return Skip(format!("{permission} is not group-scoped"));
    }
    let group = match op.group_scope {
        GroupScope::Post => match ctx.request.post_place(ctx.path_id()) {
            PostPlace::Group(g) => Some(g),
            PostPlace::Timeline => return Skip("the post is on a timeline, in no group".into()),
            PostPlace::Unknown => None,
        },
        _ => ctx.path_id().map(str::to_string),
    };
    let mode = ctx.policy.config.group_mode;
    if mode == GroupMode::All {
        return Pass(format!("{permission}: group access is `all`"));
    }
    match group {
        Some(g) if ctx.policy.groups.contains(&g) => Pass(format!("{permission}: group {g} is enabled for this integration ({})", mode.as_str())),
        Some(g) => Deny(
            DenyReason::GroupNotAllowed,
            format!("group {g} is not among the {} groups this integration may use ({})", ctx.policy.groups.len(), mode.as_str()),
        ),
        None => Deny(
            DenyReason::GroupNotAllowed,
            "the post's group is unknown; give request.group_id (or directory.posts) so it can be checked".into(),
        ),
    }
}

fn check_target(ctx: &mut Ctx) -> Outcome {
    let Some(rule) = ctx.operation().and_then(|o| o.target) else {
        return Skip("the operation has no rule about its target".into());
    };
    let Some(t) = ctx.request.target_user else { return Skip("no target_user given".into()) };
    match rule {
        TargetRule::Unclaimed if !t.claimed => Pass("the account is unclaimed".into()),
        TargetRule::Unclaimed => Deny(DenyReason::TargetNotEligible, "only unclaimed accounts can be deleted".into()),
        TargetRule::PasswordUser => {
            let problems: Vec<&str> = [
                (!t.claimed).then_some("unclaimed"),
                (!t.active).then_some("deactivated"),
                (t.auth == AuthMethod::Sso).then_some("signs in with SSO"),
            ]
            .into_iter()
            .flatten()
            .collect();
            if problems.is_empty() {
                Pass("claimed, active, password-authenticated".into())
            } else {
                Deny(DenyReason::TargetNotEligible, format!("the account is {}", problems.join(", ")))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::proof::appsecret_proof;
    use crate::token::sha256_hex;
    use serde_json::{json, Value};

    const SECRET: &str = "app-secret-for-tests";
    const TOKEN: &str = "token-for-tests";
    const NOW: i64 = 1_764_000_000;

    struct Subject(Policy, Option<Credentials>);

    fn policy(config: Value, with_credentials: bool) -> Subject {
        let credentials = with_credentials.then(|| {
            Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": NOW - 100, "expires_at": null }] }))
                .unwrap()
        });
        Subject(Policy::new(Config::from_json(&config).unwrap()), credentials)
    }

    fn decide(p: &Subject, request: Value) -> Decision {
        p.0.evaluate(&Request::from_json(&request).unwrap(), p.1.as_ref(), NOW)
    }

    fn signed(mut request: Value) -> Value {
        let proof = appsecret_proof(TOKEN, SECRET, NOW);
        let map = request.as_object_mut().unwrap();
        map.insert("access_token".into(), json!(TOKEN));
        map.insert("appsecret_proof".into(), json!(proof.appsecret_proof));
        map.insert("appsecret_time".into(), json!(proof.appsecret_time));
        request
    }

    fn reason(d: &Decision) -> Option<&'static str> {
        d.reason.map(DenyReason::as_str)
    }

    fn poster() -> Value {
        json!({ "permissions": ["manage_group_content"], "group_access": { "mode": "specific", "groups": ["1001"] },
            "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true })
    }

    #[test]
    fn a_full_request_passes_every_check_in_order() {
        let d = decide(&policy(poster(), true), signed(json!({ "method": "POST", "node": "group", "path": "/v18.0/1001/feed", "source_ip": "203.0.113.9" })));
        assert!(d.allowed, "{d:?}");
        let names: Vec<_> = d.trace.iter().map(|c| c.check).collect();
        assert_eq!(names, ["token", "ip", "proof", "operation", "permission", "group", "target"]);
        assert_eq!(d.operation, Some("group.feed.publish"));
        assert_eq!(d.permission, Some("manage_group_content"));
        assert!(d.trace.last().unwrap().skipped);
        assert_eq!(d.error, None);
    }

    #[test]
    fn first_failure_decides_and_stops() {
        let p = policy(poster(), true);
        let mut r = signed(json!({ "method": "GET", "node": "group", "path": "/1001/feed", "source_ip": "198.51.100.1" }));
        r["access_token"] = json!("stolen");
        let d = decide(&p, r);
        assert_eq!(reason(&d), Some("token_invalid"));
        assert_eq!(d.trace.len(), 1);
        assert_eq!(d.error.as_ref().unwrap().code, 190);
    }

    #[test]
    fn every_token_reason() {
        let p = policy(poster(), true);
        assert_eq!(reason(&decide(&p, json!({ "method": "POST", "node": "group", "path": "/1001/feed" }))), Some("token_missing"));
        let dup = json!({ "method": "POST", "node": "group", "path": "/1001/feed?access_token=x", "access_token": TOKEN });
        assert_eq!(reason(&decide(&p, dup)), Some("token_invalid"));
        let ac = Subject(
            Policy::new(Config::from_json(&json!({ "product": "admin_center", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] })).unwrap()),
            Some(Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": NOW - 7200, "expires_at": null }] })).unwrap()),
        );
        let d = decide(&ac, json!({ "method": "GET", "path": "/scim/v1/Users", "access_token": TOKEN, "source_ip": "203.0.113.1" }));
        assert_eq!(reason(&d), Some("token_expired"));
        let d = decide(&ac, json!({ "method": "GET", "path": "/scim/v1/Users", "access_token": TOKEN, "source_ip": "203.0.113.1", "now": NOW - 1 }));
        assert!(d.allowed, "{d:?}");
    }

    #[test]
    fn ip_rules() {
        let p = policy(poster(), false);
        let base = json!({ "method": "POST", "node": "group", "path": "/1001/feed", "appsecret_proof": "x" });
        let with_ip = |ip: &str| { let mut r = base.clone(); r["source_ip"] = json!(ip); r };
        assert_eq!(reason(&decide(&p, with_ip("198.51.100.7"))), Some("ip_not_allowed"));
        assert_eq!(decide(&p, with_ip("198.51.100.7")).error.unwrap().code, 5);
        assert_eq!(reason(&decide(&p, with_ip("010.0.0.1"))), Some("ip_not_allowed"));
        assert!(decide(&p, with_ip("::ffff:203.0.113.7")).trace[1].ok, "mapped IPv4 matches IPv4 rules");
        assert!(decide(&p, with_ip("203.0.113.7")).trace[1].ok);
        let skipped = decide(&p, base.clone());
        assert!(skipped.trace[1].skipped);
        let ac = policy(json!({ "product": "admin_center", "permissions": ["manage_accounts"] }), false);
        let d = decide(&ac, json!({ "method": "GET", "path": "/scim/v1/Users" }));
        assert_eq!(reason(&d), Some("ip_not_allowed"), "admin_center needs source_ip");
        let d = decide(&ac, json!({ "method": "GET", "path": "/scim/v1/Users", "source_ip": "203.0.113.1" }));
        assert_eq!(reason(&d), Some("ip_not_allowed"), "admin_center needs an allow-list");
    }

    #[test]
    fn every_proof_reason() {
        let p = policy(poster(), true);
        let ok = signed(json!({ "method": "POST", "node": "group", "path": "/1001/feed", "source_ip": "203.0.113.9" }));
        let with = |key: &str, v: Value| { let mut r = ok.clone(); r[key] = v; r };
        let without = |key: &str| { let mut r = ok.clone(); r.as_object_mut().unwrap().remove(key); r };
        assert_eq!(reason(&decide(&p, without("appsecret_proof"))), Some("proof_missing"));
        let mut neither = without("appsecret_proof");
        neither.as_object_mut().unwrap().remove("appsecret_time");
        assert_eq!(reason(&decide(&p, neither)), Some("proof_missing"), "required by the config");
        assert_eq!(reason(&decide(&p, with("appsecret_proof", json!("ABC")))), Some("proof_malformed"));
        assert_eq!(reason(&decide(&p, with("appsecret_time", json!("1e9")))), Some("proof_malformed"));
        assert_eq!(reason(&decide(&p, with("now", json!(NOW + 301)))), Some("proof_expired"));
        assert!(decide(&p, with("now", json!(NOW + 300))).allowed);
        assert_eq!(reason(&decide(&p, with("now", json!(NOW - 1)))), Some("proof_future"));
        let other = appsecret_proof(TOKEN, "other-secret", NOW).appsecret_proof;
        let d = decide(&p, with("appsecret_proof", json!(other)));
        assert_eq!(reason(&d), Some("proof_mismatch"));
        assert_eq!(d.error.unwrap().message, "Invalid appsecret_proof provided in the API argument");
        let mut dup = ok.clone();
        dup["path"] = json!(format!("/1001/feed?appsecret_time={NOW}"));
        assert_eq!(reason(&decide(&p, dup)), Some("proof_malformed"), "appsecret_time twice");
    }

    #[test]
    fn unchecked_proofs_are_marked_skipped() {
        let p = policy(json!({ "permissions": ["read_group_content"] }), false);
        let d = decide(&p, json!({ "method": "GET", "node": "group", "path": "/1001/feed", "appsecret_proof": "ab", "appsecret_time": 1 }));
        assert!(d.allowed && d.trace[0].skipped && d.trace[2].skipped, "{d:?}");
        assert!(d.trace[2].detail.contains("no app_secret"));
    }

    #[test]
    fn operation_reasons() {
        let p = policy(json!({ "permissions": ["read_group_content", "read_user_email"] }), false);
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/1001/../feed" }))), Some("path_invalid"));
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/1001/%66eed" }))), Some("path_invalid"));
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/1001/nope" }))), Some("operation_unknown"));
        let d = decide(&p, json!({ "method": "GET", "path": "/1001" }));
        assert_eq!(reason(&d), Some("operation_ambiguous"));
        assert!(d.trace[3].detail.contains("group.read") && d.trace[3].detail.contains("member.read"), "{}", d.trace[3].detail);
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/security_audit_logs" }))), Some("product_mismatch"));
        assert!(decide(&p, json!({ "method": "GET", "path": "/1001", "node": "group" })).allowed);
        assert!(decide(&p, json!({ "method": "GET", "path": "/1001", "directory": { "groups": ["1001"] } })).allowed);
    }

    #[test]
    fn permission_reasons() {
        let p = policy(json!({ "permissions": ["read_group_content", "message_any_member", "manage_groups"], "group_access": { "mode": "specific", "groups": ["1001"] } }), false);
        let d = decide(&p, json!({ "method": "POST", "node": "group", "path": "/1001/feed" }));
        assert_eq!(reason(&d), Some("permission_missing"));
        assert_eq!(d.permission, Some("manage_group_content"));
        assert_eq!(d.error.unwrap().code, 200);
        assert!(decide(&p, json!({ "method": "POST", "path": "/me/messages", "thread": "direct" })).allowed);
        assert_eq!(reason(&decide(&p, json!({ "method": "POST", "path": "/me/messages", "thread": "group" }))), Some("option_missing"));
        assert_eq!(reason(&decide(&p, json!({ "method": "POST", "path": "/community/groups" }))), Some("group_creation_not_allowed"));
        let all = policy(json!({ "permissions": ["manage_groups", "message_any_member"], "options": { "group_chats": true } }), false);
        assert!(decide(&all, json!({ "method": "POST", "path": "/community/groups" })).allowed);
        assert!(decide(&all, json!({ "method": "POST", "path": "/me/messages", "thread": "group" })).allowed);
    }

    #[test]
    fn fields_decide_member_reads_and_updates() {
        let p = policy(json!({ "permissions": ["read_user_work_profile"] }), false);
        let read = |fields: Value| decide(&p, json!({ "method": "GET", "path": "/55", "node": "member", "fields": fields }));
        assert!(read(json!("title,department")).allowed);
        assert!(read(json!([])).allowed);
        let d = read(json!("email,title"));
        assert_eq!(reason(&d), Some("permission_missing"));
        assert_eq!(d.permission, Some("read_user_email"));
        let d = decide(&p, json!({ "method": "GET", "path": "/55?fields=email", "node": "member" }));
        assert_eq!(reason(&d), Some("permission_missing"), "fields from the query count");
        let mwp = policy(json!({ "permissions": ["manage_work_profiles"] }), false);
        assert!(decide(&mwp, json!({ "method": "GET", "path": "/55/managers", "node": "member" })).allowed);
        assert!(decide(&mwp, json!({ "method": "POST", "path": "/55", "node": "member", "fields": ["title", "name"] })).allowed);
        assert_eq!(reason(&decide(&mwp, json!({ "method": "POST", "path": "/55", "node": "member", "fields": ["active"] }))), Some("permission_missing"));
    }

    #[test]
    fn group_reasons() {
        let p = policy(json!({ "permissions": ["read_group_content", "read_user_timeline", "export_employee_data"], "group_access": { "mode": "specific", "groups": ["1001"] } }), false);
        assert!(decide(&p, json!({ "method": "GET", "node": "group", "path": "/1001/feed" })).allowed);
        let d = decide(&p, json!({ "method": "GET", "node": "group", "path": "/2002/feed" }));
        assert_eq!(reason(&d), Some("group_not_allowed"));
        assert!(decide(&p, json!({ "method": "GET", "path": "/9_1", "node": "post", "group_id": "1001" })).allowed);
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/9", "node": "post", "group_id": "2002" }))), Some("group_not_allowed"));
        assert_eq!(reason(&decide(&p, json!({ "method": "GET", "path": "/9", "node": "post" }))), Some("group_not_allowed"), "unknown group");
        let d = decide(&p, json!({ "method": "GET", "path": "/9", "node": "post", "group_id": null }));
        assert!(d.allowed && d.permission == Some("read_user_timeline"), "{d:?}");
        assert_eq!(reason(&decide(&p, json!({ "method": "POST", "path": "/community/export_employee_data" }))), Some("group_not_allowed"));
    }

    #[test]
    fn more_permissions_never_narrow_access() {
        let scoped = json!({ "mode": "specific", "groups": ["1001"] });
        let bot = policy(json!({ "permissions": ["mention_bot"], "group_access": scoped }), false);
        let both = policy(json!({ "permissions": ["mention_bot", "read_group_content"], "group_access": scoped }), false);
        let read = json!({ "method": "GET", "path": "/9", "node": "post", "mentioned": true, "group_id": "2002" });
        assert!(decide(&bot, read.clone()).allowed);
        let d = decide(&both, read);
        assert!(d.allowed, "{d:?}");
        assert_eq!(d.permission, Some("mention_bot"), "the permission the decision rests on");
    }

    #[test]
    fn mention_bot_reads_only_where_mentioned() {
        let p = policy(json!({ "permissions": ["mention_bot"] }), false);
        assert!(decide(&p, json!({ "method": "GET", "path": "/9", "node": "post", "mentioned": true, "group_id": "5" })).allowed);
        let d = decide(&p, json!({ "method": "GET", "path": "/9", "node": "post", "group_id": "5" }));
        assert_eq!(reason(&d), Some("permission_missing"));
    }

    #[test]
    fn target_reasons() {
        let p = policy(json!({ "permissions": ["force_password_reset", "provision_user_accounts"] }), false);
        let reset = |t: Value| decide(&p, json!({ "method": "POST", "path": "/55/password_reset", "target_user": t }));
        assert!(reset(json!({ "claimed": true, "active": true, "auth": "password" })).allowed);
        let d = reset(json!({ "claimed": true, "active": false, "auth": "sso" }));
        assert_eq!(reason(&d), Some("target_not_eligible"));
        assert!(d.trace[6].detail.contains("deactivated") && d.trace[6].detail.contains("SSO"));
        let delete = |claimed: bool| decide(&p, json!({ "method": "DELETE", "path": "/55", "node": "member", "target_user": { "claimed": claimed } }));
        assert!(delete(false).allowed);
        assert_eq!(reason(&delete(true)), Some("target_not_eligible"));
    }

    #[test]
    fn token_endpoint_needs_no_token_or_proof_but_an_allowed_ip() {
        let p = Subject(
            Policy::new(Config::from_json(&json!({ "product": "admin_center", "permissions": ["read_security_audit_logs"], "admin_center_tab": "security",
                "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true })).unwrap()),
            Some(Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [] })).unwrap()),
        );
        let d = decide(&p, json!({ "method": "POST", "path": "/work_get_token", "source_ip": "203.0.113.5" }));
        assert!(d.allowed && d.trace[0].skipped && d.trace[2].skipped, "{d:?}");
        assert_eq!(reason(&decide(&p, json!({ "method": "POST", "path": "/work_get_token", "source_ip": "192.0.2.1" }))), Some("ip_not_allowed"));
    }

    #[test]
    fn security_tab_cannot_use_manage_accounts() {
        let p = policy(json!({ "product": "admin_center", "admin_center_tab": "security", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] }), false);
        let d = decide(&p, json!({ "method": "GET", "path": "/scim/v1/Users", "source_ip": "203.0.113.1" }));
        assert_eq!(reason(&d), Some("permission_missing"));
        assert!(d.trace[4].detail.contains("not offered"), "{}", d.trace[4].detail);
    }

    #[test]
    fn traces_never_hold_the_token_or_secret() {
        let p = policy(poster(), true);
        for now in [NOW, NOW + 1000] {
            let mut r = signed(json!({ "method": "POST", "node": "group", "path": "/1001/feed", "source_ip": "203.0.113.9" }));
            r["now"] = json!(now);
            let text = serde_json::to_string(&decide(&p, r)).unwrap();
            assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
        }
    }

    mod laws {
        use super::*;
        use crate::catalog::{OPERATIONS, PERMISSIONS};
        use proptest::prelude::*;

        fn ids(mask: u32) -> Vec<&'static str> {
            PERMISSIONS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, p)| p.id).collect()
        }

        fn config(mask: u32, mode: &str, groups: &[&str]) -> Value {
            json!({ "permissions": ids(mask), "group_access": { "mode": mode, "groups": groups },
                "options": { "group_chats": mask & 1 == 1 } })
        }

        prop_compose! {
            fn request()(op in 0..OPERATIONS.len(), id in prop_oneof![Just("1001"), Just("2002"), Just("55")],
                         typed in any::<bool>(), place in 0..3u8, mentioned in any::<bool>(), group_thread in any::<bool>(),
                         fields in proptest::sample::subsequence(vec!["email", "title", "name", "active"], 0..3),
                         claimed in any::<bool>(), sso in any::<bool>(), signed in any::<bool>()) -> Value {
                let o = &OPERATIONS[op];
                let path = o.path.split('/').map(|p| if p.starts_with('{') { id } else { p }).collect::<Vec<_>>().join("/");
                let mut r = json!({ "method": o.method, "path": path, "mentioned": mentioned, "fields": fields,
                    "thread": if group_thread { "group" } else { "direct" },
                    "target_user": { "claimed": claimed, "active": true, "auth": if sso { "sso" } else { "password" } } });
                if typed {
                    if let Some(n) = o.node { r["node"] = json!(n.as_str()); }
                }
                match place { 0 => {}, 1 => r["group_id"] = Value::Null, _ => r["group_id"] = json!("1001") }
                if signed { r = super::signed(r); }
                r
            }
        }

        proptest! {
            #[test]
            fn decisions_explain_themselves(mask in 0u32..(1 << 26), r in request(), scoped in any::<bool>()) {
                let mode = if scoped { "specific" } else { "all" };
                let p = policy(config(mask, mode, &["1001"]), true);
                let d = decide(&p, r);
                prop_assert_eq!(d.allowed, d.reason.is_none());
                prop_assert_eq!(d.error.clone(), d.reason.map(DenyReason::graph_error));
                let names: Vec<_> = d.trace.iter().map(|c| c.check).collect();
                let order: Vec<_> = CHECKS.iter().map(|(n, _)| *n).take(names.len()).collect();
                prop_assert_eq!(names, order);
                let (last, before) = d.trace.split_last().unwrap();
                prop_assert!(before.iter().all(|c| c.ok));
                prop_assert_eq!(last.ok, d.allowed);
                if d.allowed { prop_assert_eq!(d.trace.len(), 7); }
                let text = serde_json::to_string(&d).unwrap();
                prop_assert!(!text.contains(TOKEN) && !text.contains(SECRET));
            }

            /// Granting more permissions, or more groups, never turns an
            /// allowed call into a denied one.
            #[test]
            fn access_is_monotonic(mask in 0u32..(1 << 26), extra in 0u32..(1 << 26), r in request(), mode in prop_oneof![Just("specific"), Just("group_admins")]) {
                let base = decide(&policy(config(mask, mode, &["1001"]), true), r.clone());
                let more_permissions = decide(&policy(config(mask | extra, mode, &["1001"]), true), r.clone());
                let more_groups = decide(&policy(config(mask, mode, &["1001", "2002", "55"]), true), r.clone());
                let all_groups = decide(&policy(config(mask, "all", &[]), true), r);
                if base.allowed {
                    prop_assert!(more_permissions.allowed, "adding permissions denied: {:?}", more_permissions.reason);
                    prop_assert!(more_groups.allowed, "adding groups denied: {:?}", more_groups.reason);
                    prop_assert!(all_groups.allowed, "group access all denied: {:?}", all_groups.reason);
                }
            }
        }
    }
}
