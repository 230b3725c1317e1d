//! Proof signing, the whole of the signer module (and part of the API module),
//! without wasm-bindgen: exports of numbers only, strings passed through one
//! buffer in wasm memory. The module then has no imports and no glue, which is
//! most of what a fresh process spends before its first proof (every import is
//! a wrapper V8 compiles first, and the glue is JavaScript to load). js/fast.mjs
//! checks the arguments, writes their UTF-8 into the buffer, and reads the
//! answer back from it.
//!
//! Every call reads its strings from the start of the buffer and wipes them
//! before it returns. It returns a number (a handle, a count) or the byte
//! length of its answer left in the buffer (a proof, ASCII); below zero, minus
//! the length of an error left there as `code message`. A signer is held by a
//! handle, its index in a table plus one.
//!
//! V8 compiles a wasm function on its first call, so what a first proof runs
//! is what a fresh process waits for: no formatting, no lazily initialised
//! statics on that path.

// `#[no_mangle]` is what makes a function a wasm export; no unsafe block follows.
#![allow(unsafe_code)]

use std::sync::Mutex;

use zeroize::{Zeroize, Zeroizing};

use crate::error::{Error, Result};
use crate::proof;

struct Signer {
    signer: proof::ProofSigner,
    /// The whole blocks of the last token of `sign_token`: js/fast.mjs keeps
    /// the token, passes it only when it changes, and passes the rest with
    /// each proof, so nothing of the token stays in wasm memory between calls.
    prefix: Option<proof::TokenPrefix>,
}

/// The signers JavaScript holds by handle.
struct Table {
    signers: Vec<Option<Signer>>,
    /// Indices of freed entries, reused first.
    vacant: Vec<usize>,
}

struct State {
    /// Where each call's strings come in and its answer goes out.
    io: Vec<u8>,
    table: Table,
}

// Built at compile time (a thread_local! would initialise on first use);
// wasm32 without threads makes the lock a flag.
static STATE: Mutex<State> = Mutex::new(State { io: Vec::new(), table: Table { signers: Vec::new(), vacant: Vec::new() } });

// The signer module's allocator: a free list of a few hundred bytes of wasm
// instead of std's dlmalloc (8 KB, its malloc alone 5 KB), which V8 compiled
// on a first proof's first call, about 0.1 ms of it (measured in Node 20, and
// 0.1 ms less to compile the module). The signer allocates a few buffers of
// sizes that repeat, so a list of free blocks stays short. The API module
// allocates much more, and uses talc (src/wasm/api.rs).
#[cfg(all(target_arch = "wasm32", not(feature = "api")))]
#[global_allocator]
static ALLOCATOR: lol_alloc::LockedAllocator<lol_alloc::FreeListAllocator> = lol_alloc::LockedAllocator::new(lol_alloc::FreeListAllocator::new());

/// What a call gives back.
enum Out {
    /// Left in the buffer.
    Text(String),
    /// Returned as it is.
    Number(usize),
}

/// Runs `f` on the table and the call's two strings (`a` then `b` bytes of
/// the buffer), wipes them, and leaves `f`'s answer in the buffer.
fn call(a: u32, b: u32, f: impl FnOnce(&mut Table, &str, &str) -> Result<Out>) -> i32 {
    // Nothing here calls out to JavaScript, so no call runs inside another
    // and the lock is always free; poisoning needs a panic, which aborts.
    let Ok(mut state) = STATE.lock() else {
        return 0;
    };
    let State { io, table } = &mut *state;
    let (a, b) = (a as usize, b as usize);
    let result = text(io.get(..a)).and_then(|first| f(table, first, text(io.get(a..a.saturating_add(b)))?));
    if let Some(input) = io.get_mut(..a.saturating_add(b)) {
        input.zeroize();
    }
    answer(io, result)
}

/// UTF-16 code units of UTF-8 `bytes`: one per sequence, two for a 4-byte one
/// (`encode_utf16().count()` without the code it brings along).
fn utf16_units(bytes: &[u8]) -> usize {
    bytes.iter().map(|&b| usize::from(b & 0xc0 != 0x80) + usize::from(b >= 0xf0)).sum()
}

fn text(bytes: Option<&[u8]>) -> Result<&str> {
    let bytes = bytes.ok_or_else(|| Error::argument("the signer's buffer holds fewer bytes than a call said"))?;
    std::str::from_utf8(bytes).map_err(|_| Error::argument("a string passed to the signer is not UTF-8"))
}

