//! Reading an IntegrationConfig (SPEC §5) from JSON.
//!
//! Parsing never stops at the first problem: every field that cannot be read
//! becomes a diagnostic with a JSON Pointer, and the rest of the config is
//! still read, so `validate` can report everything at once. `Config::from_json`
//! is the strict door for evaluation: any error-severity finding refuses it.

use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::catalog::{self, Node, PermissionIndex, PermissionSet, Product};
use crate::diagnostic::{pointer, Code, Diagnostic, Severity};
use crate::error::{Error, ErrorCode, Result};
use crate::ip;
use crate::json::{Map, Value};

pub const DEFAULT_UNUSED_PERMISSION_DAYS: u32 = 30;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupMode {
    All,
    Specific,
    GroupAdmins,
}

impl GroupMode {
    pub fn as_str(self) -> &'static str {
        match self {
            GroupMode::All => "all",
            GroupMode::Specific => "specific",
            GroupMode::GroupAdmins => "group_admins",
        }
    }
    fn parse(s: &str) -> Option<GroupMode> {
        [GroupMode::All, GroupMode::Specific, GroupMode::GroupAdmins].into_iter().find(|m| m.as_str() == s)
    }
}

/// A declared use: an operation id, `"METHOD /path"`, or a call object.
#[derive(Clone, Debug, PartialEq)]
pub enum Use {
    Id(String),
    Call { method: String, path: String, fields: Vec<String>, node: Option<Node> },
}

/// A value together with where it sat in the config, for diagnostics.
#[derive(Clone, Debug, PartialEq)]
pub struct At<T> {
    pub value: T,
    pub path: String,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub product: Product,
    pub app_id: Option<String>,
    pub name: Option<String>,
    pub admin_center_tab: Option<String>,
    /// Every recognised permission entry, in order, duplicates kept.
    pub permissions: Vec<At<PermissionIndex>>,
    pub auto_invite: At<bool>,
    pub group_chats: At<bool>,
    pub group_mode: GroupMode,
    pub groups: Vec<At<String>>,
    pub ip_allowlist: Vec<At<ip::Entry>>,
    pub require_appsecret_proof: bool,
    pub keep_unused_permissions: bool,
    pub unused_permission_days: u32,
    pub usage: Vec<At<(PermissionIndex, i64)>>,
    pub uses: Vec<At<Use>>,
}

impl Config {
    /// The permissions as granted (deduplicated).
    pub fn granted(&self) -> PermissionSet {
        let mut set = PermissionSet::default();
        for p in &self.permissions {
            set.insert(p.value);
        }
        set
    }

    /// What the platform lets this integration actually use: granted ∩ what
    /// the product (and Admin Center tab) offers, plus implied reading rights.
    pub fn effective(&self) -> PermissionSet {
        self.granted().intersect(self.offered()).with_implied()
    }

    pub fn offered(&self) -> PermissionSet {
        let offered = PermissionSet::available_in(self.product);
        if self.is_security_tab() {
            let mut only = PermissionSet::default();
            if let Some((i, _)) = catalog::permission("read_security_audit_logs") {
                only.insert(i);
            }
            return offered.intersect(only);
        }
        offered
    }

    pub fn is_security_tab(&self) -> bool {
        self.product == Product::AdminCenter && self.admin_center_tab.as_deref() == Some("security")
    }

    /// Strict parse for evaluation: the first error-severity finding refuses
    /// the config, its pointer and code in the message.
    pub fn from_json(value: &Value) -> Result<Config> {
        let (config, diagnostics) = parse(value);
        if let Some(d) = diagnostics.iter().find(|d| d.severity == Severity::Error) {
            let at = if d.path.is_empty() { "the config".to_string() } else { format!("config{}", d.path) };
            return Err(Error::new(ErrorCode::InvalidConfig, format!("{at}: {} ({})", d.message, d.code.as_str())));
        }
        config.ok_or_else(|| Error::new(ErrorCode::InvalidConfig, "the config must be an object"))
    }
}

/// Keys that hold secrets: a config is meant to be shared, so these must
/// never be in one (the seed: never commit tokens or app secrets).
const SECRET_KEYS: &[&str] =
    &["app_secret", "appsecret", "secret", "client_secret", "access_token", "token", "appsecret_proof", "password"];

