//! Everything of the JavaScript API but proof signing (`signer`) and the
//! tools (`tools`), with the helpers both convert through. The
//! TypeScript declarations of the whole API are written here by hand
//! (`skip_typescript` everywhere) because they say more than wasm-bindgen can
//! infer: the SPEC's JSON shapes, string unions of every code.

use std::borrow::Cow;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::catalog::{Node, OPERATIONS, PERMISSIONS};
use crate::config::{split_fields, Config};
use crate::error::{Error, ErrorCode};
use crate::evaluate;
use crate::gate;
use crate::json::{self, Object, ToJson, Value};
use crate::proof::{self, ProofParams, TimeValue, VerifyOptions};
use crate::request::{Directory, Parts, Request, Thread, TimeParam, METHODS};
use crate::token::Credentials;
use crate::wipe::{SecretJson, Text};
use crate::DenyReason;
use zeroize::{Zeroize, Zeroizing};

pub(super) type JsResult<T> = Result<T, JsValue>;

/// The JavaScript built-ins this module calls, declared here rather than
/// taken from js-sys: its bindings put 43 closure shims into the module's
/// function table, which nothing here calls, and without it (and getrandom's
/// `js` feature, which needed it) the module is 3.9 KB gzip smaller.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = Error)]
    type JsError;
    #[wasm_bindgen(constructor, js_class = Error)]
    fn new(message: &str) -> JsError;

    #[wasm_bindgen(js_name = Date)]
    type JsDate;
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;

    #[wasm_bindgen(js_namespace = Array, js_name = isArray)]
    fn is_array(value: &JsValue) -> bool;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub(super) fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub(super) fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;

    #[wasm_bindgen(js_namespace = JSON, js_name = parse, catch)]
    fn json_parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, js_name = stringify, catch)]
    fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    /// The random source of issued tokens (getrandom's, registered below).
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues, catch)]
    fn get_random_values(bytes: &mut [u8]) -> Result<JsValue, JsValue>;
}

fn fill_random(bytes: &mut [u8]) -> Result<(), getrandom::Error> {
    get_random_values(bytes).map(|_| ()).map_err(|_| getrandom::Error::UNSUPPORTED)
}

getrandom::register_custom_getrandom!(fill_random);

// Talc instead of std's dlmalloc: 5.8 KB less wasm (2.6 KB gzip, without
// which the API module would be over its 100 KB goal). Measured in one interleaved
// run: decisions, proofs and the gate unchanged; the JSON paths, which
// allocate most, 7% (one-shot evaluate) and 12% (validate) slower; validating
// 100,000 allow-list entries and groups up to 1.3x slower, still n log n.
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

pub(super) fn throw(e: Error) -> JsValue {
    let err: JsValue = JsError::new(&e.message).into();
    // Setting a property on a fresh Error cannot fail.
    let _ = reflect_set(&err, &"code".into(), &e.code.as_str().into());
    err
}

/// Whole Unix seconds from a number argument (floored).
fn seconds(t: f64, what: &str) -> JsResult<i64> {
    proof::seconds_of(t, what).map_err(throw)
}

/// The wasm instance's memory, so that tools can watch its size.
#[wasm_bindgen(js_name = __memory, skip_typescript)]
pub fn memory() -> JsValue {
    wasm_bindgen::memory()
}

/// The instance's own exports: the signer's (src/wasm/signer.rs) are plain
/// wasm functions the glue knows nothing of, which js/fast.mjs calls here too.
#[wasm_bindgen(js_name = __exports, skip_typescript)]
pub fn exports() -> JsValue {
    wasm_bindgen::exports()
}

/// String arguments are secrets, tokens or URLs that may carry one: wiped once read.
pub(super) fn string(v: &JsValue, what: &str) -> JsResult<Zeroizing<String>> {
    v.as_string().map(Zeroizing::new).ok_or_else(|| throw(Error::argument(format!("{what} must be a string"))))
}

pub(super) fn clock() -> i64 {
    (date_now() / 1000.0).floor() as i64
}

#[wasm_bindgen]
extern "C" {
    /// What passes `instanceof Date`: `Object.create(Date.prototype)` does
    /// too, and its getTime throws a TypeError, caught here rather than let
    /// unwind through wasm.
    type DateLike;
    #[wasm_bindgen(method, catch, js_name = getTime)]
    fn checked_time(this: &DateLike) -> Result<f64, JsValue>;
}

