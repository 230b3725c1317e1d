//! "Is this call allowed for this integration, and why (not)?"
//!
//! Checks run in SPEC §5's order — token, ip, proof, operation, permission,
//! group, target — and the first failure decides. Each check leaves a line in
//! the trace, so a decision explains itself. A `Policy` is a config compiled
//! once (allow-list ranges, group set, effective permissions) so that many
//! requests are evaluated without re-reading it.
//!
//! A check's outcome carries what its trace line says as data (`Detail`);
//! the text is written only when a trace is asked for, so `decide` answers
//! without formatting or allocating anything. The checks are marked
//! `#[inline]` for the reason src/request.rs gives.

use std::net::IpAddr;

use crate::catalog::{self, Auth, GroupScope, PermissionIndex, PermissionSet, Product, TargetRule, When, PERMISSIONS};
use crate::config::{Config, GroupMode};
use crate::ip::{self, AllowList, EntryError};
use crate::json::{write_object, ToJson};
use crate::proof::{ProofParams, Received, TimeValue, VerifyOptions};
use crate::reason::{DenyReason, GraphError};
use crate::request::{AuthMethod, Lookup, Param, PostPlace, Request, Resolution, Route, Target, TargetUser, Thread, TimeParam, Unresolved, MAX_SEGMENTS};
use crate::token::{self, Credentials, TokenStatus};
use crate::wipe::Text;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub check: &'static str,
    pub ok: bool,
    /// The check had no input (or does not apply) and did not run.
    pub skipped: bool,
    pub detail: String,
}

impl ToJson for Check {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("check", &self.check), ("ok", &self.ok), ("skipped", &self.skipped), ("detail", &self.detail)]);
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub reason: Option<DenyReason>,
    pub operation: Option<&'static str>,
    pub permission: Option<&'static str>,
    pub trace: Vec<Check>,
    pub error: Option<GraphError>,
}

impl ToJson for Decision {
    fn write_json(&self, out: &mut Text) {
        write_object(
            out,
            &[
                ("allowed", &self.allowed),
                ("reason", &self.reason),
                ("operation", &self.operation),
                ("permission", &self.permission),
                ("trace", &self.trace),
                ("error", &self.error),
            ],
        );
    }
}

/// A decision without its trace: what it rests on, as catalog indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub reason: Option<DenyReason>,
    /// Position in `OPERATIONS`.
    pub operation: Option<usize>,
    /// Position in `PERMISSIONS`.
    pub permission: Option<PermissionIndex>,
}

/// A config read once: allow-list ranges, group set and effective
/// permissions ready for many decisions. Secrets stay outside it and are
/// passed per call, so one compiled config serves an `Integration` whose
/// tokens change.
#[derive(Debug)]
pub struct Policy {
    pub config: Config,
    allow: AllowList,
    /// Sorted and deduplicated: a lookup is a binary search, however many
    /// groups there are.
    groups: Vec<String>,
    effective: PermissionSet,
}

impl Policy {
    pub fn new(config: Config) -> Policy {
        let allow = AllowList::new(config.ip_allowlist.iter().map(|e| e.value.net()));
        let mut groups: Vec<String> = config.groups.iter().map(|g| g.value.clone()).collect();
        crate::sort::ord(&mut groups);
        groups.dedup();
        let effective = config.effective();
        Policy { config, allow, groups, effective }
    }

    /// `clock` is the current time, used when the request gives no `now`.
    pub fn evaluate(&self, request: &Request, credentials: Option<&Credentials>, clock: i64) -> Decision {
        let mut trace = Vec::with_capacity(CHECKS.len());
        let verdict = self.run(request, credentials, clock, |name, outcome, ctx| {
            let (ok, skipped, detail) = match outcome {
                Pass(d) => (true, false, d),
                Skip(d) => (true, true, d),
                Deny(_, d) => (false, false, d),
            };
            trace.push(Check { check: name, ok, skipped, detail: detail.render(ctx) });
        });
        Decision {
            allowed: verdict.reason.is_none(),
            reason: verdict.reason,
            operation: verdict.operation.and_then(|i| catalog::OPERATIONS.get(i)).map(|o| o.id),
            permission: verdict.permission.and_then(|i| PERMISSIONS.get(i)).map(|p| p.id),
            trace,
            error: verdict.reason.map(DenyReason::graph_error),
        }
    }

