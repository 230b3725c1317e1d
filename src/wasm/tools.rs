//! The tools of the JavaScript API, which an edge function does not need:
//! the catalogs, `requiredPermissions`, `validate` and the `Integration`
//! class. The default feature `tools` adds them to the API module; without it
//! (`--features api`) the build is the edge module of `appgrant/edge`, which
//! has everything a request check needs (Policy, the proofs, Gate) and is
//! what keeps an edge function's wasm under 100 KB gzip.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::api::{
    clock, field, json, json_value, object, optional_object, reflect_get, reflect_set, request, secret_json, string, throw, time,
    to_js, to_js_wiped, JsResult,
};
use crate::catalog::{OPERATIONS, PERMISSIONS};
use crate::config::parse_use;
use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::error::{Error, ErrorCode};
use crate::json::{Object, Value};
use crate::token::{self, TokenForm};
use crate::validate;
use crate::wipe::SecretJson;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Array)]
    type JsArray;
    #[wasm_bindgen(constructor, js_class = Array)]
    fn new() -> JsArray;
    #[wasm_bindgen(method, js_name = push)]
    fn push(this: &JsArray, value: &JsValue) -> u32;
}

/// A secret string argument as the JSON value the core reads it as.
fn secret_value(v: &JsValue, what: &str) -> JsResult<SecretJson> {
    Ok(SecretJson::new(Value::String(std::mem::take(&mut *string(v, what)?))))
}

/// `{ app_secret }` as the second argument of `Integration`.
fn secret_arg(v: &JsValue) -> JsResult<SecretJson> {
    object(v, "the second argument ({ app_secret })")?;
    secret_value(&field(v, "app_secret"), "app_secret")
}

#[wasm_bindgen(skip_typescript)]
pub fn permissions() -> JsResult<JsValue> {
    to_js(&PERMISSIONS)
}

#[wasm_bindgen(skip_typescript)]
pub fn operations() -> JsResult<JsValue> {
    to_js(&OPERATIONS.iter().map(|o| o.view()).collect::<Vec<_>>())
}

#[wasm_bindgen(js_name = requiredPermissions, skip_typescript)]
pub fn required_permissions(uses: JsValue) -> JsResult<JsValue> {
    let Value::Array(items) = json(&uses, "uses", ErrorCode::InvalidArgument)? else {
        return Err(throw(Error::argument("uses must be an array")));
    };
    let mut parsed = Vec::new();
    let mut unusable = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match parse_use(item) {
            Ok(u) => parsed.push((i, u)),
            Err(_) => unusable.push(i),
        }
    }
    let uses_only: Vec<_> = parsed.iter().map(|(_, u)| u.clone()).collect();
    let (permissions, unmatched) = validate::required_permissions(&uses_only);
    let mut missed: Vec<usize> = unmatched.iter().filter_map(|j| parsed.get(*j).map(|(i, _)| *i)).collect();
    missed.extend(unusable);
    crate::sort::ord(&mut missed);
    // `unmatched` is added afterwards: it returns the caller's own values.
    let out = to_js(&Object(&[("permissions", &permissions)]))?;
    let originals = JsArray::new();
    for i in missed {
        originals.push(&reflect_get(&uses, &JsValue::from(i as u32)).unwrap_or(JsValue::UNDEFINED));
    }
    reflect_set(&out, &"unmatched".into(), &originals).map_err(|_| throw(Error::argument("could not build the result")))?;
    Ok(out)
}

