//! A request as the platform sees it (SPEC §5), and which operation its
//! method and path name.
//!
//! Paths are refused rather than repaired: anything a proxy or server might
//! read differently from us (`..`, `%2e`, empty segments, look-alike
//! characters) is `path_invalid`, so no spelling can be normalised into an
//! allowed operation.
//!
//! What every decision runs (reading the path, finding its route) is marked
//! `#[inline]`: the release build optimises for size (Cargo.toml), which
//! otherwise leaves these small functions and the iterator adapters in them
//! as calls; the hints make a decision's wasm about 20% faster for about
//! 1 KB (measured A/B in one process).

use std::borrow::Cow;
use std::fmt;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::wipe::Wipe;

use crate::catalog::{self, Node, Operation, PermissionIndex, OPERATIONS};
use crate::config::{clipped, kind, parse_fields, quoted, split_fields, Use};
use crate::error::{Error, ErrorCode, Result};
use crate::form;
use crate::json::{Map, Value};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PostPlace<'a> {
    Unknown,
    Timeline,
    Group(&'a str),
}

/// What the caller knows about ids, so that `/{id}` can be typed.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    pub groups: Ids,
    pub members: Ids,
    /// post id → its group id, or `None` for a timeline post; sorted by post
    /// id, as the JSON object it is read from is.
    pub posts: Vec<(String, Option<String>)>,
}

/// Ids, sorted for binary search. Not a hash set: a hash table's code is
/// kilobytes of wasm, and a directory is read once per request.
#[derive(Clone, Debug, Default)]
pub struct Ids(Vec<String>);

impl Ids {
    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|s| s.as_str().cmp(id)).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl FromIterator<String> for Ids {
    fn from_iter<I: IntoIterator<Item = String>>(ids: I) -> Ids {
        let mut ids: Vec<String> = ids.into_iter().collect();
        crate::sort::ord(&mut ids);
        ids.dedup();
        Ids(ids)
    }
}

/// `appsecret_time` as it arrived: a number, or text from a query string.
#[derive(Clone, Debug, PartialEq)]
pub enum TimeParam {
    Number(f64),
    Text(String),
    Other,
}

impl Wipe for TimeParam {
    fn wipe(&mut self) {
        if let TimeParam::Text(s) = self {
            s.wipe();
        }
    }
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

impl<T: Wipe> Param<T> {
    /// A conflict drops both values: they are wiped first (they may be tokens).
    #[inline]
    fn merge(self, other: Option<T>) -> Param<T> {
        match (self, other) {
            (p, None) => p,
            (Param::Absent, Some(v)) => Param::One(v),
            (mut p, Some(mut v)) => {
                p.wipe();
                v.wipe();
                Param::Conflict
            }
        }
    }
}

impl<T: Wipe> Wipe for Param<T> {
    fn wipe(&mut self) {
        if let Param::One(v) = self {
            v.wipe();
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

/// Its text is borrowed when the caller keeps it for the request's life
/// (the wasm fast path reads it in place), and owned otherwise.
#[derive(Clone)]
pub struct Request<'t> {
    /// Borrowed when it is one of `METHODS`, as the fast path gives it.
    pub method: Cow<'static, str>,
    pub path: Cow<'t, str>,
    /// Where the path ends in `path`, before its query string.
    path_end: usize,
    /// Why the query string cannot be read, which refuses the path.
    query_error: Option<String>,
    pub node: Option<Node>,
    /// `group_id` as given: absent, `null` (a timeline post) or a group id.
    pub group_id: Option<Option<Cow<'t, str>>>,
    pub fields: Vec<String>,
    pub source_ip: Option<Cow<'t, str>>,
    pub access_token: Param<Cow<'t, str>>,
    pub appsecret_proof: Param<Cow<'t, str>>,
    pub appsecret_time: Param<TimeParam>,
    pub now: Option<i64>,
    pub mentioned: bool,
    pub thread: Option<Thread>,
    pub target_user: Option<TargetUser>,
    /// Shared, so that a gate answering many requests with one directory
    /// does not copy it for each.
    pub directory: Rc<Directory>,
}

/// The path's query string and the credentials may be tokens: wiped when
/// the request is dropped.
impl Drop for Request<'_> {
    fn drop(&mut self) {
        self.path.wipe();
        self.access_token.wipe();
        self.appsecret_proof.wipe();
    }
}

/// The query string may carry a token: Debug shows the path without it.
impl fmt::Debug for Request<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (path, query) = split_url(&self.path);
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &path)
            .field("query", &query.map(|_| "<redacted>"))
            .field("node", &self.node)
            .field("group_id", &self.group_id)
            .field("fields", &self.fields)
            .field("source_ip", &self.source_ip)
            .field("access_token", &self.access_token)
            .field("appsecret_proof", &self.appsecret_proof)
            .field("appsecret_time", &self.appsecret_time)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// A request's values once their types are known, before its path and
/// query string are read: `Request::from_json` produces them from JSON, and
/// the wasm layer from JavaScript primitives, without a JSON round trip.
pub struct Parts<'t> {
    pub method: Cow<'static, str>,
    pub path: Cow<'t, str>,
    pub node: Option<Node>,
    pub group_id: Option<Option<Cow<'t, str>>>,
    pub fields: Vec<String>,
    pub source_ip: Option<Cow<'t, str>>,
    pub access_token: Option<Cow<'t, str>>,
    pub appsecret_proof: Option<Cow<'t, str>>,
    pub appsecret_time: Option<TimeParam>,
    pub now: Option<i64>,
    pub mentioned: bool,
    pub thread: Option<Thread>,
    pub target_user: Option<TargetUser>,
    pub directory: Rc<Directory>,
}