    /// The decision of `evaluate` without its trace: nothing is formatted.
    pub fn decide(&self, request: &Request, credentials: Option<&Credentials>, clock: i64) -> Verdict {
        self.run(request, credentials, clock, |_, _, _| {})
    }

    /// Runs the checks in order, showing each outcome to `observe`, until one denies.
    fn run(&self, request: &Request, credentials: Option<&Credentials>, clock: i64, mut observe: impl FnMut(&'static str, &Outcome, &Ctx)) -> Verdict {
        let target = request.target();
        let segments = target.as_ref().ok().map(|t| t.segment_array());
        let mut ctx = Ctx {
            policy: self,
            credentials,
            request,
            now: request.now.unwrap_or(clock),
            target,
            segments: segments.flatten().unwrap_or(([""; MAX_SEGMENTS], 0)),
            resolution: None,
            permission: None,
            candidates: 0,
        };
        ctx.resolution = match segments {
            None => None,
            Some(None) => Some(Resolution::Unknown(Unresolved::NoPath)),
            Some(Some(_)) => Some(ctx.lookup().resolve()),
        };
        let mut reason = None;
        for (name, check) in CHECKS {
            let outcome = check(&mut ctx);
            observe(name, &outcome, &ctx);
            if let Deny(r, _) = outcome {
                reason = Some(r);
                break;
            }
        }
        Verdict { reason, operation: ctx.route().map(|r| r.index), permission: ctx.permission }
    }
}

enum Outcome<'a> {
    Pass(Detail<'a>),
    Skip(Detail<'a>),
    Deny(DenyReason, Detail<'a>),
}
use Outcome::{Deny, Pass, Skip};

/// What a trace line says, as data; `render` writes it.
#[derive(Clone, Copy)]
enum Detail<'a> {
    ByAppCredentials,
    NoTokens,
    NoAccessToken,
    TokenTwice,
    TokenActive { issued_at: i64, expires_at: Option<i64> },
    TokenExpired { expired_at: i64 },
    TokenNotActive,
    SourceIpRequired,
    NoSourceIp,
    SourceIpUnreadable(EntryError),
    AllowListRequired,
    NoAllowList(IpAddr),
    InAllowList(IpAddr),
    NotInAllowList(IpAddr),
    ProofRequired,
    NoProof,
    NoSecretForProof,
    ProofTwice,
    TimeWithoutProof,
    TimeTwice,
    ProofValid,
    ProofRefused(DenyReason),
    /// The path is refused: `Ctx::target` holds why.
    PathRefused,
    PathUnreadable,
    Unresolved(Unresolved),
    Ambiguous(&'a str),
    NotInProduct,
    OperationFound,
    NoOperation,
    NoPermissionNeeded,
    FieldsAllowed,
    FieldsMissing,
    Granted,
    /// A held grant (index into the operation's list) that its condition blocks.
    Blocked(usize),
    /// The grants (a mask over the operation's list) that would cover the call.
    Missing(u32),
    NotGroupScoped,
    AllGroupsAccess,
    AllGroupsNeeded,
    PermissionNotGroupScoped(PermissionIndex),
    PostOnTimeline,
    AnyGroup(PermissionIndex),
    GroupEnabled(PermissionIndex, &'a str),
    GroupNotEnabled(&'a str),
    PostGroupUnknown,
    NoCandidate,
    NoTargetRule,
    NoTargetUser,
    Unclaimed,
    ClaimedCannotBeDeleted,
    EligibleUser,
    NotEligible(TargetUser),
}

struct Ctx<'a> {
    policy: &'a Policy,
    credentials: Option<&'a Credentials>,
    request: &'a Request<'a>,
    now: i64,
    /// The request's path after the version prefix, or why it is refused.
    target: Result<Target<'a>, String>,
    segments: ([&'a str; MAX_SEGMENTS], usize),
    resolution: Option<Resolution<'a>>,
    /// The permission the decision rests on (reported in the decision).
    permission: Option<PermissionIndex>,
    /// Every held permission that covers the call, as a mask over the
    /// operation's grants (catalog order): the group check accepts the
    /// first whose group rule passes, so holding more permissions never
    /// narrows access.
    candidates: u32,
}

impl<'a> Ctx<'a> {
    #[inline]
    fn lookup(&self) -> Lookup<'_, 'a> {
        let segments = self.segments.0.get(..self.segments.1).unwrap_or_default();
        Lookup::new(&self.request.method, segments, self.request.node, &self.request.directory)
    }
    fn route(&self) -> Option<&'static Route> {
        match self.resolution {
            Some(Resolution::Found { route, .. }) => Some(route),
            _ => None,
        }
    }
    fn path_id(&self) -> Option<&'a str> {
        match self.resolution {
            Some(Resolution::Found { id, .. }) => id,
            _ => None,
        }
    }
    fn by_app_credentials(&self) -> bool {
        self.route().is_some_and(|r| r.operation.auth == Auth::AppCredentials)
    }
    fn product(&self) -> Product {
        self.policy.config.product
    }
    /// The held grants of the route in `mask`, as permission indices in order.
    fn grants(&self, mask: u32) -> impl Iterator<Item = PermissionIndex> + 'static {
        self.route().into_iter().flat_map(|r| r.grants.iter().copied()).enumerate().filter(move |&(i, _)| mask & bit(i) != 0).map(|(_, p)| p)
    }
}

/// The bit of the `i`th grant of an operation in a grant mask.
fn bit(i: usize) -> u32 {
    u32::try_from(i).ok().and_then(|i| 1u32.checked_shl(i)).unwrap_or(0)
}

fn id(permission: PermissionIndex) -> &'static str {
    PERMISSIONS.get(permission).map_or("?", |p| p.id)
}

type CheckFn = for<'a> fn(&mut Ctx<'a>) -> Outcome<'a>;

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

#[inline]
fn check_token<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    if ctx.by_app_credentials() {
        return Skip(Detail::ByAppCredentials);
    }
    let Some((credentials, records)) = ctx.credentials.and_then(|c| Some((c, c.tokens.as_deref()?))) else {
        return Skip(Detail::NoTokens);
    };
    // `?access_token=` parses to an empty token: missing, as an empty proof is.
    let token = match &ctx.request.access_token {
        Param::Absent => return Deny(DenyReason::TokenMissing, Detail::NoAccessToken),
        Param::One(t) if t.is_empty() => return Deny(DenyReason::TokenMissing, Detail::NoAccessToken),
        Param::Conflict => return Deny(DenyReason::TokenInvalid, Detail::TokenTwice),
        Param::One(t) => t,
    };
    let (product, now) = (ctx.product(), ctx.now);
    match credentials.with_token(token, |facts| token::check(records, product, facts.sha256, now)) {
        TokenStatus::Valid { issued_at, expires_at } => Pass(Detail::TokenActive { issued_at, expires_at }),
        TokenStatus::Expired { expired_at } => Deny(DenyReason::TokenExpired, Detail::TokenExpired { expired_at }),
        TokenStatus::Invalid => Deny(DenyReason::TokenInvalid, Detail::TokenNotActive),
    }
}

