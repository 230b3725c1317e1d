// appgrant side by side with what users would pick instead, in one run; writes BENCHMARKS.md.
//
//   node --expose-gc benches/bench.mjs [--quick] [--out FILE]   (./dev bench builds the release package first)
//
// Every timing is the median of several rounds; within a section the contenders run round-robin
// in each round, so a noisy neighbour slows them alike, and each ratio compares medians of the
// same run. --quick runs fewer, shorter rounds (for trying changes; the file it writes says so).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createHmac, webcrypto } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import CryptoJS from 'crypto-js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { newEnforcer, newModelFromString, StringAdapter } from 'casbin';
import { chromium } from 'playwright-core';
import { Gate, ProofSigner, appsecretProof, compile, evaluate, validate, operations } from 'appgrant';
import { APP_SECRET, CONFIG, CREDENTIALS, DIRECTORY, FULL_CONFIG, NOW, TOKEN, fullRequests, gateExchanges, permissionRequests, proofFor } from './corpus.mjs';
import * as models from './models.mjs';
import { startServer } from '../tools/serve.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : join(repo, 'BENCHMARKS.md');
const ROUNDS = QUICK ? 3 : 9;
const ROUND_MS = QUICK ? 40 : 120;
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

const log = (...a) => console.error(...a);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

// ---- timing ------------------------------------------------------------------------------------

/**
 * Times each contender `{ name, run(i) }` (sync) or `{ name, runAsync(i) }`: a warm-up, then
 * ROUNDS rounds in which every contender runs a batch sized to about ROUND_MS. Returns
 * name -> median ns per call.
 */
async function race(contenders) {
  const batch = new Map();
  for (const c of contenders) {
    // Warm up (lets the JIT and wasm tier-up settle) and size the batch.
    let n = 1;
    for (;;) {
      const t = await timeBatch(c, n);
      if (t > ROUND_MS / 4 || n > 1e7) {
        batch.set(c.name, Math.max(1, Math.round((n * ROUND_MS) / t)));
        break;
      }
      n *= 4;
    }
    await timeBatch(c, batch.get(c.name));
  }
  const samples = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of contenders) {
      const n = batch.get(c.name);
      samples.get(c.name).push(((await timeBatch(c, n)) * 1e6) / n);
    }
  }
  return new Map([...samples].map(([name, xs]) => [name, median(xs)]));
}

let sink = 0;
async function timeBatch(c, n) {
  // Each batch starts on a collected heap: otherwise a contender pays for the garbage of the one
  // before it (crypto-js and WebCrypto make much more than the rest). ./dev bench runs node with
  // --expose-gc.
  globalThis.gc?.();
  const t0 = performance.now();
  if (c.runAsync) {
    for (let i = 0; i < n; i++) sink ^= (await c.runAsync(i)) ? 1 : 0;
  } else {
    for (let i = 0; i < n; i++) sink ^= c.run(i) ? 1 : 0;
  }
  return performance.now() - t0;
}

