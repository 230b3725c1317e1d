//! appgrant: a model of how a workplace platform controls its integrations.
//!
//! Everything here is plain Rust; only `wasm` knows about JavaScript.

/// Writes stable codes as their `as_str` text, which their tests check
/// against.
macro_rules! json_as_str {
    ($($t:ty),*) => {$(
        impl $crate::json::ToJson for $t {
            fn write_json(&self, out: &mut $crate::wipe::Text) {
                self.as_str().write_json(out);
            }
        }
    )*};
}

pub mod catalog;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod form;
pub mod gate;
pub mod ip;
pub mod json;
pub mod mac;
pub mod proof;
pub mod reason;
pub mod request;
pub mod sort;
pub mod token;
pub mod validate;
pub mod wipe;

pub use error::{Error, ErrorCode, Result};
pub use reason::DenyReason;

json_as_str!(
    DenyReason,
    diagnostic::Code,
    diagnostic::Severity,
    catalog::Product,
    catalog::Source,
    catalog::Node,
    catalog::GroupScope,
    catalog::TargetRule,
    catalog::Auth
);

// Natively only for the tests of `wasm::signer`, which needs no wasm-bindgen.
#[cfg(any(target_arch = "wasm32", test))]
mod wasm;

#[cfg(test)]
mod tests {
    /// The TypeScript declarations are hand-written in `wasm/api.rs`; every
    /// stable code must appear there as a string literal type.
    #[test]
    fn typescript_unions_list_every_code() {
        let ts = include_str!("wasm/api.rs");
        let quoted = |s: &str| format!("\"{s}\"");
        for r in crate::DenyReason::ALL {
            assert!(ts.contains(&quoted(r.as_str())), "DenyReason {}", r.as_str());
        }
        for c in crate::diagnostic::Code::ALL {
            assert!(ts.contains(&quoted(c.as_str())), "DiagnosticCode {}", c.as_str());
        }
        for c in crate::ErrorCode::ALL {
            assert!(ts.contains(&quoted(c.as_str())), "ErrorCode {}", c.as_str());
        }
        for p in &crate::catalog::PERMISSIONS {
            assert!(ts.contains(&quoted(p.id)), "PermissionId {}", p.id);
        }
        for n in crate::catalog::Node::ALL {
            assert!(ts.contains(&quoted(n.as_str())), "NodeType {}", n.as_str());
        }
    }
}