/// The methods of the catalog's operations.
pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

const KEYS: &[&str] = &[
    "method", "path", "node", "group_id", "fields", "source_ip", "access_token", "appsecret_proof", "appsecret_time", "now",
    "mentioned", "thread", "target_user", "directory",
];

fn bad(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidRequest, message)
}

fn opt_str<'v>(map: &'v Map, key: &str) -> Result<Option<&'v str>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(bad(format!("request.{key} must be a string, found {}", kind(other)))),
    }
}

fn opt_bool(map: &Map, key: &str, at: &str) -> Result<Option<bool>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(bad(format!("{at}.{key} must be true or false, found {}", kind(other)))),
    }
}

fn id_list(v: Option<&Value>, at: &str) -> Result<Ids> {
    match v {
        None | Some(Value::Null) => Ok(Ids::default()),
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
            return Err(bad(format!("unknown field {at}.{}: use groups, members, posts", clipped(k))));
        }
        let posts = match map.get("posts") {
            None | Some(Value::Null) => Vec::new(),
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

    /// A known post's group: `Some(None)` for a timeline post.
    fn post_group(&self, id: &str) -> Option<&Option<String>> {
        let at = self.posts.binary_search_by(|(post, _)| post.as_str().cmp(id)).ok()?;
        self.posts.get(at).map(|(_, group)| group)
    }

    fn node_of(&self, id: &str) -> Option<Node> {
        if self.groups.is_empty() && self.members.is_empty() && self.posts.is_empty() {
            None
        } else if self.groups.contains(id) {
            Some(Node::Group)
        } else if self.members.contains(id) {
            Some(Node::Member)
        } else if self.post_group(id).is_some() {
            Some(Node::Post)
        } else {
            None
        }
    }
}

/// `request.node` by name, with the names it may take in the message.
pub fn parse_node(s: &str) -> Result<Node> {
    Node::parse(s).ok_or_else(|| {
        let known: Vec<_> = Node::ALL.iter().map(|n| n.as_str()).collect();
        bad(format!("unknown request.node {}: use one of {}", quoted(s), known.join(", ")))
    })
}

impl<'t> Request<'t> {
    /// Reads a request object. Shape errors raise `invalid_request`;
    /// values the platform would refuse (a bad address, a malformed proof)
    /// are kept for the checks to deny.
    pub fn from_json(v: &Value) -> Result<Request<'static>> {
        let map = v.as_object().ok_or_else(|| bad(format!("the request must be an object, found {}", kind(v))))?;
        if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(bad(format!("unknown field request.{}", clipped(k))));
        }
        let method = opt_str(map, "method")?.ok_or_else(|| bad("request.method is required, e.g. \"GET\""))?;
        let path = opt_str(map, "path")?.ok_or_else(|| bad("request.path is required, e.g. \"/1001/feed\""))?;
        let node = opt_str(map, "node")?.map(parse_node).transpose()?;
        // `group_id: null` says "a timeline post"; an absent one says nothing.
        let group_id = match map.get("group_id") {
            None => None,
            Some(Value::Null) => Some(None),
            Some(Value::String(g)) => Some(Some(Cow::Owned(g.clone()))),
            Some(other) => return Err(bad(format!("request.group_id must be a string or null, found {}", kind(other)))),
        };
        let fields = match map.get("fields") {
            None | Some(Value::Null) => Vec::new(),
            Some(f) => parse_fields(f).ok_or_else(|| bad("request.fields must be a list of names or a comma-separated string"))?,
        };
        let now = match map.get("now") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(crate::proof::seconds_from_f64(n.as_f64().unwrap_or(f64::NAN))?),
            Some(other) => return Err(Error::time(format!("request.now must be Unix seconds, found {}", kind(other)))),
        };
        let thread = opt_str(map, "thread")?.map(parse_thread).transpose()?;
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
        let appsecret_time = match map.get("appsecret_time") {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => Some(n.as_f64().map_or(TimeParam::Other, TimeParam::Number)),
            Some(Value::String(s)) => Some(TimeParam::Text(s.clone())),
            Some(_) => Some(TimeParam::Other),
        };
        let access_token = opt_str(map, "access_token")?.map(|t| Cow::Owned(t.to_string()));
        let appsecret_proof = opt_str(map, "appsecret_proof")?.map(|p| Cow::Owned(p.to_string()));
        let directory = Directory::from_json(map.get("directory"), "request.directory")?;
        Ok(Request::new(Parts {
            method: Cow::Owned(method.to_string()),
            path: Cow::Owned(path.to_string()),
            node,
            group_id,
            fields,
            source_ip: opt_str(map, "source_ip")?.map(|ip| Cow::Owned(ip.to_string())),
            access_token,
            appsecret_proof,
            appsecret_time,
            now,
            mentioned: opt_bool(map, "mentioned", "request")?.unwrap_or(false),
            thread,
            target_user,
            directory: Rc::new(directory),
        }))
    }

    /// Reads the path and its query string: fields and credentials in the
    /// query join (or conflict with) those given beside it.
    #[inline]
    pub fn new(parts: Parts<'t>) -> Request<'t> {
        let mut fields = parts.fields;
        let mut access_token = Param::Absent.merge(parts.access_token);
        let mut appsecret_proof = Param::Absent.merge(parts.appsecret_proof);
        let mut appsecret_time = Param::Absent.merge(parts.appsecret_time);
        let mut query_error = None;
        let (bare, query) = split_url(&parts.path);
        let path_end = bare.len();
        // A full URL is kept as its path and query, so that its path is at the start, where
        // `target` reads it without splitting it again.
        let url_path = (!parts.path.starts_with('/')).then(|| {
            // Sized once: a reallocation would leave a copy of the query in freed memory.
            let mut kept = String::with_capacity(bare.len() + 1 + query.map_or(0, str::len));
            kept.push_str(bare);
            if let Some(q) = query {
                kept.push('?');
                kept.push_str(q);
            }
            kept
        });
        if let Some(q) = query {
            match form::parse(q) {
                Ok(pairs) => {
                    for (k, mut v) in pairs {
                        match k.as_str() {
                            "access_token" => access_token = access_token.merge(Some(Cow::Owned(v))),
                            "appsecret_proof" => appsecret_proof = appsecret_proof.merge(Some(Cow::Owned(v))),
                            "appsecret_time" => appsecret_time = appsecret_time.merge(Some(TimeParam::Text(v))),
                            // Other parameters are not read, but may be secrets too.
                            other => {
                                if other == "fields" {
                                    fields.extend(split_fields(&v));
                                }
                                v.wipe();
                            }
                        }
                    }
                }
                Err(e) => query_error = Some(format!("the query string cannot be read: {}", e.message)),
            }
        }
        let path = match (url_path, parts.path) {
            (None, path) => path,
            (Some(kept), mut url) => {
                if let Cow::Owned(text) = &mut url {
                    text.wipe();
                }
                Cow::Owned(kept)
            }
        };
        Request {
            method: parts.method,
            path,
            path_end,
            query_error,
            node: parts.node,
            group_id: parts.group_id,
            fields,
            source_ip: parts.source_ip,
            access_token,
            appsecret_proof,
            appsecret_time,
            now: parts.now,
            mentioned: parts.mentioned,
            thread: parts.thread,
            target_user: parts.target_user,
            directory: parts.directory,
        }
    }

    /// The path after the version prefix, or why it is refused.
    #[inline]
    pub fn target(&self) -> std::result::Result<Target<'_>, String> {
        match &self.query_error {
            Some(e) => Err(e.clone()),
            None => parse_path(self.path.get(..self.path_end).unwrap_or_default()),
        }
    }

    /// Where the post named by `id` lives: the request's word first, then
    /// the directory's.
    pub fn post_place(&self, id: Option<&str>) -> PostPlace<'_> {
        let given = match &self.group_id {
            Some(Some(g)) => return PostPlace::Group(g),
            Some(None) => return PostPlace::Timeline,
            None => id.and_then(|id| self.directory.post_group(id)),
        };
        match given {
            Some(Some(g)) => PostPlace::Group(g),
            Some(None) => PostPlace::Timeline,
            None => PostPlace::Unknown,
        }
    }
}