/// A time argument: Unix seconds or a `Date`; absent means now.
pub(super) fn time(v: &JsValue, what: &str) -> JsResult<i64> {
    if v.is_undefined() || v.is_null() {
        return Ok(clock());
    }
    let t = if let Some(n) = v.as_f64() {
        n
    } else if v.is_instance_of::<JsDate>() {
        // An invalid Date, or none at all, is NaN: refused by `seconds`.
        v.unchecked_ref::<DateLike>().checked_time().unwrap_or(f64::NAN) / 1000.0
    } else {
        return Err(throw(Error::time(format!("{what} must be Unix seconds (a number) or a Date"))));
    };
    seconds(t, what)
}

fn unconvertible() -> JsValue {
    throw(Error::argument("the result could not be converted to JavaScript"))
}

/// Results go out as JSON text that `JSON.parse` turns into plain objects:
/// one string crossing instead of a boundary call per field.
pub(super) fn to_js<T: ToJson + ?Sized>(value: &T) -> JsResult<JsValue> {
    json_parse(json::to_text(value).as_str()).map_err(|_| unconvertible())
}

/// `to_js` for a result that hands a token over: its JSON text is wiped.
pub(super) fn to_js_wiped<T: ToJson + ?Sized>(value: &T) -> JsResult<JsValue> {
    json_parse(json::to_wiped_text(value).as_str()).map_err(|_| unconvertible())
}

/// Plain data in, through `JSON.stringify`: it is a catching import, so a
/// cycle, a BigInt, a throwing getter or a blown JS stack comes back as an
/// error value instead of unwinding through wasm frames (which would leave
/// the instance's stack pointer behind and poison every later call); and
/// the reader bounds the nesting depth (`json::MAX_DEPTH`).
fn json_text(v: &JsValue, what: &str) -> Result<String, String> {
    if v.is_undefined() {
        return Err(format!("{what} is required"));
    }
    let text = json_stringify(v)
        .map_err(|_| format!("{what} cannot be read as JSON data (a cycle, a BigInt, or a getter that throws)"))?;
    text.as_string().ok_or_else(|| format!("{what} must be JSON data, not a function or symbol"))
}

fn parsed(text: &str, what: &str) -> Result<Value, String> {
    json::parse(text).map_err(|e| format!("{what} cannot be read: {e}"))
}

pub(super) fn json_value(v: &JsValue, what: &str) -> Result<Value, String> {
    parsed(&json_text(v, what)?, what)
}

pub(super) fn json(v: &JsValue, what: &str, code: ErrorCode) -> JsResult<Value> {
    json_value(v, what).map_err(|m| throw(Error::new(code, m)))
}

/// `json` for an argument that may hold a secret or a token: its JSON text
/// and its value are wiped once read.
pub(super) fn secret_json(v: &JsValue, what: &str, code: ErrorCode) -> JsResult<SecretJson> {
    let text = Zeroizing::new(json_text(v, what).map_err(|m| throw(Error::new(code, m)))?);
    parsed(&text, what).map(SecretJson::new).map_err(|m| throw(Error::new(code, m)))
}

/// `opts`-style arguments: absent, or an object.
pub(super) fn optional_object(v: &JsValue, what: &str) -> JsResult<()> {
    if v.is_undefined() || v.is_null() {
        Ok(())
    } else {
        object(v, what)
    }
}

pub(super) fn field(obj: &JsValue, key: &str) -> JsValue {
    if obj.is_object() {
        reflect_get(obj, &key.into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    }
}

pub(super) fn object(v: &JsValue, what: &str) -> JsResult<()> {
    if v.is_object() && !is_array(v) {
        Ok(())
    } else {
        Err(throw(Error::argument(format!("{what} must be an object"))))
    }
}

fn optional_credentials(v: &JsValue) -> JsResult<Option<Credentials>> {
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    let value = secret_json(v, "credentials", ErrorCode::InvalidCredentials)?;
    Credentials::from_json(&value).map(Some).map_err(throw)
}

pub(super) fn request(v: &JsValue) -> JsResult<Request<'static>> {
    Request::from_json(&*secret_json(v, "request", ErrorCode::InvalidRequest)?).map_err(throw)
}

fn config(v: &JsValue) -> JsResult<Config> {
    Config::from_json(&json(v, "config", ErrorCode::InvalidConfig)?).map_err(throw)
}

/// The names behind the numbers the fast paths return: reasons (and their
/// Graph errors), operations, permissions, and the node types they accept.
#[wasm_bindgen(js_name = __tables, skip_typescript)]
pub fn tables() -> JsResult<JsValue> {
    to_js(&Object(&[
        ("reasons", &DenyReason::ALL),
        ("errors", &DenyReason::ALL.iter().map(|r| r.graph_error()).collect::<Vec<_>>()),
        ("statuses", &DenyReason::ALL.map(gate::http_status)),
        ("operations", &OPERATIONS.iter().map(|o| o.id).collect::<Vec<_>>()),
        ("permissions", &PERMISSIONS.iter().map(|p| p.id).collect::<Vec<_>>()),
        ("nodes", &Node::ALL),
        ("methods", &METHODS),
    ]))
}