const fmtNs = (ns) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e4 ? `${(ns / 1e3).toFixed(1)} µs` : `${(ns / 1e3).toFixed(2)} µs`);
const fmtRatio = (x) => (x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`);
const fmtBytes = (b) => (b >= 1e6 ? `${(b / 1e6).toFixed(2)} MB` : `${(b / 1e3).toFixed(1)} KB`);
const verdict = (ok) => (ok ? 'met' : '**not met**');

// ---- 1. proofs ---------------------------------------------------------------------------------

async function proofs() {
  log('proofs: 200-character token');
  const time = (i) => NOW + (i % 300);
  const message = (i) => `${TOKEN}|${time(i)}`;
  const OTHER_TOKEN = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('x') ? 'y' : 'x'}`;
  const signer = new ProofSigner(APP_SECRET);
  const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode(APP_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const encoder = new TextEncoder();
  const hex = (buf) => Buffer.from(buf).toString('hex');
  const contenders = [
    { name: 'ProofSigner.proof', run: (i) => signer.proof(TOKEN, time(i)).appsecret_proof },
    { name: 'appsecretProof', run: (i) => appsecretProof(TOKEN, APP_SECRET, time(i)).appsecret_proof },
    // Its worst case: a token other than the last one on every call (two, alternating).
    { name: 'appsecretProof, another token each call', run: (i) => appsecretProof(i % 2 ? TOKEN : OTHER_TOKEN, APP_SECRET, time(i)).appsecret_proof, token: (i) => (i % 2 ? TOKEN : OTHER_TOKEN) },
    { name: 'node:crypto createHmac', run: (i) => createHmac('sha256', APP_SECRET).update(message(i)).digest('hex') },
    { name: 'WebCrypto subtle.sign', runAsync: async (i) => hex(await webcrypto.subtle.sign('HMAC', key, encoder.encode(message(i)))) },
    { name: 'crypto-js HmacSHA256', run: (i) => CryptoJS.HmacSHA256(message(i), APP_SECRET).toString(CryptoJS.enc.Hex) },
  ];
  // Everyone computes the same proof.
  for (const c of contenders) {
    const got = c.run ? c.run(7) : await c.runAsync(7);
    if (got !== proofFor(c.token?.(7) ?? TOKEN, time(7))) throw new Error(`${c.name} computed a different proof`);
  }
  const t = await race(contenders);
  const ours = t.get('ProofSigner.proof');
  const oneShot = t.get('appsecretProof');
  const rows = contenders.map((c) => [c.name, t.get(c.name), t.get(c.name) / ours, t.get(c.name) / oneShot]);
  const goals = [
    ['≥ 10× crypto-js', t.get('crypto-js HmacSHA256') / ours, 10, t.get('crypto-js HmacSHA256') / oneShot],
    ['≥ 3× WebCrypto', t.get('WebCrypto subtle.sign') / ours, 3, t.get('WebCrypto subtle.sign') / oneShot],
    ['≥ 1× node:crypto', t.get('node:crypto createHmac') / ours, 1, t.get('node:crypto createHmac') / oneShot],
  ];
  return { t, rows, goals };
}

// ---- 2. decisions ------------------------------------------------------------------------------

async function decisions(proofTimes) {
  log('decisions: appgrant, Cedar, casbin');
  const requests = permissionRequests();
  const full = fullRequests();
  const policy = compile(CONFIG);
  const fullPolicy = compile(FULL_CONFIG, CREDENTIALS);

  // Cedar: schema and policies pre-parsed once, entities built once.
  const schema = models.cedarSchema();
  const policies = models.cedarPolicies(CONFIG);
  const entities = models.cedarEntities(CONFIG);
  for (const [what, answer] of [['schema', cedar.preparseSchema('appgrant', schema)], ['policies', cedar.preparsePolicySet('appgrant', { staticPolicies: policies })]]) {
    if (answer.type !== 'success') throw new Error(`Cedar refused the ${what}: ${JSON.stringify(answer.errors)}`);
  }
  const cedarCalls = requests.map((r) => {
    const { preparedAction, ...call } = models.cedarCall(CONFIG, r);
    return { ...call, preparsedSchemaName: 'appgrant', preparsedPolicySetId: 'appgrant', entities };
  });
  const cedarAllows = (call) => {
    const answer = cedar.statefulIsAuthorized(call);
    if (answer.type !== 'success') throw new Error(`Cedar failed: ${JSON.stringify(answer.errors)}`);
    return answer.response.decision === 'allow';
  };

  // casbin: model and policy loaded once.
  const policyLines = models.casbinPolicy(CONFIG);
  const enforcer = await newEnforcer(newModelFromString(models.casbinModel()), new StringAdapter(policyLines.map((l) => l.join(', ')).join('\n')));
  const casbinRequests = requests.map((r) => models.casbinRequest(CONFIG, r));

  // The three agree on every decision of the corpus; appgrant's fast path agrees with evaluate().
  let disagreements = 0;
  const examples = [];
  let allowed = 0;
  requests.forEach((r, i) => {
    const ours = policy.evaluate(r).allowed;
    const reference = evaluate(CONFIG, r).allowed;
    const c = cedarAllows(cedarCalls[i]);
    const b = enforcer.enforceSync(...casbinRequests[i]);
    allowed += ours ? 1 : 0;
    if (!(ours === reference && ours === c && ours === b)) {
      disagreements++;
      if (examples.length < 5) examples.push(`${JSON.stringify(r)}: appgrant ${ours}, evaluate() ${reference}, Cedar ${c}, casbin ${b}`);
    }
  });
  // The gate decides each exchange as Policy.evaluate decides the request it stands for.
  const exchanges = gateExchanges();
  const gate = new Gate(FULL_CONFIG, CREDENTIALS, { directory: DIRECTORY });
  let gateAllowed = 0;
  let gateDisagreements = 0;
  for (const { exchange, request } of exchanges) {
    const answer = gate.handle(exchange);
    const reference = fullPolicy.evaluate(request);
    gateAllowed += answer.decision?.allowed ? 1 : 0;
    if (answer.decision?.allowed !== reference.allowed || answer.decision?.reason !== reference.reason) {
      gateDisagreements++;
      if (examples.length < 5) examples.push(`${JSON.stringify(exchange)}: Gate.handle ${answer.decision?.reason ?? answer.status}, Policy.evaluate ${reference.reason}`);
    }
  }
  const gateRequests = exchanges.map((e) => e.request);
  for (const e of examples) log(`  disagreement: ${e}`);

  writeModels({ schema, policies, entities, policyLines });

  const n = requests.length;
  const t = await race([
    { name: 'appgrant Policy.evaluate', run: (i) => policy.evaluate(requests[i % n]).allowed },
    { name: 'Cedar statefulIsAuthorized', run: (i) => cedarAllows(cedarCalls[i % n]) },
    { name: 'casbin enforceSync', run: (i) => enforcer.enforceSync(...casbinRequests[i % n]) },
    { name: 'appgrant Policy.evaluate, full request', run: (i) => fullPolicy.evaluate(full[i % full.length]).allowed },
    { name: 'appgrant Policy.evaluate, then .trace', run: (i) => policy.evaluate(requests[i % n]).trace.length },
    { name: 'appgrant Policy.evaluate, the gate\'s requests', run: (i) => fullPolicy.evaluate(gateRequests[i % gateRequests.length]).allowed },
    { name: 'appgrant Gate.handle, the same as HTTP exchanges', run: (i) => gate.handle(exchanges[i % exchanges.length].exchange).status },
    { name: 'appgrant Gate.handle, then JSON of its body', run: (i) => JSON.stringify(gate.handle(exchanges[i % exchanges.length].exchange).body).length },
  ]);
  const ours = t.get('appgrant Policy.evaluate');
  const fullNs = t.get('appgrant Policy.evaluate, full request');
  const fullAllowed = full.filter((r) => fullPolicy.evaluate(r).allowed).length;
  const goals = [
    ['≥ 100× Cedar statefulIsAuthorized', t.get('Cedar statefulIsAuthorized') / ours, 100],
    ['≥ 10× casbin', t.get('casbin enforceSync') / ours, 10],
    ['≥ 1,000,000 permission-only decisions/s per core', 1e9 / ours, 1e6],
    ['full request ≤ 2× one ProofSigner.proof', fullNs / proofTimes.get('ProofSigner.proof'), 2, true],
    ['full request ≤ 2× one appsecretProof', fullNs / proofTimes.get('appsecretProof'), 2, true],
    // What verifying a received proof costs when nothing of its token is prepared.
    ['full request ≤ 2× one proof from scratch (appsecretProof, another token each call)', fullNs / proofTimes.get('appsecretProof, another token each call'), 2, true],
    ['full request ≤ 2× one node:crypto createHmac', fullNs / proofTimes.get('node:crypto createHmac'), 2, true],
  ];
  return { t, n, allowed, fullN: full.length, fullAllowed, gateN: exchanges.length, gateAllowed, gateDisagreements, disagreements, rules: { cedar: policies.trim().split('\n').length, casbin: policyLines.length }, goals };
}

function writeModels({ schema, policies, entities, policyLines }) {
  const dir = join(repo, 'benches/generated');
  mkdirSync(dir, { recursive: true });
  const header = (comment) => `${comment} Generated by benches/bench.mjs from the catalog and benches/corpus.mjs CONFIG; do not edit.\n`;
  writeFileSync(join(dir, 'schema.cedarschema'), header('//') + schema);
  writeFileSync(join(dir, 'policies.cedar'), header('//') + policies);
  writeFileSync(join(dir, 'entities.json'), `${JSON.stringify(entities, null, 2)}\n`);
  writeFileSync(join(dir, 'casbin-policy.csv'), `${policyLines.map((l) => l.join(', ')).join('\n')}\n`);
}

// ---- 3. scale ----------------------------------------------------------------------------------

const SIZES = [10, 100, 1000, 10000, 100000];
/** n disjoint public /24 networks. */
const cidrs = (n) => Array.from({ length: n }, (_, i) => `${20 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}.0/24`);
const groupIds = (n) => Array.from({ length: n }, (_, i) => String(100000 + i));

/** One timing per size: a single measurement of `fn`, repeated until it has run ~ROUND_MS, median of rounds. */
function timeOnce(fn) {
  const xs = [];
  const rounds = QUICK ? 3 : 5;
  for (let r = 0; r < rounds; r++) {
    let n = 0;
    const t0 = performance.now();
    do {
      fn(n);
      n++;
    } while (performance.now() - t0 < ROUND_MS / 4);
    xs.push(((performance.now() - t0) * 1e6) / n);
  }
  return median(xs);
}

// The sizes of one list: each a compiled policy and a request inside and one outside the list.
// Evaluations race interleaved (a noisy neighbour slows every size alike); each validation is
// timed on its own, one size after the other.
async function scaleRows(what, cases) {
  const built = cases.map(({ n, config, inside, outside, check }) => {
    const policy = compile(config);
    if (!check(policy)) throw new Error(`${what} scale check decided wrongly`);
    return { n, config, policy, inside, outside };
  });
  const t = await race(built.map(({ n, policy, inside, outside }) => ({ name: String(n), run: (i) => policy.evaluate(i % 2 ? inside : outside) })));
  return built.map(({ n, config, policy }) => {
    const validateNs = timeOnce(() => validate(config));
    policy.free();
    return [what(n), n, t.get(String(n)), validateNs];
  });
}

async function scale() {
  log('scale: allow-list, groups, uses');
  const ipRequest = (list) => ({ method: 'GET', path: '/1001/feed', node: 'group', source_ip: list.at(-1).replace('.0/24', '.9') });
  const ip = await scaleRows(() => 'ip_allowlist entries', SIZES.map((n) => {
    const list = cidrs(n);
    const inside = ipRequest(list);
    const outside = { ...inside, source_ip: '198.51.100.1' };
    return { n, config: { ...CONFIG, ip_allowlist: list }, inside, outside, check: (p) => p.evaluate(inside).allowed && p.evaluate(outside).reason === 'ip_not_allowed' };
  }));
  const groups = await scaleRows(() => 'group_access.groups', SIZES.map((n) => {
    const ids = groupIds(n);
    const inside = { method: 'POST', path: `/${ids.at(-1)}/feed`, node: 'group' };
    const outside = { method: 'POST', path: '/999/feed', node: 'group' };
    return { n, config: { ...CONFIG, group_access: { mode: 'specific', groups: ids } }, inside, outside, check: (p) => p.evaluate(inside).allowed && p.evaluate(outside).reason === 'group_not_allowed' };
  }));
  const ops = operations().filter((o) => o.products.includes('workplace')).map((o) => o.id);
  const permissions = [...new Set([...CONFIG.permissions, ...ops.flatMap((id) => operations().find((o) => o.id === id).permissions.slice(0, 1))])];
  const request = { method: 'GET', path: '/1001/feed', node: 'group' };
  const uses = await scaleRows((n) => (n === ops.length ? 'uses (every operation)' : 'uses'), [1, 10, ops.length].map((n) => (
    { n, config: { ...CONFIG, permissions, uses: ops.slice(0, n) }, inside: request, outside: request, check: (p) => typeof p.evaluate(request).allowed === 'boolean' }
  )));
  return [...ip, ...groups, ...uses];
}

// ---- 4. size and start-up ----------------------------------------------------------------------

function sizes() {
  const gz = (b) => gzipSync(b, { level: 9 }).length;
  const measure = (...files) => {
    const bytes = files.map((f) => readFileSync(join(repo, f)));
    return { raw: bytes.reduce((n, b) => n + b.length, 0), gzip: bytes.reduce((n, b) => n + gz(b), 0) };
  };
  return {
    api: measure('pkg/appgrant_bg.wasm'),
    edge: measure('pkg/edge/appgrant_bg.wasm'),
    signer: measure('pkg/signer_bg.wasm'),
    both: measure('pkg/appgrant_bg.wasm', 'pkg/signer_bg.wasm'),
    cedar: measure('node_modules/@cedar-policy/cedar-wasm/nodejs/cedar_wasm_bg.wasm'),
  };
}

// The packages of the start-up runs as npm installs them: directories of their files under a
// node_modules, beside a copy of benches/startup.mjs. ./dev links node_modules/appgrant to pkg/
// (and empty-package to benches/), and a package reached through a symlink costs a fresh process
// about 0.7 ms more to resolve (measured in Node 20), which no install from the registry has.
function installed() {
  const root = mkdtempSync(join(os.tmpdir(), 'appgrant-startup-'));
  const copy = (from, to) => cpSync(realpathSync(join(repo, from)), join(root, to), { recursive: true, dereference: true });
  const { files } = JSON.parse(readFileSync(join(repo, 'pkg/package.json'), 'utf8'));
  for (const file of ['package.json', 'README.md', ...files]) copy(join('pkg', file), join('node_modules/appgrant', file));
  copy('benches/empty-package', 'node_modules/empty-package');
  copy('node_modules/@cedar-policy/cedar-wasm', 'node_modules/@cedar-policy/cedar-wasm');
  copy('benches/startup.mjs', 'startup.mjs');
  return root;
}

// Fresh processes, engines interleaved run by run. node:crypto is the floor for a proof: the same
// proof by Node's own HMAC, loaded with Node; an empty package the floor for loading any package.
function nodeStartup() {
  log('start-up: fresh Node processes');
  const runs = QUICK ? 3 : 21;
  const xs = {};
  const root = installed();
  try {
    for (let i = 0; i < runs; i++) {
      for (const how of ['require', 'import']) {
        for (const engine of ['appgrant', 'cedar', 'node:crypto', 'empty']) {
          const text = execFileSync(process.execPath, [join(root, 'startup.mjs'), engine, how], { cwd: root, encoding: 'utf8' });
          (xs[`${engine} ${how}`] ??= []).push(JSON.parse(text).ms);
        }
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return Object.fromEntries(Object.entries(xs).map(([k, v]) => [k, median(v)]));
}

async function browserStartup() {
  log('start-up: fresh Chromium pages');
  const server = await startServer({
    port: 0,
    roots: {
      '/pkg/': join(repo, 'pkg'),
      '/benches/': join(repo, 'benches'),
      '/node_modules/@cedar-policy/cedar-wasm/web/': join(repo, 'node_modules/@cedar-policy/cedar-wasm/web'),
    },
  });
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'] });
  const out = { version: browser.version() };
  try {
    const runs = QUICK ? 3 : 7;
    for (const engine of ['appgrant', 'appgrant-edge', 'cedar']) {
      const xs = [];
      for (let i = 0; i < runs; i++) {
        // A new context each time: no HTTP cache, no compiled-module cache.
        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${origin}/benches/startup.html?engine=${engine}`);
        const result = await page.waitForFunction(() => window.result, null, { timeout: 60_000 }).then((h) => h.jsonValue());
        await context.close();
        if (result.error) throw new Error(`${engine} in Chromium: ${result.error}`);
        xs.push(result.ms);
      }
      out[engine] = median(xs);
    }
  } finally {
    await browser.close();
    server.close();
  }
  return out;
}

// ---- 5. memory ---------------------------------------------------------------------------------

function memory() {
  log('memory: 1,000,000 evaluations and proofs');
  // Both instances: decisions run in the API module, proofs in the signer module. The proofs are
  // index.cjs's, whose signer instance it shows (index.mjs, imported above, runs the same code on
  // an instance of its own).
  const required = require(join(repo, 'pkg/index.cjs'));
  // And the edge module (appgrant/edge), which a long-running edge function's gate runs in.
  const edge = require(join(repo, 'pkg/edge/index.cjs'));
  const glues = [require(join(repo, 'pkg/appgrant.cjs')), required.__signer, require(join(repo, 'pkg/edge/appgrant.cjs'))];
  const bytes = () => glues.map((glue) => glue.__memory().buffer.byteLength);
  const requests = permissionRequests();
  const full = fullRequests();
  const policy = compile(CONFIG);
  const fullPolicy = compile(FULL_CONFIG, CREDENTIALS);
  const { ProofSigner, appsecretProof } = required;
  const signer = new ProofSigner(APP_SECRET);
  const gate = new edge.Gate(FULL_CONFIG, CREDENTIALS, { directory: DIRECTORY });
  const exchanges = gateExchanges();
  const work = (from, to) => {
    for (let i = from; i < to; i++) {
      policy.evaluate(requests[i % requests.length]);
      const d = fullPolicy.evaluate(full[i % full.length]);
      if (i % 1000 === 0) sink ^= d.trace.length;
      signer.proof(i % 7 ? TOKEN : `${TOKEN}${i % 13}`, NOW + (i % 300));
      if (i % 10 === 0) appsecretProof(TOKEN, APP_SECRET, NOW + (i % 300));
      if (i % 100 === 0) {
        sink ^= required.evaluate(CONFIG, requests[(i / 100) % requests.length]).trace.length;
        sink ^= gate.handle(exchanges[(i / 100) % exchanges.length].exchange).status;
      }
    }
  };
  const start = bytes();
  work(0, 1000);
  const early = bytes();
  work(1000, 1_000_000);
  const late = bytes();
  return { start, early, late };
}

// ---- report ------------------------------------------------------------------------------------

const packageVersion = (name) => JSON.parse(readFileSync(join(repo, 'node_modules', name, 'package.json'), 'utf8')).version;

function git(...a) {
  try {
    return execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

function report({ p, d, s, size, node, browser, mem }) {
  const cpu = os.cpus();
  const lines = [];
  const push = (...l) => lines.push(...l);
  const table = (head, rows) => {
    push(`| ${head.join(' | ')} |`, `|${head.map((h, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
    for (const r of rows) push(`| ${r.join(' | ')} |`);
    push('');
  };
  push(
    '# Benchmarks',
    '',
    `Written by \`./dev bench\` (\`node --expose-gc benches/bench.mjs${QUICK ? ' --quick' : ''}\`); do not edit by hand.`,
    '',
    `- Machine: ${cpu[0]?.model ?? 'unknown CPU'}, ${cpu.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}`,
    `- Node ${process.version} (V8 ${process.versions.v8}); Chromium ${browser.version}`,
    `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; appgrant ${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain') ? ' + local changes' : ''}`,
    `- Compared: @cedar-policy/cedar-wasm ${cedar.getCedarVersion()} (Cedar SDK ${cedar.getCedarSDKVersion()}), casbin ${packageVersion('casbin')}, crypto-js ${packageVersion('crypto-js')}`,
    `- Method: medians of ${ROUNDS} rounds of ~${ROUND_MS} ms per contender, contenders interleaved round by round, each batch after a full garbage collection${globalThis.gc ? '' : ' (**not here: run with --expose-gc**)'}; ratios are within this run.${QUICK ? ' **Quick run: fewer, shorter rounds.**' : ''}`,
    '',
    '## 1. Proof generation (200-character token)',
    '',
    'Each call makes `appsecret_proof` for the same token and a new `appsecret_time`, as a client signing its calls does. ',
    '`ProofSigner` prepares the key once; it and `appsecretProof` (which keeps the key schedule of the last secret it was given) keep the last token\'s whole 64-byte blocks absorbed, and hash the rest of the token and the time on every call; `createHmac` does all of it on every call. ',
    'WebCrypto imports the key once and awaits each `sign`. crypto-js is what the Postman pre-request script uses.',
    '',
  );
  table(['contender', 'per call', '× ProofSigner.proof', '× appsecretProof'], p.rows.map(([name, ns, r1, r2]) => [name, fmtNs(ns), fmtRatio(r1), fmtRatio(r2)]));
  table(['goal', 'ProofSigner.proof', 'appsecretProof'], p.goals.map(([goal, r, target, r2]) => [goal, `${fmtRatio(r)} (${verdict(r >= target)})`, `${fmtRatio(r2)} (${verdict(r2 >= target)})`]));

  push(
    '## 2. Decisions',
    '',
    `The corpus: ${d.n} permission-only requests (every catalog operation with the variants that change its decision: a group in or out of the list, where a post lives, a mention, the thread kind; ${d.allowed} allowed, ${d.n - d.allowed} denied) against one integration (benches/corpus.mjs). `,
    `Cedar and casbin get the same model generated from the catalog (benches/models.mjs; ${d.rules.cedar} Cedar policies, ${d.rules.casbin} casbin policy lines, written to benches/generated/). `,
    'Neither reads HTTP paths, so the benchmark resolves method and path to an operation for them beforehand, outside the timed loop; appgrant parses and resolves the path on every call. ',
    `Cedar: \`statefulIsAuthorized\` with the schema and policy set pre-parsed and the entities built once. casbin: \`enforceSync\`. Full requests (${d.fullN}, ${d.fullAllowed} allowed) add a token (checked as SHA-256), a source address against an allow-list and a proof (HMAC, 300 s window), some of each refused.`,
    '',
    `**Disagreements between appgrant (and its \`evaluate()\`), Cedar and casbin: ${d.disagreements} of ${d.n}.**`,
    '',
    `The gate rows: the ${d.gateN} full requests an HTTP request can carry (none that says where a post lives, a mention or the thread kind; ${d.gateAllowed} allowed) as \`Gate.handle\` exchanges (the token as a bearer header, the proof in the query string, the node types from the gate's directory), against \`Policy.evaluate\` of the same requests. \`Gate.handle\` reads a Workplace gate's exchange field by field and answers with the decision, whose trace is read on demand; the next row adds what an edge function that answers the call itself (no upstream) does with the answer: \`JSON.stringify\` of its body, which for an allowed call is the decision, trace included. \`Policy.evaluate\` of these requests reads each one's directory, which takes the JSON path (a gate is given its directory once). `,
    `**Disagreements between Gate.handle and Policy.evaluate: ${d.gateDisagreements} of ${d.gateN}.**`,
    '',
  );
  const ours = d.t.get('appgrant Policy.evaluate');
  table(['contender', 'per decision', 'decisions/s', '× appgrant'], [...d.t].map(([name, ns]) => [name, fmtNs(ns), Math.round(1e9 / ns).toLocaleString('en-US'), fmtRatio(ns / ours)]));
  table(['goal', 'measured', 'status'], d.goals.map(([goal, r, target, atMost]) => [goal, goal.includes('/s') ? Math.round(r).toLocaleString('en-US') : fmtRatio(r), verdict(atMost ? r <= target : r >= target)]));
  // The issue's goals were set on a machine where Cedar takes about 115 µs a decision; the status
  // above is this machine's, and this says how far this one is from that one.
  const cedarNs = d.t.get('Cedar statefulIsAuthorized');
  const factor = cedarNs / 115e3;
  push(
    `Cedar took ${fmtNs(cedarNs)} a decision here, against the issue's reference of about 115 µs: this machine ran ${fmtRatio(factor)} ${factor >= 1 ? 'slower' : 'faster'}. At that reference speed, appgrant's permission-only rate would be about ${Math.round((1e9 / ours) * factor).toLocaleString('en-US')} decisions/s (for context only: the status above is this machine's).`,
    '',
  );

  push(
    '## 3. Scale',
    '',
    'Evaluation: one compiled policy per size, a request inside and one outside the list, alternating; the sizes of one list race interleaved, as in the sections above. Validation: `validate(config)` of the whole config (JSON reading, every diagnostic, overlap detection). ',
    '"× previous" is the ratio to the size before: flat evaluation stays near 1×; validation that grows as n log n stays near 10–13× per tenfold size.',
    '',
  );
  const scaleRows = s.map(([what, n, e, v], i) => {
    const prev = i > 0 && s[i - 1][0].split(' ')[0] === what.split(' ')[0] ? s[i - 1] : null;
    return [what, n.toLocaleString('en-US'), fmtNs(e), prev ? fmtRatio(e / prev[2]) : '', fmtNs(v), prev ? `${fmtRatio(v / prev[3])} (${(n / prev[1]).toFixed(1)}× entries)` : ''];
  });
  table(['list', 'entries', 'evaluate', '× previous', 'validate', '× previous'], scaleRows);
  const evalSpread = (key) => {
    const xs = s.filter(([w]) => w.startsWith(key)).map((r) => r[2]);
    return Math.max(...xs) / Math.min(...xs);
  };
  // Each tenfold step of a list: how much validation grew, relative to how much n log n grew.
  const nLogN = (n) => n * Math.log2(n);
  const steps = s.flatMap((r, i) => (i > 0 && s[i - 1][0] === r[0] && !r[0].startsWith('uses') ? [r[3] / s[i - 1][3] / (nLogN(r[1]) / nLogN(s[i - 1][1]))] : []));
  const worstValidateStep = Math.max(...steps);
  table(['goal', 'measured', 'status'], [
    ['evaluation flat as the allow-list grows 10 → 100,000', `largest / smallest ${fmtRatio(evalSpread('ip_allowlist'))}`, verdict(evalSpread('ip_allowlist') < 2)],
    ['evaluation flat as the group list grows 10 → 100,000', `largest / smallest ${fmtRatio(evalSpread('group_access'))}`, verdict(evalSpread('group_access') < 2)],
    ['evaluation flat as `uses` grows to every operation', `largest / smallest ${fmtRatio(evalSpread('uses'))}`, verdict(evalSpread('uses') < 2)],
    ['validation no worse than n log n', `worst step / (n log n step) ${fmtRatio(worstValidateStep)}`, verdict(worstValidateStep < 1.5)],
  ]);

  push(
    '## 4. Size and start-up',
    '',
    'appgrant ships three wasm modules built from the same crate: the signer module (proof signing only, plain wasm exports without wasm-bindgen: no imports, no glue), the API module (everything, signing included) and the edge module of `appgrant/edge` (the API module without its tools: the catalogs, `requiredPermissions`, `validate`, `Integration` and `preRequest`; what an edge function needs to check requests: `Policy`, the proofs, `Gate`). ' +
      'In Node, `require` or `import` of appgrant loads the signer module on the first proof and the API module on the first call that needs it (a decision, a validation, a gate), ' +
      'so a client that only signs never loads it; browsers, Deno and workerd load the API module alone, up front.',
    '',
  );
  const kb = (x) => `${fmtBytes(x.raw)} raw, ${fmtBytes(x.gzip)} gzip`;
  table(['.wasm (gzip -9)', 'appgrant', '@cedar-policy/cedar-wasm', 'cedar / appgrant (gzip)'], [
    ['API module (appgrant_bg.wasm): browsers, Deno, workerd; Node on its first call that is no proof', kb(size.api), kb(size.cedar), fmtRatio(size.cedar.gzip / size.api.gzip)],
    ['edge module (edge/appgrant_bg.wasm): `appgrant/edge`, as the API module', kb(size.edge), '', fmtRatio(size.cedar.gzip / size.edge.gzip)],
    ['signer module (signer_bg.wasm): Node, a first proof', kb(size.signer), '', fmtRatio(size.cedar.gzip / size.signer.gzip)],
    ['both: a Node process that signs and decides', kb(size.both), '', fmtRatio(size.cedar.gzip / size.both.gzip)],
  ]);
  table(['first answer', 'appgrant', 'node:crypto createHmac', '@cedar-policy/cedar-wasm', 'an empty package', 'appgrant / node:crypto', 'cedar / appgrant'], [
    ...['require', 'import'].map((how) => [
      `fresh Node process (\`${how}\` + first call)`,
      `${node[`appgrant ${how}`].toFixed(1)} ms`,
      `${node[`node:crypto ${how}`].toFixed(1)} ms`,
      `${node[`cedar ${how}`].toFixed(1)} ms`,
      `${node[`empty ${how}`].toFixed(1)} ms`,
      fmtRatio(node[`appgrant ${how}`] / node[`node:crypto ${how}`]),
      fmtRatio(node[`cedar ${how}`] / node[`appgrant ${how}`]),
    ]),
    ['fresh Chromium page (import + first call)', `${browser.appgrant.toFixed(1)} ms`, '', `${browser.cedar.toFixed(1)} ms`, '', '', fmtRatio(browser.cedar / browser.appgrant)],
    ['fresh Chromium page, `appgrant/edge` (import + first call)', `${browser['appgrant-edge'].toFixed(1)} ms`, '', `${browser.cedar.toFixed(1)} ms`, '', '', fmtRatio(browser.cedar / browser['appgrant-edge'])],
  ]);
  push(
    'The first answer is a proof for appgrant and node:crypto (the same proof: `createHmac` after loading `node:crypto`, the floor for any HMAC in a fresh Node process) and an `isAuthorized` for Cedar; ' +
      'the time runs from before the `require` or `import` to the answer, in a process (or a browser context) that has loaded none of them before; medians of fresh processes, the engines taking turns, each package installed as npm installs it (a directory of its files under node_modules, not the symlink `./dev` makes). ',
    'For scale: a fresh Node process itself takes tens of milliseconds to start, and its first `import` of any ES module several (its loader starts then). ' +
      'The empty package (benches/empty-package: one file that exports nothing) is loaded the same way: what Node takes to load any package, before the package does anything. ' +
      "In Node, `import` reaches appgrant's index.mjs, an ES module with the proof functions and a signer module loader of its own, which takes `fs` from `process.getBuiltinModule` and the rest of the API from index.cjs on first use. Measured in fresh processes: requiring index.cjs at import (as index.mjs did before, to share one instance with `require`) starts Node's CommonJS loader, about 1.3 ms of a first proof; an ES `import` of node:fs costs about as much (its builtin facade).",
    '',
  );
  table(['goal', 'measured', 'status'], [
    ['.wasm under 100 KB gzip: the signer module, what a first proof loads', fmtBytes(size.signer.gzip), verdict(size.signer.gzip < 100_000)],
    ['.wasm under 100 KB gzip: the edge module, what an edge function (`appgrant/edge`) loads', fmtBytes(size.edge.gzip), verdict(size.edge.gzip < 100_000)],
    ['.wasm under 100 KB gzip: the API module (everything, the tools included)', fmtBytes(size.api.gzip), verdict(size.api.gzip < 100_000)],
    ...['require', 'import'].map((how) => [
      `first proof under 5 ms in a fresh Node process (\`${how}\`)`,
      `${node[`appgrant ${how}`].toFixed(1)} ms (${(node[`appgrant ${how}`] - node[`empty ${how}`]).toFixed(1)} ms more than an empty package)`,
      verdict(node[`appgrant ${how}`] < 5),
    ]),
  ]);

  push(
    '## 5. Memory',
    '',
    'wasm linear memory of each instance, in bytes (it never shrinks; growth would show a leak): before the rounds (after the proof and decision sections above), after the first 1,000 rounds, and after 1,000,000 rounds. Each round: a permission-only and a full evaluation, a `ProofSigner.proof` (every seventh with another token), every tenth an `appsecretProof`, every hundredth a one-shot `evaluate` (the JSON path) and a `Gate.handle` of `appgrant/edge` (the edge module), every thousandth a trace read.',
    '',
  );
  table(['instance', 'before', 'after 1,000', 'after 1,000,000', 'goal: no growth after the first 1,000'], ['API module', 'signer module', 'edge module (Gate.handle)'].map((name, i) =>
    [name, ...[mem.start[i], mem.early[i], mem.late[i]].map((b) => b.toLocaleString('en-US')), verdict(mem.late[i] === mem.early[i])]));
  return `${lines.join('\n').replace(/\n+$/, '')}\n`;
}

const p = await proofs();
const d = await decisions(p.t);
// Before the scale section, whose 100,000-entry configs grow the memory once and for all.
const mem = memory();
const s = await scale();
const size = sizes();
const node = nodeStartup();
const browser = await browserStartup();
writeFileSync(OUT, report({ p, d, s, size, node, browser, mem }));
log(`wrote ${OUT}`);
console.log(readFileSync(OUT, 'utf8'));
if (d.disagreements > 0) {
  console.error(`bench: ${d.disagreements} disagreements between appgrant, Cedar and casbin`);
  process.exit(1);
}