/// `request.thread` by name.
pub fn parse_thread(s: &str) -> Result<Thread> {
    match s {
        "direct" => Ok(Thread::Direct),
        "group" => Ok(Thread::Group),
        other => Err(bad(format!("request.thread must be \"direct\" or \"group\", not `{other}`"))),
    }
}

/// Splits `scheme://host/path?query#fragment` into path and query; a full URL
/// is accepted because users paste them.
#[inline]
pub fn split_url(raw: &str) -> (&str, Option<&str>) {
    // A path (the usual case) has no scheme: whatever `://` it holds comes after a `/`. One scan
    // finds where it ends: the searches below cost a decision more than a whole path check.
    if raw.starts_with('/') {
        let end = raw.bytes().position(|b| b == b'?' || b == b'#').unwrap_or(raw.len());
        let (path, rest) = raw.split_at_checked(end).unwrap_or((raw, ""));
        return match rest.strip_prefix('?') {
            Some(query) => (path, Some(query.split_once('#').map_or(query, |(q, _)| q))),
            None => (path, None),
        };
    }
    let without_fragment = raw.split_once('#').map_or(raw, |(before, _)| before);
    // The first `:` ends a scheme (which is letters only), so the first `://` is never missed;
    // a `char` pattern, as everywhere else, keeps core's substring searcher out of the module.
    let origin = without_fragment.split_once(':').and_then(|(scheme, rest)| Some((scheme, rest.strip_prefix("//")?)));
    let without_origin = match origin {
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
    let Some((major, minor)) = split_at_byte(rest, b'.') else { return false };
    let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    digits(major, 3) && digits(minor, 2)
}

/// The most segments an operation's path has; a longer path names nothing.
pub const MAX_SEGMENTS: usize = 6;

/// A readable path: its segments after the version prefix, as a view of the
/// path it was read from, with `/company` read as `/community`. Where the
/// segments end is found in the one pass that checks the path, not at each
/// use.
#[derive(Clone, Copy, Debug)]
pub struct Target<'p> {
    /// The segments, joined by `/` (the first one as written).
    text: &'p str,
    /// The first segment is `company`: it reads as `community`.
    company: bool,
    /// The end of each segment in `text`; each starts one past the end before.
    ends: [usize; MAX_SEGMENTS],
    /// How many segments there are; more than `MAX_SEGMENTS` are only counted.
    count: usize,
}

/// Equal when they name the same segments, however they were written.
impl PartialEq for Target<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.segments().eq(other.segments())
    }
}

impl Eq for Target<'_> {}

