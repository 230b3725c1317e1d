//! appgrant: a model of how a workplace platform controls its integrations.
//!
//! Everything here is plain Rust; only `wasm` knows about JavaScript.

pub mod catalog;
pub mod config;
pub mod diagnostic;
pub mod error;
pub mod evaluate;
pub mod form;
pub mod ip;
pub mod proof;
pub mod reason;
pub mod request;
pub mod token;
pub mod validate;

pub use error::{Error, ErrorCode, Result};
pub use reason::DenyReason;
