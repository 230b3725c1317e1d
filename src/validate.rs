//! Linting an integration config: least privilege, conflicts, unsafe
//! settings. Every finding is a `Diagnostic` with a stable code and a JSON
//! Pointer; callers may drop or re-rank codes, as linters allow.

use crate::catalog::{self, GroupScope, Operation, PermissionIndex, PermissionSet, Product, When, PERMISSIONS};
use crate::config::{self, Config, GroupMode, Use};
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::ip;
use crate::json::Value;
use crate::request::resolve_use;

const DAY: i64 = 86_400;

#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The time `usage` is judged against; without it `unused_permission`
    /// is not checked.
    pub now: Option<i64>,
    /// Codes to drop. Lists, not sets: a handful of codes, and a hash
    /// table's code is kilobytes of wasm.
    pub ignore: Vec<Code>,
    /// Codes to re-rank; a later entry for a code wins.
    pub severity: Vec<(Code, Severity)>,
}

pub fn validate(value: &Value, options: &Options) -> Vec<Diagnostic> {
    let (config, mut out) = config::parse(value);
    if let Some(c) = &config {
        let mut lint = Lint { c, out: &mut out };
        lint.permissions();
        lint.options();
        lint.ip_allowlist();
        lint.group_access();
        lint.proof();
        if let Some(now) = options.now {
            lint.unused(now);
        }
        lint.uses();
    }
    out.retain(|d| !options.ignore.contains(&d.code));
    for d in &mut out {
        if let Some((_, s)) = options.severity.iter().rev().find(|(c, _)| *c == d.code) {
            d.severity = *s;
        }
    }
    crate::sort::by_key(&mut out, |d| d.severity);
    out
}

fn id(i: PermissionIndex) -> &'static str {
    PERMISSIONS.get(i).map_or("?", |p| p.id)
}

struct Lint<'a> {
    c: &'a Config,
    out: &'a mut Vec<Diagnostic>,
}

