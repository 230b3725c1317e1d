//! The JavaScript face of appgrant: converts values in and out, nothing
//! else. The API module's exports take `JsValue` and check types themselves,
//! so a wrong argument becomes an `Error` with a stable `code` rather than a
//! glue-level TypeError or a trap; the signer's take strings and numbers,
//! which js/fast.mjs checks in front of them.
//!
//! The crate builds two wasm modules. The signer module (`--no-default-features`)
//! has only `signer`: in Node, a client that signs its calls loads a seventh of
//! the code, which is what makes a first proof in a fresh process fast. The API
//! module (the default feature `api`) has `signer` and `api`, everything; ES
//! module runtimes load it alone.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;

use crate::error::Error;
use crate::proof;

#[cfg(feature = "api")]
mod api;
mod signer;

type JsResult<T> = Result<T, JsValue>;

pub(crate) fn throw(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    // Setting a property on a fresh Error cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    err.into()
}

/// Whole Unix seconds from a number argument (floored).
pub(crate) fn seconds(t: f64, what: &str) -> JsResult<i64> {
    proof::seconds_from_f64(t).map_err(|e| throw(Error::time(format!("{what}: {}", e.message))))
}

/// The wasm instance's memory, so that tools can watch its size.
#[wasm_bindgen(js_name = __memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}