#[inline]
fn check_ip<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    let required = ctx.product() == Product::AdminCenter;
    let Some(raw) = ctx.request.source_ip.as_deref() else {
        return if required { Deny(DenyReason::IpNotAllowed, Detail::SourceIpRequired) } else { Skip(Detail::NoSourceIp) };
    };
    let address: IpAddr = match ip::parse_source(raw) {
        Ok(a) => a,
        Err(e) => return Deny(DenyReason::IpNotAllowed, Detail::SourceIpUnreadable(e)),
    };
    if ctx.policy.allow.is_empty() {
        return if required { Deny(DenyReason::IpNotAllowed, Detail::AllowListRequired) } else { Pass(Detail::NoAllowList(address)) };
    }
    if ctx.policy.allow.contains(address) {
        Pass(Detail::InAllowList(address))
    } else {
        Deny(DenyReason::IpNotAllowed, Detail::NotInAllowList(address))
    }
}

#[inline]
fn check_proof<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    if ctx.by_app_credentials() {
        return Skip(Detail::ByAppCredentials);
    }
    let r = ctx.request;
    let sent = !matches!((&r.appsecret_proof, &r.appsecret_time), (Param::Absent, Param::Absent));
    if !sent {
        return if ctx.policy.config.require_appsecret_proof {
            Deny(DenyReason::ProofMissing, Detail::ProofRequired)
        } else {
            Skip(Detail::NoProof)
        };
    }
    let Some(credentials) = ctx.credentials else {
        return Skip(Detail::NoSecretForProof);
    };
    let (Param::One(proof), time) = (&r.appsecret_proof, &r.appsecret_time) else {
        return match r.appsecret_proof {
            Param::Conflict => Deny(DenyReason::ProofMalformed, Detail::ProofTwice),
            _ => Deny(DenyReason::ProofMissing, Detail::TimeWithoutProof),
        };
    };
    let time = match time {
        Param::Absent => None,
        Param::Conflict => return Deny(DenyReason::ProofMalformed, Detail::TimeTwice),
        Param::One(TimeParam::Number(n)) => Some(TimeValue::Number(*n)),
        Param::One(TimeParam::Text(s)) => Some(TimeValue::Text(s)),
        Param::One(TimeParam::Other) => Some(TimeValue::Other),
    };
    let token = match &r.access_token {
        Param::One(t) => Some(t.as_ref()),
        _ => None,
    };
    let params = ProofParams { access_token: token, appsecret_proof: Some(proof), appsecret_time: time };
    let verified = Received::checked(&params, &VerifyOptions::at(ctx.now))
        .and_then(|received| credentials.with_token(received.access_token, |facts| facts.signer.verify(&received)));
    match verified {
        Ok(()) => Pass(Detail::ProofValid),
        Err(reason) => Deny(reason, Detail::ProofRefused(reason)),
    }
}