impl Lint<'_> {
    fn push(&mut self, code: Code, path: &str, message: String) {
        self.out.push(Diagnostic::new(code, path, message));
    }

    fn path_of(&self, permission: &str) -> String {
        self.c
            .permissions
            .iter()
            .find(|p| id(p.value) == permission)
            .map_or_else(|| "/permissions".to_string(), |p| p.path.clone())
    }

    fn permissions(&mut self) {
        let offered = self.c.offered();
        let granted = self.c.granted();
        let mut seen = PermissionSet::default();
        for p in &self.c.permissions {
            let name = id(p.value);
            if seen.contains(p.value) {
                self.push(Code::DuplicatePermission, &p.path, format!("`{name}` is listed twice; remove this entry"));
                continue;
            }
            seen.insert(p.value);
            if !offered.contains(p.value) {
                let message = if self.c.is_security_tab() {
                    format!("an integration created in the Security tab may hold only `read_security_audit_logs`; remove `{name}`")
                } else {
                    format!("`{name}` is not available to {} integrations; remove it", self.c.product.as_str())
                };
                self.push(Code::PermissionNotInProduct, &p.path, message);
            }
            let implied_by = granted.iter().find(|(j, q)| *j != p.value && q.implies.contains(&name));
            if let Some((_, q)) = implied_by {
                self.push(Code::RedundantPermission, &p.path, format!("`{}` already includes `{name}`; remove `{name}`", q.id));
            }
        }
    }

    fn options(&mut self) {
        let granted = self.c.granted();
        for (option, permission) in [(&self.c.auto_invite, "manage_accounts"), (&self.c.group_chats, "message_any_member")] {
            if option.value && !granted.contains_id(permission) {
                self.push(
                    Code::OptionWithoutPermission,
                    &option.path,
                    format!("this option belongs to `{permission}`, which is not granted; grant it or turn the option off"),
                );
            }
        }
    }

    fn ip_allowlist(&mut self) {
        let entries = &self.c.ip_allowlist;
        if entries.is_empty() {
            if self.c.product == Product::AdminCenter {
                self.push(
                    Code::IpAllowlistRequired,
                    "/ip_allowlist",
                    "Admin Center integrations must list the IP addresses of the servers that call the API".into(),
                );
            } else {
                self.push(
                    Code::IpAllowlistMissing,
                    "/ip_allowlist",
                    "no IP allow-list: a leaked token works from anywhere; list your servers' addresses".into(),
                );
            }
            return;
        }
        for e in entries {
            let net = ip::Shown(e.value.net());
            if e.value.is_too_broad() {
                self.push(
                    Code::IpAllowlistTooBroad,
                    &e.path,
                    format!(
                        "{net} allows too many addresses (IPv4 shorter than /{}, IPv6 shorter than /{}); list your servers' own ranges",
                        ip::MIN_IPV4_PREFIX,
                        ip::MIN_IPV6_PREFIX
                    ),
                );
            }
            if e.value.host_bits_set() {
                self.push(Code::CidrHostBitsSet, &e.path, format!("host bits are set: this entry means {net}; write it so"));
            }
            if e.value.is_private() {
                self.push(
                    Code::IpPrivateRange,
                    &e.path,
                    format!("{net} is a private, loopback or link-local range: the platform never sees such a source address; use your servers' public egress addresses"),
                );
            }
        }
        let nets: Vec<_> = entries.iter().map(|e| e.value.net()).collect();
        for (outer, inner) in ip::overlapping(&nets) {
            if let (Some(o), Some(i)) = (entries.get(outer), entries.get(inner)) {
                self.push(
                    Code::OverlappingIpEntries,
                    &i.path,
                    format!("{} is already covered by {} at {}; remove this entry", ip::Shown(i.value.net()), ip::Shown(o.value.net()), o.path),
                );
            }
        }
    }

    fn group_access(&mut self) {
        let c = self.c;
        let granted = c.granted();
        let scoped = c.group_mode != GroupMode::All;
        if granted.contains_id("export_employee_data") && scoped {
            self.push(
                Code::GroupAccessRequired,
                "/group_access/mode",
                format!("`export_employee_data` needs group access `all`, not `{}`", c.group_mode.as_str()),
            );
        }
        if scoped && c.groups.is_empty() {
            let message = match c.group_mode {
                GroupMode::GroupAdmins => "no group admin has enabled this integration yet: its group permissions reach no group",
                _ => "no groups are chosen: the group permissions reach no group; add group ids",
            };
            self.push(Code::GroupListEmpty, "/group_access/groups", message.into());
        }
        let any_scoped = granted.iter().any(|(_, p)| p.group_scoped);
        if scoped && !any_scoped {
            self.push(
                Code::GroupScopeUnused,
                "/group_access",
                "group access applies only to read_group_content, manage_group_content and manage_groups, and none is granted".into(),
            );
        }
        if scoped && granted.contains_id("manage_groups") {
            self.push(
                Code::ScopedManageGroupsCannotCreate,
                &self.path_of("manage_groups"),
                "`manage_groups` scoped to specific groups cannot create groups; use group access `all` if it must".into(),
            );
        }
        if !scoped {
            let writers: Vec<&str> =
                ["manage_group_content", "manage_groups"].into_iter().filter(|p| granted.contains_id(p)).collect();
            if !writers.is_empty() {
                self.push(
                    Code::AllGroupsWriteAccess,
                    "/group_access",
                    format!("{} reaches every group; choose `specific` groups unless it must write everywhere", writers.join(" and ")),
                );
            }
        }
    }

    fn proof(&mut self) {
        if !self.c.require_appsecret_proof {
            self.push(
                Code::AppsecretProofNotRequired,
                "/require_appsecret_proof",
                "turn on require_appsecret_proof so a stolen token alone cannot call the API".into(),
            );
        }
    }

    fn unused(&mut self, now: i64) {
        if self.c.keep_unused_permissions {
            return;
        }
        let granted = self.c.granted();
        let days = i64::from(self.c.unused_permission_days);
        for u in &self.c.usage {
            let (p, last) = u.value;
            let idle_days = now.saturating_sub(last) / DAY;
            if granted.contains(p) && idle_days >= days {
                self.push(
                    Code::UnusedPermission,
                    &u.path,
                    format!(
                        "`{}` was last used {idle_days} days ago; the platform removes a permission after {days} unused days (set keep_unused_permissions to keep it)",
                        id(p)
                    ),
                );
            }
        }
    }

    fn uses(&mut self) {
        if self.c.uses.is_empty() {
            return;
        }
        let effective = self.c.effective();
        let mut needed = PermissionSet::default();
        let mut all_known = true;
        for u in &self.c.uses {
            let (op, fields) = match resolve_use(&u.value) {
                Ok(found) => found,
                Err(message) => {
                    all_known = false;
                    self.push(Code::UnknownOperation, &u.path, message);
                    continue;
                }
            };
            let lists = op.requirements(fields.iter().map(String::as_str));
            for p in lists.iter().flatten() {
                if let Some((i, _)) = catalog::permission(p) {
                    needed.insert(i);
                }
            }
            if let Some(message) = self.not_permitted(op, &lists, effective) {
                self.push(Code::OperationNotPermitted, &u.path, message);
            }
        }
        if !all_known {
            return;
        }
        let needed = needed.with_implied();
        let mut reported = PermissionSet::default();
        for p in &self.c.permissions {
            let covers_need = PERMISSIONS.get(p.value).is_some_and(|q| q.implies.iter().any(|i| needed.contains_id(i)));
            if !needed.contains(p.value) && !covers_need && !reported.contains(p.value) {
                reported.insert(p.value);
                self.push(
                    Code::PermissionNotNeeded,
                    &p.path,
                    format!("no declared use needs `{}`; remove it for least privilege", id(p.value)),
                );
            }
        }
    }

    fn not_permitted(&self, op: &Operation, lists: &[Vec<&'static str>], effective: PermissionSet) -> Option<String> {
        if !op.available_in(self.c.product) {
            return Some(format!("{} is not an operation of {} integrations", op.id, self.c.product.as_str()));
        }
        if let Some(list) = lists.iter().find(|l| !l.iter().any(|p| effective.contains_id(p))) {
            return Some(format!("{} needs one of: {}; grant one", op.id, list.join(", ")));
        }
        let create_blocked = op.permissions.iter().all(|g| g.when == When::Unscoped) && self.c.group_mode != GroupMode::All;
        if create_blocked && !op.permissions.is_empty() {
            return Some(format!("{} is refused to integrations scoped to specific groups", op.id));
        }
        if op.group_scope == GroupScope::AllGroups && self.c.group_mode != GroupMode::All {
            return Some(format!("{} needs group access `all`", op.id));
        }
        None
    }
}