const KEYS: &[&str] = &[
    "product",
    "app_id",
    "name",
    "admin_center_tab",
    "permissions",
    "options",
    "group_access",
    "ip_allowlist",
    "require_appsecret_proof",
    "keep_unused_permissions",
    "unused_permission_days",
    "usage",
    "uses",
];

/// Reads what can be read and reports the rest. `None` only when the root is
/// not an object.
pub fn parse(value: &Value) -> (Option<Config>, Vec<Diagnostic>) {
    let mut r = Reader { out: Vec::new() };
    let Some(root) = value.as_object() else {
        r.invalid("", format!("the config must be a JSON object, found {}", kind(value)));
        return (None, r.out);
    };
    r.find_secrets(value, &mut Vec::new());
    for key in root.keys() {
        if !KEYS.contains(&key.as_str()) && !is_secret_key(key) {
            let hint = closest(key, KEYS.iter().copied()).map(|k| format!("; did you mean `{k}`?")).unwrap_or_default();
            r.invalid(&pointer([key]), format!("unknown field {}{hint}", quoted(key)));
        }
    }
    let product = match root.get("product") {
        None | Some(Value::Null) => Product::Workplace,
        Some(Value::String(s)) => Product::parse(s).unwrap_or_else(|| {
            r.invalid("/product", format!("unknown product {}: use `workplace` or `admin_center`", quoted(s)));
            Product::Workplace
        }),
        Some(other) => {
            r.invalid("/product", format!("`product` must be a string, found {}", kind(other)));
            Product::Workplace
        }
    };
    let admin_center_tab = r.opt_string(root, "admin_center_tab");
    if admin_center_tab.is_some() && product != Product::AdminCenter {
        r.invalid("/admin_center_tab", "`admin_center_tab` applies only to product `admin_center`; remove it or set it to null");
    }
    let (group_mode, groups) = r.group_access(root.get("group_access"));
    let (auto_invite, group_chats) = r.options(root.get("options"));
    let config = Config {
        product,
        app_id: r.opt_string(root, "app_id"),
        name: r.opt_string(root, "name"),
        admin_center_tab,
        permissions: r.permissions(root.get("permissions")),
        auto_invite,
        group_chats,
        group_mode,
        groups,
        ip_allowlist: r.ip_allowlist(root.get("ip_allowlist")),
        require_appsecret_proof: r.bool(root, "require_appsecret_proof"),
        keep_unused_permissions: r.bool(root, "keep_unused_permissions"),
        unused_permission_days: r.days(root.get("unused_permission_days")),
        usage: r.usage(root.get("usage")),
        uses: r.uses(root.get("uses")),
    };
    (Some(config), r.out)
}

fn is_secret_key(key: &str) -> bool {
    SECRET_KEYS.contains(&key.to_ascii_lowercase().as_str())
}

/// An `app_id|app_secret` pair is a working credential for the Admin Center
/// token endpoint, whatever key it sits under.
fn looks_like_credential_pair(s: &str) -> bool {
    match s.split_once('|') {
        Some((id, secret)) => {
            !id.is_empty()
                && id.bytes().all(|b| b.is_ascii_digit())
                && secret.len() >= 16
                && secret.bytes().all(|b| b.is_ascii_alphanumeric())
        }
        None => false,
    }
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Levenshtein distance, O(|a|·|b|): `closest` calls it only for names of about a
/// candidate's length.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let substitute = prev.get(j).copied().unwrap_or(usize::MAX).saturating_add(usize::from(ca != *cb));
            let delete = prev.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let insert = cur.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            cur.push(substitute.min(delete).min(insert));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The candidate nearest to `name` among those near enough to be a typo of
/// it: within half the candidate's length in edits (at least 2). A length
/// difference is a lower bound on the distance, so a candidate whose length
/// differs by more is never measured: an unknown name of megabytes costs one
/// pass to count its characters, not an edit-distance table per candidate.
pub fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let length = name.chars().count();
    let mut lowered = None;
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let allowed = (candidate.chars().count() / 2).max(2);
        if length.abs_diff(candidate.chars().count()) > allowed {
            continue;
        }
        let name = lowered.get_or_insert_with(|| name.to_ascii_lowercase());
        let d = distance(name, &candidate.to_ascii_lowercase());
        let nearer = match best {
            Some((b, _)) => d < b,
            None => true,
        };
        if d <= allowed && nearer {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// The most characters of a caller's name a message repeats: enough to
/// recognise it, never a payload (names can be megabytes of hostile input).
const QUOTED_CHARS: usize = 64;

/// `text` as a message repeats it: whole when short, else its first
/// `QUOTED_CHARS` characters and an ellipsis.
pub fn clipped(text: &str) -> Cow<'_, str> {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => Cow::Owned(format!("{}…", text.get(..cut).unwrap_or_default())),
        None => Cow::Borrowed(text),
    }
}