#[inline]
fn check_operation<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    let resolution = match (&ctx.target, ctx.resolution) {
        (Err(_), _) => return Deny(DenyReason::PathInvalid, Detail::PathRefused),
        (_, Some(res)) => res,
        (_, None) => return Deny(DenyReason::PathInvalid, Detail::PathUnreadable),
    };
    match resolution {
        Resolution::Unknown(why) => Deny(DenyReason::OperationUnknown, Detail::Unresolved(why)),
        Resolution::Ambiguous { id } => Deny(DenyReason::OperationAmbiguous, Detail::Ambiguous(id)),
        Resolution::Found { route, .. } if !route.operation.available_in(ctx.product()) => {
            Deny(DenyReason::ProductMismatch, Detail::NotInProduct)
        }
        Resolution::Found { .. } => Pass(Detail::OperationFound),
    }
}

/// Whether a conditional grant applies to this request, and if it is
/// blocked, by what.
fn applies(ctx: &Ctx, when: When) -> Result<bool, DenyReason> {
    let place = || ctx.request.post_place(ctx.path_id());
    Ok(match when {
        When::Always => true,
        When::Mentioned => ctx.request.mentioned,
        // An unknown place may be a group: the group check then decides.
        When::InGroup => place() != PostPlace::Timeline,
        When::OnTimeline => place() == PostPlace::Timeline,
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

/// For a call whose fields decide: the permission each requirement rests
/// on, or the first requirement no effective permission meets.
fn field_grants(ctx: &Ctx, route: &Route) -> Result<Vec<&'static str>, Vec<&'static str>> {
    let mut used = Vec::new();
    for list in route.operation.requirements(ctx.request.fields.iter().map(String::as_str)) {
        match list.iter().find(|p| ctx.policy.effective.contains_id(p)) {
            Some(p) => used.push(*p),
            None => return Err(list),
        }
    }
    Ok(used)
}

#[inline]
fn check_permission<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    let Some(route) = ctx.route() else { return Skip(Detail::NoOperation) };
    let op = route.operation;
    let effective = ctx.policy.effective;
    if op.permissions.is_empty() {
        return Pass(Detail::NoPermissionNeeded);
    }
    if !op.fields.is_empty() && !ctx.request.fields.is_empty() {
        let index = |p: Option<&&str>| p.and_then(|p| catalog::permission(p)).map(|(i, _)| i);
        return match field_grants(ctx, route) {
            Ok(used) => {
                ctx.permission = index(used.first());
                Pass(Detail::FieldsAllowed)
            }
            Err(list) => {
                ctx.permission = index(list.first());
                Deny(DenyReason::PermissionMissing, Detail::FieldsMissing)
            }
        };
    }
    let mut blocked = None;
    let mut missing = 0;
    for (i, (grant, &permission)) in op.permissions.iter().zip(&route.grants).enumerate() {
        match applies(ctx, grant.when) {
            Ok(true) if effective.contains(permission) => ctx.candidates |= bit(i),
            Ok(true) => missing |= bit(i),
            Ok(false) => {}
            Err(reason) if effective.contains(permission) => blocked = blocked.or(Some((reason, i))),
            Err(_) => missing |= bit(i),
        }
    }
    if let Some(first) = ctx.grants(ctx.candidates).next() {
        ctx.permission = Some(first);
        return Pass(Detail::Granted);
    }
    if let Some((reason, i)) = blocked {
        ctx.permission = route.grants.get(i).copied();
        return Deny(reason, Detail::Blocked(i));
    }
    ctx.permission = ctx.grants(missing).next();
    Deny(DenyReason::PermissionMissing, Detail::Missing(missing))
}

#[inline]
fn check_group<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    let Some(route) = ctx.route() else { return Skip(Detail::NoOperation) };
    let mode = ctx.policy.config.group_mode;
    match route.operation.group_scope {
        GroupScope::None => Skip(Detail::NotGroupScoped),
        GroupScope::AllGroups if mode == GroupMode::All => Pass(Detail::AllGroupsAccess),
        GroupScope::AllGroups => Deny(DenyReason::GroupNotAllowed, Detail::AllGroupsNeeded),
        GroupScope::Path | GroupScope::Post => {
            let mut first_denial = None;
            let candidates = ctx.candidates;
            let held = route.grants.iter().enumerate().filter(|&(i, _)| candidates & bit(i) != 0);
            for (_, &candidate) in held {
                match group_rule(ctx, route, candidate) {
                    denied @ Deny(..) => first_denial = first_denial.or(Some(denied)),
                    passed => {
                        ctx.permission = Some(candidate);
                        return passed;
                    }
                }
            }
            first_denial.unwrap_or(Skip(Detail::NoCandidate))
        }
    }
}

/// The group rule for one permission that covers a path- or post-scoped call.
fn group_rule<'a>(ctx: &Ctx<'a>, route: &Route, permission: PermissionIndex) -> Outcome<'a> {
    if PERMISSIONS.get(permission).is_some_and(|p| !p.group_scoped) {
        return Skip(Detail::PermissionNotGroupScoped(permission));
    }
    let group = match route.operation.group_scope {
        GroupScope::Post => match ctx.request.post_place(ctx.path_id()) {
            PostPlace::Group(g) => Some(g),
            PostPlace::Timeline => return Skip(Detail::PostOnTimeline),
            PostPlace::Unknown => None,
        },
        _ => ctx.path_id(),
    };
    if ctx.policy.config.group_mode == GroupMode::All {
        return Pass(Detail::AnyGroup(permission));
    }
    match group {
        Some(g) if ctx.policy.groups.binary_search_by(|x| x.as_str().cmp(g)).is_ok() => Pass(Detail::GroupEnabled(permission, g)),
        Some(g) => Deny(DenyReason::GroupNotAllowed, Detail::GroupNotEnabled(g)),
        None => Deny(DenyReason::GroupNotAllowed, Detail::PostGroupUnknown),
    }
}

