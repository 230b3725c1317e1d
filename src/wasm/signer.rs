//! Proof signing, the whole of the signer module (and part of the API module).
//! No serde here: the signer module stays a few tens of KB.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use super::{seconds, string, throw, time, JsResult};
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
    /// The whole blocks of the last token of `__token`: js/fast.mjs keeps the
    /// token, passes it only when it changes, and passes the rest with each
    /// `__sign`, so nothing of the token stays in wasm memory between calls.
    prefix: Option<proof::TokenPrefix>,
}

#[wasm_bindgen]
impl ProofSigner {
    #[wasm_bindgen(constructor)]
    pub fn new(app_secret: JsValue) -> JsResult<ProofSigner> {
        Ok(ProofSigner { signer: proof::ProofSigner::new(&string(&app_secret, "appSecret")?), prefix: None })
    }

    pub fn proof(&self, access_token: JsValue, at: JsValue) -> JsResult<JsValue> {
        let token = string(&access_token, "accessToken")?;
        proof_object(self.signer.proof(&token, time(&at, "time")?))
    }

    pub fn legacy(&self, access_token: JsValue) -> JsResult<String> {
        Ok(self.signer.legacy(&string(&access_token, "accessToken")?))
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
