//! appgrant: a model of how a workplace platform controls its integrations.
//!
//! Everything here is plain Rust; only `wasm` knows about JavaScript.

pub mod catalog;
pub mod error;
pub mod reason;

pub use error::{Error, ErrorCode, Result};
pub use reason::DenyReason;
pub mod form;
pub mod ip;
pub mod proof;