/// A call's return value, its text answer written at the start of the buffer.
fn answer(io: &mut [u8], result: Result<Out>) -> i32 {
    let (text, sign) = match result {
        // Handles and counts of a 32-bit memory fit.
        Ok(Out::Number(n)) => return n as i32,
        Ok(Out::Text(text)) => (text, 1),
        Err(e) => ([e.code.as_str(), " ", &e.message].concat(), -1),
    };
    // The caller reads at the address `sign_io` gave, so the buffer is not
    // moved for an answer: js/fast.mjs reserves at least 256 bytes, more than
    // any answer here (a proof is 64), and one that did not fit would be cut.
    let mut fits = text.len().min(io.len());
    while !text.is_char_boundary(fits) {
        fits -= 1;
    }
    if let (Some(out), Some(answer)) = (io.get_mut(..fits), text.as_bytes().get(..fits)) {
        out.copy_from_slice(answer);
    }
    // Below the buffer's length, itself far below 2^31 bytes.
    sign * fits as i32
}

impl Table {
    fn get(&mut self, handle: u32) -> Result<&mut Signer> {
        let index = (handle as usize).checked_sub(1);
        index.and_then(|i| self.signers.get_mut(i)).and_then(Option::as_mut).ok_or_else(|| Error::argument("this ProofSigner was freed: make a new one"))
    }

    fn add(&mut self, signer: Signer) -> usize {
        if let Some(i) = self.vacant.pop() {
            if let Some(slot) = self.signers.get_mut(i) {
                *slot = Some(signer);
                return i + 1;
            }
        }
        self.signers.push(Some(signer));
        self.signers.len()
    }

    fn remove(&mut self, handle: u32) {
        if let Some(i) = (handle as usize).checked_sub(1) {
            if let Some(slot @ Some(_)) = self.signers.get_mut(i) {
                *slot = None;
                self.vacant.push(i);
            }
        }
    }
}

/// Makes the buffer hold at least `len` bytes; its address, where the next
/// call's strings go. The address changes only here.
#[no_mangle]
pub extern "C" fn sign_io(len: u32) -> u32 {
    let Ok(mut state) = STATE.lock() else {
        return 0;
    };
    let len = len as usize;
    if state.io.len() < len {
        // Replaced, not grown: a grown Vec would free the old bytes unwiped.
        drop(Zeroizing::new(std::mem::replace(&mut state.io, vec![0; len])));
    }
    // wasm32 addresses are 32 bits.
    state.io.as_mut_ptr() as usize as u32
}

/// A signer for the app secret of the buffer's first `len` bytes: its handle.
#[no_mangle]
pub extern "C" fn sign_new(len: u32) -> i32 {
    call(len, 0, |table, secret, _| Ok(Out::Number(table.add(Signer { signer: proof::ProofSigner::new(secret), prefix: None }))))
}

/// Frees a signer; its handle is then refused until it is given out again.
#[no_mangle]
pub extern "C" fn sign_free(handle: u32) {
    if let Ok(mut state) = STATE.lock() {
        state.table.remove(handle);
    }
}

/// Absorbs the whole blocks of the token in the buffer (`len` bytes), which
/// the following `sign_proof` calls sign for: how many UTF-16 code units of
/// it that is, where the caller's rest begins.
#[no_mangle]
pub extern "C" fn sign_token(handle: u32, len: u32) -> i32 {
    call(len, 0, |table, token, _| {
        let signer = table.get(handle)?;
        let prefix = signer.signer.token_prefix(token);
        let units = token.as_bytes().get(..prefix.bytes).map_or(0, utf16_units);
        signer.prefix = Some(prefix);
        Ok(Out::Number(units))
    })
}

/// The proof at `at` (Unix seconds, floored) for the last `sign_token`
/// token, whose rest is in the buffer (`len` bytes).
#[no_mangle]
pub extern "C" fn sign_proof(handle: u32, len: u32, at: f64) -> i32 {
    call(len, 0, |table, rest, _| {
        let time = proof::seconds_of(at, "time")?;
        let signer = table.get(handle)?;
        let prefix = signer.prefix.as_ref().ok_or_else(|| Error::argument("no access token was given to sign for"))?;
        Ok(Out::Text(signer.signer.proof_after(prefix, rest, time)))
    })
}

