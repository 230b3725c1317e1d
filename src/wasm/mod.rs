//! The JavaScript face of appgrant: converts values in and out, nothing
//! else. Every export takes `JsValue` and checks types itself, so a wrong
//! argument becomes an `Error` with a stable `code` rather than a glue-level
//! TypeError or a trap.
//!
//! The crate builds two wasm modules. The signer module (`--no-default-features`)
//! has only `signer`: in Node, a client that signs its calls loads a seventh of
//! the code, which is what makes a first proof in a fresh process fast. The API
//! module (the default feature `api`) has `signer` and `api`, everything; ES
//! module runtimes load it alone.

use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use zeroize::Zeroizing;

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

/// String arguments are secrets, tokens or URLs that may carry one: wiped once read.
pub(crate) fn string(v: &JsValue, what: &str) -> JsResult<Zeroizing<String>> {
    v.as_string().map(Zeroizing::new).ok_or_else(|| throw(Error::argument(format!("{what} must be a string"))))
}

pub(crate) fn clock() -> i64 {
    (js_sys::Date::now() / 1000.0).floor() as i64
}

/// A time argument: Unix seconds or a `Date`; absent means now.
pub(crate) fn time(v: &JsValue, what: &str) -> JsResult<i64> {
    if v.is_undefined() || v.is_null() {
        return Ok(clock());
    }
    let t = if let Some(n) = v.as_f64() {
        n
    } else if let Some(d) = v.dyn_ref::<js_sys::Date>() {
        d.get_time() / 1000.0
    } else {
        return Err(throw(Error::time(format!("{what} must be Unix seconds (a number) or a Date"))));
    };
    seconds(t, what)
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
