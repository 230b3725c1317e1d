//! Proof signing, the whole of the signer module (and part of the API module).
//! No serde here: the signer module stays a few tens of KB.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{string, throw, time, JsResult};
use crate::error::Error;
use crate::proof;

#[wasm_bindgen(js_name = appsecretProof, skip_typescript)]
pub fn appsecret_proof(access_token: JsValue, app_secret: JsValue, at: JsValue) -> JsResult<JsValue> {
    let signer = ProofSigner::new(app_secret)?;
    signer.proof(access_token, at)
}

#[wasm_bindgen(js_name = legacyAppsecretProof, skip_typescript)]
pub fn legacy_appsecret_proof(access_token: JsValue, app_secret: JsValue) -> JsResult<String> {
    let token = string(&access_token, "accessToken")?;
    let secret = string(&app_secret, "appSecret")?;
    Ok(proof::legacy_appsecret_proof(&token, &secret))
}

/// A signer with the key schedule done once, for many proofs.
#[wasm_bindgen(skip_typescript)]
pub struct ProofSigner {
    signer: proof::ProofSigner,
    /// The signer with the last token of `__token` absorbed (js/fast.mjs
    /// passes a token only when it changes).
    token: Option<proof::KeptTokenSigner>,
}

/// The proof as hex text, for the fast paths of js/fast.mjs.
fn hex_text(hex: &[u8; 64]) -> String {
    hex.iter().map(|&b| char::from(b)).collect()
}

fn seconds(t: f64, what: &str) -> JsResult<i64> {
    proof::seconds_from_f64(t).map_err(|e| throw(Error::time(format!("{what}: {}", e.message))))
}

#[wasm_bindgen]
impl ProofSigner {
    #[wasm_bindgen(constructor)]
    pub fn new(app_secret: JsValue) -> JsResult<ProofSigner> {
        Ok(ProofSigner { signer: proof::ProofSigner::new(&string(&app_secret, "appSecret")?), token: None })
    }

    pub fn proof(&self, access_token: JsValue, at: JsValue) -> JsResult<JsValue> {
        let token = string(&access_token, "accessToken")?;
        proof_object(self.signer.proof(&token, time(&at, "time")?))
    }

    pub fn legacy(&self, access_token: JsValue) -> JsResult<String> {
        Ok(self.signer.legacy(&string(&access_token, "accessToken")?))
    }

    /// Absorbs the token that the following `__sign` calls sign for.
    #[wasm_bindgen(js_name = __token)]
    pub fn set_token(&mut self, access_token: String) {
        let access_token = Zeroizing::new(access_token);
        self.token = Some(proof::KeptTokenSigner::new(self.signer.for_token(&access_token)));
    }

    /// The proof for the `__token` token at `at` (Unix seconds, floored).
    #[wasm_bindgen(js_name = __sign)]
    pub fn sign(&self, at: f64) -> JsResult<String> {
        let signer = self.token.as_ref().ok_or_else(|| throw(Error::argument("no access token was given to sign for")))?;
        sign_hex(signer, at)
    }

    /// The proof for `access_token` at `at`, keeping nothing of the token.
    #[wasm_bindgen(js_name = __signOnce)]
    pub fn sign_once(&self, access_token: String, at: f64) -> JsResult<String> {
        let access_token = Zeroizing::new(access_token);
        // Not a `KeptTokenSigner`: flushing costs a SHA-256 block, and the
        // signer's copies on the stack (SECURITY.md, memory it cannot reach)
        // would stay all the same.
        sign_hex(&self.signer.for_token(&access_token), at)
    }
}

fn sign_hex(signer: &proof::TokenSigner, at: f64) -> JsResult<String> {
    let at = seconds(at, "time")?;
    let mut hex = [0u8; 64];
    signer.proof_hex(at, &mut hex);
    Ok(hex_text(&hex))
}

/// `{ appsecret_proof, appsecret_time }` as a plain object.
fn proof_object(p: proof::Proof) -> JsResult<JsValue> {
    let out = Object::new();
    let set = |key: &str, value: JsValue| {
        Reflect::set(&out, &key.into(), &value).map_err(|_| throw(Error::argument("could not build the result")))
    };
    set("appsecret_proof", p.appsecret_proof.into())?;
    set("appsecret_time", (p.appsecret_time as f64).into())?;
    Ok(out.into())
}
