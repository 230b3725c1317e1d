// Proof signing in front of the signer's exports: `ProofSigner`, `appsecretProof` and
// `legacyAppsecretProof` check their arguments here, with the messages the rest of the API gives,
// and pass the wasm core strings and numbers only.
//
// Proofs are signed by the small signer module, whose plain wasm exports take numbers only (no
// wasm-bindgen: no imports and no glue, which is what a fresh process spends most on before its
// first proof); strings cross as UTF-8 in the signer's buffer. A process that only signs never
// loads the API module in Node, nor the rest of the API's JavaScript: index.cjs holds this
// module's CommonJS twin and loads the rest on first use. ES module runtimes reach the same
// exports in the API module.
//
// tools/build-pkg.mjs copies this file into the package as sign.js and derives its CommonJS twin
// in index.cjs. Its `export function` and `export class` declarations are API; the `export { }`
// list at the end is for js/fast.mjs only, and no entry exports it.
import { __exports as signerExports } from './signer.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

function coded(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

// A string argument (a secret or a token), or the API's coded Error.
function text(value, what) {
  if (typeof value !== 'string') throw coded('invalid_argument', `${what} must be a string`);
  return value;
}

// A proof's time as a number: Unix seconds, a Date, or absent for now. The core refuses a number
// that is no Unix seconds (invalid_time: NaN, out of range; an invalid Date is NaN).
function seconds(time) {
  if (typeof time === 'number') return time;
  if (time == null) return nowSeconds();
  if (time instanceof Date) {
    try {
      return Date.prototype.getTime.call(time) / 1000;
    } catch {
      // Date.prototype in its chain, but no Date (Object.create(Date.prototype)).
      return NaN;
    }
  }
  throw coded('invalid_time', 'time must be Unix seconds (a number) or a Date');
}

const proofAt = (appsecret_proof, at) => ({ appsecret_proof, appsecret_time: Math.floor(at) + 0 });

// The glue passes a string to wasm as UTF-8, a lone surrogate as U+FFFD; JSON.stringify keeps it
// escaped and serde_json refuses it. A request with such a string takes the glue's path (`utf8`
// finds it), so both paths agree.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = typeof ''.isWellFormed === 'function' ? (s) => s.isWellFormed() : (s) => !LONE_SURROGATE.test(s);
const encoder = new TextEncoder();
// What `utf8` returns for a string with a lone surrogate, when asked to check.
const ILL_FORMED = -2;
// From this many UTF-16 units on, encodeInto's native copy beats a loop in JavaScript, despite the
// subarray it needs (measured in Node 20: 88 ns against 460 ns for a 200-character token, 71 ns
// against 19 ns for an address).
const LONG = 32;

// `s` as UTF-8 into `bytes` from `at`, which has room for 3 bytes per UTF-16 unit; its length.
// encodeInto writes U+FFFD for a lone surrogate, as the glue does; `checked` returns ILL_FORMED
// instead (the glue's JSON path refuses such a request). Only a string past ASCII can hold one: a
// copy loop that meets no such unit has checked it for free, which is most strings of a request.
function utf8(bytes, at, s, checked) {
  const n = s.length;
  let i = 0;
  if (n <= LONG) {
    for (; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c > 0x7f) break;
      bytes[at + i] = c;
    }
    if (i === n) return n;
  }
  const rest = i === 0 ? s : s.slice(i);
  if (checked && !wellFormed(rest)) return ILL_FORMED;
  return i + encoder.encodeInto(rest, bytes.subarray(at + i, at + 3 * n)).written;
}

// The room to reserve in wasm memory for `need` bytes, past `room`: doubled, so that growing
// strings reserve a few times only, and never under 256 bytes, which src/wasm/signer.rs counts on
// for its answers.
const roomFor = (need, room) => Math.max(need, 2 * room, 256);

// The signer's exports (src/wasm/signer.rs): a call reads its strings from the start of the
// signer's buffer and wipes them, and returns a number, or the length of its answer left there;
// below zero, minus the length of an error left there. Looked up on first use: the API module,
// where ES module runtimes sign, is instantiated after this module is evaluated.
let CORE;
const core = () => (CORE ??= signerExports());
let ioAt = 0;
let ioRoom = 0;
// The bytes of the signer's memory, looked up again once growth has detached them.
let ioBytes = new Uint8Array(0);
const signerBytes = () => (ioBytes.byteLength === 0 ? (ioBytes = new Uint8Array(core().memory.buffer)) : ioBytes);

// The signer's bytes, with room for `units` UTF-16 units as UTF-8 from ioAt.
function io(units) {
  if (3 * units > ioRoom) {
    ioRoom = roomFor(3 * units, ioRoom);
    ioAt = core().sign_io(ioRoom);
  }
  return signerBytes();
}

