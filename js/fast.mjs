// The hot paths of the API, in front of the wasm glue: `ProofSigner`, `appsecretProof`,
// `legacyAppsecretProof`, `compile` (its `Policy`) and `evaluate` read their arguments in
// JavaScript and pass the wasm core only strings and numbers (a Policy writes a request's strings
// straight into wasm memory, see `Channel`).
//
// Why: the glue reads an object argument through JSON.stringify and serde_json (the only way a
// cycle, a throwing getter or deep nesting cannot unwind through wasm frames), and returns
// objects as JSON text; for a proof or a decision that costs more than the work itself. Here a
// plain request object is read field by field with `typeof` checks; anything unusual (another
// type, an unknown key, a getter that throws, a `directory` or `target_user`) takes the glue's own
// path, which gives the same answer or the same coded Error as before. Only primitives cross, so
// nothing JavaScript can do mid-call unwinds through wasm.
//
// A Policy's decision is computed without its trace; `decision.trace` asks the core to explain
// the same request at the same clock when it is first read (a Policy is immutable, so the trace
// is the one the decision had), and JSON.stringify sees it through toJSON.
//
// Proofs are signed by the small signer module, whose plain wasm exports take numbers only (no
// wasm-bindgen: no imports and no glue, which is what a fresh process spends most on before its
// first proof): the argument checks of the proof functions are here, with the messages the rest
// of the API gives, strings cross as UTF-8 in the signer's buffer, and a process that only signs
// never loads the API module in Node (index.cjs loads it on first use). ES module runtimes reach
// the same exports in the API module.
// tools/build-pkg.mjs copies this file into the package as fast.js (beside the web glues) and
// derives a CommonJS twin of it in index.cjs; the entries export these names instead of the glue's.
import { __exports as signerExports } from './signer.js';
import { compile as glueCompile, evaluate as glueEvaluate, __tables, __memory } from './appgrant.js';

const nowSeconds = () => Math.floor(Date.now() / 1000);

// Names behind the numbers the core returns; read once, on first use (the browser entry
// instantiates the wasm after this module is evaluated).
let TABLES;
const tables = () => (TABLES ??= __tables());

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

const FIELD_NAME = /^[A-Za-z0-9_.]+$/;

// `fields` as the core's comma-separated form, or undefined when it cannot be passed as one
// (an element a comma or spaces would change).
function fieldText(fields) {
  if (typeof fields === 'string') return fields;
  if (!Array.isArray(fields) || Object.getPrototypeOf(fields) !== Array.prototype) return undefined;
  for (const f of fields) if (typeof f !== 'string' || !FIELD_NAME.test(f)) return undefined;
  return fields.join(',');
}

// The arguments of `__decide` for a plain request object whose every value has the type
// `Request::from_json` accepts, or undefined to take the glue's path: eight numbers, then the
// eight strings (each may be undefined) that `Channel` writes into wasm memory. JSON.stringify
// drops undefined values and writes non-finite numbers as null, so those count as absent here too.
function decideArgs(request) {
  if (typeof request !== 'object' || request === null || Object.getPrototypeOf(request) !== Object.prototype) return undefined;
  let method, methodText, path, fields, sourceIp, token, proof, timeText, mentioned = false;
  let node = 0, group = 0, groupId, timeNumber = NaN, now = NaN, thread = 0;
  for (const key in request) {
    const v = request[key];
    if (v === undefined) continue;
    switch (key) {
      case 'method':
        if (typeof v !== 'string') return undefined;
        // A method of the catalog crosses as a number; any other as text.
        method = tables().methods.indexOf(v) + 1;
        if (method === 0) methodText = v;
        break;
      case 'path':
        if (typeof v !== 'string') return undefined;
        path = v;
        break;
      case 'node':
        if (v === null) break;
        node = typeof v === 'string' ? tables().nodes.indexOf(v) + 1 : 0;
        if (node === 0) return undefined;
        break;
      case 'group_id':
        if (v === null) group = 1;
        else if (typeof v === 'string') (group = 2), (groupId = v);
        else return undefined;
        break;
      case 'fields':
        if (v === null) break;
        fields = fieldText(v);
        if (fields === undefined) return undefined;
        break;
      case 'source_ip':
      case 'access_token':
      case 'appsecret_proof':
        if (v === null) break;
        if (typeof v !== 'string') return undefined;
        if (key === 'source_ip') sourceIp = v;
        else if (key === 'access_token') token = v;
        else proof = v;
        break;
      case 'appsecret_time':
        if (typeof v === 'string') timeText = v;
        else if (typeof v === 'number') timeNumber = Number.isFinite(v) ? v : NaN;
        else if (v !== null) return undefined;
        break;
      case 'now':
        if (typeof v === 'number') now = Number.isFinite(v) ? v : NaN;
        else if (v !== null) return undefined;
        break;
      case 'mentioned':
        if (typeof v === 'boolean') mentioned = v;
        else if (v !== null) return undefined;
        break;
      case 'thread':
        if (v === null) break;
        thread = v === 'direct' ? 1 : v === 'group' ? 2 : 0;
        if (thread === 0) return undefined;
        break;
      default:
        // target_user, directory and unknown keys: the glue reads (or refuses) them.
        return undefined;
    }
  }
  if (method === undefined || path === undefined) return undefined;
  // The clock matters only to a token or a proof (given here or in the query string); reading it
  // costs as much as the rest of a permission-only decision.
  const timed = token !== undefined || proof !== undefined || timeText !== undefined || !Number.isNaN(timeNumber) || path.includes('?');
  const clock = Number.isNaN(now) && timed ? nowSeconds() : 0;
  return [method, node, group, mentioned, thread, timeNumber, now, clock, methodText, path, groupId, fields, sourceIp, token, proof, timeText];
}