impl<'p> Target<'p> {
    fn read(&self, segment: &'p str, first: bool) -> &'p str {
        if first && self.company {
            "community"
        } else {
            segment
        }
    }

    pub fn segments(&self) -> impl Iterator<Item = &'p str> + '_ {
        self.text.split('/').filter(|s| !s.is_empty()).enumerate().map(|(i, s)| self.read(s, i == 0))
    }

    /// The segments in a fixed array, or `None` when there are more than any
    /// operation has.
    #[inline]
    pub fn segment_array(&self) -> Option<([&'p str; MAX_SEGMENTS], usize)> {
        let ends = self.ends.get(..self.count)?;
        let mut out = [""; MAX_SEGMENTS];
        let mut start = 0;
        for (i, (slot, &end)) in out.iter_mut().zip(ends).enumerate() {
            *slot = self.read(self.text.get(start..end).unwrap_or_default(), i == 0);
            start = end + 1;
        }
        Some((out, self.count))
    }

    /// `/a/b`, as messages show it.
    pub fn shown(&self) -> String {
        let mut shown = String::with_capacity(self.text.len() + 5);
        for s in self.segments() {
            shown.push('/');
            shown.push_str(s);
        }
        if shown.is_empty() {
            shown.push('/');
        }
        shown
    }
}

/// The path's segments after the version prefix, or why it is refused.
///
/// One pass over the bytes checks every character and every segment and
/// finds where each segment ends: this runs for every decision, and each
/// separate scan costs about as much as the rest of reading the request.
#[inline]
pub fn parse_path(path: &str) -> std::result::Result<Target<'_>, String> {
    let rest = path.strip_prefix('/').ok_or_else(|| "the path must start with `/`".to_string())?;
    let mut ends = [0; MAX_SEGMENTS];
    let (mut count, mut position, mut start, mut base) = (0, 0, 0, 0);
    // A refused character is reported before a refused segment, wherever each is.
    let mut refused_segment = None;
    let mut company = false;
    let mut end_segment = |start: usize, end: usize| {
        position += 1;
        let segment = rest.get(start..end).unwrap_or_default();
        match segment {
            "" => _ = refused_segment.get_or_insert(Err(position)),
            "." | ".." => _ = refused_segment.get_or_insert(Ok(segment)),
            // The first segment: a version prefix is skipped once.
            _ if position == 1 && is_version(segment) => {
                base = end + 1;
                return;
            }
            _ => {}
        }
        if count == 0 {
            company = segment == "company";
        }
        if let Some(slot) = ends.get_mut(count) {
            *slot = end.saturating_sub(base);
        }
        count += 1;
    };
    for (at, b) in rest.bytes().enumerate() {
        if b == b'/' {
            end_segment(start, at);
            start = at + 1;
        } else if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
            // Every byte before `at` is ASCII, so `at` starts a character.
            let c = rest.get(at..).and_then(|r| r.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER);
            return Err(if c == '%' {
                "percent-encoded characters are refused in the path: they can hide `/` or `.`".to_string()
            } else {
                format!("the character {c:?} is not allowed in a path")
            });
        }
    }
    if !rest.is_empty() {
        end_segment(start, rest.len());
    }
    match refused_segment {
        Some(Err(position)) => Err(format!("empty path segment at position {position}: `//` and a trailing `/` are refused")),
        Some(Ok(s)) => Err(format!("`{s}` segments are refused, not resolved")),
        None => Ok(Target { text: rest.get(base..).unwrap_or_default(), company, ends, count }),
    }
}

/// `split_once` for an ASCII byte, as a plain loop: a `split_once` on a
/// request's path costs more than the rest of reading it.
fn split_at_byte(s: &str, byte: u8) -> Option<(&str, &str)> {
    let at = s.bytes().position(|b| b == byte)?;
    Some((s.get(..at)?, s.get(at + 1..)?))
}

/// Object ids are decimal, or `<owner>_<post>` for posts (each part 1 to
/// 32 digits). One pass over the bytes: every segment of every request is
/// asked, and a `split_once` costs more than the whole test.
#[inline]
fn is_object_id(s: &str) -> bool {
    let (mut run, mut parts) = (0usize, 1);
    for b in s.bytes() {
        match b {
            b'0'..=b'9' if run < 32 => run += 1,
            b'_' if parts == 1 && run > 0 => (run, parts) = (0, 2),
            _ => return false,
        }
    }
    run > 0
}

/// What a path template segment matches.
#[derive(Clone, Copy, Debug)]
enum Part {
    Literal(&'static str),
    Id,
}

/// An operation prepared for matching and deciding: its template split into
/// segments, and the catalog index of each permission it lists, so that no
/// request splits a template or looks a permission up by name.
#[derive(Debug)]
pub struct Route {
    pub operation: &'static Operation,
    /// Position in `OPERATIONS`.
    pub index: usize,
    parts: [Part; MAX_SEGMENTS],
    len: usize,
    /// Position of the operation's method in `METHODS`, compared as a number at each lookup.
    method: Option<usize>,
    /// `PERMISSIONS` index of each entry of `operation.permissions`.
    pub grants: Vec<PermissionIndex>,
}

impl Route {
    fn new(index: usize, operation: &'static Operation) -> Route {
        let mut parts = [Part::Id; MAX_SEGMENTS];
        let mut len = 0;
        for (slot, p) in parts.iter_mut().zip(operation.path.split('/').filter(|p| !p.is_empty())) {
            *slot = if p.starts_with('{') { Part::Id } else { Part::Literal(p) };
            len += 1;
        }
        let grants = operation.permissions.iter().filter_map(|g| catalog::permission(g.permission).map(|(i, _)| i)).collect();
        Route { operation, index, parts, len, method: method_index(operation.method), grants }
    }

    fn part(&self, i: usize) -> Option<Part> {
        self.parts.get(..self.len).and_then(|p| p.get(i)).copied()
    }

