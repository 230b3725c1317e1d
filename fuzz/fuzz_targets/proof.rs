//! Proofs: generation, verification and signed URLs.
//!
//! Input: 8 bytes of time (i64, little-endian), one byte of choices, then up to
//! five NUL-separated texts: app secret, access token, a received proof, a
//! received time, a URL.
//!
//! Invariants beyond "no panic":
//! - every way of making a proof (`appsecret_proof`, a signer, a token signer,
//!   `proof_hex`, a token's absorbed blocks and the rest) gives the same 64
//!   lower-case hex digits, and they are the `hmac` crate's HMAC-SHA256;
//! - `verify(proof(x))` passes at its own time and up to 300 s later, is
//!   `proof_expired` at 301 s and `proof_future` a second early;
//! - the proof in upper case, cut short, lengthened, or with one digit changed,
//!   and the time as `t.0`, `+t`, `0t`, `t.5`, are refused with the exact reason;
//!   another token or secret is `proof_mismatch`;
//! - a received proof and time pass only when they are exactly the proof of that
//!   token at that time;
//! - `seconds_from_f64` floors into [0, year 9999] or refuses;
//! - a signed URL carries exactly one `access_token`, `appsecret_proof` and
//!   `appsecret_time`, and they verify.
#![no_main]

use appgrant::form;
use appgrant::proof::{appsecret_proof, seconds_from_f64, sign_url, ProofParams, ProofSigner, TimeValue, VerifyOptions};
use appgrant::DenyReason;
use hmac::{Hmac, Mac};
use libfuzzer_sys::fuzz_target;

const SIGNED_KEYS: [&str; 3] = ["access_token", "appsecret_proof", "appsecret_time"];
const MAX_SAFE: i64 = 9_007_199_254_740_991;

fn verify(signer: &ProofSigner, token: &str, proof: &str, time: TimeValue<'_>, now: i64) -> Result<(), DenyReason> {
    let params = ProofParams { access_token: Some(token), appsecret_proof: Some(proof), appsecret_time: Some(time) };
    signer.verify(&params, &VerifyOptions::at(now))
}

fn decoded(raw: &str) -> Option<String> {
    form::parse(raw).ok().and_then(|pairs| pairs.into_iter().next()).map(|(k, _)| k)
}

