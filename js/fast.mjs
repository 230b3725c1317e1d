// The fast paths of Policy and Gate, in front of the wasm glue: `compile` (its `Policy`) and a
// `Gate` read their arguments in JavaScript and pass the wasm core only strings and numbers (a
// Policy writes a request's strings, a Gate an exchange's, straight into wasm memory, see
// `Channel`), and build the answer from the numbers the core returns.
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
// A Gate's answers are SPEC's, as the glue's `handle` writes them, at a tenth of the cost: that
// reads the exchange through JSON.stringify and answers in JSON text, the decision and its trace
// twice (in the body and beside it), which costs ten times the decision itself.
//
// A Policy's (and a Gate's) decision is computed without its trace; `decision.trace` asks the
// core to explain the same request at the same clock when it is first read (a Policy is
// immutable, and so is a Workplace gate, the only kind the fast path answers: the trace is the
// one the decision had), and JSON.stringify sees it through toJSON.
//
// tools/build-pkg.mjs copies this file into the package as fast.js (beside the web glues) and
// derives a CommonJS twin of it for Node's `require`; the entries export these names instead of
// the glue's.
import { ILL_FORMED, coded, nowSeconds, roomFor, utf8 } from './sign.js';
import { Gate as GlueGate, compile as glueCompile, evaluate as glueEvaluate, __tables, __memory } from './appgrant.js';

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

// The arguments of `__handle` for a plain exchange object whose every value has the type
// `Exchange::from_json` accepts, or undefined to take the glue's path: `now` (NaN: absent) and
// the clock, then its five strings (each may be undefined) in `__handle`'s order.
function exchangeArgs(exchange) {
  if (typeof exchange !== 'object' || exchange === null || Object.getPrototypeOf(exchange) !== Object.prototype) return undefined;
  const a = [NaN, 0, undefined, undefined, undefined, undefined, undefined];
  for (const key in exchange) {
    const v = exchange[key];
    if (v === undefined) continue;
    if (key === 'now') {
      if (typeof v === 'number') a[0] = Number.isFinite(v) ? v : NaN;
      else if (v !== null) return undefined;
      continue;
    }
    const at = EXCHANGE_KEYS.indexOf(key);
    if (at === -1 || (v !== null && typeof v !== 'string')) return undefined;
    if (v !== null) a[2 + at] = v;
  }
  // The two the glue requires, and names when missing.
  if (a[2] === undefined || a[3] === undefined) return undefined;
  if (Number.isNaN(a[0])) a[1] = nowSeconds();
  return a;
}

// A getter or proxy threw: the glue's JSON reading turns that into a coded Error.
function readArgs(read, value) {
  try {
    return read(value);
  } catch {
    return undefined;
  }
}

const STRINGS = 8;
// An exchange's strings, in `__handle`'s order (src/wasm/api.rs).
const EXCHANGE_KEYS = ['method', 'url', 'body', 'client_ip', 'authorization'];
const EXCHANGE_STRINGS = EXCHANGE_KEYS.length;
const FIRST_STRING = 8;
// Where `decideArgs` puts the access token, and the length that says "the token of the last call"
// (src/wasm/api.rs, `KEPT`).
const TOKEN = FIRST_STRING + 5;
const KEPT = -2;
// What `__decide` returns for input it cannot read (then the glue's path says why).
const UNREADABLE = 0xffffffff;
// The bytes of the API module's memory, looked up again once growth has detached them.
let wasmBytes = new Uint8Array(0);
const memoryBytes = () => (wasmBytes.byteLength === 0 ? (wasmBytes = new Uint8Array(__memory().buffer)) : wasmBytes);
// Reused for the byte length of each string of one call.
const lengths = new Int32Array(STRINGS);

// The fast path of a compiled Policy or a Gate: the strings of a call are written straight into
// the object's input in wasm memory (`__input`), so that only numbers cross the call; the core
// wipes them once read. Once the object is freed nothing is written: the input is then free heap
// memory. `decide(args, explain)` is the object's own: a Policy's or a Gate's.
class Channel {
  at = 0;
  room = 0;

  // `what` names the object in errors, `remedy` says what to do once it is freed.
  constructor(glue, what, remedy) {
    this.glue = glue;
    this.what = what;
    this.remedy = remedy;
  }

  // The glue object, which must not be used once freed.
  live() {
    if (this.glue === undefined) throw coded('invalid_argument', `this ${this.what} was freed: ${this.remedy}`);
    return this.glue;
  }