/// `name` in backticks, clipped, with its length when it was clipped.
pub fn quoted(name: &str) -> String {
    match clipped(name) {
        Cow::Borrowed(whole) => format!("`{whole}`"),
        Cow::Owned(head) => format!("`{head}` ({} characters)", name.chars().count()),
    }
}

/// The permission id nearest to an unknown name (ids, aliases and labels
/// all count; the answer is always the id).
pub fn closest_permission(name: &str) -> Option<&'static str> {
    let names = catalog::PERMISSIONS.iter().flat_map(|p| std::iter::once(p.id).chain(p.aliases.iter().copied()).chain([p.label]));
    closest(name, names).and_then(catalog::permission).map(|(_, p)| p.id)
}

pub fn is_group_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 32 && s.bytes().all(|b| b.is_ascii_digit())
}

struct Reader {
    out: Vec<Diagnostic>,
}

impl Reader {
    fn push(&mut self, code: Code, path: &str, message: impl Into<String>) {
        self.out.push(Diagnostic::new(code, path, message));
    }

    fn invalid(&mut self, path: &str, message: impl Into<String>) {
        self.push(Code::InvalidConfig, path, message);
    }

    fn find_secrets(&mut self, value: &Value, at: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    at.push(k.clone());
                    if is_secret_key(k) && !v.is_null() {
                        self.push(
                            Code::SecretInConfig,
                            &pointer(at.iter()),
                            format!("`{k}` holds a secret; remove it: configs are shared, secrets go only in the credentials argument"),
                        );
                    } else {
                        self.find_secrets(v, at);
                    }
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    at.push(i.to_string());
                    self.find_secrets(v, at);
                    at.pop();
                }
            }
            Value::String(s) if looks_like_credential_pair(s) => self.push(
                Code::SecretInConfig,
                &pointer(at.iter()),
                "this value looks like an `app_id|app_secret` pair; remove it from the config",
            ),
            _ => {}
        }
    }

    fn opt_string(&mut self, root: &Map, key: &str) -> Option<String> {
        match root.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => {
                self.invalid(&pointer([key]), format!("`{key}` must be a string or null, found {}", kind(other)));
                None
            }
        }
    }

    fn bool(&mut self, root: &Map, key: &str) -> bool {
        self.bool_at(root.get(key), &pointer([key]), key)
    }

    fn bool_at(&mut self, value: Option<&Value>, path: &str, name: &str) -> bool {
        match value {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                self.invalid(path, format!("`{name}` must be true or false, found {}", kind(other)));
                false
            }
        }
    }

    fn array<'v>(&mut self, value: Option<&'v Value>, key: &str) -> &'v [Value] {
        match value {
            None | Some(Value::Null) => &[],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.invalid(&pointer([key]), format!("`{key}` must be an array, found {}", kind(other)));
                &[]
            }
        }
    }

    fn permissions(&mut self, value: Option<&Value>) -> Vec<At<PermissionIndex>> {
        let mut out = Vec::new();
        for (i, item) in self.array(value, "permissions").iter().enumerate() {
            let path = pointer(["permissions".to_string(), i.to_string()]);
            match item {
                Value::String(name) => match catalog::permission(name) {
                    Some((index, _)) => out.push(At { value: index, path }),
                    None => self.unknown_permission(name, &path),
                },
                other => self.invalid(&path, format!("a permission must be a string id, found {}", kind(other))),
            }
        }
        out
    }

    fn unknown_permission(&mut self, name: &str, path: &str) {
        let hint = match closest_permission(name) {
            Some(id) => format!("; did you mean `{id}`?"),
            None => "; see permissions() for the catalog".to_string(),
        };
        self.push(Code::UnknownPermission, path, format!("unknown permission {}{hint}", quoted(name)));
    }

    fn options(&mut self, value: Option<&Value>) -> (At<bool>, At<bool>) {
        let mut auto_invite = At { value: false, path: "/options/auto_invite".into() };
        let mut group_chats = At { value: false, path: "/options/group_chats".into() };
        match value {
            None | Some(Value::Null) => {}
            Some(Value::Object(map)) => {
                for (k, v) in map {
                    let path = pointer(["options", k]);
                    match k.as_str() {
                        "auto_invite" => auto_invite.value = self.bool_at(Some(v), &path, k),
                        "group_chats" => group_chats.value = self.bool_at(Some(v), &path, k),
                        _ => self.invalid(&path, format!("unknown option {}: options are `auto_invite` and `group_chats`", quoted(k))),
                    }
                }
            }
            Some(other) => self.invalid("/options", format!("`options` must be an object, found {}", kind(other))),
        }
        (auto_invite, group_chats)
    }

    fn group_access(&mut self, value: Option<&Value>) -> (GroupMode, Vec<At<String>>) {
        let map = match value {
            None | Some(Value::Null) => return (GroupMode::All, Vec::new()),
            Some(Value::Object(map)) => map,
            Some(other) => {
                self.invalid("/group_access", format!("`group_access` must be an object, found {}", kind(other)));
                return (GroupMode::Specific, Vec::new());
            }
        };
        for k in map.keys().filter(|k| !["mode", "groups"].contains(&k.as_str())) {
            self.invalid(&pointer(["group_access", k]), format!("unknown field {} in group_access: use `mode` and `groups`", quoted(k)));
        }
        // An unreadable mode falls back to the narrowest reading, so that a
        // typo never widens access while the rest is checked.
        let mode = match map.get("mode") {
            Some(Value::String(s)) => GroupMode::parse(s).unwrap_or_else(|| {
                self.invalid("/group_access/mode", format!("unknown mode {}: use `all`, `specific` or `group_admins`", quoted(s)));
                GroupMode::Specific
            }),
            Some(other) => {
                self.invalid("/group_access/mode", format!("`mode` must be a string, found {}", kind(other)));
                GroupMode::Specific
            }
            None => {
                self.invalid("/group_access/mode", "group_access needs a `mode`: `all`, `specific` or `group_admins`");
                GroupMode::Specific
            }
        };
        let mut groups = Vec::new();
        let items = match map.get("groups") {
            None | Some(Value::Null) => &[][..],
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.invalid("/group_access/groups", format!("`groups` must be an array of group ids, found {}", kind(other)));
                &[][..]
            }
        };
        for (i, item) in items.iter().enumerate() {
            let path = pointer(["group_access".to_string(), "groups".to_string(), i.to_string()]);
            match item {
                Value::String(s) if is_group_id(s) => groups.push(At { value: s.clone(), path }),
                Value::Number(n) => self.push(
                    Code::InvalidGroupId,
                    &path,
                    format!("group ids are strings of decimal digits: write \"{n}\" in quotes (large ids lose digits as numbers)"),
                ),
                Value::String(_) => self.push(Code::InvalidGroupId, &path, "group ids are strings of decimal digits, e.g. \"1001\""),
                other => self.push(Code::InvalidGroupId, &path, format!("a group id must be a string of digits, found {}", kind(other))),
            }
        }
        (mode, groups)
    }

    fn ip_allowlist(&mut self, value: Option<&Value>) -> Vec<At<ip::Entry>> {
        let mut out = Vec::new();
        for (i, item) in self.array(value, "ip_allowlist").iter().enumerate() {
            let path = pointer(["ip_allowlist".to_string(), i.to_string()]);
            match item {
                Value::String(s) => match ip::parse_entry(s) {
                    Ok(entry) => out.push(At { value: entry, path }),
                    Err(e) => self.push(Code::InvalidIpEntry, &path, e.to_string()),
                },
                other => self.push(
                    Code::InvalidIpEntry,
                    &path,
                    format!("an allow-list entry must be a string like \"203.0.113.0/24\", found {}", kind(other)),
                ),
            }
        }
        out
    }

    fn days(&mut self, value: Option<&Value>) -> u32 {
        match value {
            None | Some(Value::Null) => DEFAULT_UNUSED_PERMISSION_DAYS,
            Some(v) => match v.as_u64().and_then(|d| u32::try_from(d).ok()).filter(|d| *d > 0) {
                Some(d) => d,
                None => {
                    self.invalid("/unused_permission_days", "`unused_permission_days` must be a whole number of days above 0");
                    DEFAULT_UNUSED_PERMISSION_DAYS
                }
            },
        }
    }

    fn usage(&mut self, value: Option<&Value>) -> Vec<At<(PermissionIndex, i64)>> {
        let map = match value {
            None | Some(Value::Null) => return Vec::new(),
            Some(Value::Object(map)) => map,
            Some(other) => {
                self.invalid("/usage", format!("`usage` must map permission ids to Unix seconds, found {}", kind(other)));
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        for (k, v) in map {
            let path = pointer(["usage", k]);
            let Some((index, _)) = catalog::permission(k) else {
                self.unknown_permission(k, &path);
                continue;
            };
            match v.as_i64().filter(|t| *t >= 0) {
                Some(t) => out.push(At { value: (index, t), path }),
                None => self.invalid(&path, "a last-use time must be a whole number of Unix seconds, 0 or more"),
            }
        }
        out
    }

    fn uses(&mut self, value: Option<&Value>) -> Vec<At<Use>> {
        let mut out = Vec::new();
        for (i, item) in self.array(value, "uses").iter().enumerate() {
            let path = pointer(["uses".to_string(), i.to_string()]);
            match parse_use(item) {
                Ok(u) => out.push(At { value: u, path }),
                Err(message) => self.invalid(&path, message),
            }
        }
        out
    }
}

/// A declared use, from a config's `uses` or `requiredPermissions`.
pub fn parse_use(item: &Value) -> std::result::Result<Use, String> {
    match item {
        Value::String(s) => Ok(Use::Id(s.clone())),
        Value::Object(map) => {
            if let Some(k) = map.keys().find(|k| !["method", "path", "fields", "node"].contains(&k.as_str())) {
                return Err(format!("unknown field {} in a use: use `method`, `path`, `fields`, `node`", quoted(k)));
            }
            let text = |key: &str| match map.get(key) {
                Some(Value::String(s)) => Ok(s.clone()),
                Some(other) => Err(format!("`{key}` must be a string, found {}", kind(other))),
                None => Err(format!("a use object needs `{key}`")),
            };
            let fields = match map.get("fields") {
                None | Some(Value::Null) => Vec::new(),
                Some(v) => parse_fields(v).ok_or("`fields` must be a list of field names or a comma-separated string")?,
            };
            let node = match map.get("node") {
                None | Some(Value::Null) => None,
                Some(Value::String(s)) => Some(Node::parse(s).ok_or_else(|| format!("unknown node type {}", quoted(s)))?),
                Some(other) => return Err(format!("`node` must be a string, found {}", kind(other))),
            };
            Ok(Use::Call { method: text("method")?, path: text("path")?, fields, node })
        }
        other => Err(format!("a use must be an operation id or an object {{ method, path }}, found {}", kind(other))),
    }
}

/// `fields` as the Graph API takes it: `"a,b"` or `["a", "b"]`.
pub fn parse_fields(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::String(s) => Some(split_fields(s)),
        Value::Array(items) => items.iter().map(|i| i.as_str().map(str::to_string)).collect(),
        _ => None,
    }
}

