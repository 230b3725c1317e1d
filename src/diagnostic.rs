//! What `validate` reports: a stable code, a severity users may re-rank, a
//! message that says what to change, and a JSON Pointer to the config field.

use crate::json::{write_object, ToJson};
use crate::wipe::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Error,
    SecurityWarning,
    Warning,
    Suggestion,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::Error, Severity::SecurityWarning, Severity::Warning, Severity::Suggestion];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::SecurityWarning => "security_warning",
            Severity::Warning => "warning",
            Severity::Suggestion => "suggestion",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

macro_rules! codes {
    ($($variant:ident => $code:literal, $severity:ident;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Code { $($variant,)* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }
        }
    };
}

// One row per code: the table is the documentation of what exists.
codes! {
    UnknownPermission => "unknown_permission", Error;
    PermissionNotInProduct => "permission_not_in_product", Error;
    OptionWithoutPermission => "option_without_permission", Error;
    InvalidIpEntry => "invalid_ip_entry", Error;
    IpAllowlistRequired => "ip_allowlist_required", Error;
    InvalidGroupId => "invalid_group_id", Error;
    GroupAccessRequired => "group_access_required", Error;
    OperationNotPermitted => "operation_not_permitted", Error;
    UnknownOperation => "unknown_operation", Error;
    InvalidConfig => "invalid_config", Error;
    IpAllowlistMissing => "ip_allowlist_missing", SecurityWarning;
    IpAllowlistTooBroad => "ip_allowlist_too_broad", SecurityWarning;
    AppsecretProofNotRequired => "appsecret_proof_not_required", SecurityWarning;
    AllGroupsWriteAccess => "all_groups_write_access", SecurityWarning;
    SecretInConfig => "secret_in_config", SecurityWarning;
    DuplicatePermission => "duplicate_permission", Warning;
    GroupListEmpty => "group_list_empty", Warning;
    GroupScopeUnused => "group_scope_unused", Warning;
    ScopedManageGroupsCannotCreate => "scoped_manage_groups_cannot_create", Warning;
    UnusedPermission => "unused_permission", Warning;
    PermissionNotNeeded => "permission_not_needed", Warning;
    CidrHostBitsSet => "cidr_host_bits_set", Warning;
    IpPrivateRange => "ip_private_range", Warning;
    RedundantPermission => "redundant_permission", Suggestion;
    OverlappingIpEntries => "overlapping_ip_entries", Suggestion;
}

impl Code {
    pub fn parse(s: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub code: Code,
    pub message: String,
    /// JSON Pointer (RFC 6901) into the config.
    pub path: String,
}

impl ToJson for Diagnostic {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("severity", &self.severity), ("code", &self.code), ("message", &self.message), ("path", &self.path)]);
    }
}

impl Diagnostic {
    pub fn new(code: Code, path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: code.default_severity(), code, message: message.into(), path: path.into() }
    }
}

/// Builds JSON Pointers: `pointer(&["group_access", "groups"]) + index`.
pub fn pointer<I, S>(parts: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for p in parts {
        out.push('/');
        out.push_str(&p.as_ref().replace('~', "~0").replace('/', "~1"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_serialise_to_their_name() {
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(names.len(), Code::ALL.len());
        assert_eq!(Code::ALL.len(), 25);
        for c in Code::ALL {
            assert_eq!(crate::json::to_serde(&c), serde_json::json!(c.as_str()));
            assert_eq!(Code::parse(c.as_str()), Some(*c));
        }
    }

    #[test]
    fn severities_follow_the_spec_groups() {
        assert_eq!(Code::SecretInConfig.default_severity(), Severity::SecurityWarning);
        assert_eq!(Code::CidrHostBitsSet.default_severity(), Severity::Warning);
        assert_eq!(Code::OverlappingIpEntries.default_severity(), Severity::Suggestion);
        assert_eq!(Code::InvalidConfig.default_severity(), Severity::Error);
    }

    #[test]
    fn pointer_escapes_per_rfc_6901() {
        assert_eq!(pointer(["usage", "a/b~c"]), "/usage/a~1b~0c");
        assert_eq!(pointer(Vec::<String>::new()), "");
    }
}
