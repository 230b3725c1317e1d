//! A request as the platform sees it (SPEC §5), and which operation its
//! method and path name.
//!
//! Paths are refused rather than repaired: anything a proxy or server might
//! read differently from us (`..`, `%2e`, empty segments, look-alike
//! characters) is `path_invalid`, so no spelling can be normalised into an
//! allowed operation.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde_json::{Map, Value};

use crate::catalog::{self, Node, Operation, OPERATIONS};
use crate::config::{kind, parse_fields, split_fields, Use};
use crate::error::{Error, ErrorCode, Result};
use crate::form;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Thread {
    Direct,
    Group,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMethod {
    Password,
    Sso,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TargetUser {
    pub claimed: bool,
    pub active: bool,
    pub auth: AuthMethod,
}

/// Where a post lives, as far as the request or directory says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PostPlace {
    Unknown,
    Timeline,
    Group(String),
}

/// What the caller knows about ids, so that `/{id}` can be typed.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    pub groups: HashSet<String>,
    pub members: HashSet<String>,
    /// post id → its group id, or `None` for a timeline post.
    pub posts: HashMap<String, Option<String>>,
}

/// `appsecret_time` as it arrived: a number, or text from a query string.
#[derive(Clone, Debug, PartialEq)]
pub enum TimeParam {
    Number(f64),
    Text(String),
    Other,
}

/// A credential parameter that may come from the request object and from
/// the query string. Given twice it is a conflict, even with equal values:
/// servers disagree on which copy wins, so neither may be picked.
#[derive(Clone)]
pub enum Param<T> {
    Absent,
    One(T),
    Conflict,
}

impl<T> Param<T> {
    fn merge(self, other: Option<T>) -> Param<T> {
        match (self, other) {
            (p, None) => p,
            (Param::Absent, Some(v)) => Param::One(v),
            _ => Param::Conflict,
        }
    }
}

/// Tokens are secrets: never printed.
impl<T> fmt::Debug for Param<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Param::Absent => "Absent",
            Param::One(_) => "One(<redacted>)",
            Param::Conflict => "Conflict",
        })
    }
}

#[derive(Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// Path segments after the version prefix, or why the path is refused.
    pub target: std::result::Result<Vec<String>, String>,
    pub node: Option<Node>,
    pub post_place: PostPlace,
    pub fields: Vec<String>,
    pub source_ip: Option<String>,
    pub access_token: Param<String>,
    pub appsecret_proof: Param<String>,
    pub appsecret_time: Param<TimeParam>,
    pub now: Option<i64>,
    pub mentioned: bool,
    pub thread: Option<Thread>,
    pub target_user: Option<TargetUser>,
    pub directory: Directory,
}

/// The query string may carry a token: Debug shows the path without it.
impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, query) = split_url(&self.path);
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &path)
            .field("query", &query.map(|_| "<redacted>"))
            .field("node", &self.node)
            .field("post_place", &self.post_place)
            .field("fields", &self.fields)
            .field("source_ip", &self.source_ip)
            .field("access_token", &self.access_token)
            .field("appsecret_proof", &self.appsecret_proof)
            .field("appsecret_time", &self.appsecret_time)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

const KEYS: &[&str] = &[
    "method", "path", "node", "group_id", "fields", "source_ip", "access_token", "appsecret_proof", "appsecret_time", "now",
    "mentioned", "thread", "target_user", "directory",
];

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRequest, message)
}

fn opt_str<'v>(map: &'v Map<String, Value>, key: &str) -> Result<Option<&'v str>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(bad(format!("request.{key} must be a string, found {}", kind(other)))),
    }
}

fn opt_bool(map: &Map<String, Value>, key: &str, at: &str) -> Result<Option<bool>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(bad(format!("{at}.{key} must be true or false, found {}", kind(other)))),
    }
}

fn id_list(v: Option<&Value>, at: &str) -> Result<HashSet<String>> {
    match v {
        None | Some(Value::Null) => Ok(HashSet::new()),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| item.as_str().map(str::to_string).ok_or_else(|| bad(format!("{at}[{i}] must be a string id"))))
            .collect(),
        Some(other) => Err(bad(format!("{at} must be an array of ids, found {}", kind(other)))),
    }
}