/// The legacy proof (no time) of the token in the buffer (`len` bytes).
#[no_mangle]
pub extern "C" fn sign_legacy(handle: u32, len: u32) -> i32 {
    call(len, 0, |table, token, _| Ok(Out::Text(table.get(handle)?.signer.legacy(token))))
}

/// The legacy proof of the buffer's token (`token` bytes) under the secret
/// that follows it (`secret` bytes), with no signer kept.
#[no_mangle]
pub extern "C" fn sign_legacy_once(token: u32, secret: u32) -> i32 {
    call(token, secret, |_, token, secret| Ok(Out::Text(proof::legacy_appsecret_proof(token, secret))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};
    use proptest::prelude::*;
    use sha2::Sha256;

    /// The exports share one state, as they do in wasm: one test calls them.
    fn put(strings: &[&str]) -> Vec<u32> {
        sign_io(strings.iter().map(|s| s.len()).sum::<usize>() as u32 + 256);
        let mut state = STATE.lock().unwrap();
        let mut at = 0;
        let mut lengths = Vec::new();
        for s in strings {
            state.io[at..at + s.len()].copy_from_slice(s.as_bytes());
            at += s.len();
            lengths.push(s.len() as u32);
        }
        lengths
    }

    fn read(n: i32) -> String {
        String::from_utf8(STATE.lock().unwrap().io[..n.unsigned_abs() as usize].to_vec()).unwrap()
    }

    fn oracle(key: &str, message: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key.as_bytes()).unwrap();
        mac.update(message.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn the_exports_sign_as_hmac_sha256_and_wipe_what_they_read() {
        let secret = "sécret✓";
        let handle = sign_new(put(&[secret])[0]);
        assert!(handle > 0);
        for token in ["EAAGshort", &format!("{}tök€n😀{}", "EAAG".repeat(40), "é".repeat(30))] {
            let len = put(&[token])[0];
            let units = sign_token(handle as u32, len);
            assert!(units >= 0);
            // The caller's rest: the token after `units` UTF-16 code units.
            let rest = String::from_utf16(&token.encode_utf16().skip(units as usize).collect::<Vec<_>>()).unwrap();
            assert!(rest.len() < 64 + 4, "whole blocks were absorbed: {} bytes left", rest.len());
            let len = put(&[&rest])[0];
            let n = sign_proof(handle as u32, len, 1_764_000_000.9);
            assert_eq!(read(n), oracle(secret, &format!("{token}|1764000000")));
            let io = &STATE.lock().unwrap().io;
            // What the answer did not overwrite of the rest is wiped.
            assert!(io[n as usize..(len as usize).max(n as usize)].iter().all(|&b| b == 0), "the rest is wiped");
        }
        let n = sign_legacy(handle as u32, put(&["tok"])[0]);
        assert_eq!(read(n), oracle(secret, "tok"));
        let lengths = put(&["tok", secret]);
        assert_eq!(read(sign_legacy_once(lengths[0], lengths[1])), oracle(secret, "tok"));
        assert!(STATE.lock().unwrap().io[64..67 + secret.len()].iter().all(|&b| b == 0), "the secret is wiped");

        let n = sign_proof(handle as u32, put(&["x"])[0], -1.0);
        assert_eq!(read(n), "invalid_time time: -1 is negative; expected Unix seconds since 1970");
        let fresh = sign_new(put(&["other"])[0]);
        assert_eq!(read(sign_proof(fresh as u32, put(&["x"])[0], 5.0)), "invalid_argument no access token was given to sign for");
        sign_free(handle as u32);
        assert_eq!(read(sign_legacy(handle as u32, put(&["tok"])[0])), "invalid_argument this ProofSigner was freed: make a new one");
        assert!(read(sign_token(0, 0)).starts_with("invalid_argument this ProofSigner was freed"));
        // A freed entry is given out again, to a new signer.
        let again = sign_new(put(&["again"])[0]);
        assert_eq!(again, handle);
        assert_eq!(read(sign_legacy(again as u32, put(&["tok"])[0])), oracle("again", "tok"));
        let io_len = STATE.lock().unwrap().io.len() as u32;
        assert!(read(sign_new(io_len + 1)).starts_with("invalid_argument the signer's buffer holds fewer bytes"));
    }

    proptest! {
        #[test]
        fn utf16_units_count_as_encode_utf16(s in any::<String>()) {
            prop_assert_eq!(utf16_units(s.as_bytes()), s.encode_utf16().count());
        }
    }
}
