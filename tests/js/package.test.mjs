// The built package (pkg/, via node_modules/appgrant) as Node users meet it: `import` and
// `require` by name, and a manifest whose exports, types and files all exist.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esm from 'appgrant';
import { apiNames, assertProbe, manifest, pkgDir, repo } from '../runtime/harness.mjs';
import { probe } from '../runtime/probe.mjs';

const require = createRequire(import.meta.url);
const read = (file) => readFileSync(join(pkgDir, file), 'utf8');

test('import by name gives the API, ready to use', () => {
  assertProbe(probe(esm));
});

test('require by name gives the same API from the same instance as import', () => {
  const cjs = require('appgrant');
  assertProbe(probe(cjs));
  for (const name of apiNames) assert.equal(esm[name], cjs[name], `${name} differs between import and require`);
});

test('the manifest is versioned like the crate and its exports go from specific to generic', () => {
  const cargo = readFileSync(join(repo, 'Cargo.toml'), 'utf8');
  assert.equal(manifest.name, 'appgrant');
  assert.equal(manifest.version, cargo.match(/^version\s*=\s*"([^"]+)"/m)[1]);
  const root = manifest.exports['.'];
  assert.deepEqual(Object.keys(root), ['types', 'workerd', 'deno', 'browser', 'node', 'default']);
  assert.deepEqual(Object.keys(root.node), ['import', 'require']);
});

// Every path the manifest names, however deeply nested in conditions.
function targets(value) {
  if (typeof value === 'string') return [value];
  return Object.values(value ?? {}).flatMap(targets);
}

test('every file the manifest points at is in the package', () => {
  const named = [manifest.main, manifest.types, ...targets(manifest.exports)];
  for (const file of [...named, ...manifest.files]) {
    assert.ok(existsSync(join(pkgDir, file)), `${file} is missing from pkg/`);
  }
  for (const file of named) {
    assert.ok(manifest.files.includes(file.replace(/^\.\//, '')) || file === './package.json', `${file} is not in "files"`);
  }
});

test('the tarball npm would publish holds the listed files, the manifest and the readme only', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const expected = [...manifest.files, 'package.json', ...(existsSync(join(pkgDir, 'README.md')) ? ['README.md'] : [])];
  assert.deepEqual(packed.files.map((f) => f.path).sort(), expected.sort());
});

test('the types declare exactly the runtime API, without wasm-bindgen init internals', () => {
  const types = read('index.d.ts');
  assert.equal(read('index.d.cts'), types);
  const declared = [...types.matchAll(/^export (?:declare )?(?:function|class|const|enum) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), apiNames);
  assert.doesNotMatch(types, /initSync|InitInput|InitOutput|__wbg_init/);
});

test('every ES module entry re-exports the same names', () => {
  const entries = targets(manifest.exports['.']).filter((file) => file.endsWith('.mjs'));
  assert.ok(entries.length >= 4, entries.join(', '));
  for (const file of entries) {
    const names = [...read(file).matchAll(/^export \{([^}]*)\} from/gm)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
    assert.deepEqual(names.sort(), apiNames, file);
  }
});

test('edge entries neither fetch nor read the wasm: it arrives as a module import', () => {
  for (const condition of ['workerd', 'deno']) {
    const source = read(manifest.exports['.'][condition]).replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(source, /fetch|readFile|import\.meta\.url|\binit\(/, condition);
    assert.match(source, /^import (?:source )?wasmModule from '\.\/appgrant_bg\.wasm';$/m, condition);
  }
});