function readArgs(request) {
  try {
    return decideArgs(request);
  } catch {
    // A getter or proxy threw: the glue's JSON reading turns that into a coded Error.
    return undefined;
  }
}

const STRINGS = 8;
const FIRST_STRING = 8;
// What `__decide` returns for input it cannot read (then the glue's path says why).
const UNREADABLE = 0xffffffff;
// The bytes of the API module's memory, looked up again once growth has detached them.
let wasmBytes = new Uint8Array(0);
const memoryBytes = () => (wasmBytes.byteLength === 0 ? (wasmBytes = new Uint8Array(__memory().buffer)) : wasmBytes);
// Reused for the byte length of each string of one call.
const lengths = new Int32Array(STRINGS);

// A compiled Policy's fast path: the request's strings are written straight into the Policy's
// input in wasm memory (`__input`), so that only numbers cross the call; the core wipes them once
// read. Once the Policy is freed nothing is written: the input is then free heap memory.
class Channel {
  at = 0;
  room = 0;

  constructor(glue) {
    this.glue = glue;
  }

  // The Policy's glue object, which must not be used once freed.
  live() {
    if (this.glue === undefined) throw coded('invalid_argument', 'this Policy was freed: compile the config again');
    return this.glue;
  }

  decide(a, explain) {
    const glue = this.live();
    let need = 0;
    for (let k = FIRST_STRING; k < FIRST_STRING + STRINGS; k++) if (a[k] !== undefined) need += 3 * a[k].length;
    if (need > this.room) {
      this.room = roomFor(need, this.room);
      this.at = glue.__input(this.room);
    }
    const bytes = memoryBytes();
    let at = this.at;
    for (let k = 0; k < STRINGS; k++) {
      const s = a[FIRST_STRING + k];
      const n = s === undefined ? -1 : utf8(bytes, at, s, true);
      if (n === ILL_FORMED) {
        // The core is not called, so it wipes nothing: what was written here (a token, say) is.
        bytes.fill(0, this.at, at + 3 * s.length);
        return UNREADABLE;
      }
      lengths[k] = n;
      if (n > 0) at += n;
    }
    const l = lengths;
    return glue.__decide(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], explain);
  }

  free() {
    this.glue?.free();
    this.glue = undefined;
  }
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * SPEC §5's Decision. `allowed`, `reason`, `operation`, `permission` and `error` are own
 * properties; `trace` is read on demand (and is part of toJSON, spread it with `.toJSON()`).
 */
class Decision {
  #trace;
  #channel;
  #args;

  constructor(allowed, reason, operation, permission, error) {
    this.allowed = allowed;
    this.reason = reason;
    this.operation = operation;
    this.permission = permission;
    this.error = error;
  }

  static packed(code, channel, args) {
    const t = tables();
    const reason = code & 0xff;
    const operation = (code >>> 8) & 0xff;
    const permission = (code >>> 16) & 0xff;
    const decision = new Decision(
      reason === 0,
      reason === 0 ? null : t.reasons[reason - 1],
      operation === 0 ? null : t.operations[operation - 1],
      permission === 0 ? null : t.permissions[permission - 1],
      reason === 0 ? null : { ...t.errors[reason - 1] },
    );
    decision.#channel = channel;
    decision.#args = args;
    return decision;
  }

  static plain(d) {
    const decision = new Decision(d.allowed, d.reason, d.operation, d.permission, d.error);
    decision.#trace = d.trace;
    return decision;
  }

  get trace() {
    if (this.#trace === undefined) {
      try {
        this.#channel.decide(this.#args, true);
        this.#trace = this.#channel.live().__trace().trace;
      } catch (e) {
        if (typeof e?.code === 'string') throw e;
        throw coded('invalid_argument', 'the Policy that made this decision was freed before its trace was read');
      }
      this.#channel = this.#args = undefined;
    }
    return this.#trace;
  }

  set trace(trace) {
    this.#trace = trace;
    this.#channel = this.#args = undefined;
  }

  toJSON() {
    const { allowed, reason, operation, permission, trace, error } = this;
    return { allowed, reason, operation, permission, trace, error };
  }

  [INSPECT](depth, options, inspect) {
    return inspect(this.toJSON(), options);
  }
}

const MADE_BY_COMPILE = Symbol('compile');

/** A config compiled once, with its credentials, for many decisions. */
export class Policy {
  #channel;

  constructor(key, glue) {
    if (key !== MADE_BY_COMPILE) throw coded('invalid_argument', 'a Policy is made by compile(config, credentials)');
    this.#channel = new Channel(glue);
  }

  evaluate(request) {
    const args = readArgs(request);
    const code = args === undefined ? UNREADABLE : this.#channel.decide(args, false);
    if (code === UNREADABLE) return Decision.plain(this.#channel.live().evaluate(request));
    return Decision.packed(code, this.#channel, args);
  }

  free() {
    this.#channel.free();
  }
}
if (Symbol.dispose) Policy.prototype[Symbol.dispose] = Policy.prototype.free;

export function compile(config, credentials) {
  return new Policy(MADE_BY_COMPILE, glueCompile(config, credentials));
}

export function evaluate(config, request, credentials) {
  return Decision.plain(glueEvaluate(config, request, credentials));
}
