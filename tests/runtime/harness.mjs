// Node-side helpers shared by the runtime tests: the expected answer, the assertions on a probe
// result, and small process/HTTP utilities. Everything talks to 127.0.0.1 only.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG, REQUESTS, SECRET, TIME, TOKEN } from './probe.mjs';

export const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const here = dirname(fileURLToPath(import.meta.url));

const require = createRequire(import.meta.url);

// The package as a user's tooling finds it: through node_modules by name.
export const pkgDir = dirname(require.resolve('appgrant/package.json', { paths: [repo] }));
export const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

// Exactly the names Node's `require` sees; every runtime must expose the same API, for the
// package and for appgrant/edge (the package without its tools).
export const apiNames = Object.keys(require('appgrant')).sort();
export const edgeNames = Object.keys(require('appgrant/edge')).sort();

export function expectedProof(token = TOKEN, secret = SECRET, time = TIME) {
  return createHmac('sha256', secret).update(`${token}|${time}`).digest('hex');
}

export function assertProbe(result, names = apiNames) {
  assert.deepEqual(result.proof, { appsecret_proof: expectedProof(), appsecret_time: TIME });
  assert.ok(result.error, 'a NaN time must throw');
  assert.equal(result.error.isError, true, 'the thrown value must be an Error');
  assert.equal(typeof result.error.code, 'string', 'the Error must carry a string code');
  assert.match(result.error.code, /^[a-z_]+$/);
  assert.ok(!result.error.message.includes(SECRET), 'error messages never contain the app secret');
  // Decided in Node by the package's JSON path (evaluate), not the fast path the probe takes.
  const { evaluate } = require('appgrant');
  assert.deepEqual(result.decisions, REQUESTS.map((r) => JSON.parse(JSON.stringify(evaluate(CONFIG, r)))));
  assert.deepEqual(result.decisions.map((d) => d.allowed), [true, false]);
  assert.deepEqual(result.exports, names);
}

// Resolves a bin of the repo's dev dependencies to the real executable's launcher.
export function bin(name) {
  return join(repo, 'node_modules', '.bin', name);
}

// Bun is the binary of its npm platform package (@oven/bun-linux-x64, a dev dependency), run
// directly: the `bun` package needs a postinstall, which npm 11 does not run.
export const BUN = process.env.BUN ?? join(repo, 'node_modules', '@oven', `bun-${process.platform}-${process.arch}`, 'bin', 'bun');

// Spawns a child that is killed when the test ends; collects its output for failure messages.
export function run(command, args, options = {}) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise((resolveExit) => child.on('exit', (code, signal) => resolveExit({ code, signal })));
  return {
    child,
    exited,
    output: () => output,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Debian's Chromium and the flags every browser test launches it with: headless, no sandbox (root),
// and nothing that reaches for the network on its own.
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];