// `s` at the start of the signer's buffer; its byte length.
const written = (s) => utf8(io(s.length), ioAt, s, false);

// Decodes the answers of signer calls from the 16th on: a TextDecoder costs a fresh process
// 0.15 ms to make, more than its first proof's answer is worth, and then decodes a proof about
// 10% of a proof's time faster than String.fromCharCode (measured in Node 20).
let DECODER;
let answers = 0;

// A signer call's answer left in its buffer (a proof: ASCII), or the coded Error it gave.
function answer(n) {
  if (n <= 0) throw failure(-n);
  const bytes = signerBytes().subarray(ioAt, ioAt + n);
  if (DECODER !== undefined) return DECODER.decode(bytes);
  if (++answers >= 16) DECODER = new TextDecoder();
  return String.fromCharCode.apply(null, bytes);
}

// A signer call's number (a handle, a count), or the coded Error it gave.
function number(n) {
  if (n >= 0) return n;
  throw failure(-n);
}

// The coded Error a signer call left in its buffer as `code message` (UTF-8).
function failure(length) {
  const text = (DECODER ??= new TextDecoder()).decode(signerBytes().subarray(ioAt, ioAt + length));
  const space = text.indexOf(' ');
  return coded(text.slice(0, space), text.slice(space + 1));
}

// Frees the core signer of a ProofSigner dropped without free().
const dropped = typeof FinalizationRegistry === 'function' ? new FinalizationRegistry((handle) => core().sign_free(handle)) : undefined;

// A core signer, signing token after token. The core keeps the whole 64-byte blocks of the last
// token absorbed (hash chaining values, no byte of the token); this keeps the token itself, to
// know when it changes and to pass the rest of it with each proof.
class TokenCache {
  #handle = 0;
  #token;
  #cut = 0;

  constructor(appSecret) {
    this.#handle = number(core().sign_new(written(appSecret)));
    dropped?.register(this, this.#handle, this);
  }

  // The core signer's handle, which must not be used once freed.
  live() {
    if (this.#handle === 0) throw coded('invalid_argument', 'this ProofSigner was freed: make a new one');
    return this.#handle;
  }

  sign(accessToken, at) {
    const handle = this.live();
    if (accessToken !== this.#token) {
      this.#cut = number(core().sign_token(handle, written(accessToken)));
      this.#token = accessToken;
    }
    const rest = this.#cut === 0 ? accessToken : accessToken.slice(this.#cut);
    return proofAt(answer(core().sign_proof(handle, written(rest), at)), at);
  }

  legacy(accessToken) {
    return answer(core().sign_legacy(this.live(), written(accessToken)));
  }

  free() {
    if (this.#handle === 0) return;
    dropped?.unregister(this);
    core().sign_free(this.#handle);
    this.#handle = 0;
    this.#token = undefined;
  }
}

/** A signer with the key schedule done once; the last token's whole blocks stay absorbed. */
export class ProofSigner {
  #tokens;

  constructor(appSecret) {
    this.#tokens = new TokenCache(text(appSecret, 'appSecret'));
  }

  proof(accessToken, time) {
    return this.#tokens.sign(text(accessToken, 'accessToken'), seconds(time));
  }

  legacy(accessToken) {
    return this.#tokens.legacy(text(accessToken, 'accessToken'));
  }

  free() {
    this.#tokens.free();
  }
}
if (Symbol.dispose) ProofSigner.prototype[Symbol.dispose] = ProofSigner.prototype.free;

// The signer of the last secret appsecretProof was given, and its last token: a client signs call
// after call with one secret and one token, and the key schedule and the token's whole blocks are
// most of the SHA-256 blocks of a proof. The core holds the keyed HMAC state (what any proof leaves
// in wasm memory) and the token's chaining values, never the secret or a byte of the token; a call
// with another secret frees it. Recognising the secret and the token keeps a reference to the
// caller's strings, which live in the JavaScript heap either way (SECURITY.md).
let last;

export function appsecretProof(accessToken, appSecret, time) {
  const secret = text(appSecret, 'appSecret');
  const token = text(accessToken, 'accessToken');
  const at = seconds(time);
  if (last?.secret !== secret) {
    const tokens = new TokenCache(secret);
    last?.tokens.free();
    last = { secret, tokens };
  }
  return last.tokens.sign(token, at);
}

export function legacyAppsecretProof(accessToken, appSecret) {
  const token = text(accessToken, 'accessToken');
  const secret = text(appSecret, 'appSecret');
  const bytes = io(token.length + secret.length);
  const n = utf8(bytes, ioAt, token, false);
  return answer(core().sign_legacy_once(n, utf8(bytes, ioAt + n, secret, false)));
}

export { ILL_FORMED, coded, nowSeconds, roomFor, utf8 };