impl Directory {
    /// `at` names where the directory sits (`request.directory`), for messages.
    pub fn from_json(v: Option<&Value>, at: &str) -> Result<Directory> {
        let map = match v {
            None | Some(Value::Null) => return Ok(Directory::default()),
            Some(Value::Object(map)) => map,
            Some(other) => return Err(bad(format!("{at} must be an object, found {}", kind(other)))),
        };
        if let Some(k) = map.keys().find(|k| !["groups", "members", "posts"].contains(&k.as_str())) {
            return Err(bad(format!("unknown field {at}.{k}: use groups, members, posts")));
        }
        let posts = match map.get("posts") {
            None | Some(Value::Null) => HashMap::new(),
            Some(Value::Object(posts)) => posts
                .iter()
                .map(|(post, group)| match group {
                    Value::Null => Ok((post.clone(), None)),
                    Value::String(g) => Ok((post.clone(), Some(g.clone()))),
                    other => Err(bad(format!(
                        "{at}.posts[\"{post}\"] must be the post's group id or null, found {}",
                        kind(other)
                    ))),
                })
                .collect::<Result<_>>()?,
            Some(other) => return Err(bad(format!("{at}.posts must map post ids to group ids, found {}", kind(other)))),
        };
        Ok(Directory {
            groups: id_list(map.get("groups"), &format!("{at}.groups"))?,
            members: id_list(map.get("members"), &format!("{at}.members"))?,
            posts,
        })
    }

    fn node_of(&self, id: &str) -> Option<Node> {
        if self.groups.contains(id) {
            Some(Node::Group)
        } else if self.members.contains(id) {
            Some(Node::Member)
        } else if self.posts.contains_key(id) {
            Some(Node::Post)
        } else {
            None
        }
    }
}

impl Request {
    /// Reads a request object. Shape errors raise `invalid_request`;
    /// values the platform would refuse (a bad address, a malformed proof)
    /// are kept for the checks to deny.
    pub fn from_json(v: &Value) -> Result<Request> {
        let map = v.as_object().ok_or_else(|| bad(format!("the request must be an object, found {}", kind(v))))?;
        if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(format!("unknown field request.{k}")));
        }
        let method = opt_str(map, "method")?.ok_or_else(|| bad("request.method is required, e.g. \"GET\""))?;
        let raw_path = opt_str(map, "path")?.ok_or_else(|| bad("request.path is required, e.g. \"/1001/feed\""))?;
        let node = match opt_str(map, "node")? {
            None => None,
            Some(s) => Some(Node::parse(s).ok_or_else(|| {
                let known: Vec<_> = Node::ALL.iter().map(|n| n.as_str()).collect();
                bad(format!("unknown request.node `{s}`: use one of {}", known.join(", ")))
            })?),
        };
        // `group_id: null` says "a timeline post"; an absent one says nothing.
        let explicit_place = match map.get("group_id") {
            None => None,
            Some(Value::Null) => Some(PostPlace::Timeline),
            Some(Value::String(g)) => Some(PostPlace::Group(g.clone())),
            Some(other) => return Err(bad(format!("request.group_id must be a string or null, found {}", kind(other)))),
        };
        let mut fields = match map.get("fields") {
            None | Some(Value::Null) => Vec::new(),
            Some(f) => parse_fields(f).ok_or_else(|| bad("request.fields must be a list of names or a comma-separated string"))?,
        };
        let now = match map.get("now") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(crate::proof::seconds_from_f64(n.as_f64().unwrap_or(f64::NAN))?),
            Some(other) => return Err(Error::time(format!("request.now must be Unix seconds, found {}", kind(other)))),
        };
        let thread = match opt_str(map, "thread")? {
            None => None,
            Some("direct") => Some(Thread::Direct),
            Some("group") => Some(Thread::Group),
            Some(other) => return Err(bad(format!("request.thread must be \"direct\" or \"group\", not `{other}`"))),
        };
        let target_user = match map.get("target_user") {
            None | Some(Value::Null) => None,
            Some(Value::Object(t)) => Some(TargetUser {
                claimed: opt_bool(t, "claimed", "request.target_user")?.unwrap_or(true),
                active: opt_bool(t, "active", "request.target_user")?.unwrap_or(true),
                auth: match opt_str(t, "auth")? {
                    None | Some("password") => AuthMethod::Password,
                    Some("sso") => AuthMethod::Sso,
                    Some(other) => return Err(bad(format!("request.target_user.auth must be \"password\" or \"sso\", not `{other}`"))),
                },
            }),
            Some(other) => return Err(bad(format!("request.target_user must be an object, found {}", kind(other)))),
        };
        let time = match map.get("appsecret_time") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_f64().map_or(TimeParam::Other, TimeParam::Number)),
            Some(Value::String(s)) => Some(TimeParam::Text(s.clone())),
            Some(_) => Some(TimeParam::Other),
        };
        let mut access_token = Param::Absent.merge(opt_str(map, "access_token")?.map(str::to_string));
        let mut appsecret_proof = Param::Absent.merge(opt_str(map, "appsecret_proof")?.map(str::to_string));
        let mut appsecret_time = Param::Absent.merge(time);

        let (path, query) = split_url(raw_path);
        let mut target = parse_path(path);
        if let Some(q) = query {
            match form::parse(q) {
                Ok(pairs) => {
                    for (k, v) in pairs {
                        match k.as_str() {
                            "fields" => fields.extend(split_fields(&v)),
                            "access_token" => access_token = access_token.merge(Some(v)),
                            "appsecret_proof" => appsecret_proof = appsecret_proof.merge(Some(v)),
                            "appsecret_time" => appsecret_time = appsecret_time.merge(Some(TimeParam::Text(v))),
                            _ => {}
                        }
                    }
                }
                Err(e) => target = Err(format!("the query string cannot be read: {}", e.message)),
            }
        }
        let directory = Directory::from_json(map.get("directory"), "request.directory")?;
        let post_place = explicit_place.unwrap_or(PostPlace::Unknown);
        Ok(Request {
            method: method.to_string(),
            path: raw_path.to_string(),
            target,
            node,
            post_place,
            fields,
            source_ip: opt_str(map, "source_ip")?.map(str::to_string),
            access_token,
            appsecret_proof,
            appsecret_time,
            now,
            mentioned: opt_bool(map, "mentioned", "request")?.unwrap_or(false),
            thread,
            target_user,
            directory,
        })
    }

    /// Where the post named by `id` lives: the request's word first, then
    /// the directory's.
    pub fn post_place(&self, id: Option<&str>) -> PostPlace {
        match (&self.post_place, id.and_then(|id| self.directory.posts.get(id))) {
            (PostPlace::Unknown, Some(Some(g))) => PostPlace::Group(g.clone()),
            (PostPlace::Unknown, Some(None)) => PostPlace::Timeline,
            (place, _) => place.clone(),
        }
    }
}

