// TypeScript users get the package's declarations through the `types` condition: as an ES module
// and as CommonJS under node16/nodenext resolution, and under bundler resolution. Each case is a
// throwaway project whose node_modules/appgrant links to the built package.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { bin, pkgDir } from './harness.mjs';

const scratch = mkdtempSync(join(tmpdir(), 'appgrant-types-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const USE_ESM = `import { appsecretProof, ProofSigner, verifyAppsecretProof, type AppgrantError } from 'appgrant';
const proof: { appsecret_proof: string; appsecret_time: number } = appsecretProof('token', 'secret', 1764000000);
const again: string = new ProofSigner('secret').proof('token').appsecret_proof;
const ok: boolean = verifyAppsecretProof(proof, 'secret').ok;
// @ts-expect-error wasm-bindgen's initialisation is internal to the package
import { initSync } from 'appgrant';
// @ts-expect-error the time is a number or a Date
appsecretProof('token', 'secret', 'yesterday');
export function code(e: AppgrantError): string { return e.code + again + String(ok) + String(initSync); }
`;

const USE_CJS = `import appgrant = require('appgrant');
const legacy: string = appgrant.legacyAppsecretProof('token', 'secret');
// @ts-expect-error wasm-bindgen's initialisation is internal to the package
appgrant.initSync;
export = legacy;
`;

// appgrant/edge: the package's types, of its names only (no tools).
const USE_EDGE_ESM = `import { compile, Gate, createGate, type Decision, type GateAnswer, type IntegrationConfig } from 'appgrant/edge';
const config: IntegrationConfig = { permissions: ['read_group_content'] };
const decision: Decision = compile(config).evaluate({ method: 'GET', path: '/1001/feed', node: 'group' });
const answer: GateAnswer = new Gate(config, { app_secret: 'secret' }).handle({ method: 'GET', url: '/me' });
// @ts-expect-error validate is one of the tools appgrant/edge leaves out
import { validate } from 'appgrant/edge';
// @ts-expect-error a config's permissions are ids
compile({ permissions: 'read_group_content' });
export const gate = createGate({ config, credentials: { app_secret: 'secret' } });
export const seen: string = String(decision.allowed) + answer.status + String(validate);
`;

const USE_EDGE_CJS = `import edge = require('appgrant/edge');
const allowed: boolean = edge.evaluate({ permissions: [] }, { method: 'GET', path: '/me' }).allowed;
// @ts-expect-error Integration is one of the tools appgrant/edge leaves out
edge.Integration;
export = allowed;
`;

function project(name, compilerOptions, files) {
  const dir = join(scratch, name);
  mkdirSync(join(dir, 'node_modules'), { recursive: true });
  symlinkSync(pkgDir, join(dir, 'node_modules', 'appgrant'));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  const tsconfig = { compilerOptions: { strict: true, noEmit: true, types: [], ...compilerOptions }, files: Object.keys(files) };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  return dir;
}

async function tsc(dir) {
  try {
    await promisify(execFile)(bin('tsc'), ['-p', dir], { timeout: 120_000 });
  } catch (e) {
    assert.fail(`tsc -p ${dir} failed:\n${e.stdout}${e.stderr}`);
  }
}

test('nodenext: import from an ES module and require from a CommonJS module type-check, for appgrant and appgrant/edge', async () => {
  await tsc(project('nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }, { 'esm.mts': USE_ESM, 'cjs.cts': USE_CJS, 'edge.mts': USE_EDGE_ESM, 'edge-cjs.cts': USE_EDGE_CJS }));
});

test('bundler resolution (browsers, edge runtimes) type-checks the same import', async () => {
  await tsc(project('bundler', { module: 'esnext', moduleResolution: 'bundler', target: 'es2022' }, { 'app.ts': USE_ESM, 'edge.ts': USE_EDGE_ESM }));
});