fn option_i64(opts: &JsValue, key: &str, default: i64) -> JsResult<i64> {
    let v = field(opts, key);
    if v.is_undefined() || v.is_null() {
        return Ok(default);
    }
    match v.as_f64() {
        Some(n) if n.is_finite() && n.fract() == 0.0 && n.abs() <= 9.007_199_254_740_991e15 => Ok(n as i64),
        _ => Err(throw(Error::argument(format!("opts.{key} must be a whole number of seconds")))),
    }
}

#[wasm_bindgen(js_name = verifyAppsecretProof, skip_typescript)]
pub fn verify_appsecret_proof(params: JsValue, app_secret: JsValue, opts: JsValue) -> JsResult<JsValue> {
    object(&params, "params ({ access_token, appsecret_proof, appsecret_time })")?;
    optional_object(&opts, "opts")?;
    let signer = proof::ProofSigner::new(&string(&app_secret, "appSecret")?);
    let now = time(&field(&opts, "now"), "opts.now")?;
    let options = VerifyOptions::new(
        now,
        option_i64(&opts, "max_age_seconds", proof::MAX_AGE_SECONDS)?,
        option_i64(&opts, "max_skew_seconds", 0)?,
    )
    .map_err(throw)?;
    let token = field(&params, "access_token").as_string().map(Zeroizing::new);
    let proof_text = field(&params, "appsecret_proof").as_string();
    let time_value = field(&params, "appsecret_time");
    let time_text = time_value.as_string();
    let appsecret_time = if time_value.is_undefined() || time_value.is_null() {
        None
    } else if let Some(n) = time_value.as_f64() {
        Some(TimeValue::Number(n))
    } else {
        Some(time_text.as_deref().map_or(TimeValue::Other, TimeValue::Text))
    };
    // A non-string proof is malformed, not missing: it was sent.
    let proof_value = field(&params, "appsecret_proof");
    let proof_param = match (&proof_text, proof_value.is_undefined() || proof_value.is_null()) {
        (Some(p), _) => Some(p.as_str()),
        (None, true) => None,
        (None, false) => Some("not-a-string"),
    };
    let params = ProofParams { access_token: token.as_ref().map(|t| t.as_str()), appsecret_proof: proof_param, appsecret_time };
    let result = signer.verify(&params, &options);
    to_js(&Object(&[("ok", &result.is_ok()), ("reason", &result.err())]))
}

#[wasm_bindgen(js_name = signRequest, skip_typescript)]
pub fn sign_request(url: JsValue, creds: JsValue, opts: JsValue) -> JsResult<JsValue> {
    let url = string(&url, "url")?;
    object(&creds, "creds ({ access_token, app_secret })")?;
    let token = string(&field(&creds, "access_token"), "creds.access_token")?;
    let secret = string(&field(&creds, "app_secret"), "creds.app_secret")?;
    optional_object(&opts, "opts")?;
    let now = time(&field(&opts, "now"), "opts.now")?;
    // A JsValue, not a String: JavaScript copies it out and the Rust copy is wiped.
    let signed = proof::sign_url(&url, &token, &proof::ProofSigner::new(&secret), now).map_err(throw)?;
    Ok(JsValue::from_str(&signed))
}

#[wasm_bindgen(skip_typescript)]
pub fn evaluate(config_value: JsValue, request_value: JsValue, credentials: JsValue) -> JsResult<JsValue> {
    let policy = evaluate::Policy::new(config(&config_value)?);
    let credentials = optional_credentials(&credentials)?;
    to_js(&policy.evaluate(&request(&request_value)?, credentials.as_ref(), clock()))
}

/// A config compiled once, with its credentials, for many decisions.
#[wasm_bindgen(skip_typescript)]
pub struct Policy {
    policy: evaluate::Policy,
    credentials: Option<Credentials>,
    /// The strings of a fast-path request.
    input: Strings,
    /// The access token of the last fast-path request read, which js/fast.mjs
    /// then does not write again for the next with the same token (`KEPT`):
    /// a 200-character token was a tenth of a full request. Wiped when
    /// another replaces it and when the policy is freed.
    token: Text,
    /// The decision, with its trace, that `__decide` was asked to explain.
    explained: Option<evaluate::Decision>,
    /// The directory of fast-path requests, which give none: one empty
    /// directory shared by all of them.
    no_directory: Rc<Directory>,
}