#[inline]
fn check_target<'a>(ctx: &mut Ctx<'a>) -> Outcome<'a> {
    let Some(rule) = ctx.route().and_then(|r| r.operation.target) else {
        return Skip(Detail::NoTargetRule);
    };
    let Some(t) = ctx.request.target_user else { return Skip(Detail::NoTargetUser) };
    match rule {
        TargetRule::Unclaimed if !t.claimed => Pass(Detail::Unclaimed),
        TargetRule::Unclaimed => Deny(DenyReason::TargetNotEligible, Detail::ClaimedCannotBeDeleted),
        TargetRule::PasswordUser if t.claimed && t.active && t.auth == AuthMethod::Password => Pass(Detail::EligibleUser),
        TargetRule::PasswordUser => Deny(DenyReason::TargetNotEligible, Detail::NotEligible(t)),
    }
}

const BY_APP_CREDENTIALS: &str = "not needed: this call authenticates with app_id|app_secret";

impl Detail<'_> {
    /// The trace line's text. It may name the operation, the permissions
    /// and ids of the request, times and addresses, but never a token, a
    /// proof or the secret.
    fn render(&self, ctx: &Ctx) -> String {
        let op = ctx.route().map(|r| r.operation);
        let op_id = op.map_or("?", |o| o.id);
        let mode = ctx.policy.config.group_mode.as_str();
        match *self {
            Detail::ByAppCredentials => BY_APP_CREDENTIALS.into(),
            Detail::NoTokens => "no tokens in the credentials: the token is not checked".into(),
            Detail::NoAccessToken => "the request has no access_token".into(),
            Detail::TokenTwice => "access_token is given more than once".into(),
            Detail::TokenActive { issued_at, expires_at: None } => format!("active token issued at {issued_at}; it never expires"),
            Detail::TokenActive { issued_at, expires_at: Some(end) } => {
                format!("active token issued at {issued_at}, valid for {} more seconds", end.saturating_sub(ctx.now))
            }
            Detail::TokenExpired { expired_at } => {
                format!("the token expired at {expired_at}, {} seconds ago; request a new one", ctx.now.saturating_sub(expired_at))
            }
            Detail::TokenNotActive => "the token is not this integration's active token (reset, replaced, or never issued)".into(),
            Detail::SourceIpRequired => "Admin Center restricts tokens to allow-listed servers; the request has no source_ip".into(),
            Detail::NoSourceIp => "no source_ip given".into(),
            Detail::SourceIpUnreadable(e) => format!("source_ip is not a plain IP address: {e}"),
            Detail::AllowListRequired => "Admin Center integrations need an IP allow-list, and this one has none".into(),
            Detail::NoAllowList(address) => format!("{}: no allow-list is configured, so any address may use the token", ip::Shown(address)),
            Detail::InAllowList(address) => format!("{} is in the allow-list", ip::Shown(address)),
            Detail::NotInAllowList(address) => {
                format!("{} is not in the allow-list ({} entries)", ip::Shown(address), ctx.policy.config.ip_allowlist.len())
            }
            Detail::ProofRequired => "this integration requires appsecret_proof and appsecret_time".into(),
            Detail::NoProof => "no proof sent, and this integration does not require one".into(),
            Detail::NoSecretForProof => "a proof was sent, but no app_secret was given to check it".into(),
            Detail::ProofTwice => "appsecret_proof is given more than once".into(),
            Detail::TimeWithoutProof => "appsecret_time was sent without appsecret_proof".into(),
            Detail::TimeTwice => "appsecret_time is given more than once".into(),
            Detail::ProofValid => "appsecret_proof matches the token and appsecret_time, within 300 seconds".into(),
            Detail::ProofRefused(reason) => proof_detail(reason).into(),
            Detail::PathRefused => ctx.target.as_ref().err().cloned().unwrap_or_default(),
            Detail::PathUnreadable => "the path cannot be read".into(),
            Detail::Unresolved(why) => match (&ctx.target, why) {
                // Longer than any operation's path: not split into the fixed array.
                (Ok(target), Unresolved::NoPath) => format!("no operation has the path {}", target.shown()),
                _ => ctx.lookup().describe(why),
            },
            Detail::Ambiguous(id) => {
                format!("{id} could name: {}; say which with request.node or request.directory", ctx.lookup().candidates().join(", "))
            }
            Detail::NotInProduct => format!("{op_id} is not an operation of {} integrations", ctx.product().as_str()),
            Detail::OperationFound => op.map_or_else(String::new, |o| format!("{} ({} {}, {})", o.id, o.method, o.path, o.source.as_str())),
            Detail::NoOperation => "no operation".into(),
            Detail::NoPermissionNeeded => "needs no permission".into(),
            Detail::FieldsAllowed | Detail::FieldsMissing => match ctx.route().map(|r| field_grants(ctx, r)) {
                Some(Ok(used)) => format!("fields {} allowed by {}", ctx.request.fields.join(","), used.join(", ")),
                Some(Err(list)) => format!("the requested fields need one of: {}", list.join(", ")),
                None => String::new(),
            },
            Detail::Granted => format!("granted {}", ctx.grants(ctx.candidates).map(id).collect::<Vec<_>>().join(", ")),
            Detail::Blocked(i) => match op.and_then(|o| o.permissions.get(i)) {
                Some(grant) => match grant.when {
                    When::OptionInGroupThread(option) => {
                        format!("{} covers group threads only with the option `{option}` on", grant.permission)
                    }
                    _ => format!("{} is scoped to specific groups, so it cannot create groups", grant.permission),
                },
                None => String::new(),
            },
            Detail::Missing(mask) => missing_detail(ctx, &ctx.grants(mask).map(id).collect::<Vec<_>>()),
            Detail::NotGroupScoped => "the operation is not group-scoped".into(),
            Detail::AllGroupsAccess => "group access is `all`, as this operation needs".into(),
            Detail::AllGroupsNeeded => format!("{op_id} needs group access `all`; this integration has `{mode}`"),
            Detail::PermissionNotGroupScoped(p) => format!("{} is not group-scoped", id(p)),
            Detail::PostOnTimeline => "the post is on a timeline, in no group".into(),
            Detail::AnyGroup(p) => format!("{}: group access is `all`", id(p)),
            Detail::GroupEnabled(p, g) => format!("{}: group {g} is enabled for this integration ({mode})", id(p)),
            Detail::GroupNotEnabled(g) => {
                format!("group {g} is not among the {} groups this integration may use ({mode})", ctx.policy.groups.len())
            }
            Detail::PostGroupUnknown => {
                "the post's group is unknown; give request.group_id (or directory.posts) so it can be checked".into()
            }
            Detail::NoCandidate => "no permission to check against a group".into(),
            Detail::NoTargetRule => "the operation has no rule about its target".into(),
            Detail::NoTargetUser => "no target_user given".into(),
            Detail::Unclaimed => "the account is unclaimed".into(),
            Detail::ClaimedCannotBeDeleted => "only unclaimed accounts can be deleted".into(),
            Detail::EligibleUser => "claimed, active, password-authenticated".into(),
            Detail::NotEligible(t) => {
                let problems: Vec<&str> = [
                    (!t.claimed).then_some("unclaimed"),
                    (!t.active).then_some("deactivated"),
                    (t.auth == AuthMethod::Sso).then_some("signs in with SSO"),
                ]
                .into_iter()
                .flatten()
                .collect();
                format!("the account is {}", problems.join(", "))
            }
        }
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

fn missing_detail(ctx: &Ctx, candidates: &[&str]) -> String {
    let mut detail = if candidates.is_empty() {
        let conditional: Vec<String> = ctx
            .route()
            .map(|r| r.operation.permissions)
            .unwrap_or_default()
            .iter()
            .map(|g| format!("{} ({})", g.permission, when_text(g.when)))
            .collect();
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
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
            Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": NOW - 100, "expires_at": null }] }).ours())
                .unwrap()
        });
        Subject(Policy::new(Config::from_json(&config.ours()).unwrap()), credentials)
    }

    fn decide(p: &Subject, request: Value) -> Decision {
        p.0.evaluate(&Request::from_json(&request.ours()).unwrap(), p.1.as_ref(), NOW)
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
        for empty in [
            json!({ "method": "POST", "node": "group", "path": "/1001/feed", "access_token": "" }),
            json!({ "method": "POST", "node": "group", "path": "/1001/feed?access_token=" }),
        ] {
            assert_eq!(reason(&decide(&p, empty)), Some("token_missing"));
        }
        let ac = Subject(
            Policy::new(Config::from_json(&json!({ "product": "admin_center", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] }).ours()).unwrap()),
            Some(Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": NOW - 7200, "expires_at": null }] }).ours()).unwrap()),
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
                "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true }).ours()).unwrap()),
            Some(Credentials::from_json(&json!({ "app_secret": SECRET, "tokens": [] }).ours()).unwrap()),
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
            let text = crate::json::to_text(&decide(&p, r)).into_string();
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
                let request = Request::from_json(&r.ours()).unwrap();
                let verdict = p.0.decide(&request, p.1.as_ref(), NOW);
                let d = decide(&p, r);
                // The untraced decision is the traced one's.
                prop_assert_eq!(verdict.reason, d.reason);
                prop_assert_eq!(verdict.operation.map(|i| OPERATIONS[i].id), d.operation);
                prop_assert_eq!(verdict.permission.map(|i| PERMISSIONS[i].id), d.permission);
                prop_assert_eq!(d.allowed, d.reason.is_none());
                prop_assert_eq!(d.error.clone(), d.reason.map(DenyReason::graph_error));
                let names: Vec<_> = d.trace.iter().map(|c| c.check).collect();
                let order: Vec<_> = CHECKS.iter().map(|(n, _)| *n).take(names.len()).collect();
                prop_assert_eq!(names, order);
                let (last, before) = d.trace.split_last().unwrap();
                prop_assert!(before.iter().all(|c| c.ok));
                prop_assert_eq!(last.ok, d.allowed);
                if d.allowed { prop_assert_eq!(d.trace.len(), 7); }
                let text = crate::json::to_text(&d).into_string();
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
