//! The edge gate's domain: an HTTP exchange in, the platform's answer out.
//!
//! A gate stands where the platform would and answers as it would: it reads
//! the credentials from wherever a client may put them (query string, a
//! urlencoded form body, an `Authorization` header), the client address the
//! runtime saw, and runs the seven checks of `evaluate`. A denial becomes
//! Graph's error JSON with Graph's HTTP status; an allowed call is either
//! answered with its decision or handed back to be forwarded. Admin Center's
//! `POST /work_get_token` is served here too, so tokens issued by the gate are
//! the ones it accepts afterwards.
//!
//! Credential parameters are merged into one query string before the request
//! is read, so a parameter given in two places (or twice in one) is the same
//! conflict `request.rs` already refuses: servers disagree on which copy wins.

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;

use zeroize::Zeroizing;

use crate::catalog::Product;
use crate::config::{clipped, kind, Config};
use crate::error::{Error, ErrorCode, Result};
use crate::evaluate::{Decision, Policy};
use crate::form;
use crate::json::{write_object, Map, ToJson, Value};
use crate::reason::{DenyReason, GraphError};
use crate::request::{split_url, Directory, Parts, Request};
use crate::token::{Credentials, Integration, TokenForm, TokenResponse};
use crate::wipe::{Text, Wipe};

/// Body parameters that carry credentials or select fields: they count as
/// if sent in the query string. Every other body key is a field the call
/// writes (`member.update` needs different permissions per field).
const LIFTED: [&str; 4] = ["access_token", "appsecret_proof", "appsecret_time", "fields"];

/// The operation the gate answers itself instead of forwarding.
const TOKEN_ENDPOINT: &str = "work_get_token";

/// The HTTP status Graph answers with for each denial.
///
/// Graph reports nearly every error as 400 with the detail in the JSON body:
/// the Facebook Login guide on access-token errors says token failures
/// (codes 190 and 104) come back as "HTTP 400", and SDK traces of "Invalid
/// appsecret_proof" (code 100) show 400. Permission errors (code 200) are
/// the exception clients meet as 403 Forbidden; the IP allow-list refusal
/// (code 5) is a refusal of who is calling, not of what is asked, and is
/// given 403 too (no public source states its status).
pub fn http_status(reason: DenyReason) -> u16 {
    use DenyReason::*;
    match reason {
        IpNotAllowed | PermissionMissing | OptionMissing | GroupNotAllowed | GroupCreationNotAllowed => 403,
        TokenMissing | TokenInvalid | TokenExpired | ProofMissing | ProofMalformed | ProofExpired | ProofFuture
        | ProofMismatch | PathInvalid | OperationUnknown | OperationAmbiguous | ProductMismatch | TargetNotEligible => 400,
    }
}

/// One HTTP request as the runtime delivered it.
pub struct Exchange {
    pub method: String,
    /// The request target (`/path?query`) or a full URL.
    pub url: String,
    /// The body text when it is `application/x-www-form-urlencoded`; other
    /// bodies are not read, so credentials in them are not seen.
    pub body: Option<String>,
    /// The address the runtime saw the connection come from.
    pub client_ip: Option<String>,
    /// The `Authorization` header: `Bearer <token>` or `OAuth <token>`.
    pub authorization: Option<String>,
    /// Unix seconds; overrides the clock.
    pub now: Option<i64>,
}

/// The URL, body and header may all hold a token or a proof: wiped when
/// the exchange is dropped.
impl Drop for Exchange {
    fn drop(&mut self) {
        self.url.wipe();
        self.body.wipe();
        self.authorization.wipe();
    }
}

/// The URL, body and header may all hold a token or a proof.
impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, query) = split_url(&self.url);
        f.debug_struct("Exchange")
            .field("method", &self.method)
            .field("path", &path)
            .field("query", &query.map(|_| "<redacted>"))
            .field("body", &self.body.as_ref().map(|_| "<redacted>"))
            .field("client_ip", &self.client_ip)
            .field("authorization", &self.authorization.as_ref().map(|_| "<redacted>"))
            .field("now", &self.now)
            .finish()
    }
}

