// The Policy fast path, in front of the wasm glue: `compile` (its `Policy`) and `evaluate` read
// their arguments in JavaScript and pass the wasm core only strings and numbers (a Policy writes a
// request's strings straight into wasm memory, see `Channel`).
//
// Why: the glue reads an object argument through JSON.stringify and serde_json (the only way a
// cycle, a throwing getter or deep nesting cannot unwind through wasm frames), and returns
// objects as JSON text; for a decision that costs more than the work itself. Here a plain request
// object is read field by field with `typeof` checks; anything unusual (another type, an unknown
// key, a getter that throws, a `directory` or `target_user`) takes the glue's own path, which
// gives the same answer or the same coded Error as before. Only primitives cross, so nothing
// JavaScript can do mid-call unwinds through wasm. The proof functions do the same in
// js/sign.mjs, whose encoder this shares.
//
// A Policy's decision is computed without its trace; `decision.trace` asks the core to explain
// the same request at the same clock when it is first read (a Policy is immutable, so the trace
// is the one the decision had), and JSON.stringify sees it through toJSON.
//
// tools/build-pkg.mjs copies this file into the package as fast.js (beside the web glues) and
// derives a CommonJS twin of it for Node's `require`; the entries export these names instead of
// the glue's.
import { ILL_FORMED, coded, nowSeconds, roomFor, utf8 } from './sign.js';
import { compile as glueCompile, evaluate as glueEvaluate, __tables, __memory } from './appgrant.js';

// Names behind the numbers the core returns; read once, on first use (the browser entry
// instantiates the wasm after this module is evaluated).
let TABLES;
const tables = () => (TABLES ??= __tables());

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
