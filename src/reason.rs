//! Why a request is denied: one stable code per failure, in SPEC §5's vocabulary.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_name_is_the_stable_code() {
        for r in DenyReason::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), serde_json::Value::from(r.as_str()));
        }
    }
}