/// The smallest set of permissions covering every use; among equally small
/// sets, the one using the permissions listed first. Returns the ids in
/// catalog order and the positions of uses that name no operation.
pub fn required_permissions(uses: &[Use]) -> (Vec<&'static str>, Vec<usize>) {
    let mut lists: Vec<Vec<PermissionIndex>> = Vec::new();
    let mut unmatched = Vec::new();
    for (i, u) in uses.iter().enumerate() {
        match resolve_use(u) {
            Ok((op, fields)) => {
                for list in op.requirements(fields.iter().map(String::as_str)) {
                    let indexes: Vec<_> = list.iter().filter_map(|p| catalog::permission(p).map(|(j, _)| j)).collect();
                    if !indexes.is_empty() && !lists.contains(&indexes) {
                        lists.push(indexes);
                    }
                }
            }
            Err(_) => unmatched.push(i),
        }
    }
    let chosen = cover(&lists);
    (chosen.iter().map(|(_, p)| p.id).collect(), unmatched)
}

fn covers(set: PermissionSet, list: &[PermissionIndex]) -> bool {
    let set = set.with_implied();
    list.iter().any(|p| set.contains(*p))
}

/// Exact minimum cover for the lists left after the forced choices (lists
/// with one candidate); the leftovers are few in practice, and past a
/// bound the greedy choice (first listed) is taken instead.
fn cover(lists: &[Vec<PermissionIndex>]) -> PermissionSet {
    let mut chosen = PermissionSet::default();
    for list in lists {
        if let [only] = list.as_slice() {
            chosen.insert(*only);
        }
    }
    let open: Vec<&Vec<PermissionIndex>> = lists.iter().filter(|l| !covers(chosen, l)).collect();
    // Candidates in order of first appearance: earlier means preferred.
    let mut candidates: Vec<PermissionIndex> = Vec::new();
    for p in open.iter().flat_map(|l| l.iter()) {
        if !candidates.contains(p) {
            candidates.push(*p);
        }
    }
    const MAX_EXACT: usize = 16;
    if candidates.len() <= MAX_EXACT {
        for size in 0..=candidates.len() {
            if let Some(set) = first_cover_of_size(&candidates, size, chosen, &open) {
                return set;
            }
        }
    }
    for list in open {
        if !covers(chosen, list) {
            if let Some(first) = list.first() {
                chosen.insert(*first);
            }
        }
    }
    chosen
}