const EXCHANGE_KEYS: [&str; 6] = ["method", "url", "body", "client_ip", "authorization", "now"];

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRequest, message)
}

fn opt_string(map: &Map, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(bad(format!("exchange.{key} must be a string, found {}", kind(other)))),
    }
}

impl Exchange {
    /// `{ method, url, body?, client_ip?, authorization?, now? }`.
    pub fn from_json(v: &Value) -> Result<Exchange> {
        let map = v.as_object().ok_or_else(|| bad(format!("the exchange must be an object, found {}", kind(v))))?;
        if let Some(k) = map.keys().find(|k| !EXCHANGE_KEYS.contains(&k.as_str())) {
            return Err(bad(format!("unknown field exchange.{}: use {}", clipped(k), EXCHANGE_KEYS.join(", "))));
        }
        let now = match map.get("now") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(crate::proof::seconds_from_f64(n.as_f64().unwrap_or(f64::NAN))?),
            Some(other) => return Err(Error::time(format!("exchange.now must be Unix seconds, found {}", kind(other)))),
        };
        Ok(Exchange {
            method: opt_string(map, "method")?.ok_or_else(|| bad("exchange.method is required, e.g. \"GET\""))?,
            url: opt_string(map, "url")?.ok_or_else(|| bad("exchange.url is required, e.g. \"/v18.0/1001/feed?access_token=...\""))?,
            body: opt_string(map, "body")?,
            client_ip: opt_string(map, "client_ip")?,
            authorization: opt_string(map, "authorization")?,
            now,
        })
    }
}

/// What the gate answers with.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// An allowed call: the decision, with its trace.
    Decision(Decision),
    /// A denial or a token-endpoint failure, as Graph writes it.
    Error { error: GraphError },
    /// A token issued by `POST /work_get_token`.
    Token(TokenResponse),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Body,
    /// The decision behind the answer; `None` when the exchange could not be
    /// read as a request at all.
    pub decision: Option<Decision>,
    /// An allowed API call that a gate with an upstream passes on. Never set
    /// for denials or for the token endpoint, which the gate answers itself.
    pub forward: bool,
}

impl ToJson for Body {
    fn write_json(&self, out: &mut Text) {
        match self {
            Body::Decision(decision) => decision.write_json(out),
            Body::Error { error } => write_object(out, &[("error", error)]),
            Body::Token(token) => token.write_json(out),
        }
    }
}

impl ToJson for Answer {
    fn write_json(&self, out: &mut Text) {
        write_object(
            out,
            &[("status", &self.status), ("body", &self.body), ("decision", &self.decision), ("forward", &self.forward)],
        );
    }
}

impl Answer {
    /// The token endpoint's answer holds the token it issued.
    pub fn hands_over_token(&self) -> bool {
        matches!(self.body, Body::Token(TokenResponse::Token { .. }))
    }

    fn refused(status: u16, error: GraphError, decision: Option<Decision>) -> Answer {
        Answer { status, body: Body::Error { error }, decision, forward: false }
    }
}

/// Workplace tokens are fixed by the credentials; Admin Center ones are
/// issued by the gate's own token endpoint, which replaces them.
enum Checker {
    Fixed { policy: Policy, credentials: Credentials },
    Issuing(Integration),
}

pub struct Gate {
    checker: Checker,
    directory: Rc<Directory>,
}

impl fmt::Debug for Gate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let checker = match &self.checker {
            Checker::Fixed { policy, credentials } => format!("Fixed {{ product: {:?}, credentials: {credentials:?} }}", policy.config.product),
            Checker::Issuing(integration) => format!("Issuing({integration:?})"),
        };
        f.debug_struct("Gate").field("checker", &checker).finish_non_exhaustive()
    }
}