/// Splits `scheme://host/path?query#fragment` into path and query; a full URL
/// is accepted because users paste them.
pub fn split_url(raw: &str) -> (&str, Option<&str>) {
    let without_fragment = raw.split_once('#').map_or(raw, |(before, _)| before);
    let without_origin = match without_fragment.split_once("://") {
        Some((scheme, rest)) if !scheme.is_empty() && scheme.bytes().all(|b| b.is_ascii_alphabetic()) => {
            rest.find('/').and_then(|i| rest.get(i..)).unwrap_or("/")
        }
        _ => without_fragment,
    };
    match without_origin.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (without_origin, None),
    }
}

/// `/v18.0/`: a Graph API version prefix, ignored once.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else { return false };
    let Some((major, minor)) = rest.split_once('.') else { return false };
    let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    digits(major, 3) && digits(minor, 2)
}

/// The path's segments after the version prefix, or why it is refused.
pub fn parse_path(path: &str) -> std::result::Result<Vec<String>, String> {
    let rest = path.strip_prefix('/').ok_or_else(|| "the path must start with `/`".to_string())?;
    if let Some(c) = rest.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.'))) {
        return Err(if c == '%' {
            "percent-encoded characters are refused in the path: they can hide `/` or `.`".to_string()
        } else {
            format!("the character {c:?} is not allowed in a path")
        });
    }
    let mut segments: Vec<String> = Vec::new();
    for (i, s) in rest.split('/').enumerate() {
        match s {
            "" if rest.is_empty() => {}
            "" => return Err(format!("empty path segment at position {}: `//` and a trailing `/` are refused", i + 1)),
            "." | ".." => return Err(format!("`{s}` segments are refused, not resolved")),
            _ => segments.push(s.to_string()),
        }
    }
    if segments.first().is_some_and(|s| is_version(s)) {
        segments.remove(0);
    }
    // `/company` is the documented alternative name of `/community`.
    if let Some(first) = segments.first_mut() {
        if first == "company" {
            *first = "community".to_string();
        }
    }
    Ok(segments)
}