  // Writes the `count` strings of `a` from `first` (each may be undefined) into the input, their
  // byte lengths (-1: absent) into `lengths`, all but the one at `skip` (its length is the
  // caller's to set); false, with nothing left written, for a string with a lone surrogate.
  write(a, first, count, skip = -1) {
    const glue = this.live();
    let need = 0;
    for (let k = first; k < first + count; k++) if (a[k] !== undefined && k !== skip) need += 3 * a[k].length;
    if (need > this.room) {
      this.room = roomFor(need, this.room);
      this.at = glue.__input(this.room);
    }
    const bytes = memoryBytes();
    let at = this.at;
    for (let k = 0; k < count; k++) {
      const s = first + k === skip ? undefined : a[first + k];
      const n = s === undefined ? -1 : utf8(bytes, at, s, true);
      if (n === ILL_FORMED) {
        // The core is not called, so it wipes nothing: what was written here (a token, say) is.
        bytes.fill(0, this.at, at + 3 * s.length);
        return false;
      }
      lengths[k] = n;
      if (n > 0) at += n;
    }
    return true;
  }

  free() {
    this.glue?.free();
    this.glue = undefined;
  }
}

// A Policy's: the arguments of `decideArgs`. The core keeps the access token of the last call it
// read, so a run of requests with one token (a client's, a gate's) writes it once: `token` is
// that token, which the next call with the same one passes as KEPT.
class PolicyChannel extends Channel {
  token;

  decide(a, explain) {
    const token = a[TOKEN];
    const kept = token !== undefined && token === this.token;
    if (!this.write(a, FIRST_STRING, STRINGS, kept ? TOKEN : -1)) return UNREADABLE;
    const l = lengths;
    if (kept) l[TOKEN - FIRST_STRING] = KEPT;
    const code = this.glue.__decide(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], l[0], l[1], l[2], l[3], l[4], l[5], l[6], l[7], explain);
    // The core keeps the token of every call it could read, and only those.
    if (code !== UNREADABLE && token !== undefined) this.token = token;
    return code;
  }

  free() {
    super.free();
    this.token = undefined;
  }
}

// A Gate's: the arguments of `exchangeArgs`.
class GateChannel extends Channel {
  decide(a, explain) {
    if (!this.write(a, 2, EXCHANGE_STRINGS)) return UNREADABLE;
    const l = lengths;
    return this.glue.__handle(a[0], a[1], l[0], l[1], l[2], l[3], l[4], explain);
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
        throw coded('invalid_argument', `the ${this.#channel.what} that made this decision was freed before its trace was read`);
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
    this.#channel = new PolicyChannel(glue, 'Policy', 'compile the config again');
  }

  evaluate(request) {
    const args = readArgs(decideArgs, request);
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

/**
 * The edge gate (see the glue's Gate, which this wraps). A Workplace gate answers a plain
 * exchange on the fast path: its decision as a Decision (the trace read on demand), which is the
 * body of an allowed call too, and Graph's error and status from the tables; everything else (an
 * Admin Center gate, whose token endpoint changes what it answers next; an exchange only the glue
 * can read or refuse) is the glue's own `handle`, answered as JSON.
 */
export class Gate {
  #channel;
  #fast;

  constructor(config, credentials, opts) {
    const glue = new GlueGate(config, credentials, opts);
    this.#channel = new GateChannel(glue, 'Gate', 'make a new one');
    // Only a Workplace gate's answers follow from the exchange and the clock alone (the core
    // answers UNREADABLE for any other, so this only saves asking).
    this.#fast = readArgs((c) => c.product !== 'admin_center', config) ?? false;
  }

  handle(exchange) {
    const args = this.#fast ? readArgs(exchangeArgs, exchange) : undefined;
    const code = args === undefined ? UNREADABLE : this.#channel.decide(args, false);
    if (code === UNREADABLE) return this.#channel.live().handle(exchange);
    const decision = Decision.packed(code, this.#channel, args);
    if (decision.allowed) return { status: 200, body: decision, decision, forward: true };
    const reason = (code & 0xff) - 1;
    return { status: tables().statuses[reason], body: { error: { ...tables().errors[reason] } }, decision, forward: false };
  }

  free() {
    this.#channel.free();
  }
}
if (Symbol.dispose) Gate.prototype[Symbol.dispose] = Gate.prototype.free;
