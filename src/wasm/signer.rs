//! Proof signing, the whole of the signer module (and part of the API module).
//! Strings and numbers only, in and out: js/fast.mjs checks the arguments'
//! types and builds the `{ appsecret_proof, appsecret_time }` object. Every
//! import of a wasm module is a wrapper V8 compiles before a fresh process
//! makes its first proof, and reading a `JsValue` takes several; no serde
//! here either, so the signer module stays a few tens of KB.

use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{seconds, throw, JsResult};
use crate::error::Error;
use crate::proof;

#[wasm_bindgen(js_name = legacyAppsecretProof, skip_typescript)]
pub fn legacy_appsecret_proof(access_token: String, app_secret: String) -> String {
    let (token, secret) = (Zeroizing::new(access_token), Zeroizing::new(app_secret));
    proof::legacy_appsecret_proof(&token, &secret)
}

/// A signer with the key schedule done once, for many proofs.
#[wasm_bindgen(skip_typescript)]
pub struct ProofSigner {
    signer: proof::ProofSigner,
    /// The whole blocks of the last token of `__token`: js/fast.mjs keeps the
    /// token, passes it only when it changes, and passes the rest with each
    /// `__sign`, so nothing of the token stays in wasm memory between calls.
    prefix: Option<proof::TokenPrefix>,
}

#[wasm_bindgen]
impl ProofSigner {
    #[wasm_bindgen(constructor)]
    pub fn new(app_secret: String) -> ProofSigner {
        ProofSigner { signer: proof::ProofSigner::new(&Zeroizing::new(app_secret)), prefix: None }
    }

    pub fn legacy(&self, access_token: String) -> String {
        self.signer.legacy(&Zeroizing::new(access_token))
    }

    /// Absorbs the whole blocks of the token the following `__sign` calls
    /// sign for; returns how many UTF-16 code units of it that is, where the
    /// caller's rest begins.
    #[wasm_bindgen(js_name = __token)]
    pub fn set_token(&mut self, access_token: String) -> f64 {
        let access_token = Zeroizing::new(access_token);
        let prefix = self.signer.token_prefix(&access_token);
        // A count of code units of a JS string is far below 2^53: exact as an f64.
        let units = access_token.get(..prefix.bytes).map_or(0, |p| p.encode_utf16().count()) as f64;
        self.prefix = Some(prefix);
        units
    }

    /// The proof at `at` (Unix seconds, floored) for the `__token` token,
    /// given the rest of it.
    #[wasm_bindgen(js_name = __sign)]
    pub fn sign(&self, rest: String, at: f64) -> JsResult<String> {
        let rest = Zeroizing::new(rest);
        let prefix = self.prefix.as_ref().ok_or_else(|| throw(Error::argument("no access token was given to sign for")))?;
        Ok(self.signer.proof_after(prefix, &rest, seconds(at, "time")?))
    }
}