pub fn split_fields(s: &str) -> Vec<String> {
    s.split(',').map(str::trim).filter(|f| !f.is_empty()).map(str::to_string).collect()
}

/// Usage times by permission, latest wins.
pub fn last_use(config: &Config) -> BTreeMap<PermissionIndex, i64> {
    let mut out = BTreeMap::new();
    for u in &config.usage {
        let (p, t) = u.value;
        let e = out.entry(p).or_insert(t);
        *e = (*e).max(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::{json, Value};

    fn codes(v: Value) -> Vec<(&'static str, String)> {
        parse(&v.ours()).1.into_iter().map(|d| (d.code.as_str(), d.path)).collect()
    }

    #[test]
    fn spec_example_parses_cleanly() {
        let v = json!({ "product": "workplace", "app_id": "1234", "name": "Status bot",
            "admin_center_tab": null, "permissions": ["manage_group_content"],
            "options": { "auto_invite": false, "group_chats": false },
            "group_access": { "mode": "specific", "groups": ["1001"] },
            "ip_allowlist": ["203.0.113.0/24", "2001:db8::/48"], "require_appsecret_proof": true,
            "keep_unused_permissions": false, "unused_permission_days": 30,
            "usage": { "manage_group_content": 1764000000u64 }, "uses": ["group.feed.publish"] });
        let (config, diags) = parse(&v.ours());
        assert!(diags.is_empty(), "{diags:?}");
        let c = config.unwrap();
        assert_eq!(c.group_mode, GroupMode::Specific);
        assert_eq!(c.groups[0].value, "1001");
        assert_eq!(c.ip_allowlist.len(), 2);
        assert!(c.effective().contains_id("manage_group_content"));
    }

    #[test]
    fn aliases_and_labels_normalise() {
        let c = Config::from_json(&json!({ "permissions": ["write_group", "Read user email"] }).ours()).unwrap();
        let ids: Vec<_> = c.granted().iter().map(|p| p.1.id).collect();
        assert_eq!(ids, ["manage_group_content", "read_user_email"]);
    }

    #[test]
    fn every_bad_field_is_reported_with_its_pointer() {
        let got = codes(json!({ "product": 3, "permissions": ["read_grup_content", 7], "group_access": { "mode": "some", "groups": [1001, "x"] },
            "ip_allowlist": ["010.0.0.1/8"], "unused_permission_days": 0, "usage": { "nope": 1 }, "colour": "red" }));
        for expected in [
            ("invalid_config", "/product"),
            ("unknown_permission", "/permissions/0"),
            ("invalid_config", "/permissions/1"),
            ("invalid_config", "/group_access/mode"),
            ("invalid_group_id", "/group_access/groups/0"),
            ("invalid_group_id", "/group_access/groups/1"),
            ("invalid_ip_entry", "/ip_allowlist/0"),
            ("invalid_config", "/unused_permission_days"),
            ("unknown_permission", "/usage/nope"),
            ("invalid_config", "/colour"),
        ] {
            assert!(got.contains(&(expected.0, expected.1.to_string())), "missing {expected:?} in {got:?}");
        }
    }

    #[test]
    fn unknown_permission_names_the_closest_id() {
        let (_, d) = parse(&json!({ "permissions": ["read_grup_content", "Mention Bot"] }).ours());
        assert!(d[0].message.contains("did you mean `read_group_content`"), "{}", d[0].message);
        assert!(d[1].message.contains("`mention_bot`"), "{}", d[1].message);
    }

    #[test]
    fn secrets_are_found_anywhere_and_never_echoed() {
        let secret = "0123456789abcdef0123456789abcdef";
        let (_, d) = parse(&json!({ "app_secret": secret, "name": format!("1234|{secret}"), "options": { "token": "abc" } }).ours());
        let found: Vec<_> = d.iter().filter(|d| d.code == Code::SecretInConfig).map(|d| d.path.as_str()).collect();
        assert_eq!(found, ["/app_secret", "/name", "/options/token"]);
        for diag in &d {
            assert!(!diag.message.contains(secret) && !diag.message.contains("abc\""), "{}", diag.message);
        }
    }

    #[test]
    fn strict_door_refuses_errors_with_where() {
        let e = Config::from_json(&json!({ "permissions": ["nope"] }).ours()).unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidConfig);
        assert!(e.message.contains("config/permissions/0") && e.message.contains("unknown_permission"), "{}", e.message);
        assert!(Config::from_json(&json!([]).ours()).is_err());
        assert!(Config::from_json(&json!({}).ours()).is_ok(), "every field has a default");
    }

    #[test]
    fn security_tab_offers_only_audit_logs() {
        let c = Config::from_json(&json!({ "product": "admin_center", "admin_center_tab": "security",
            "permissions": ["manage_accounts", "read_security_audit_logs"] }).ours()).unwrap();
        let ids: Vec<_> = c.effective().iter().map(|p| p.1.id).collect();
        assert_eq!(ids, ["read_security_audit_logs"]);
    }

    #[test]
    fn uses_accept_ids_and_calls() {
        let c = Config::from_json(&json!({ "uses": ["group.read", { "method": "GET", "path": "/123", "fields": "email,title", "node": "member" }] }).ours()).unwrap();
        assert_eq!(c.uses[0].value, Use::Id("group.read".into()));
        assert_eq!(
            c.uses[1].value,
            Use::Call { method: "GET".into(), path: "/123".into(), fields: vec!["email".into(), "title".into()], node: Some(Node::Member) }
        );
    }

    #[test]
    fn closest_is_none_for_gibberish() {
        assert_eq!(closest_permission("zzzzzzzzzzzzzzzzzzzzzzzzzzzz"), None);
        assert_eq!(closest_permission("manage_badge"), Some("manage_badges"));
    }

    #[test]
    fn closest_looks_only_at_candidates_within_reach() {
        // 2 edits from `ab`, 3 (its limit) from `abcdef`: the nearer one within its limit wins.
        assert_eq!(closest("abcd", ["ab", "abcdefg"].into_iter()), Some("ab"));
        assert_eq!(closest("abcd", ["x", "abcdefg"].into_iter()), Some("abcdefg"));
        assert_eq!(closest(&"read_group_content".repeat(1000), catalog::PERMISSIONS.iter().map(|p| p.id)), None);
        assert_eq!(closest("", ["ab", "abc"].into_iter()), Some("ab"));
    }

    #[test]
    fn long_names_are_quoted_clipped() {
        assert_eq!(quoted("read_grup"), "`read_grup`");
        let exact = "é".repeat(QUOTED_CHARS);
        assert_eq!(quoted(&exact), format!("`{exact}`"));
        let long = format!("{exact}x");
        assert_eq!(quoted(&long), format!("`{exact}…` ({} characters)", QUOTED_CHARS + 1));
        let huge = "p".repeat(1 << 20);
        let (_, d) = parse(&json!({ "permissions": [huge], huge.clone(): 1 }).ours());
        for diag in &d {
            assert!(diag.message.len() < 200, "{} quotes {} bytes", diag.code.as_str(), diag.message.len());
            assert!(diag.message.contains("…` (1048576 characters)"), "{}", diag.message);
        }
        assert_eq!(d.len(), 2);
    }

    mod laws {
        use super::*;
        use proptest::prelude::*;
        use serde_json::Value;

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::from),
                any::<i32>().prop_map(Value::from),
                prop_oneof![Just("read_group_content"), Just("x"), Just("10.0.0.0/8"), Just("1001"), Just("all"), Just("specific")]
                    .prop_map(Value::from),
                "[a-z_]{0,8}".prop_map(Value::from),
            ];
            leaf.prop_recursive(3, 24, 5, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
                    proptest::collection::btree_map(
                        prop_oneof![
                            Just("product".to_string()), Just("permissions".to_string()), Just("group_access".to_string()),
                            Just("mode".to_string()), Just("groups".to_string()), Just("ip_allowlist".to_string()),
                            Just("options".to_string()), Just("usage".to_string()), Just("uses".to_string()), "[a-z]{1,6}",
                        ],
                        inner,
                        0..5,
                    )
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            /// Whatever the input, parsing answers, and every error points
            /// at a place in it: the bad value, or where a missing one belongs.
            #[test]
            fn error_pointers_resolve(v in json_value()) {
                let (_, diagnostics) = parse(&v.ours());
                for d in diagnostics.iter().filter(|d| d.severity == Severity::Error) {
                    let parent = d.path.rsplit_once('/').map_or("", |(p, _)| p);
                    prop_assert!(v.pointer(&d.path).is_some() || v.pointer(parent).is_some(), "{} at {} not in {v}", d.code.as_str(), d.path);
                }
                prop_assert_eq!(Config::from_json(&v.ours()).is_ok(), !diagnostics.iter().any(|d| d.severity == Severity::Error) && v.is_object());
            }
        }
    }
}