fuzz_target!(|data: &[u8]| {
    let Some((time_bytes, rest)) = data.split_first_chunk::<8>() else { return };
    let Some((&choice, rest)) = rest.split_first() else { return };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.split('\0');
    let secret = parts.next().unwrap_or_default();
    let token = parts.next().unwrap_or_default();
    let received_proof = parts.next().unwrap_or_default();
    let received_time = parts.next().unwrap_or_default();
    let url = parts.next().unwrap_or_default();
    // Times a JavaScript caller can send: within ±2^53.
    let time = i64::from_le_bytes(*time_bytes) % MAX_SAFE;

    let signer = ProofSigner::new(secret);
    let proof = signer.proof(token, time);
    assert_eq!(proof.appsecret_time, time);
    let hex = proof.appsecret_proof.as_str();
    assert_eq!(hex.len(), 64);
    assert!(hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)), "{hex}");
    assert_eq!(appsecret_proof(token, secret, time), proof);
    let oracle = |message: &str| {
        let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes a key of any length");
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    assert_eq!(hex, oracle(&format!("{token}|{time}")), "the hmac crate's HMAC-SHA256");
    assert_eq!(signer.legacy(token), oracle(token), "the legacy proof, by the hmac crate");
    let token_signer = signer.for_token(token);
    assert_eq!(token_signer.proof(time), proof);
    let mut out = [0u8; 64];
    token_signer.proof_hex(time, &mut out);
    assert_eq!(&out[..], hex.as_bytes());
    // The token's whole blocks absorbed once, the rest passed with the proof (js/fast.mjs).
    let prefix = signer.token_prefix(token);
    assert_eq!(prefix.bytes % 64, 0);
    let rest = token.get(prefix.bytes..).expect("the prefix ends on a char boundary");
    assert_eq!(signer.proof_after(&prefix, rest, time), hex);
    assert_ne!(signer.legacy(token), proof.appsecret_proof, "the legacy proof hashes no time");

    let time_text = time.to_string();
    let digits = time_text.trim_start_matches('-').len();
    if !token.is_empty() && digits <= 16 {
        let t = TimeValue::Text(&time_text);
        assert_eq!(verify(&signer, token, hex, t, time), Ok(()));
        assert_eq!(verify(&signer, token, hex, TimeValue::Number(time as f64), time), Ok(()));
        if let Some(late) = time.checked_add(300) {
            assert_eq!(verify(&signer, token, hex, t, late), Ok(()), "300 s old is still valid");
        }
        if let Some(expired) = time.checked_add(301) {
            assert_eq!(verify(&signer, token, hex, t, expired), Err(DenyReason::ProofExpired));
        }
        if let Some(early) = time.checked_sub(1) {
            assert_eq!(verify(&signer, token, hex, t, early), Err(DenyReason::ProofFuture));
        }
        let upper = hex.to_ascii_uppercase();
        if upper != hex {
            assert_eq!(verify(&signer, token, &upper, t, time), Err(DenyReason::ProofMalformed));
        }
        assert_eq!(verify(&signer, token, hex.get(..63).unwrap_or_default(), t, time), Err(DenyReason::ProofMalformed));
        assert_eq!(verify(&signer, token, &format!("{hex}0"), t, time), Err(DenyReason::ProofMalformed));
        let at = usize::from(choice % 64);
        let mut changed = hex.as_bytes().to_vec();
        if let Some(b) = changed.get_mut(at) {
            *b = if *b == b'0' { b'1' } else { b'0' };
        }
        let changed = String::from_utf8(changed).unwrap_or_default();
        assert_eq!(verify(&signer, token, &changed, t, time), Err(DenyReason::ProofMismatch));
        for spelled in [format!("{time}.0"), format!("+{time}"), format!("0{time}"), format!("{time}e0"), format!(" {time}")] {
            assert_eq!(verify(&signer, token, hex, TimeValue::Text(&spelled), time), Err(DenyReason::ProofMalformed), "{spelled:?}");
        }
        let half = time as f64 + 0.5;
        if half.fract() != 0.0 {
            assert_eq!(verify(&signer, token, hex, TimeValue::Number(half), time), Err(DenyReason::ProofMalformed));
        }
        assert_eq!(verify(&signer, &format!("{token}x"), hex, t, time), Err(DenyReason::ProofMismatch));
        assert_eq!(verify(&ProofSigner::new(&format!("{secret}x")), token, hex, t, time), Err(DenyReason::ProofMismatch));
    }

    // A received proof passes only when it is the proof of this token at that time.
    let now = time.saturating_add(i64::from(choice));
    if verify(&signer, token, received_proof, TimeValue::Text(received_time), now).is_ok() {
        let t: i64 = received_time.parse().expect("a passing time is decimal");
        assert_eq!(received_proof, signer.proof(token, t).appsecret_proof);
    }

    match seconds_from_f64(f64::from_bits(u64::from_le_bytes(*time_bytes))) {
        Ok(s) => assert!((0..=253_402_300_799).contains(&s)),
        Err(e) => assert_eq!(e.code.as_str(), "invalid_time"),
    }

    if let Ok(signed) = sign_url(url, token, &signer, time) {
        // The query is what sign_url wrote between the first `?` and the fragment.
        let before_fragment = signed.split_once('#').map_or(signed.as_str(), |(b, _)| b);
        let query = before_fragment.split_once('?').map(|(_, q)| q).expect("a signed URL has a query string");
        let mut found: Vec<(&str, String)> = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            if let Some(k) = SIGNED_KEYS.iter().find(|k| decoded(key).as_deref() == Some(**k)) {
                let value = form::parse(&format!("v={value}")).expect("signed values are encoded").pop().map(|(_, v)| v).unwrap_or_default();
                found.push((k, value));
            }
        }
        assert_eq!(found.len(), 3, "one of each signed key in {signed:?}");
        let get = |k: &str| found.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or_default();
        assert_eq!(get("access_token"), token);
        assert_eq!(get("appsecret_proof"), proof.appsecret_proof);
        assert_eq!(get("appsecret_time"), time_text);
    }
});
