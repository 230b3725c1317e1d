//! Why a request is denied: one stable code per failure, in SPEC §5's vocabulary.

use crate::json::{write_object, ToJson};
use crate::wipe::Text;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DenyReason {
    TokenMissing,
    TokenInvalid,
    TokenExpired,
    IpNotAllowed,
    ProofMissing,
    ProofMalformed,
    ProofExpired,
    ProofFuture,
    ProofMismatch,
    PathInvalid,
    OperationUnknown,
    OperationAmbiguous,
    ProductMismatch,
    PermissionMissing,
    OptionMissing,
    GroupNotAllowed,
    GroupCreationNotAllowed,
    TargetNotEligible,
}

impl DenyReason {
    pub const ALL: [DenyReason; 18] = [
        DenyReason::TokenMissing,
        DenyReason::TokenInvalid,
        DenyReason::TokenExpired,
        DenyReason::IpNotAllowed,
        DenyReason::ProofMissing,
        DenyReason::ProofMalformed,
        DenyReason::ProofExpired,
        DenyReason::ProofFuture,
        DenyReason::ProofMismatch,
        DenyReason::PathInvalid,
        DenyReason::OperationUnknown,
        DenyReason::OperationAmbiguous,
        DenyReason::ProductMismatch,
        DenyReason::PermissionMissing,
        DenyReason::OptionMissing,
        DenyReason::GroupNotAllowed,
        DenyReason::GroupCreationNotAllowed,
        DenyReason::TargetNotEligible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DenyReason::TokenMissing => "token_missing",
            DenyReason::TokenInvalid => "token_invalid",
            DenyReason::TokenExpired => "token_expired",
            DenyReason::IpNotAllowed => "ip_not_allowed",
            DenyReason::ProofMissing => "proof_missing",
            DenyReason::ProofMalformed => "proof_malformed",
            DenyReason::ProofExpired => "proof_expired",
            DenyReason::ProofFuture => "proof_future",
            DenyReason::ProofMismatch => "proof_mismatch",
            DenyReason::PathInvalid => "path_invalid",
            DenyReason::OperationUnknown => "operation_unknown",
            DenyReason::OperationAmbiguous => "operation_ambiguous",
            DenyReason::ProductMismatch => "product_mismatch",
            DenyReason::PermissionMissing => "permission_missing",
            DenyReason::OptionMissing => "option_missing",
            DenyReason::GroupNotAllowed => "group_not_allowed",
            DenyReason::GroupCreationNotAllowed => "group_creation_not_allowed",
            DenyReason::TargetNotEligible => "target_not_eligible",
        }
    }
}

/// Graph's error object: what the platform would answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphError {
    pub message: String,
    /// Written as `type`.
    pub kind: &'static str,
    pub code: u32,
}

impl ToJson for GraphError {
    fn write_json(&self, out: &mut Text) {
        write_object(out, &[("message", &self.message), ("type", &self.kind), ("code", &self.code)]);
    }
}

impl GraphError {
    pub fn oauth(code: u32, message: &str) -> GraphError {
        GraphError { message: message.to_string(), kind: "OAuthException", code }
    }
}

impl DenyReason {
    /// The error the platform returns. Codes 100, 5 and 190 and their
    /// messages are from SPEC §4; 104 ("An access token is required"), 200
    /// (permissions) and 803/100 for unknown objects follow the public Graph
    /// API error reference.
    pub fn graph_error(self) -> GraphError {
        use DenyReason::*;
        let (kind, code, message) = match self {
            TokenMissing => ("OAuthException", 104, "An access token is required to request this resource."),
            TokenInvalid => ("OAuthException", 190, "Invalid OAuth access token."),
            TokenExpired => ("OAuthException", 190, "Error validating access token: the session has expired."),
            IpNotAllowed => ("OAuthException", 5, "(#5) Unauthorized source IP address"),
            ProofMissing => ("GraphMethodException", 100, "API calls from the server require an appsecret_proof argument"),
            ProofMalformed | ProofExpired | ProofFuture | ProofMismatch => {
                ("GraphMethodException", 100, "Invalid appsecret_proof provided in the API argument")
            }
            PathInvalid | OperationUnknown | OperationAmbiguous | ProductMismatch => (
                "GraphMethodException",
                100,
                "Unsupported request. Object does not exist, cannot be loaded due to missing permissions, or does not support this operation",
            ),
            PermissionMissing | OptionMissing => ("OAuthException", 200, "(#200) The integration does not have the permission this call needs"),
            GroupNotAllowed => ("OAuthException", 200, "(#200) The integration is not enabled for this group"),
            GroupCreationNotAllowed => ("OAuthException", 200, "(#200) An integration scoped to specific groups cannot create groups"),
            TargetNotEligible => ("GraphMethodException", 100, "(#100) The target account is not eligible for this operation"),
        };
        GraphError { message: message.to_string(), kind, code }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_error_codes() {
        assert_eq!(DenyReason::ProofMissing.graph_error().message, "API calls from the server require an appsecret_proof argument");
        assert_eq!(DenyReason::ProofMismatch.graph_error().message, "Invalid appsecret_proof provided in the API argument");
        assert_eq!(DenyReason::IpNotAllowed.graph_error().code, 5);
        assert_eq!(DenyReason::IpNotAllowed.graph_error().message, "(#5) Unauthorized source IP address");
        assert_eq!(DenyReason::TokenInvalid.graph_error().code, 190);
        assert_eq!(DenyReason::TokenExpired.graph_error().code, 190);
        for r in DenyReason::ALL {
            assert!(!r.graph_error().message.is_empty());
        }
    }

    #[test]
    fn serde_name_is_the_stable_code() {
        for r in DenyReason::ALL {
            assert_eq!(crate::json::to_serde(&r), serde_json::Value::from(r.as_str()));
        }
    }
}
