//! The JavaScript face of appgrant: converts values in and out, nothing
//! else. The API module's exports take `JsValue` and check types themselves,
//! so a wrong argument becomes an `Error` with a stable `code` rather than a
//! glue-level TypeError or a trap. The signer's are plain wasm exports of
//! numbers (no wasm-bindgen), which js/fast.mjs calls after checking its
//! arguments.
//!
//! The crate builds three wasm modules. The signer module (`--no-default-features`)
//! has only `signer`: in Node, a client that signs its calls loads a tenth of
//! the code, and no glue, which is what makes a first proof in a fresh process fast. The API
//! module (the default feature `tools`) has `signer`, `api` and `tools`, everything; ES
//! module runtimes load it alone. The edge module (`--no-default-features --features api`)
//! is the API module without `tools`, for `appgrant/edge`. `signer` is plain Rust, tested
//! natively too.

#[cfg(all(feature = "api", target_arch = "wasm32"))]
mod api;
mod signer;
#[cfg(all(feature = "tools", target_arch = "wasm32"))]
mod tools;