/// Object ids are decimal, or `<owner>_<post>` for posts.
fn is_object_id(s: &str) -> bool {
    let digits = |p: &str| !p.is_empty() && p.len() <= 32 && p.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('_') {
        Some((a, b)) => digits(a) && digits(b),
        None => digits(s),
    }
}

#[derive(Clone, Debug)]
pub enum Resolution {
    Found { operation: &'static Operation, id: Option<String> },
    /// No operation has this method and path; the detail says what is near.
    Unknown(String),
    Ambiguous { id: String, candidates: Vec<&'static str> },
}

fn matches(template: &str, segments: &[String]) -> Option<Option<String>> {
    let parts: Vec<&str> = template.trim_start_matches('/').split('/').filter(|p| !p.is_empty()).collect();
    if parts.len() != segments.len() {
        return None;
    }
    let mut id = None;
    for (part, seg) in parts.iter().zip(segments) {
        if part.starts_with('{') {
            if !is_object_id(seg) {
                return None;
            }
            id = Some(seg.clone());
        } else if part != seg {
            return None;
        }
    }
    Some(id)
}

/// Which operation a method and path name. `node`, then the directory, type
/// a bare `{id}`; without either, several candidates are ambiguous.
pub fn resolve(method: &str, segments: &[String], node: Option<Node>, directory: &Directory) -> Resolution {
    let method = method.to_ascii_uppercase();
    let by_path: Vec<(&'static Operation, Option<String>)> =
        OPERATIONS.iter().filter_map(|o| matches(o.path, segments).map(|id| (o, id))).collect();
    let shown = format!("/{}", segments.join("/"));
    if by_path.is_empty() {
        return Resolution::Unknown(format!("no operation has the path {shown}"));
    }
    let by_method: Vec<_> = by_path.iter().filter(|(o, _)| o.method == method).cloned().collect();
    if by_method.is_empty() {
        let mut methods: Vec<_> = by_path.iter().map(|(o, _)| o.method).collect();
        methods.sort_unstable();
        methods.dedup();
        return Resolution::Unknown(format!("{method} {shown} is not an operation; this path takes {}", methods.join(", ")));
    }
    let id = by_method.iter().find_map(|(_, id)| id.clone());
    let typed = node.or_else(|| id.as_deref().and_then(|i| directory.node_of(i)));
    let chosen: Vec<_> = match typed {
        Some(n) => by_method.iter().filter(|(o, _)| o.node == Some(n) || o.node.is_none()).cloned().collect(),
        None => by_method,
    };
    match chosen.as_slice() {
        [(operation, id)] => Resolution::Found { operation, id: id.clone() },
        [] => Resolution::Unknown(format!(
            "{method} {shown} names no operation on a {}",
            typed.map_or("node", |n| n.as_str())
        )),
        many => Resolution::Ambiguous { id: id.unwrap_or_default(), candidates: many.iter().map(|(o, _)| o.id).collect() },
    }
}

/// The operation a declared use names, with the fields it reads or writes.
pub fn resolve_use(u: &Use) -> std::result::Result<(&'static Operation, Vec<String>), String> {
    let (method, path, fields, node) = match u {
        Use::Id(id) => {
            if let Some(op) = catalog::operation(id) {
                return Ok((op, Vec::new()));
            }
            match id.split_once(' ') {
                Some((method, path)) if path.starts_with('/') => (method, path, &[][..], None),
                _ => {
                    let hint = crate::config::closest(id, OPERATIONS.iter().map(|o| o.id))
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    return Err(format!("unknown operation `{id}`{hint}"));
                }
            }
        }
        Use::Call { method, path, fields, node } => (method.as_str(), path.as_str(), fields.as_slice(), *node),
    };
    // A catalog template (`/{group-id}/feed`) names its operation directly.
    if let Some(op) = OPERATIONS.iter().find(|o| o.path == path && o.method.eq_ignore_ascii_case(method)) {
        return Ok((op, fields.to_vec()));
    }
    let (bare, query) = split_url(path);
    let mut all_fields = fields.to_vec();
    if let Some(q) = query {
        for (k, v) in form::parse(q).map_err(|e| e.message)? {
            if k == "fields" {
                all_fields.extend(split_fields(&v));
            }
        }
    }
    let segments = parse_path(bare)?;
    match resolve(method, &segments, node, &Directory::default()) {
        Resolution::Found { operation, .. } => Ok((operation, all_fields)),
        Resolution::Unknown(detail) => Err(detail),
        Resolution::Ambiguous { candidates, .. } => {
            Err(format!("{method} {path} could name {}; add `node` to say which", candidates.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn resolve_path(method: &str, path: &str, node: Option<Node>) -> Resolution {
        match parse_path(path) {
            Ok(segs) => resolve(method, &segs, node, &Directory::default()),
            Err(e) => Resolution::Unknown(format!("invalid: {e}")),
        }
    }

    fn found(r: Resolution) -> &'static str {
        match r {
            Resolution::Found { operation, .. } => operation.id,
            other => panic!("not found: {other:?}"),
        }
    }

    #[test]
    fn version_prefix_and_company_alias() {
        assert_eq!(found(resolve_path("GET", "/v18.0/1001/feed", Some(Node::Group))), "group.feed.read");
        assert!(matches!(resolve_path("GET", "/1001/feed", None), Resolution::Ambiguous { .. }), "group or member feed");
        assert_eq!(found(resolve_path("get", "/company/badges", None)), "community.badges.read");
        assert_eq!(found(resolve_path("GET", "/community", None)), "community.read");
        assert_eq!(found(resolve_path("POST", "/me/messages", None)), "messages.send");
        assert_eq!(found(resolve_path("DELETE", "/scim/v1/Users/77", None)), "scim.users.delete");
    }

    #[test]
    fn tricks_are_refused_not_normalised() {
        for p in [
            "/1001/../feed", "/1001/./feed", "/1001//feed", "/1001/feed/", "/1001/%66eed", "/1001%2Ffeed", "1001/feed",
            "/1001/fe\u{0435}d", "/1001/feed;x", "/1001\\feed", "/ 1001/feed",
        ] {
            assert!(parse_path(p).is_err(), "{p} should be refused");
        }
        assert!(parse_path("/").unwrap().is_empty());
    }

    #[test]
    fn case_and_overlong_versions_name_nothing() {
        for (m, p) in [("GET", "/1001/FEED"), ("GET", "/v18.0.1/1001/feed"), ("GET", "/v18.0/v18.0/1001/feed"), ("GET", "/COMMUNITY")] {
            assert!(matches!(resolve_path(m, p, None), Resolution::Unknown(_)), "{p}");
        }
    }

    #[test]
    fn bare_ids_need_a_node_or_directory() {
        match resolve_path("GET", "/1001", None) {
            Resolution::Ambiguous { id, candidates } => {
                assert_eq!(id, "1001");
                assert!(candidates.contains(&"group.read") && candidates.contains(&"member.read") && candidates.contains(&"post.read"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(found(resolve_path("GET", "/1001", Some(Node::Member))), "member.read");
        let dir = Directory { groups: ["1001".to_string()].into(), ..Directory::default() };
        assert_eq!(found(resolve("GET", &parse_path("/1001").unwrap(), None, &dir)), "group.read");
        assert!(matches!(resolve_path("GET", "/1001", Some(Node::QuickLink)), Resolution::Unknown(_)));
    }

    #[test]
    fn wrong_method_says_what_the_path_takes() {
        match resolve_path("PUT", "/1001/feed", None) {
            Resolution::Unknown(d) => assert!(d.contains("GET, POST"), "{d}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_reads_query_fields_and_credentials() {
        let r = Request::from_json(&json!({ "method": "GET", "path": "https://graph.workplace.com/v18.0/55?fields=email,title&appsecret_time=5#x",
            "fields": ["name"], "appsecret_time": 5 })).unwrap();
        assert_eq!(r.fields, ["name", "email", "title"]);
        assert_eq!(r.target.as_deref().unwrap(), ["55"]);
        assert!(matches!(r.appsecret_time, Param::Conflict), "given twice, even equal");
        let r = Request::from_json(&json!({ "method": "GET", "path": "/55?access_token=a&access_token=a" })).unwrap();
        assert!(matches!(r.access_token, Param::Conflict));
        assert!(!format!("{r:?}").contains("access_token=a"), "Debug still prints the raw path");
    }

    #[test]
    fn request_shape_errors_name_the_field() {
        for (v, needle) in [
            (json!({ "path": "/1" }), "request.method"),
            (json!({ "method": "GET" }), "request.path"),
            (json!({ "method": "GET", "path": "/1", "node": "grp" }), "request.node"),
            (json!({ "method": "GET", "path": "/1", "thread": "x" }), "request.thread"),
            (json!({ "method": "GET", "path": "/1", "extra": 1 }), "request.extra"),
            (json!({ "method": "GET", "path": "/1", "directory": { "posts": { "1": 2 } } }), "directory.posts"),
        ] {
            let e = Request::from_json(&v).unwrap_err();
            assert!(e.message.contains(needle), "{} lacks {needle}", e.message);
        }
        assert_eq!(Request::from_json(&json!({ "method": "GET", "path": "/1", "now": -1 })).unwrap_err().code, ErrorCode::InvalidTime);
    }

    #[test]
    fn post_place_from_request_then_directory() {
        let r = Request::from_json(&json!({ "method": "GET", "path": "/9", "directory": { "posts": { "9": "1001", "8": null } } })).unwrap();
        assert_eq!(r.post_place(Some("9")), PostPlace::Group("1001".into()));
        assert_eq!(r.post_place(Some("8")), PostPlace::Timeline);
        assert_eq!(r.post_place(Some("7")), PostPlace::Unknown);
        let r = Request::from_json(&json!({ "method": "GET", "path": "/9", "group_id": null })).unwrap();
        assert_eq!(r.post_place(Some("9")), PostPlace::Timeline);
    }

    mod laws {
        use super::*;
        use proptest::prelude::*;

        fn segment() -> impl Strategy<Value = String> {
            prop_oneof![
                "[0-9]{1,12}",
                "[a-z_]{1,12}",
                Just("..".to_string()),
                Just(".".to_string()),
                Just(String::new()),
                "%[0-9A-Fa-f]{2}",
                "[\\PC]{1,4}",
            ]
        }

        proptest! {
            #[test]
            fn parsing_never_panics_and_refuses_every_trick(segs in proptest::collection::vec(segment(), 0..6), method in "[A-Za-z]{1,7}") {
                let path = format!("/{}", segs.join("/"));
                match parse_path(&path) {
                    Ok(parsed) => {
                        for s in &parsed {
                            prop_assert!(!s.is_empty() && s != "." && s != ".." && !s.contains('%'), "{path} kept {s:?}");
                        }
                        let _ = resolve(&method, &parsed, None, &Directory::default());
                    }
                    Err(_) => {
                        let tricky = segs.iter().enumerate().any(|(i, s)| {
                            (s.is_empty() && !(segs.len() == 1 && i == 0)) || s == "." || s == ".." || s.contains('%')
                                || s.chars().any(|c| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
                        });
                        prop_assert!(tricky, "{path} refused without a trick");
                    }
                }
            }

            #[test]
            fn every_template_with_an_id_resolves_to_its_operation(index in 0..OPERATIONS.len(), id in "[1-9][0-9]{0,15}", version in proptest::option::of("v[1-9][0-9]?\\.[0-9]")) {
                let op = &OPERATIONS[index];
                let concrete = op.path.split('/').map(|p| if p.starts_with('{') { id.as_str() } else { p }).collect::<Vec<_>>().join("/");
                let path = match &version { Some(v) => format!("/{v}{concrete}"), None => concrete };
                let segments = parse_path(&path).unwrap();
                match resolve(op.method, &segments, op.node, &Directory::default()) {
                    Resolution::Found { operation, .. } => prop_assert_eq!(operation.id, op.id),
                    other => prop_assert!(false, "{} {path}: {other:?}", op.method),
                }
            }

            #[test]
            fn request_debug_never_shows_a_query_token(token in "[A-Za-z0-9]{12,40}") {
                let r = Request::from_json(&json!({ "method": "GET", "path": format!("/1?access_token={token}"), "appsecret_proof": token.clone() })).unwrap();
                let shown = format!("{r:?}");
                prop_assert!(!shown.contains(&token));
            }
        }
    }
}