/// 1 + the position of `item` in a catalog table, 0 for none.
fn code(item: Option<usize>) -> u32 {
    item.and_then(|i| u32::try_from(i + 1).ok()).unwrap_or(0)
}

/// A decision in one number: 1 + reason (0: allowed) in bits 0–7,
/// 1 + operation in bits 8–15, 1 + permission in bits 16–23, each an index
/// into the lists of `__tables`.
fn packed(verdict: evaluate::Verdict) -> u32 {
    let reason = code(verdict.reason.and_then(|r| DenyReason::ALL.iter().position(|x| *x == r)));
    reason | code(verdict.operation) << 8 | code(verdict.permission) << 16
}

/// What `__decide` returns when the input is not what js/fast.mjs writes
/// (a length past the input, text that is not UTF-8, a `now` that is no
/// time): the caller then asks the glue's path, which says why.
const UNREADABLE: u32 = u32::MAX;

/// The length js/fast.mjs gives the access token of a request whose token is
/// the last one read (`Policy::token`).
const KEPT: i32 = -2;

/// What `__trace` answers: the decision a fast path was asked to explain.
fn explained(decision: Option<evaluate::Decision>) -> JsResult<JsValue> {
    to_js(&decision.ok_or_else(|| throw(Error::argument("no decision was explained")))?)
}

/// The strings of a fast-path call, which js/fast.mjs writes here (see
/// `__input`): one copy into wasm memory instead of an allocation and a free
/// across the boundary for each string. Wiped once read.
#[derive(Default)]
struct Strings(Vec<u8>);

impl Strings {
    /// Room for `len` bytes, at the address returned; see `Policy::input`.
    fn room(&mut self, len: u32) -> u32 {
        self.0.as_mut_slice().zeroize();
        self.0.clear();
        self.0.resize(usize::try_from(len).unwrap_or(0), 0);
        u32::try_from(self.0.as_ptr() as usize).unwrap_or(0)
    }

    fn reader(&self) -> Input<'_> {
        Input { bytes: &self.0, at: 0 }
    }

    /// Wipes the strings of `lengths` (negative: absent) once read.
    fn wipe(&mut self, lengths: &[i32]) {
        let used = self.0.len().min(lengths.iter().map(|&l| usize::try_from(l).unwrap_or(0)).sum());
        if let Some(written) = self.0.get_mut(..used) {
            written.zeroize();
        }
    }
}

/// The strings of a fast-path call, read in order from `Strings`.
struct Input<'i> {
    bytes: &'i [u8],
    at: usize,
}

impl<'i> Input<'i> {
    /// The next string, of `len` bytes; absent when `len` is negative.
    // Runs for each string of every decision: see src/request.rs on `#[inline]`.
    #[inline]
    fn next(&mut self, len: i32) -> Result<Option<&'i str>, ()> {
        let Ok(len) = usize::try_from(len) else { return Ok(None) };
        let end = self.at.checked_add(len).ok_or(())?;
        let text = self.bytes.get(self.at..end).and_then(|b| std::str::from_utf8(b).ok()).ok_or(())?;
        self.at = end;
        Ok(Some(text))
    }

    #[inline]
    fn owned(&mut self, len: i32) -> Result<Option<String>, ()> {
        Ok(self.next(len)?.map(str::to_string))
    }
}

#[wasm_bindgen]
impl Policy {
    pub fn evaluate(&self, request_value: JsValue) -> JsResult<JsValue> {
        to_js(&self.policy.evaluate(&request(&request_value)?, self.credentials.as_ref(), clock()))
    }

    /// Room for `len` bytes of request strings, at the address returned. It
    /// stays there until the next call of this; js/fast.mjs writes the
    /// strings of a request into it before each `__decide`.
    #[wasm_bindgen(js_name = __input)]
    pub fn input(&mut self, len: u32) -> u32 {
        self.input.room(len)
    }