    /// The `{id}` the path gives, if it matches (`Some(None)`: a match
    /// without an id). `ids` says which segments are object ids.
    #[inline]
    fn matches<'a>(&self, segments: &[&'a str], ids: &[bool]) -> Option<Option<&'a str>> {
        if self.len != segments.len() {
            return None;
        }
        let mut id = None;
        for ((part, seg), is_id) in self.parts.iter().zip(segments).zip(ids) {
            match part {
                Part::Id if *is_id => id = Some(*seg),
                Part::Literal(l) if l == seg => {}
                _ => return None,
            }
        }
        Some(id)
    }

    /// The bucket this route sits in: see `shape`.
    fn shape(&self) -> u64 {
        let key = |part: Option<Part>| match part {
            Some(Part::Literal(l)) => Some(l),
            _ => None,
        };
        shape(self.len, key(self.part(0)), key(self.part(self.len.saturating_sub(1))))
    }
}

/// A hash of a path's length and of what its first and last segments are
/// (a literal, or `None` for an id): every route a path can match shares
/// its shape, so a lookup compares a handful of routes instead of all.
/// Equal shapes are compared in full, so a collision costs time, never a
/// wrong match. A literal counts by its length and first eight bytes, each
/// a word: hashing byte by byte cost a lookup more than the rest of it.
#[inline]
fn shape(len: usize, first: Option<&str>, last: Option<&str>) -> u64 {
    let word = |part: Option<&str>| {
        let Some(literal) = part else { return u64::MAX };
        let mut bytes = [0u8; 8];
        for (slot, b) in bytes.iter_mut().zip(literal.bytes()) {
            *slot = b;
        }
        u64::from_le_bytes(bytes) ^ (literal.len() as u64).rotate_right(8)
    };
    let mixed = (len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
        ^ word(first).wrapping_mul(0xc2b2_ae3d_27d4_eb4f)
        ^ word(last).rotate_left(29).wrapping_mul(0x1656_67b1_9e37_79f9);
    mixed ^ (mixed >> 31)
}

/// Every operation as a `Route`, in catalog order, with the routes of each
/// shape; built on first use.
struct RouteTable {
    routes: Vec<Route>,
    /// (shape, positions in `routes` in catalog order), open-addressed by
    /// shape: a lookup finds its slot in a probe or two, where a binary
    /// search took several unpredictable branches. An empty list is a free
    /// slot.
    slots: Vec<(u64, Vec<usize>)>,
}

/// Twice the most routes a route mask holds, so that slots stay mostly free
/// and every probe sequence reaches a free one.
const SLOTS: usize = 128;

fn table() -> &'static RouteTable {
    static TABLE: OnceLock<RouteTable> = OnceLock::new();
    TABLE.get_or_init(|| {
        let routes: Vec<Route> = OPERATIONS.iter().enumerate().map(|(i, o)| Route::new(i, o)).collect();
        let mut slots = vec![(0, Vec::new()); SLOTS];
        for (i, route) in routes.iter().enumerate() {
            let key = route.shape();
            if let Some((k, members)) = RouteTable::slot(&slots, key).and_then(|at| slots.get_mut(at)) {
                *k = key;
                members.push(i);
            }
        }
        RouteTable { routes, slots }
    })
}

impl RouteTable {
    /// Where the slot of `key` is: its own, or the free one it would take.
    #[inline]
    fn slot(slots: &[(u64, Vec<usize>)], key: u64) -> Option<usize> {
        let start = usize::try_from(key % SLOTS as u64).unwrap_or(0);
        (0..SLOTS).map(|step| (start + step) % SLOTS).find(|&at| slots.get(at).is_some_and(|(k, m)| m.is_empty() || *k == key))
    }