/// Combinations in lexicographic order of candidate position, so the first
/// cover found prefers earlier-listed permissions.
fn first_cover_of_size(
    candidates: &[PermissionIndex],
    size: usize,
    base: PermissionSet,
    open: &[&Vec<PermissionIndex>],
) -> Option<PermissionSet> {
    let mut picks: Vec<usize> = (0..size).collect();
    loop {
        let mut set = base;
        for &i in &picks {
            if let Some(p) = candidates.get(i) {
                set.insert(*p);
            }
        }
        if open.iter().all(|l| covers(set, l)) {
            return Some(set);
        }
        // Advance to the next combination.
        let mut k = size;
        loop {
            if k == 0 {
                return None;
            }
            k -= 1;
            let limit = candidates.len() - size + k;
            if picks.get(k).is_some_and(|v| *v < limit) {
                break;
            }
        }
        let start = picks.get(k).copied().unwrap_or(0) + 1;
        for (offset, slot) in picks.iter_mut().skip(k).enumerate() {
            *slot = start + offset;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Ours;
    use serde_json::{json, Value};

    fn run(config: Value) -> Vec<Diagnostic> {
        validate(&config.ours(), &Options { now: Some(1_764_000_000), ..Options::default() })
    }

    fn codes(config: Value) -> Vec<(&'static str, String)> {
        run(config).into_iter().map(|d| (d.code.as_str(), d.path)).collect()
    }

    fn has(got: &[(&'static str, String)], code: &str, path: &str) -> bool {
        got.iter().any(|(c, p)| *c == code && p == path)
    }

    /// A config that triggers nothing: the baseline every test departs from.
    fn clean() -> Value {
        json!({ "product": "workplace", "permissions": ["manage_group_content"],
            "group_access": { "mode": "specific", "groups": ["1001"] }, "ip_allowlist": ["203.0.113.0/24"],
            "require_appsecret_proof": true, "uses": ["group.feed.publish"] })
    }

    #[test]
    fn clean_config_has_no_findings() {
        assert_eq!(codes(clean()), vec![]);
    }

    #[test]
    fn permission_findings() {
        let mut c = clean();
        c["permissions"] = json!(["manage_group_content", "read_security_audit_logs", "manage_group_content", "manage_work_profiles", "read_user_org_chart"]);
        let got = codes(c);
        assert!(has(&got, "permission_not_in_product", "/permissions/1"), "{got:?}");
        assert!(has(&got, "duplicate_permission", "/permissions/2"), "{got:?}");
        assert!(has(&got, "redundant_permission", "/permissions/4"), "{got:?}");
        assert!(has(&got, "permission_not_needed", "/permissions/3"), "{got:?}");
        let ac = codes(json!({ "product": "admin_center", "admin_center_tab": "security", "permissions": ["manage_accounts"], "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true }));
        assert!(has(&ac, "permission_not_in_product", "/permissions/0"), "{ac:?}");
    }

    #[test]
    fn option_findings() {
        let mut c = clean();
        c["options"] = json!({ "auto_invite": true, "group_chats": true });
        let got = codes(c);
        assert!(has(&got, "option_without_permission", "/options/auto_invite") && has(&got, "option_without_permission", "/options/group_chats"));
    }

    #[test]
    fn ip_findings() {
        let mut c = clean();
        c["ip_allowlist"] = json!(["0.0.0.0/0", "203.0.113.5/24", "10.1.0.0/16", "203.0.113.0/25", "nonsense"]);
        let got = codes(c);
        for (code, path) in [
            ("ip_allowlist_too_broad", "/ip_allowlist/0"),
            ("cidr_host_bits_set", "/ip_allowlist/1"),
            ("ip_private_range", "/ip_allowlist/2"),
            ("overlapping_ip_entries", "/ip_allowlist/3"),
            ("invalid_ip_entry", "/ip_allowlist/4"),
        ] {
            assert!(has(&got, code, path), "{code} {path} in {got:?}");
        }
        let mut c = clean();
        c["ip_allowlist"] = json!([]);
        assert!(has(&codes(c.clone()), "ip_allowlist_missing", "/ip_allowlist"));
        c["product"] = json!("admin_center");
        assert!(has(&codes(c), "ip_allowlist_required", "/ip_allowlist"));
    }

    #[test]
    fn group_findings() {
        let got = codes(json!({ "permissions": ["export_employee_data", "manage_groups"], "group_access": { "mode": "specific", "groups": [] },
            "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true }));
        assert!(has(&got, "group_access_required", "/group_access/mode"), "{got:?}");
        assert!(has(&got, "group_list_empty", "/group_access/groups"), "{got:?}");
        assert!(has(&got, "scoped_manage_groups_cannot_create", "/permissions/1"), "{got:?}");
        let got = codes(json!({ "permissions": ["read_user_email"], "group_access": { "mode": "group_admins", "groups": ["5"] },
            "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true }));
        assert!(has(&got, "group_scope_unused", "/group_access"), "{got:?}");
        let got = codes(json!({ "permissions": ["manage_group_content"], "ip_allowlist": ["203.0.113.0/24"], "require_appsecret_proof": true }));
        assert!(has(&got, "all_groups_write_access", "/group_access"), "{got:?}");
        let got = codes(json!({ "group_access": { "mode": "specific", "groups": ["12a", 5] } }));
        assert!(has(&got, "invalid_group_id", "/group_access/groups/0") && has(&got, "invalid_group_id", "/group_access/groups/1"));
    }

    #[test]
    fn proof_and_secret_findings() {
        let mut c = clean();
        c["require_appsecret_proof"] = json!(false);
        c["app_secret"] = json!("abc");
        let got = codes(c);
        assert!(has(&got, "appsecret_proof_not_required", "/require_appsecret_proof"));
        assert!(has(&got, "secret_in_config", "/app_secret"));
    }

    #[test]
    fn unused_permission_after_the_window() {
        let now = 1_764_000_000;
        let mut c = clean();
        c["usage"] = json!({ "manage_group_content": now - 30 * DAY });
        assert!(has(&codes(c.clone()), "unused_permission", "/usage/manage_group_content"));
        c["usage"] = json!({ "manage_group_content": now - 29 * DAY });
        assert!(!has(&codes(c.clone()), "unused_permission", "/usage/manage_group_content"));
        c["unused_permission_days"] = json!(60);
        c["usage"] = json!({ "manage_group_content": now - 45 * DAY });
        assert!(!has(&codes(c.clone()), "unused_permission", "/usage/manage_group_content"));
        c["usage"] = json!({ "manage_group_content": 0 });
        c["keep_unused_permissions"] = json!(true);
        assert!(!has(&codes(c.clone()), "unused_permission", "/usage/manage_group_content"));
        c["keep_unused_permissions"] = json!(false);
        assert!(validate(&c.ours(), &Options::default()).iter().all(|d| d.code != Code::UnusedPermission), "no now, no judgement");
    }

    #[test]
    fn use_findings() {
        let mut c = clean();
        c["uses"] = json!(["group.feed.publish", "group.feed.read", "grop.feed.read", { "method": "GET", "path": "/1001/feed" }]);
        let got = run(c);
        let find = |code: Code, path: &str| got.iter().find(|d| d.code == code && d.path == path).map(|d| d.message.clone());
        assert!(find(Code::OperationNotPermitted, "/uses/1").unwrap().contains("read_group_content"));
        assert!(find(Code::UnknownOperation, "/uses/2").unwrap().contains("did you mean `group.feed.read`"));
        assert!(find(Code::UnknownOperation, "/uses/3").unwrap().contains("node"));
    }

    #[test]
    fn every_code_is_reachable() {
        let configs = [
            json!({ "permissions": ["nope", "read_security_audit_logs", "read_user_email", "read_user_email", "manage_work_profiles", "read_user_work_profile", "export_employee_data", "manage_groups"],
                "options": { "auto_invite": true }, "ip_allowlist": ["x", "0.0.0.0/0", "10.0.0.1/8", "10.0.0.0/24"],
                "group_access": { "mode": "specific", "groups": ["a"] }, "usage": { "read_user_email": 0 },
                "uses": ["nope.nope", "community.groups.create"], "token": "t", "colour": 1 }),
            json!({ "product": "admin_center", "permissions": ["manage_accounts"] }),
            json!({ "permissions": ["manage_group_content"], "group_access": { "mode": "specific", "groups": [] } }),
            json!({ "permissions": ["manage_group_content"], "uses": [], "ip_allowlist": [] }),
            json!({ "permissions": ["read_user_email"], "group_access": { "mode": "specific", "groups": ["1"] }, "uses": ["member.badges.read"] }),
        ];
        let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for c in configs {
            seen.extend(run(c).iter().map(|d| d.code.as_str()));
        }
        let missing: Vec<_> = Code::ALL.iter().map(|c| c.as_str()).filter(|c| !seen.contains(c)).collect();
        assert!(missing.is_empty(), "never produced: {missing:?}");
    }

    #[test]
    fn ignore_and_severity_options() {
        let mut c = clean();
        c["require_appsecret_proof"] = json!(false);
        c["ip_allowlist"] = json!([]);
        let opts = Options {
            ignore: [Code::IpAllowlistMissing].into(),
            severity: [(Code::AppsecretProofNotRequired, Severity::Error)].into(),
            ..Options::default()
        };
        let got = validate(&c.ours(), &opts);
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].code, got[0].severity), (Code::AppsecretProofNotRequired, Severity::Error));
    }

    #[test]
    fn findings_are_sorted_by_severity() {
        let got = run(json!({ "permissions": ["manage_work_profiles", "read_user_org_chart", "nope"] }));
        let severities: Vec<_> = got.iter().map(|d| d.severity).collect();
        let mut sorted = severities.clone();
        sorted.sort();
        assert_eq!(severities, sorted);
    }

    fn ids(uses: Value) -> (Vec<&'static str>, Vec<usize>) {
        let parsed: Vec<Use> = uses.as_array().unwrap().iter().map(|u| config::parse_use(&u.ours()).unwrap()).collect();
        required_permissions(&parsed)
    }

    #[test]
    fn required_permissions_are_minimal_and_prefer_the_first_listed() {
        assert_eq!(ids(json!(["group.feed.read"])).0, ["read_group_content"]);
        assert_eq!(ids(json!(["community.read"])).0, ["read_group_content"], "first listed");
        assert_eq!(ids(json!(["community.read", "group.update"])).0, ["manage_groups"], "one covers both");
        assert_eq!(ids(json!(["member.managers.read", "community.members.read"])).0, ["manage_work_profiles"]);
        assert_eq!(ids(json!(["knowledge_library.category.read", "knowledge_library.category.delete"])).0, ["manage_knowledge_library"]);
        assert_eq!(
            ids(json!([{ "method": "GET", "path": "/55?fields=email,title", "node": "member" }])).0,
            ["read_user_email", "read_user_work_profile"]
        );
        assert_eq!(ids(json!(["POST /{group-id}/feed", "GET /community/badges"])).0, ["manage_group_content", "manage_badges"]);
        assert_eq!(ids(json!([{ "method": "GET", "path": "/{member-id}?fields=email" }])).0, ["read_user_email"], "a template with a query");
        let (p, unmatched) = ids(json!(["nope", "work_get_token", { "method": "GET", "path": "/1" }]));
        assert!(p.is_empty());
        assert_eq!(unmatched, [0, 2]);
    }

    #[test]
    fn required_permissions_cover_every_operation() {
        let all: Vec<Use> = catalog::OPERATIONS.iter().map(|o| Use::Id(o.id.to_string())).collect();
        let (p, unmatched) = required_permissions(&all);
        assert!(unmatched.is_empty());
        for o in catalog::OPERATIONS {
            let mut set = PermissionSet::default();
            for id in &p {
                set.insert(catalog::permission(id).unwrap().0);
            }
            for list in o.requirements(std::iter::empty()) {
                let indexes: Vec<_> = list.iter().map(|x| catalog::permission(x).unwrap().0).collect();
                assert!(covers(set, &indexes), "{} not covered by {p:?}", o.id);
            }
        }
    }

    mod laws {
        use super::*;
        use proptest::prelude::*;

        fn set_of(ids: &[&str]) -> PermissionSet {
            let mut set = PermissionSet::default();
            for id in ids {
                set.insert(catalog::permission(id).unwrap().0);
            }
            set
        }

        fn all_covered(set: PermissionSet, uses: &[Use]) -> bool {
            uses.iter().all(|u| {
                let (op, fields) = resolve_use(u).unwrap();
                op.requirements(fields.iter().map(String::as_str))
                    .iter()
                    .all(|list| covers(set, &list.iter().map(|p| catalog::permission(p).unwrap().0).collect::<Vec<_>>()))
            })
        }

        proptest! {
            /// The answer covers every use, and no permission in it can be dropped.
            #[test]
            fn required_permissions_cover_and_are_minimal(picks in proptest::sample::subsequence((0..catalog::OPERATIONS.len()).collect::<Vec<_>>(), 1..12)) {
                let uses: Vec<Use> = picks.iter().map(|i| Use::Id(catalog::OPERATIONS[*i].id.to_string())).collect();
                let (ids, unmatched) = required_permissions(&uses);
                prop_assert!(unmatched.is_empty());
                prop_assert!(all_covered(set_of(&ids), &uses), "{ids:?} misses a use");
                for drop in &ids {
                    let fewer: Vec<&str> = ids.iter().filter(|p| *p != drop).copied().collect();
                    prop_assert!(!all_covered(set_of(&fewer), &uses), "{drop} is not needed in {ids:?}");
                }
            }

            /// Validation answers whatever the config, and ignoring a code removes exactly it.
            #[test]
            fn ignore_removes_exactly_its_code(mask in 0u32..(1 << 26), code in 0..Code::ALL.len()) {
                let ids: Vec<_> = PERMISSIONS.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, p)| p.id).collect();
                let config = json!({ "permissions": ids, "group_access": { "mode": "specific", "groups": [] }, "uses": ["group.read"] });
                let all = validate(&config.ours(), &Options::default());
                let code = Code::ALL[code];
                let kept = validate(&config.ours(), &Options { ignore: [code].into(), ..Options::default() });
                let expected: Vec<_> = all.iter().filter(|d| d.code != code).cloned().collect();
                prop_assert_eq!(kept, expected);
            }
        }
    }
}