    /// The fast path of js/fast.mjs: a request read in JavaScript and passed
    /// as primitives (each already of the type `Request::from_json` would
    /// accept), its strings in `input` one after another, each given by its
    /// length in bytes (negative: absent), and decided without a trace unless
    /// `explain` (then `__trace` has the decision). `method`, `node` and
    /// `thread` are 1 + their index in `__tables` (0: absent; a method outside
    /// the table comes as text); `group` says whether `group_id` was absent
    /// (0), null (1) or given (2); NaN stands for an absent number.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = __decide)]
    pub fn decide(
        &mut self,
        method: u32,
        node: u32,
        group: u32,
        mentioned: bool,
        thread: u32,
        time_number: f64,
        now: f64,
        clock: f64,
        method_len: i32,
        path_len: i32,
        group_len: i32,
        fields_len: i32,
        ip_len: i32,
        token_len: i32,
        proof_len: i32,
        time_len: i32,
        explain: bool,
    ) -> u32 {
        let lengths = [method_len, path_len, group_len, fields_len, ip_len, token_len, proof_len, time_len];
        let decided = self.read(method, node, group, mentioned, thread, time_number, now, lengths).map(|request| {
            let (credentials, clock) = (self.credentials.as_ref(), clock as i64);
            if explain {
                (0, Some(self.policy.evaluate(&request, credentials, clock)))
            } else {
                (packed(self.policy.decide(&request, credentials, clock)), None)
            }
        });
        if decided.is_ok() && token_len >= 0 {
            self.keep_token(&lengths);
        }
        self.input.wipe(&lengths);
        let Ok((code, explained)) = decided else { return UNREADABLE };
        if explained.is_some() {
            self.explained = explained;
        }
        code
    }

    #[allow(clippy::too_many_arguments)]
    fn read(&self, method: u32, node: u32, group: u32, mentioned: bool, thread: u32, time_number: f64, now: f64, lengths: [i32; 8]) -> Result<Request<'_>, ()> {
        let [method_len, path_len, group_len, fields_len, ip_len, token_len, proof_len, time_len] = lengths;
        let mut input = self.input.reader();
        let index = |i: u32| usize::try_from(i).ok().and_then(|i| i.checked_sub(1));
        let method_text = input.owned(method_len)?;
        let method = match index(method).and_then(|i| METHODS.get(i)) {
            Some(known) => Cow::Borrowed(*known),
            None => Cow::Owned(method_text.ok_or(())?),
        };
        let path = input.next(path_len)?.ok_or(())?;
        let group_id = input.next(group_len)?;
        let fields = input.next(fields_len)?;
        let source_ip = input.next(ip_len)?.map(Cow::Borrowed);
        let access_token = if token_len == KEPT { Some(Cow::Borrowed(self.token.as_str())) } else { input.next(token_len)?.map(Cow::Borrowed) };
        let appsecret_proof = input.next(proof_len)?.map(Cow::Borrowed);
        let appsecret_time = match input.owned(time_len)? {
            Some(text) => Some(TimeParam::Text(text)),
            None if time_number.is_nan() => None,
            None => Some(TimeParam::Number(time_number)),
        };
        Ok(Request::new(Parts {
            method,
            path: Cow::Borrowed(path),
            node: index(node).and_then(|i| Node::ALL.get(i).copied()),
            group_id: match group {
                0 => None,
                1 => Some(None),
                _ => Some(group_id.map(Cow::Borrowed)),
            },
            fields: fields.map(split_fields).unwrap_or_default(),
            source_ip,
            access_token,
            appsecret_proof,
            appsecret_time,
            now: if now.is_nan() { None } else { Some(proof::seconds_from_f64(now).map_err(|_| ())?) },
            mentioned,
            thread: index(thread).and_then(|i| [Thread::Direct, Thread::Group].get(i).copied()),
            target_user: None,
            directory: Rc::clone(&self.no_directory),
        }))
    }

    /// Keeps the token of a request just read from `input` (it is valid
    /// UTF-8: the request was read).
    fn keep_token(&mut self, lengths: &[i32; 8]) {
        let at: usize = lengths.iter().take(5).map(|&l| usize::try_from(l).unwrap_or(0)).sum();
        let len = lengths.get(5).and_then(|&l| usize::try_from(l).ok()).unwrap_or(0);
        if let Some(token) = self.input.0.get(at..at.saturating_add(len)).and_then(|b| std::str::from_utf8(b).ok()) {
            self.token = Text::with_capacity(len);
            self.token.push_str(token);
        }
    }

    /// The decision, with its trace, that the last `__decide` explained.
    #[wasm_bindgen(js_name = __trace)]
    pub fn trace(&mut self) -> JsResult<JsValue> {
        explained(self.explained.take())
    }
}

#[wasm_bindgen(skip_typescript)]
pub fn compile(config_value: JsValue, credentials: JsValue) -> JsResult<Policy> {
    Ok(Policy {
        policy: evaluate::Policy::new(config(&config_value)?),
        credentials: optional_credentials(&credentials)?,
        input: Strings::default(),
        token: Text::with_capacity(0),
        explained: None,
        no_directory: Rc::default(),
    })
}

/// The edge gate: a config and its credentials, answering HTTP exchanges as
/// the platform would. Mutable because Admin Center's token endpoint issues
/// the tokens the gate accepts afterwards.
#[wasm_bindgen(skip_typescript)]
pub struct Gate {
    gate: gate::Gate,
    /// The strings of a fast-path exchange (see `__handle`).
    input: Strings,
    /// The decision, with its trace, that `__handle` was asked to explain.
    explained: Option<evaluate::Decision>,
}