    /// The routes (positions in `routes`) a path of these segments may match, in catalog order.
    /// `ids` says which segments are object ids.
    #[inline]
    fn candidates(&self, segments: &[&str], ids: &[bool]) -> &[usize] {
        let key = |i: usize| segments.get(i).copied().filter(|_| ids.get(i) == Some(&false));
        let wanted = shape(segments.len(), key(0), key(segments.len().wrapping_sub(1)));
        // A free slot has no members.
        RouteTable::slot(&self.slots, wanted).and_then(|at| self.slots.get(at)).map(|(_, m)| m.as_slice()).unwrap_or_default()
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Resolution<'a> {
    Found { route: &'static Route, id: Option<&'a str> },
    /// No operation has this method and path: `describe` says what is near.
    Unknown(Unresolved),
    Ambiguous { id: &'a str },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unresolved {
    NoPath,
    WrongMethod,
    /// The typed node (if any) has no operation with this method and path.
    NotOnNode(Option<Node>),
}

/// A method and path being resolved; everything `resolve` and its messages need.
pub struct Lookup<'s, 'a> {
    method: &'s str,
    segments: &'s [&'a str],
    node: Option<Node>,
    directory: &'s Directory,
    /// The routes the path matches, whatever their method: bit `i` is
    /// `routes[i]`. Computed once, so each question below is a few bit tests.
    by_path: u64,
    /// The routes of `by_path` with the request's method.
    by_method: u64,
    /// Where the path's `{id}` is (the same segment for every matching route).
    id: Option<&'a str>,
}

/// Where `method` is in `METHODS`, in any case.
#[inline]
fn method_index(method: &str) -> Option<usize> {
    METHODS.iter().position(|m| m.eq_ignore_ascii_case(method))
}

/// The bit of route `i` in a route mask. 64 bits hold the catalog (a test
/// checks), and wasm has no native 128-bit shifts.
fn route_bit(i: usize) -> u64 {
    u32::try_from(i).ok().and_then(|i| 1u64.checked_shl(i)).unwrap_or(0)
}

impl<'s, 'a> Lookup<'s, 'a> {
    #[inline]
    pub fn new(method: &'s str, segments: &'s [&'a str], node: Option<Node>, directory: &'s Directory) -> Lookup<'s, 'a> {
        let table = table();
        let mut ids = [false; MAX_SEGMENTS];
        for (slot, s) in ids.iter_mut().zip(segments) {
            *slot = is_object_id(s);
        }
        let (mut by_path, mut by_method) = (0, 0);
        let mut id = None;
        // No route has a method outside `METHODS`.
        let wanted = method_index(method);
        for &i in table.candidates(segments, &ids) {
            let Some(route) = table.routes.get(i) else { continue };
            if let Some(found) = route.matches(segments, &ids) {
                by_path |= route_bit(i);
                if wanted.is_some() && route.method == wanted {
                    by_method |= route_bit(i);
                }
                id = id.or(found);
            }
        }
        Lookup { method, segments, node, directory, by_path, by_method, id }
    }

    /// The routes of a mask, in catalog order.
    fn routes(&self, mask: u64) -> impl Iterator<Item = (usize, &'static Route)> {
        let routes = &table().routes;
        let mut rest = mask;
        std::iter::from_fn(move || {
            while rest != 0 {
                let i = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if let Some(r) = routes.get(i) {
                    return Some((i, r));
                }
            }
            None
        })
    }

    /// The routes of `mask` that `keep` accepts.
    fn filtered(&self, mask: u64, keep: impl Fn(&Operation) -> bool) -> u64 {
        self.routes(mask).filter(|(_, r)| keep(r.operation)).fold(0, |m, (i, _)| m | route_bit(i))
    }

    /// The node the `{id}` has: the request's word, then the directory's.
    fn typed(&self) -> Option<Node> {
        self.node.or_else(|| self.id.and_then(|i| self.directory.node_of(i)))
    }

    /// The routes of this method whose node fits the `{id}`'s type, if known.
    #[inline]
    fn chosen(&self, by_method: u64) -> u64 {
        let Some(typed) = self.typed() else { return by_method };
        self.filtered(by_method, |o| o.node == Some(typed) || o.node.is_none())
    }

    /// Which operation the method and path name. `node`, then the
    /// directory, type a bare `{id}`; without either, several candidates are
    /// ambiguous.
    #[inline]
    pub fn resolve(&self) -> Resolution<'a> {
        let by_method = self.by_method;
        let chosen = self.chosen(by_method);
        let mut routes = self.routes(chosen);
        match (routes.next(), routes.next()) {
            (Some((_, route)), None) => Resolution::Found { route, id: self.id },
            (Some(_), Some(_)) => Resolution::Ambiguous { id: self.id.unwrap_or_default() },
            (None, _) if self.by_path == 0 => Resolution::Unknown(Unresolved::NoPath),
            (None, _) if by_method == 0 => Resolution::Unknown(Unresolved::WrongMethod),
            (None, _) => Resolution::Unknown(Unresolved::NotOnNode(self.typed())),
        }
    }

    /// The operations an ambiguous path could name.
    pub fn candidates(&self) -> Vec<&'static str> {
        self.routes(self.chosen(self.by_method)).map(|(_, r)| r.operation.id).collect()
    }

    /// `METHOD /a/b` as messages show it: the path without its query
    /// string, which may hold a token, and both clipped.
    fn shown(&self) -> (String, String) {
        (clipped(&self.method.to_ascii_uppercase()).into_owned(), format!("/{}", clipped(&self.segments.join("/"))))
    }