impl Gate {
    /// `credentials` in SPEC §5's shape; `directory` as in a request, to type
    /// the bare ids of the paths this gate sees (`/{id}/feed` is a group's or
    /// a member's feed).
    pub fn new(config: &Value, credentials: &Value, directory: Option<&Value>) -> Result<Gate> {
        let parsed = Config::from_json(config)?;
        let checked = Credentials::from_json(credentials)?;
        let checker = match parsed.product {
            Product::Workplace => Checker::Fixed { policy: Policy::new(parsed), credentials: checked },
            Product::AdminCenter => {
                let secret = credentials.get("app_secret").unwrap_or(&Value::Null);
                Checker::Issuing(Integration::new(config, secret)?.with_tokens(checked.tokens.unwrap_or_default()))
            }
        };
        let directory = Rc::new(Directory::from_json(directory, "directory")?);
        Ok(Gate { checker, directory })
    }

    /// `clock` is the current time, used when the exchange gives no `now`.
    pub fn handle(&mut self, exchange: &Exchange, clock: i64) -> Answer {
        let now = exchange.now.unwrap_or(clock);
        let request = match self.request(exchange) {
            Ok(r) => r,
            Err(message) => return Answer::refused(400, GraphError::oauth(100, &message), None),
        };
        let decision = match &self.checker {
            Checker::Fixed { policy, credentials } => policy.evaluate(&request, Some(credentials), now),
            Checker::Issuing(integration) => integration.evaluate(&request, now),
        };
        if let Some(reason) = decision.reason {
            return Answer::refused(http_status(reason), reason.graph_error(), Some(decision));
        }
        match (&mut self.checker, decision.operation) {
            (Checker::Issuing(integration), Some(TOKEN_ENDPOINT)) => {
                let form = TokenForm::Text(exchange.body.as_deref().unwrap_or_default());
                match integration.handle_token_request(form, now) {
                    Ok(TokenResponse::Error { error }) => Answer::refused(400, error, Some(decision)),
                    Ok(token) => Answer { status: 200, body: Body::Token(token), decision: Some(decision), forward: false },
                    Err(e) => Answer::refused(500, GraphError::oauth(2, &e.message), Some(decision)),
                }
            }
            _ => Answer { status: 200, body: Body::Decision(decision.clone()), decision: Some(decision), forward: true },
        }
    }

    /// For a gate whose answers depend only on the exchange and the clock
    /// (a Workplace gate: no token endpoint, no tokens issued): `run` given
    /// what `handle` decides with (the policy, the request, the credentials,
    /// the time), so that it can decide with or without a trace. `None` for
    /// an Admin Center gate, and for an exchange that cannot be read as a
    /// request (`handle` answers 400 with what is wrong). An edge function
    /// needs no more than the decision to answer; `handle`'s JSON answer
    /// costs it ten times the decision (see js/fast.mjs).
    pub fn decide<R>(&self, exchange: &Exchange, clock: i64, run: impl FnOnce(&Policy, &Request<'_>, &Credentials, i64) -> R) -> Option<R> {
        let Checker::Fixed { policy, credentials } = &self.checker else { return None };
        let request = self.request(exchange).ok()?;
        Some(run(policy, &request, credentials, exchange.now.unwrap_or(clock)))
    }

    /// The exchange as a request: the query and the body's credentials
    /// merged into one query string, the header's token beside it, body keys
    /// as the fields a write touches.
    /// Everything written on the way is a `Text`: the pieces are tokens.
    fn request<'e>(&self, exchange: &'e Exchange) -> std::result::Result<Request<'e>, String> {
        let (path, query) = split_url(&exchange.url);
        let mut target = Text::with_capacity(exchange.url.len());
        target.push_str(path);
        let mut separator = "?";
        let mut add = |pair: &[&str]| {
            target.push_str(separator);
            separator = "&";
            for piece in pair {
                target.push_str(piece);
            }
        };
        if let Some(q) = query.filter(|q| !q.is_empty()) {
            add(&[q]);
        }
        let mut fields = Vec::new();
        if let Some(body) = &exchange.body {
            let decoded = Zeroizing::new(form::parse(body).map_err(|e| format!("The request body cannot be read as a form: {}", e.message))?);
            for (key, value) in decoded.iter() {
                if LIFTED.contains(&key.as_str()) {
                    add(&[&form::encode(key), "=", &Zeroizing::new(form::encode(value))]);
                } else {
                    fields.push(key.clone());
                }
            }
        }
        // The header's token joins the request beside the query, where a second token (in the
        // query or the body) conflicts with it as one in the query would: the same request,
        // without percent-encoding the token only for the query to decode it again (a fifth of
        // a gate's answer).
        let access_token = exchange.authorization.as_deref().and_then(bearer_token).map(Cow::Borrowed);
        // `evaluate` skips the IP check of a request that names no address, as
        // a question about a call may; a gate that cannot tell who is calling
        // must not let an allow-listed integration through, so an unknown
        // address is an empty one, which the check refuses.
        let source_ip = exchange.client_ip.as_deref().map(Cow::Borrowed).or_else(|| self.has_allow_list().then_some(Cow::Borrowed("")));
        Ok(Request::new(Parts {
            method: exchange.method.clone().into(),
            path: Cow::Owned(target.into_string()),
            node: None,
            group_id: None,
            fields,
            source_ip,
            access_token,
            appsecret_proof: None,
            appsecret_time: None,
            now: None,
            mentioned: false,
            thread: None,
            target_user: None,
            directory: Rc::clone(&self.directory),
        }))
    }

    fn has_allow_list(&self) -> bool {
        match &self.checker {
            Checker::Fixed { policy, .. } => !policy.config.ip_allowlist.is_empty(),
            // Admin Center requires an address whatever the list says.
            Checker::Issuing(_) => false,
        }
    }
}