fn validate_options(opts: &JsValue) -> JsResult<validate::Options> {
    optional_object(opts, "opts")?;
    let mut options = validate::Options { now: Some(time(&field(opts, "now"), "opts.now")?), ..Default::default() };
    let unknown_code = |c: &str| throw(Error::argument(format!("unknown diagnostic code `{c}` in opts")));
    let ignore = field(opts, "ignore");
    if !ignore.is_undefined() {
        let Value::Array(codes) = json(&ignore, "opts.ignore", ErrorCode::InvalidArgument)? else {
            return Err(throw(Error::argument("opts.ignore must be an array of codes")));
        };
        for c in codes {
            let c = c.as_str().ok_or_else(|| throw(Error::argument("each opts.ignore entry must be a code string")))?;
            options.ignore.push(Code::parse(c).ok_or_else(|| unknown_code(c))?);
        }
    }
    let severity = field(opts, "severity");
    if !severity.is_undefined() {
        let Value::Object(levels) = json(&severity, "opts.severity", ErrorCode::InvalidArgument)? else {
            return Err(throw(Error::argument("opts.severity must map codes to severities")));
        };
        for (code, level) in levels {
            let level = level.as_str().and_then(Severity::parse).ok_or_else(|| {
                throw(Error::argument(format!("opts.severity.{code} must be error, security_warning, warning or suggestion")))
            })?;
            options.severity.push((Code::parse(&code).ok_or_else(|| unknown_code(&code))?, level));
        }
    }
    Ok(options)
}

#[wasm_bindgen(skip_typescript)]
pub fn validate(config: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let options = validate_options(&opts)?;
    // A config that is not JSON data is itself the finding.
    match json_value(&config, "the config") {
        Ok(value) => to_js(&validate::validate(&value, &options)),
        Err(message) => to_js(&[Diagnostic::new(Code::InvalidConfig, "", message)]),
    }
}


#[wasm_bindgen(skip_typescript)]
pub struct Integration(token::Integration);

#[wasm_bindgen]
impl Integration {
    #[wasm_bindgen(constructor)]
    pub fn new(config_value: JsValue, secret: JsValue) -> JsResult<Integration> {
        let config = json(&config_value, "config", ErrorCode::InvalidConfig)?;
        token::Integration::new(&config, &*secret_arg(&secret)?).map(Integration).map_err(throw)
    }

    #[wasm_bindgen(js_name = fromState)]
    pub fn from_state(state: JsValue, secret: JsValue) -> JsResult<Integration> {
        let state = json(&state, "state", ErrorCode::InvalidState)?;
        token::Integration::from_state(&state, &*secret_arg(&secret)?).map(Integration).map_err(throw)
    }

    #[wasm_bindgen(js_name = issueToken)]
    pub fn issue_token(&mut self, now: JsValue) -> JsResult<JsValue> {
        to_js_wiped(&self.0.issue_token(time(&now, "now")?).map_err(throw)?)
    }

    #[wasm_bindgen(js_name = resetToken)]
    pub fn reset_token(&mut self, now: JsValue) -> JsResult<JsValue> {
        to_js_wiped(&self.0.reset_token(time(&now, "now")?).map_err(throw)?)
    }

    #[wasm_bindgen(js_name = resetSecret)]
    pub fn reset_secret(&mut self, new_secret: JsValue) -> JsResult<()> {
        self.0.reset_secret(&*secret_value(&new_secret, "newSecret")?).map_err(throw)
    }

    pub fn evaluate(&self, request_value: JsValue) -> JsResult<JsValue> {
        to_js(&self.0.evaluate(&request(&request_value)?, clock()))
    }

    #[wasm_bindgen(js_name = handleTokenRequest)]
    pub fn handle_token_request(&mut self, form: JsValue, now: JsValue) -> JsResult<JsValue> {
        let now = time(&now, "now")?;
        // The form holds the app secret.
        let response = if let Some(text) = form.as_string().map(Zeroizing::new) {
            self.0.handle_token_request(TokenForm::Text(&text), now)
        } else {
            match &*secret_json(&form, "form", ErrorCode::InvalidArgument)? {
                Value::Object(map) => self.0.handle_token_request(TokenForm::Fields(map), now),
                _ => return Err(throw(Error::argument("form must be a urlencoded string or an object of strings"))),
            }
        };
        to_js_wiped(&response.map_err(throw)?)
    }

    #[wasm_bindgen(js_name = exportState)]
    pub fn export_state(&self) -> JsResult<JsValue> {
        to_js(&self.0.export_state())
    }
}