    /// Why no operation was found, for the trace.
    pub fn describe(&self, why: Unresolved) -> String {
        let (method, shown) = self.shown();
        match why {
            Unresolved::NoPath => format!("no operation has the path {shown}"),
            Unresolved::WrongMethod => {
                let mut methods: Vec<_> = self.routes(self.by_path).map(|(_, r)| r.operation.method).collect();
                crate::sort::ord(&mut methods);
                methods.dedup();
                format!("{method} {shown} is not an operation; this path takes {}", methods.join(", "))
            }
            Unresolved::NotOnNode(typed) => {
                format!("{method} {shown} names no operation on a {}", typed.map_or("node", |n| n.as_str()))
            }
        }
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
                    // What follows a `?` may be credentials: shown only as `?…`.
                    let (name, query) = split_url(id);
                    let hint = crate::config::closest(name, OPERATIONS.iter().map(|o| o.id))
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default();
                    let shown = quoted(&format!("{name}{}", if query.is_some() { "?…" } else { "" }));
                    return Err(format!("unknown operation {shown}{hint}"));
                }
            }
        }
        Use::Call { method, path, fields, node } => (method.as_str(), path.as_str(), fields.as_slice(), *node),
    };
    let (bare, query) = split_url(path);
    let mut all_fields = fields.to_vec();
    if let Some(q) = query {
        for (k, v) in form::parse(q).map_err(|e| e.message)? {
            if k == "fields" {
                all_fields.extend(split_fields(&v));
            }
        }
    }
    // A catalog template (`/{group-id}/feed`) names its operation directly.
    if let Some(op) = OPERATIONS.iter().find(|o| o.path == bare && o.method.eq_ignore_ascii_case(method)) {
        return Ok((op, all_fields));
    }
    let target = parse_path(bare)?;
    let segments: Vec<&str> = target.segments().collect();
    let directory = Directory::default();
    let lookup = Lookup::new(method, &segments, node, &directory);
    match lookup.resolve() {
        Resolution::Found { route, .. } => Ok((route.operation, all_fields)),
        Resolution::Unknown(why) => Err(lookup.describe(why)),
        Resolution::Ambiguous { .. } => {
            let (method, shown) = lookup.shown();
            Err(format!("{method} {shown} could name {}; add `node` to say which", lookup.candidates().join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::json;

    /// A resolution with its messages rendered, so that it outlives the path.
    #[derive(Debug)]
    enum Got {
        Found(&'static str),
        Unknown(String),
        Ambiguous { id: String, candidates: Vec<&'static str> },
    }

    fn resolve_in(method: &str, path: &str, node: Option<Node>, directory: &Directory) -> Got {
        let target = match parse_path(path) {
            Ok(t) => t,
            Err(e) => return Got::Unknown(format!("invalid: {e}")),
        };
        let segments: Vec<&str> = target.segments().collect();
        let lookup = Lookup::new(method, &segments, node, directory);
        match lookup.resolve() {
            Resolution::Found { route, .. } => Got::Found(route.operation.id),
            Resolution::Unknown(why) => Got::Unknown(lookup.describe(why)),
            Resolution::Ambiguous { id } => Got::Ambiguous { id: id.to_string(), candidates: lookup.candidates() },
        }
    }

    fn resolve_path(method: &str, path: &str, node: Option<Node>) -> Got {
        resolve_in(method, path, node, &Directory::default())
    }

    fn found(r: Got) -> &'static str {
        match r {
            Got::Found(id) => id,
            other => panic!("not found: {other:?}"),
        }
    }

    #[test]
    fn directory_ids_are_found_whatever_their_order() {
        let ids: Ids = ["30", "1001", "7", "1001", "2002"].into_iter().map(String::from).collect();
        assert!(["7", "30", "1001", "2002"].iter().all(|id| ids.contains(id)));
        assert!(!ids.contains("3") && !ids.contains("") && !Ids::default().contains("7"));
        let dir = Directory::from_json(Some(&json!({ "posts": { "9_1": "1001", "8_2": null, "10_3": "2002" } }).ours()), "d").unwrap();
        assert_eq!(dir.post_group("10_3"), Some(&Some("2002".to_string())));
        assert_eq!(dir.post_group("8_2"), Some(&None));
        assert_eq!(dir.post_group("7_1"), None);
    }

    #[test]
    fn route_masks_hold_the_catalog() {
        assert!(OPERATIONS.len() <= 64, "route masks are u64: widen them");
        assert!(2 * OPERATIONS.len() <= SLOTS, "the route table needs free slots");
        assert_eq!(table().routes.len(), OPERATIONS.len());
    }

    #[test]
    fn every_route_is_a_candidate_of_its_own_shape() {
        let table = table();
        for (i, route) in table.routes.iter().enumerate() {
            let segments: Vec<&str> = (0..route.len).map(|k| match route.part(k) { Some(Part::Literal(l)) => l, _ => "1001" }).collect();
            let ids: Vec<bool> = segments.iter().map(|s| is_object_id(s)).collect();
            assert!(table.candidates(&segments, &ids).contains(&i), "{} {}", route.operation.method, route.operation.path);
        }
    }

    #[test]
    fn version_prefix_and_company_alias() {
        assert_eq!(found(resolve_path("GET", "/v18.0/1001/feed", Some(Node::Group))), "group.feed.read");
        assert!(matches!(resolve_path("GET", "/1001/feed", None), Got::Ambiguous { .. }), "group or member feed");
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
        assert_eq!(parse_path("/").unwrap().segments().count(), 0);
    }

    #[test]
    fn case_and_overlong_versions_name_nothing() {
        for (m, p) in [("GET", "/1001/FEED"), ("GET", "/v18.0.1/1001/feed"), ("GET", "/v18.0/v18.0/1001/feed"), ("GET", "/COMMUNITY")] {
            assert!(matches!(resolve_path(m, p, None), Got::Unknown(_)), "{p}");
        }
    }

    #[test]
    fn bare_ids_need_a_node_or_directory() {
        match resolve_path("GET", "/1001", None) {
            Got::Ambiguous { id, candidates } => {
                assert_eq!(id, "1001");
                assert!(candidates.contains(&"group.read") && candidates.contains(&"member.read") && candidates.contains(&"post.read"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(found(resolve_path("GET", "/1001", Some(Node::Member))), "member.read");
        let dir = Directory { groups: ["1001".to_string()].into_iter().collect(), ..Directory::default() };
        assert_eq!(found(resolve_in("GET", "/1001", None, &dir)), "group.read");
        assert!(matches!(resolve_path("GET", "/1001", Some(Node::QuickLink)), Got::Unknown(_)));
    }

    #[test]
    fn wrong_method_says_what_the_path_takes() {
        match resolve_path("PUT", "/1001/feed", None) {
            Got::Unknown(d) => assert!(d.contains("GET, POST"), "{d}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn request_reads_query_fields_and_credentials() {
        let r = Request::from_json(&json!({ "method": "GET", "path": "https://graph.workplace.com/v18.0/55?fields=email,title&appsecret_time=5#x",
            "fields": ["name"], "appsecret_time": 5 }).ours()).unwrap();
        assert_eq!(r.fields, ["name", "email", "title"]);
        assert_eq!(r.target().unwrap().segments().collect::<Vec<_>>(), ["55"]);
        assert!(matches!(r.appsecret_time, Param::Conflict), "given twice, even equal");
        let r = Request::from_json(&json!({ "method": "GET", "path": "/55?access_token=a&access_token=a" }).ours()).unwrap();
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
            let e = Request::from_json(&v.ours()).unwrap_err();
            assert!(e.message.contains(needle), "{} lacks {needle}", e.message);
        }
        assert_eq!(Request::from_json(&json!({ "method": "GET", "path": "/1", "now": -1 }).ours()).unwrap_err().code, ErrorCode::InvalidTime);
    }

    #[test]
    fn post_place_from_request_then_directory() {
        let r = Request::from_json(&json!({ "method": "GET", "path": "/9", "directory": { "posts": { "9": "1001", "8": null } } }).ours()).unwrap();
        assert_eq!(r.post_place(Some("9")), PostPlace::Group("1001"));
        assert_eq!(r.post_place(Some("8")), PostPlace::Timeline);
        assert_eq!(r.post_place(Some("7")), PostPlace::Unknown);
        let r = Request::from_json(&json!({ "method": "GET", "path": "/9", "group_id": null }).ours()).unwrap();
        assert_eq!(r.post_place(Some("9")), PostPlace::Timeline);
    }

    #[test]
    fn use_messages_never_show_a_query_string() {
        let token = "EAAGtokenInAUse";
        let uses = [
            Use::Id(format!("GET /1001/feed?access_token={token}")),
            Use::Id(format!("group.feed.reed?access_token={token}")),
            Use::Id(format!("GET /1001/nope?access_token={token}")),
            Use::Call { method: "GET".into(), path: format!("/1001?appsecret_proof={token}"), fields: Vec::new(), node: None },
        ];
        let messages: Vec<String> = uses.iter().map(|u| resolve_use(u).unwrap_err()).collect();
        assert_eq!(
            messages,
            [
                "GET /1001/feed could name group.feed.read, member.feed.read; add `node` to say which",
                "unknown operation `group.feed.reed?…`; did you mean `group.feed.read`?",
                "no operation has the path /1001/nope",
                format!("GET /1001 could name {}; add `node` to say which", Lookup::new("GET", &["1001"], None, &Directory::default()).candidates().join(", ")).as_str(),
            ]
        );
        let long = Use::Id(format!("GET /{}", "a/".repeat(10_000)));
        assert!(resolve_use(&long).unwrap_err().len() < 200);
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
                        for s in parsed.segments() {
                            prop_assert!(!s.is_empty() && s != "." && s != ".." && !s.contains('%'), "{path} kept {s:?}");
                        }
                        let _ = resolve_path(&method, &path, None);
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
                match resolve_path(op.method, &path, op.node) {
                    Got::Found(id) => prop_assert_eq!(id, op.id),
                    other => prop_assert!(false, "{} {path}: {other:?}", op.method),
                }
            }

            /// The prepared route table names the operations a plain reading
            /// of each template would: same path, method, and `{id}` as an id.
            #[test]
            fn route_table_matches_the_templates(segs in proptest::collection::vec(prop_oneof![
                    Just("1001".to_string()), Just("9_1".to_string()), Just("feed".to_string()), Just("community".to_string()),
                    Just("members".to_string()), Just("scim".to_string()), Just("v1".to_string()), Just("Users".to_string()),
                    Just("me".to_string()), Just("messages".to_string()), "[a-z_]{1,8}"], 0..5),
                method in prop_oneof![Just("GET"), Just("post"), Just("DELETE"), Just("PUT")]) {
                let segments: Vec<&str> = segs.iter().map(String::as_str).collect();
                let plain: Vec<&str> = OPERATIONS.iter().filter(|o| {
                    let parts: Vec<&str> = o.path.split('/').filter(|p| !p.is_empty()).collect();
                    o.method.eq_ignore_ascii_case(method) && parts.len() == segments.len()
                        && parts.iter().zip(&segments).all(|(p, s)| if p.starts_with('{') { is_object_id(s) } else { p == s })
                }).map(|o| o.id).collect();
                let directory = Directory::default();
                let lookup = Lookup::new(method, &segments, None, &directory);
                let by_table: Vec<&str> = lookup.routes(lookup.by_method).map(|(_, r)| r.operation.id).collect();
                prop_assert_eq!(&by_table, &plain);
                match lookup.resolve() {
                    Resolution::Found { route, .. } => prop_assert_eq!(vec![route.operation.id], plain),
                    Resolution::Ambiguous { .. } => prop_assert!(plain.len() > 1),
                    Resolution::Unknown(_) => prop_assert!(plain.is_empty()),
                }
            }

            /// The byte loops read ids and URLs as the plain definitions do.
            #[test]
            fn ids_and_urls_read_as_defined(s in "[0-9_a]{0,40}|[0-9]{30,34}(_[0-9]{30,34})?", url in "[/a-z]{0,3}(:/)?[/a-z?#=]{0,12}") {
                let digits = |p: &str| !p.is_empty() && p.len() <= 32 && p.bytes().all(|b| b.is_ascii_digit());
                let plain = match s.split_once('_') {
                    Some((a, b)) => digits(a) && digits(b),
                    None => digits(&s),
                };
                prop_assert_eq!(is_object_id(&s), plain, "{}", s);
                let without_fragment = url.split_once('#').map_or(url.as_str(), |(before, _)| before);
                if without_fragment.starts_with('/') {
                    let plain = without_fragment.split_once('?').map_or((without_fragment, None), |(p, q)| (p, Some(q)));
                    prop_assert_eq!(split_url(&url), plain, "{}", url);
                }
            }

            #[test]
            fn request_debug_never_shows_a_query_token(token in "[A-Za-z0-9]{12,40}") {
                let r = Request::from_json(&json!({ "method": "GET", "path": format!("/1?access_token={token}"), "appsecret_proof": token.clone() }).ours()).unwrap();
                let shown = format!("{r:?}");
                prop_assert!(!shown.contains(&token));
            }
        }
    }
}