/// The token of `Authorization: Bearer <token>` (or Graph's older `OAuth`
/// scheme); other schemes carry no Graph token.
fn bearer_token(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    let known = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth");
    (known && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::{json, Value};
    use crate::proof::appsecret_proof;
    use crate::token::sha256_hex;
    use proptest::prelude::*;

    const SECRET: &str = "gate-secret-for-tests";
    const TOKEN: &str = "gate-token-for-tests";
    const NOW: i64 = 1_764_000_000;
    const ALLOWED_IP: &str = "203.0.113.9";

    fn config() -> Value {
        json!({ "permissions": ["read_group_content", "manage_work_profiles"], "group_access": { "mode": "specific", "groups": ["1001"] },
            "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true })
    }

    fn credentials() -> Value {
        json!({ "app_secret": SECRET, "tokens": [{ "sha256": sha256_hex(TOKEN), "issued_at": NOW - 100, "expires_at": null }] })
    }

    fn gate() -> Gate {
        Gate::new(&config().ours(), &credentials().ours(), Some(&json!({ "groups": ["1001", "2002"], "members": ["55"] }).ours())).unwrap()
    }

    /// `access_token=…&appsecret_proof=…&appsecret_time=…` for `time`, signed with `secret`.
    fn credential_query(secret: &str, time: i64) -> String {
        let p = appsecret_proof(TOKEN, secret, time);
        format!("access_token={TOKEN}&appsecret_proof={}&appsecret_time={time}", p.appsecret_proof)
    }

    fn exchange(method: &str, url: &str, body: Option<&str>, ip: &str) -> Exchange {
        Exchange {
            method: method.into(),
            url: url.into(),
            body: body.map(str::to_string),
            client_ip: Some(ip.into()),
            authorization: None,
            now: None,
        }
    }

    fn get(url: &str) -> Exchange {
        exchange("GET", url, None, ALLOWED_IP)
    }

    fn error_of(a: &Answer) -> &GraphError {
        match &a.body {
            Body::Error { error } => error,
            other => panic!("not an error: {other:?}"),
        }
    }

    fn reason(a: &Answer) -> Option<&'static str> {
        a.decision.as_ref().and_then(|d| d.reason).map(DenyReason::as_str)
    }

    #[test]
    fn an_allowed_call_answers_200_with_its_decision_and_is_forwarded() {
        let a = gate().handle(&get(&format!("http://127.0.0.1:8080/v18.0/1001/feed?{}", credential_query(SECRET, NOW))), NOW);
        assert_eq!(a.status, 200, "{a:?}");
        assert!(a.forward);
        match &a.body {
            Body::Decision(d) => assert!(d.allowed && d.operation == Some("group.feed.read")),
            other => panic!("{other:?}"),
        }
        let text = crate::json::to_text(&a).into_string();
        assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
    }

    #[test]
    fn a_workplace_gate_decides_as_it_answers() {
        let mut g = gate();
        let signed = credential_query(SECRET, NOW);
        let mut exchanges: Vec<Exchange> = [
            format!("/v18.0/1001/feed?{signed}"),
            format!("/2002/feed?{signed}"),
            format!("/55?{signed}"),
            format!("/1001/feed?{}", credential_query("not-the-secret", NOW)),
            "/1001/feed".into(),
            format!("/nope/x/y?{signed}"),
        ]
        .iter()
        .map(|url| get(url))
        .collect();
        exchanges.push(exchange("POST", &format!("/55?{signed}"), Some("title=x"), ALLOWED_IP));
        exchanges.push(exchange("GET", &format!("/1001/feed?{signed}"), None, "198.51.100.1"));
        for e in &exchanges {
            let answer = g.handle(e, NOW);
            let explained = g.decide(e, NOW, |p, r, c, now| p.evaluate(r, Some(c), now));
            assert_eq!(explained.as_ref(), answer.decision.as_ref(), "{e:?}");
            let verdict = g.decide(e, NOW, |p, r, c, now| p.decide(r, Some(c), now)).unwrap();
            assert_eq!(verdict.reason, answer.decision.and_then(|d| d.reason), "{e:?}");
        }
        // What `handle` answers without a decision, `decide` leaves to it.
        let unreadable = exchange("POST", &format!("/55?{signed}"), Some("%zz"), ALLOWED_IP);
        assert!(g.handle(&unreadable, NOW).decision.is_none());
        assert!(g.decide(&unreadable, NOW, |_, _, _, _| ()).is_none());
        // An Admin Center gate's answers change what it answers next.
        assert!(admin_center().decide(&get(&format!("/55?{signed}")), NOW, |_, _, _, _| ()).is_none());
    }

    #[test]
    fn denials_answer_graph_errors_with_graph_statuses() {
        let mut g = gate();
        let wrong_secret = g.handle(&get(&format!("/1001/feed?{}", credential_query("not-the-secret", NOW))), NOW);
        assert_eq!((wrong_secret.status, error_of(&wrong_secret).code), (400, 100));
        assert_eq!(error_of(&wrong_secret).message, "Invalid appsecret_proof provided in the API argument");
        assert_eq!(reason(&wrong_secret), Some("proof_mismatch"));

        let expired = g.handle(&get(&format!("/1001/feed?{}", credential_query(SECRET, NOW - 301))), NOW);
        assert_eq!((expired.status, reason(&expired)), (400, Some("proof_expired")));

        let outsider = g.handle(&exchange("GET", &format!("/1001/feed?{}", credential_query(SECRET, NOW)), None, "198.51.100.7"), NOW);
        assert_eq!((outsider.status, error_of(&outsider).code), (403, 5));
        assert_eq!(error_of(&outsider).message, "(#5) Unauthorized source IP address");

        let publish = g.handle(&exchange("POST", &format!("/1001/feed?{}", credential_query(SECRET, NOW)), Some("message=hi"), ALLOWED_IP), NOW);
        assert_eq!((publish.status, error_of(&publish).code, reason(&publish)), (403, 200, Some("permission_missing")));

        let other_group = g.handle(&get(&format!("/2002/feed?{}", credential_query(SECRET, NOW))), NOW);
        assert_eq!((other_group.status, reason(&other_group)), (403, Some("group_not_allowed")));

        let no_token = g.handle(&get("/1001/feed"), NOW);
        assert_eq!((no_token.status, error_of(&no_token).code), (400, 104));
        let stolen = g.handle(&get("/1001/feed?access_token=stolen"), NOW);
        assert_eq!((stolen.status, error_of(&stolen).code), (400, 190));
        for a in [&wrong_secret, &expired, &outsider, &publish, &other_group, &no_token, &stolen] {
            assert!(!a.forward);
        }
    }

    #[test]
    fn every_reason_has_a_client_error_status() {
        for r in DenyReason::ALL {
            let status = http_status(r);
            assert!(status == 400 || status == 403, "{r:?}");
            assert_eq!(status == 403, matches!(r.graph_error().code, 5 | 200), "{r:?}: 403 exactly for codes 5 and 200");
        }
    }

    #[test]
    fn credentials_count_from_the_form_body_and_the_authorization_header() {
        let mut g = gate();
        let body = credential_query(SECRET, NOW);
        let a = g.handle(&exchange("POST", "/55", Some(&format!("{body}&title=Engineer")), ALLOWED_IP), NOW);
        assert!(a.forward, "{a:?}");
        let p = appsecret_proof(TOKEN, SECRET, NOW);
        let mut header = get(&format!("/1001/feed?appsecret_proof={}&appsecret_time={NOW}", p.appsecret_proof));
        header.authorization = Some(format!("Bearer {TOKEN}"));
        assert!(g.handle(&header, NOW).forward);
        header.authorization = Some(format!("Basic {TOKEN}"));
        assert_eq!(reason(&g.handle(&header, NOW)), Some("token_missing"), "only Bearer and OAuth carry a token");
    }

    #[test]
    fn a_credential_in_two_places_is_refused() {
        let mut g = gate();
        let query = credential_query(SECRET, NOW);
        let twice = g.handle(&exchange("POST", &format!("/55?{query}"), Some(&format!("access_token={TOKEN}&title=x")), ALLOWED_IP), NOW);
        assert_eq!((twice.status, reason(&twice)), (400, Some("token_invalid")));
        let in_body_twice = g.handle(&exchange("POST", "/55", Some(&format!("{query}&appsecret_time={NOW}")), ALLOWED_IP), NOW);
        assert_eq!(reason(&in_body_twice), Some("proof_malformed"));
        let mut header_and_query = get(&format!("/1001/feed?{query}"));
        header_and_query.authorization = Some(format!("Bearer {TOKEN}"));
        assert_eq!(reason(&g.handle(&header_and_query, NOW)), Some("token_invalid"));
        let mut header_and_body = exchange("POST", "/55", Some(&format!("{query}&title=x")), ALLOWED_IP);
        header_and_body.authorization = Some(format!("Bearer {TOKEN}"));
        assert_eq!(reason(&g.handle(&header_and_body, NOW)), Some("token_invalid"));
        // The same token twice is two tokens, as in the query.
        header_and_body.body = Some(format!("access_token={TOKEN}"));
        header_and_body.url = format!("/55?appsecret_proof={}&appsecret_time={NOW}", appsecret_proof(TOKEN, SECRET, NOW).appsecret_proof);
        assert_eq!(reason(&g.handle(&header_and_body, NOW)), Some("token_invalid"));
    }

    #[test]
    fn written_body_fields_choose_the_permission() {
        let mut g = gate();
        let creds = credential_query(SECRET, NOW);
        assert!(g.handle(&exchange("POST", "/55", Some(&format!("{creds}&title=Engineer&name=Ada")), ALLOWED_IP), NOW).forward);
        let deactivate = g.handle(&exchange("POST", "/55", Some(&format!("{creds}&active=false")), ALLOWED_IP), NOW);
        assert_eq!((deactivate.status, reason(&deactivate)), (403, Some("permission_missing")));
        assert_eq!(deactivate.decision.unwrap().permission, Some("provision_user_accounts"));
    }

    #[test]
    fn an_unreadable_body_or_path_is_a_bad_request() {
        let mut g = gate();
        let a = g.handle(&exchange("POST", "/55", Some("title=%zz"), ALLOWED_IP), NOW);
        assert_eq!((a.status, error_of(&a).code, a.decision.is_none()), (400, 100, true));
        let dots = g.handle(&get(&format!("/1001/../feed?{}", credential_query(SECRET, NOW))), NOW);
        assert_eq!((dots.status, reason(&dots)), (400, Some("path_invalid")));
        let unknown = g.handle(&get(&format!("/nowhere?{}", credential_query(SECRET, NOW))), NOW);
        assert_eq!((unknown.status, error_of(&unknown).code), (400, 100));
    }

    #[test]
    fn an_unknown_client_address_passes_only_where_no_allow_list_applies() {
        let mut anonymous = get(&format!("/1001/feed?{}", credential_query(SECRET, NOW)));
        anonymous.client_ip = None;
        let refused = gate().handle(&anonymous, NOW);
        assert_eq!((refused.status, reason(&refused)), (403, Some("ip_not_allowed")));
        let mut open = config();
        open["ip_allowlist"] = json!([]);
        let a = Gate::new(&open.ours(), &credentials().ours(), Some(&json!({ "groups": ["1001"] }).ours())).unwrap().handle(&anonymous, NOW);
        assert!(a.forward && a.decision.unwrap().trace[1].skipped);
        let mut ac = Gate::new(&json!({ "product": "admin_center", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] }).ours(), &credentials().ours(), None).unwrap();
        assert_eq!(ac.handle(&anonymous, NOW).status, 403);
    }

    fn admin_center() -> Gate {
        let config = json!({ "product": "admin_center", "app_id": "1234", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"] });
        Gate::new(&config.ours(), &json!({ "app_secret": SECRET }).ours(), None).unwrap()
    }

    fn token_of(a: &Answer) -> String {
        match &a.body {
            Body::Token(TokenResponse::Token { access_token, .. }) => access_token.to_string(),
            other => panic!("no token: {other:?}"),
        }
    }

    #[test]
    fn admin_center_token_endpoint_issues_the_token_the_gate_then_accepts() {
        let mut g = admin_center();
        let form = format!("access_token=1234%7C{SECRET}&grant_type=client_credentials");
        let issued = g.handle(&exchange("POST", "/work_get_token", Some(&form), ALLOWED_IP), NOW);
        assert_eq!((issued.status, issued.forward), (200, false), "{issued:?}");
        let token = token_of(&issued);
        let users = |g: &mut Gate, t: &str, now: i64| g.handle(&get(&format!("/scim/v1/Users?access_token={t}")), now);
        assert!(users(&mut g, &token, NOW + 10).forward);
        assert_eq!(reason(&users(&mut g, &token, NOW + 7200)), Some("token_expired"));

        let second = token_of(&g.handle(&exchange("POST", "/v18.0/work_get_token", Some(&form), ALLOWED_IP), NOW + 20));
        assert_eq!(reason(&users(&mut g, &token, NOW + 30)), Some("token_invalid"), "a new token replaces the old one");
        assert!(users(&mut g, &second, NOW + 30).forward);

        let wrong = g.handle(&exchange("POST", "/work_get_token", Some("access_token=1234%7Cwrong&grant_type=client_credentials"), ALLOWED_IP), NOW);
        assert_eq!((wrong.status, error_of(&wrong).code), (400, 1));
        assert!(!crate::json::to_text(&wrong).into_string().contains("wrong"));
        let outside = g.handle(&exchange("POST", "/work_get_token", Some(&form), "192.0.2.1"), NOW);
        assert_eq!((outside.status, error_of(&outside).code), (403, 5));
    }

    #[test]
    fn workplace_has_no_token_endpoint() {
        let a = gate().handle(&exchange("POST", "/work_get_token", Some("grant_type=client_credentials"), ALLOWED_IP), NOW);
        assert_eq!((a.status, reason(&a)), (400, Some("product_mismatch")));
    }

    #[test]
    fn construction_errors_name_the_argument() {
        let e = Gate::new(&json!({ "permissions": ["nope"] }).ours(), &credentials().ours(), None).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert_eq!(Gate::new(&config().ours(), &json!({}).ours(), None).unwrap_err().code, ErrorCode::InvalidCredentials);
        let e = Gate::new(&config().ours(), &credentials().ours(), Some(&json!({ "groups": "1001" }).ours())).unwrap_err();
        assert!(e.message.starts_with("directory.groups"), "{}", e.message);
        let e = Exchange::from_json(&json!({ "method": "GET", "url": "/", "headers": {} }).ours()).unwrap_err();
        assert!(e.message.contains("exchange.headers"), "{}", e.message);
        assert_eq!(Exchange::from_json(&json!({ "method": "GET" }).ours()).unwrap_err().code, ErrorCode::InvalidRequest);
        assert_eq!(Exchange::from_json(&json!({ "method": "GET", "url": "/", "now": "soon" }).ours()).unwrap_err().code, ErrorCode::InvalidTime);
    }

    #[test]
    fn debug_never_shows_credentials() {
        let mut e = exchange("POST", &format!("/55?{}", credential_query(SECRET, NOW)), Some(&format!("access_token={TOKEN}")), ALLOWED_IP);
        e.authorization = Some(format!("Bearer {TOKEN}"));
        for text in [format!("{e:?}"), format!("{:?}", gate()), format!("{:?}", admin_center())] {
            assert!(!text.contains(TOKEN) && !text.contains(SECRET), "{text}");
        }
    }

    /// Where a credential parameter travels.
    #[derive(Clone, Copy, Debug)]
    enum Place {
        Query,
        Body,
    }

    fn place() -> impl Strategy<Value = Place> {
        prop_oneof![Just(Place::Query), Just(Place::Body)]
    }

    fn placed(places: [Place; 3], time: i64, secret: &str) -> (String, Option<String>) {
        let p = appsecret_proof(TOKEN, secret, time);
        let values = [("access_token", TOKEN.to_string()), ("appsecret_proof", p.appsecret_proof), ("appsecret_time", time.to_string())];
        let (mut query, mut body) = (Vec::new(), vec!["title=Engineer".to_string()]);
        for ((key, value), at) in values.iter().zip(places) {
            match at {
                Place::Query => query.push(format!("{key}={value}")),
                Place::Body => body.push(format!("{key}={value}")),
            }
        }
        (format!("/55?{}", query.join("&")), Some(body.join("&")))
    }

    proptest! {
        /// Graph reads parameters from the query and the body alike: where
        /// each credential travels never changes the answer.
        #[test]
        fn the_answer_does_not_depend_on_where_credentials_travel(
            places in [place(), place(), place()], age in -5i64..400, good_secret in any::<bool>(), ip in prop_oneof![Just(ALLOWED_IP), Just("198.51.100.1")],
        ) {
            let secret = if good_secret { SECRET } else { "other" };
            let (url, body) = placed(places, NOW - age, secret);
            let (all_url, all_body) = placed([Place::Query; 3], NOW - age, secret);
            let a = gate().handle(&exchange("POST", &url, body.as_deref(), ip), NOW);
            let b = gate().handle(&exchange("POST", &all_url, all_body.as_deref(), ip), NOW);
            prop_assert_eq!(&a, &b);
        }

        /// A status and a body always agree with the decision, and no answer
        /// repeats a token or the secret.
        #[test]
        fn answers_agree_with_their_decision(
            path in prop_oneof![Just("/1001/feed"), Just("/2002/feed"), Just("/55"), Just("/community"), Just("/x/../1001")],
            method in prop_oneof![Just("GET"), Just("POST"), Just("DELETE")],
            age in -5i64..400, good_secret in any::<bool>(), ip in prop_oneof![Just(ALLOWED_IP), Just("198.51.100.1"), Just("not an ip")],
            extra in "[a-z_]{1,8}=[a-zA-Z0-9%]{0,6}",
        ) {
            let secret = if good_secret { SECRET } else { "other" };
            let body = format!("{}&{extra}", credential_query(secret, NOW - age));
            let a = gate().handle(&exchange(method, path, Some(&body), ip), NOW);
            let text = crate::json::to_text(&a).into_string();
            prop_assert!(!text.contains(TOKEN) && !text.contains(SECRET));
            match (&a.decision, &a.body) {
                (Some(d), Body::Decision(inner)) => {
                    prop_assert!(d.allowed && a.forward && a.status == 200);
                    prop_assert_eq!(d, inner);
                }
                (Some(d), Body::Error { error }) => {
                    let r = d.reason.unwrap();
                    prop_assert_eq!((a.status, error, a.forward), (http_status(r), &r.graph_error(), false));
                }
                (None, Body::Error { error }) => prop_assert_eq!((a.status, error.code), (400, 100)),
                other => prop_assert!(false, "unexpected answer {:?}", other),
            }
        }
    }
}