#[wasm_bindgen]
impl Gate {
    #[wasm_bindgen(constructor)]
    pub fn new(config_value: JsValue, credentials: JsValue, opts: JsValue) -> JsResult<Gate> {
        let config = json(&config_value, "config", ErrorCode::InvalidConfig)?;
        let credentials = secret_json(&credentials, "credentials", ErrorCode::InvalidCredentials)?;
        optional_object(&opts, "opts")?;
        let directory = field(&opts, "directory");
        let directory = if directory.is_undefined() { None } else { Some(json(&directory, "opts.directory", ErrorCode::InvalidRequest)?) };
        let gate = gate::Gate::new(&config, &credentials, directory.as_ref()).map_err(throw)?;
        Ok(Gate { gate, input: Strings::default(), explained: None })
    }

    pub fn handle(&mut self, exchange: JsValue) -> JsResult<JsValue> {
        let exchange = gate::Exchange::from_json(&*secret_json(&exchange, "exchange", ErrorCode::InvalidRequest)?).map_err(throw)?;
        let answer = self.gate.handle(&exchange, clock());
        if answer.hands_over_token() {
            to_js_wiped(&answer)
        } else {
            to_js(&answer)
        }
    }

    /// Room for the strings of an exchange; as `Policy.__input`.
    #[wasm_bindgen(js_name = __input)]
    pub fn input(&mut self, len: u32) -> u32 {
        self.input.room(len)
    }

    /// The fast path of js/fast.mjs for a Workplace gate: an exchange read in
    /// JavaScript, its strings (method, url, body, client_ip, authorization)
    /// in `input` as `Policy.__decide` takes them, `now` NaN when absent.
    /// Returns the decision packed as `Policy.__decide` does (0 when asked to
    /// `explain`: then `__trace` has it), from which the answer follows (see
    /// `gate::Gate::decide`); `UNREADABLE` when only `handle` can answer.
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(js_name = __handle)]
    pub fn decide(&mut self, now: f64, clock: f64, method_len: i32, url_len: i32, body_len: i32, ip_len: i32, authorization_len: i32, explain: bool) -> u32 {
        let lengths = [method_len, url_len, body_len, ip_len, authorization_len];
        let exchange = self.exchange(now, lengths);
        self.input.wipe(&lengths);
        let Ok(exchange) = exchange else { return UNREADABLE };
        let clock = clock as i64;
        if explain {
            self.explained = self.gate.decide(&exchange, clock, |p, r, c, now| p.evaluate(r, Some(c), now));
            return if self.explained.is_some() { 0 } else { UNREADABLE };
        }
        self.gate.decide(&exchange, clock, |p, r, c, now| packed(p.decide(r, Some(c), now))).unwrap_or(UNREADABLE)
    }

    fn exchange(&self, now: f64, lengths: [i32; 5]) -> Result<gate::Exchange, ()> {
        let [method_len, url_len, body_len, ip_len, authorization_len] = lengths;
        let mut input = self.input.reader();
        // Every step that can fail comes before the copies: a copy dropped before it is part of
        // an exchange would not be wiped.
        let (method, url) = (input.next(method_len)?.ok_or(())?, input.next(url_len)?.ok_or(())?);
        let (body, client_ip, authorization) = (input.next(body_len)?, input.next(ip_len)?, input.next(authorization_len)?);
        let now = if now.is_nan() { None } else { Some(proof::seconds_from_f64(now).map_err(|_| ())?) };
        let owned = |text: Option<&str>| text.map(str::to_string);
        Ok(gate::Exchange { method: method.to_string(), url: url.to_string(), body: owned(body), client_ip: owned(client_ip), authorization: owned(authorization), now })
    }

    /// The decision, with its trace, that the last `__handle` explained.
    #[wasm_bindgen(js_name = __trace)]
    pub fn trace(&mut self) -> JsResult<JsValue> {
        explained(self.explained.take())
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Stable error codes carried by every thrown `Error` as `error.code`. */
export type ErrorCode =
  | "invalid_argument" | "invalid_time" | "invalid_config" | "invalid_request"
  | "invalid_credentials" | "invalid_state" | "unsupported";

/** An `Error` thrown by appgrant. */
export interface AppgrantError extends Error { code: ErrorCode }

export type Product = "workplace" | "admin_center";
export type Source = "seed" | "documented" | "sample" | "modeled";
export type NodeType = "group" | "member" | "post" | "message" | "job" | "category" | "quick_link" | "scim_user";

export type DenyReason =
  | "token_missing" | "token_invalid" | "token_expired" | "ip_not_allowed"
  | "proof_missing" | "proof_malformed" | "proof_expired" | "proof_future" | "proof_mismatch"
  | "path_invalid" | "operation_unknown" | "operation_ambiguous" | "product_mismatch"
  | "permission_missing" | "option_missing" | "group_not_allowed" | "group_creation_not_allowed"
  | "target_not_eligible";

export type Severity = "error" | "security_warning" | "warning" | "suggestion";

export type DiagnosticCode =
  | "unknown_permission" | "permission_not_in_product" | "option_without_permission"
  | "invalid_ip_entry" | "ip_allowlist_required" | "invalid_group_id" | "group_access_required"
  | "operation_not_permitted" | "unknown_operation" | "invalid_config"
  | "ip_allowlist_missing" | "ip_allowlist_too_broad" | "appsecret_proof_not_required"
  | "all_groups_write_access" | "secret_in_config"
  | "duplicate_permission" | "group_list_empty" | "group_scope_unused"
  | "scoped_manage_groups_cannot_create" | "unused_permission" | "permission_not_needed"
  | "cidr_host_bits_set" | "ip_private_range"
  | "redundant_permission" | "overlapping_ip_entries";

export type PermissionId =
  | "read_group_content" | "manage_group_content" | "read_user_timeline" | "manage_user_timeline"
  | "mention_bot" | "manage_groups" | "manage_accounts" | "manage_badges" | "read_user_email"
  | "read_user_work_profile" | "read_user_org_chart" | "message_any_member" | "read_all_messages"
  | "delete_chat_messages" | "read_security_logs" | "logout_members" | "create_link_previews"
  | "force_password_reset" | "manage_work_profiles" | "provision_user_accounts"
  | "read_group_membership" | "manage_knowledge_library" | "read_knowledge_library"
  | "export_employee_data" | "report_content" | "read_security_audit_logs";

/** Unix seconds (floats are floored) or a Date. */
export type Time = number | Date;

export interface Proof { appsecret_proof: string; appsecret_time: number }

export interface Permission {
  id: PermissionId;
  label: string;
  aliases: string[];
  products: Product[];
  group_scoped: boolean;
  /** Permissions whose reading rights this one includes. */
  implies: PermissionId[];
  options: { id: "auto_invite" | "group_chats"; label: string }[];
  description: string;
  notes: string;
  source: Source;
}

export interface Operation {
  id: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  node: NodeType | null;
  /** Any one suffices; the narrowest is listed first. */
  permissions: PermissionId[];
  /** Permissions of the list that apply only under a condition. */
  conditions: { permission: PermissionId; when: "mentioned" | "in_group" | "on_timeline" | "unscoped" | "option_in_group_thread"; option: string | null }[];
  /** Field-dependent requirements: asking for any of `fields` needs one of `permissions`. */
  fields: { fields: string[]; permissions: PermissionId[] }[];
  group_scoped: boolean;
  group_scope: "none" | "path" | "post" | "all_groups";
  target: "unclaimed" | "password_user" | null;
  products: Product[];
  auth: "access_token" | "app_credentials";
  source: Source;
  summary: string;
}

export interface IntegrationConfig {
  product?: Product;
  app_id?: string | null;
  name?: string | null;
  admin_center_tab?: string | null;
  /** Ids, aliases or exact labels; normalised to ids. */
  permissions?: string[];
  options?: { auto_invite?: boolean; group_chats?: boolean };
  group_access?: { mode: "all" | "specific" | "group_admins"; groups?: string[] };
  ip_allowlist?: string[];
  require_appsecret_proof?: boolean;
  keep_unused_permissions?: boolean;
  unused_permission_days?: number;
  /** Last use of each permission, in Unix seconds. */
  usage?: { [permission: string]: number };
  uses?: Use[];
}

/** An operation id, "METHOD /path", or a call. */
export type Use = string | { method: string; path: string; fields?: string[] | string; node?: NodeType };

export interface TokenRecord { sha256: string; issued_at: number; expires_at: number | null }

export interface Credentials { app_secret: string; tokens?: TokenRecord[] }

export interface Directory {
  groups?: string[];
  members?: string[];
  /** Post id to its group id, or null for a timeline post. */
  posts?: { [postId: string]: string | null };
}

export interface Request {
  method: string;
  path: string;
  node?: NodeType;
  /** The post's group; null for a timeline post. */
  group_id?: string | null;
  fields?: string[] | string;
  source_ip?: string;
  access_token?: string;
  appsecret_proof?: string;
  appsecret_time?: number | string;
  now?: number;
  mentioned?: boolean;
  thread?: "direct" | "group";
  target_user?: { claimed?: boolean; active?: boolean; auth?: "password" | "sso" };
  directory?: Directory;
}

export interface TraceEntry {
  check: "token" | "ip" | "proof" | "operation" | "permission" | "group" | "target";
  ok: boolean;
  skipped: boolean;
  detail: string;
}

export interface GraphError { message: string; type: string; code: number }

export interface Decision {
  allowed: boolean;
  reason: DenyReason | null;
  operation: string | null;
  permission: PermissionId | null;
  trace: TraceEntry[];
  error: GraphError | null;
}

export interface Diagnostic {
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  /** JSON Pointer into the config. */
  path: string;
}

export interface ValidateOptions {
  /** The time `usage` is judged against; defaults to now. */
  now?: Time;
  ignore?: DiagnosticCode[];
  severity?: { [code in DiagnosticCode]?: Severity };
}

export interface VerifyParams { access_token?: string; appsecret_proof?: string; appsecret_time?: number | string }
export interface VerifyOptions { now?: Time; max_age_seconds?: number; max_skew_seconds?: number }
export interface VerifyResult { ok: boolean; reason: DenyReason | null }

export interface IssuedToken { access_token: string; issued_at: number; expires_at: number | null }
export type TokenResponse =
  | { access_token: string; token_type: "bearer"; expires_in: 7200 }
  | { error: GraphError };

export interface IntegrationState { version: 1; config: IntegrationConfig; tokens: TokenRecord[] }

export function appsecretProof(accessToken: string, appSecret: string, time?: Time): Proof;
export function legacyAppsecretProof(accessToken: string, appSecret: string): string;
export function verifyAppsecretProof(params: VerifyParams, appSecret: string, opts?: VerifyOptions): VerifyResult;
export function signRequest(url: string, creds: { access_token: string; app_secret: string }, opts?: { now?: Time }): string;
export function permissions(): Permission[];
export function operations(): Operation[];
export function requiredPermissions<U>(uses: (Use | U)[]): { permissions: PermissionId[]; unmatched: (Use | U)[] };
export function validate(config: unknown, opts?: ValidateOptions): Diagnostic[];
export function evaluate(config: IntegrationConfig, request: Request, credentials?: Credentials): Decision;
export function compile(config: IntegrationConfig, credentials?: Credentials): Policy;

export class ProofSigner {
  constructor(appSecret: string);
  proof(accessToken: string, time?: Time): Proof;
  legacy(accessToken: string): string;
  free(): void;
  [Symbol.dispose](): void;
}

export class Policy {
  private constructor();
  evaluate(request: Request): Decision;
  free(): void;
  [Symbol.dispose](): void;
}

export class Integration {
  constructor(config: IntegrationConfig, secret: { app_secret: string });
  static fromState(state: IntegrationState, secret: { app_secret: string }): Integration;
  issueToken(now?: Time): IssuedToken;
  resetToken(now?: Time): IssuedToken;
  resetSecret(newSecret: string): void;
  evaluate(request: Request): Decision;
  handleTokenRequest(form: string | { [field: string]: string }, now?: Time): TokenResponse;
  exportState(): IntegrationState;
  free(): void;
  [Symbol.dispose](): void;
}

/** One HTTP request as a runtime delivered it, for `Gate.handle`. */
export interface GateExchange {
  method: string;
  /** The request target (`/path?query`) or a full URL. */
  url: string;
  /** The body text when it is `application/x-www-form-urlencoded`; other bodies are not read. */
  body?: string | null;
  /** The address the connection came from; unknown fails the IP check of an allow-listed config. */
  client_ip?: string | null;
  /** `Bearer <token>` or `OAuth <token>`. */
  authorization?: string | null;
  /** Unix seconds; defaults to now. */
  now?: number;
}

/** What the gate answers: Graph's status and JSON body, and whether to forward the call upstream. */
export interface GateAnswer {
  /** 200, or Graph's status for the denial: 403 for codes 5 and 200, 400 otherwise. */
  status: number;
  /** An allowed call's is its decision (a Workplace gate's: the `decision` object itself). */
  body: Decision | { error: GraphError } | TokenResponse;
  /** null only when the exchange could not be read as a request (status 400, code 100). */
  decision: Decision | null;
  /** An allowed API call; never the token endpoint, which the gate answers itself. */
  forward: boolean;
}

export class Gate {
  constructor(config: IntegrationConfig, credentials: Credentials, opts?: { directory?: Directory });
  handle(exchange: GateExchange): GateAnswer;
  free(): void;
  [Symbol.dispose](): void;
}
"#;
