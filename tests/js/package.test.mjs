// The built package (pkg/, via node_modules/appgrant) as Node users meet it: `import` and
// `require` by name, and a manifest whose exports, types and files all exist.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { test } from 'node:test';
import * as esm from 'appgrant';
import * as edgeEsm from 'appgrant/edge';
import { apiNames, assertProbe, edgeNames, manifest, pkgDir, repo } from '../runtime/harness.mjs';
import { probe } from '../runtime/probe.mjs';
import { hmacHex, timedProof } from './fixtures.mjs';

const require = createRequire(import.meta.url);
const read = (file) => readFileSync(join(pkgDir, file), 'utf8');

// The package's entries: the whole API, and appgrant/edge (the API without the tools, over its
// own smaller wasm module in edge/).
const ENTRIES = [
  { entry: '.', spec: 'appgrant', names: apiNames, esm },
  { entry: './edge', spec: 'appgrant/edge', names: edgeNames, esm: edgeEsm },
];

test('import by name gives the API, ready to use', () => {
  for (const { names, esm: api } of ENTRIES) assertProbe(probe(api), names);
});

test('appgrant/edge is the package without its tools', () => {
  assert.deepEqual(edgeNames, apiNames.filter((n) => !['Integration', 'operations', 'permissions', 'preRequest', 'requiredPermissions', 'validate'].includes(n)));
  const cjs = require('appgrant/edge');
  assertProbe(probe(cjs), edgeNames);
  const config = { app_id: '1', permissions: ['read_group_content'] };
  assert.ok(edgeEsm.compile(config) instanceof cjs.Policy && new edgeEsm.Gate(config, { app_secret: 's3cret' }) instanceof cjs.Gate);
});

test('require by name gives the same API as import, and the same instance but for the proof functions', () => {
  const cjs = require('appgrant');
  assertProbe(probe(cjs));
  for (const name of apiNames) assert.deepEqual([typeof esm[name], esm[name].name], [typeof cjs[name], name], name);
  // index.mjs signs on its own instance of the signer module (tools/build-pkg.mjs says why) ...
  assert.deepEqual(esm.appsecretProof('tok', 's3cret', 1764000000), cjs.appsecretProof('tok', 's3cret', 1764000000));
  assert.equal(new esm.ProofSigner('s3cret').proof('tok', 1764000000).appsecret_proof, new cjs.ProofSigner('s3cret').proof('tok', 1764000000).appsecret_proof);
  // ... and takes the rest from index.cjs: one API module, one set of classes.
  const config = { app_id: '1', permissions: ['read_group_content'] };
  assert.ok(esm.compile(config) instanceof cjs.Policy && cjs.compile(config) instanceof esm.Policy);
  assert.ok(new esm.Gate(config, { app_secret: 's3cret' }) instanceof cjs.Gate);
  assert.equal(Object.getPrototypeOf(esm.compile(config)), cjs.Policy.prototype);
});

test('the manifest is versioned like the crate and its exports go from specific to generic', () => {
  const cargo = readFileSync(join(repo, 'Cargo.toml'), 'utf8');
  assert.equal(manifest.name, 'appgrant');
  assert.equal(manifest.version, cargo.match(/^version\s*=\s*"([^"]+)"/m)[1]);
  assert.deepEqual(Object.keys(manifest.exports), ['.', './edge', './package.json']);
  for (const { entry } of ENTRIES) {
    const conditions = manifest.exports[entry];
    assert.deepEqual(Object.keys(conditions), ['types', 'workerd', 'deno', 'browser', 'node', 'default'], entry);
    assert.deepEqual(Object.keys(conditions.node), ['import', 'require'], entry);
  }
});

// Every path the manifest names, however deeply nested in conditions.
function targets(value) {
  if (typeof value === 'string') return [value];
  return Object.values(value ?? {}).flatMap(targets);
}

// The files of "files", a listed folder (edge/) standing for every file in it.
const listedFiles = () =>
  manifest.files.flatMap((f) => (statSync(join(pkgDir, f)).isDirectory() ? readdirSync(join(pkgDir, f)).map((g) => `${f}/${g}`) : [f]));

test('every file the manifest points at is in the package', () => {
  const named = [manifest.main, manifest.types, ...targets(manifest.exports)];
  for (const file of [...named, ...manifest.files]) {
    assert.ok(existsSync(join(pkgDir, file)), `${file} is missing from pkg/`);
  }
  const listed = listedFiles();
  for (const file of named) {
    assert.ok(listed.includes(file.replace(/^\.\//, '')) || file === './package.json', `${file} is not in "files"`);
  }
});

test('the tarball npm would publish holds the listed files (the licenses among them), the manifest and the readme only', () => {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkgDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  const expected = [...listedFiles(), 'package.json', 'README.md'];
  assert.deepEqual(packed.files.map((f) => f.path).sort(), expected.sort());
});

test('the types declare exactly the runtime API, without wasm-bindgen init internals', () => {
  const types = read('index.d.ts');
  assert.equal(read('index.d.cts'), types);
  const declared = [...types.matchAll(/^export (?:declare )?(?:function|class|const|enum) (\w+)/gm)].map((m) => m[1]);
  assert.deepEqual([...new Set(declared)].sort(), apiNames);
  assert.doesNotMatch(types, /initSync|InitInput|InitOutput|__wbg_init/);
  // appgrant/edge's re-export the root's, in the root's module format each: every type, and
  // the values it has.
  const typeNames = [...types.matchAll(/^export (?:declare )?(?:type|interface) (\w+)/gm)].map((m) => m[1]).sort();
  for (const [file, from] of [['edge/index.d.ts', '../index.js'], ['edge/index.d.cts', '../index.cjs']]) {
    const edgeTypes = read(file);
    const list = (prefix) => edgeTypes.match(new RegExp(`^export ${prefix}\\{([^}]*)\\} from '${from.replace('.', '\\.')}';$`, 'm'))?.[1] ?? '';
    const names = (prefix) => list(prefix).split(',').map((n) => n.trim()).sort();
    assert.deepEqual(names(''), edgeNames, file);
    assert.deepEqual(names('type '), typeNames, file);
  }
});

test('every ES module entry re-exports the same names', () => {
  for (const { entry, names: expected } of ENTRIES) {
    const entries = targets(manifest.exports[entry]).filter((file) => file.endsWith('.mjs'));
    assert.ok(entries.length >= 4, entries.join(', '));
    for (const file of entries) {
      const names = [...read(file).matchAll(/^export (?:const )?\{([^}]*)\}(?: from| =|;$)/gm)].flatMap((m) => m[1].split(',').map((s) => s.trim()));
      assert.deepEqual(names.sort(), expected, file);
    }
  }
});

test('edge runtimes\' entries neither fetch nor read the wasm: it arrives as a module import', () => {
  for (const [entry, condition] of ENTRIES.flatMap(({ entry }) => [[entry, 'workerd'], [entry, 'deno']])) {
    const source = read(manifest.exports[entry][condition]).replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    assert.doesNotMatch(source, /fetch|readFile|import\.meta\.url|\binit\(/, condition);
    assert.match(source, /^import (?:source )?wasmModule from '\.\/appgrant_bg\.wasm';$/m, condition);
    // The API module has the signer module's exports: one wasm module, not two.
    assert.doesNotMatch(source, /signer_bg\.wasm/, condition);
  }
});

// A fresh Node process runs `script` (CommonJS, `api` is the package by `require` or `import`)
// and prints JSON; which of the CommonJS files it loaded (index.cjs, and what index.cjs loads on
// first use: api.cjs, the API module's glue appgrant.cjs) comes back as `loaded`, and the byte
// length of each wasm module it compiled as `compiled`.
function fresh(how, script, spec = 'appgrant') {
  const load = how === 'require' ? `const api = require('${spec}');` : `const api = await import('${spec}');`;
  const count = 'const compiled = []; const Module = WebAssembly.Module;\n' +
    'WebAssembly.Module = function (bytes) { compiled.push(bytes.byteLength); return new Module(bytes); };\n';
  const body = `${count}${load}\nconst out = (() => { ${script} })();\n` +
    "const loaded = Object.keys(require.cache).map((f) => f.split(/[\\\\/]/).pop()).filter((f) => /^(appgrant|api|index)\\.cjs$/.test(f)).sort();\n" +
    'console.log(JSON.stringify({ out, loaded, compiled }));';
  const source = `const { createRequire } = await import('node:module'); const require = createRequire(${JSON.stringify(join(repo, 'x.js'))});\n${body}`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' }));
}

const wasmSize = (file) => readFileSync(join(pkgDir, file)).length;

for (const [how, { entry, spec }] of ['require', 'import'].flatMap((h) => ENTRIES.map((e) => [h, e]))) {
  test(`a Node process that only signs (${how} ${spec}) loads the signer module, not the API module`, () => {
    const signing = fresh(how, `
      const signer = new api.ProofSigner('s3cret');
      return [api.appsecretProof('tok', 's3cret', 1764000000), signer.proof('tok', 1764000000), signer.proof('tok', new Date(1764000000000)),
        signer.legacy('tok'), api.legacyAppsecretProof('tok', 's3cret')];`, spec);
    // The signer module has no glue: the entry compiles it, once, and loads no more JavaScript
    // (index.mjs not even index.cjs).
    const loaded = how === 'require' ? ['index.cjs'] : [];
    assert.deepEqual({ loaded: signing.loaded, compiled: signing.compiled }, { loaded, compiled: [wasmSize(join(entry, 'signer_bg.wasm'))] });
    const proof = { appsecret_proof: timedProof('tok', 's3cret', 1764000000), appsecret_time: 1764000000 };
    const legacy = hmacHex('s3cret', 'tok');
    assert.deepEqual(signing.out, [proof, proof, proof, legacy, legacy]);
    // Anything else loads the API module on first use, once; the signer module is left alone.
    const config = { app_id: '1', permissions: ['read_group_content'] };
    const request = { method: 'GET', path: '/1001/feed', node: 'group' };
    const deciding = fresh(how, `return [api.compile(${JSON.stringify(config)}).evaluate(${JSON.stringify(request)}).toJSON()];`, spec);
    assert.deepEqual(deciding, {
      out: [esm.compile(config).evaluate(request).toJSON()],
      loaded: ['api.cjs', 'appgrant.cjs', 'index.cjs'],
      compiled: [wasmSize(join(entry, 'appgrant_bg.wasm'))],
    });
    assert.equal(deciding.out[0].operation, 'group.feed.read');
  });
}

test('without process.getBuiltinModule (Node before 20.16) the ES module entry says what it needs; require still works', () => {
  const source = "delete process.getBuiltinModule; const api = await import('appgrant');\n" +
    "let refused; try { api.appsecretProof('tok', 's3cret', 1764000000); } catch (e) { refused = e.message; }\n" +
    "const { createRequire } = await import('node:module'); const cjs = createRequire(import.meta.url)('appgrant');\n" +
    "console.log(JSON.stringify([typeof api.compile, refused, cjs.appsecretProof('tok', 's3cret', 1764000000)]));";
  const [compile, refused, proof] = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { encoding: 'utf8' }));
  assert.equal(compile, 'function');
  assert.match(refused, /needs process\.getBuiltinModule: Node 20\.16 or newer/);
  assert.deepEqual(proof, { appsecret_proof: timedProof('tok', 's3cret', 1764000000), appsecret_time: 1764000000 });
  assert.equal(manifest.engines.node, '>=20.16');
});

for (const how of ['require', 'import']) {
  test(`the API module's classes behave as themselves before and after it loads (${how}: the entry's stand-ins)`, () => {
    const checked = fresh(how, `
      const { Integration, Gate } = api;
      const seen = [typeof Integration, Object.keys(require.cache).some((f) => f.endsWith('appgrant.cjs'))];
      const config = { app_id: '1', permissions: ['read_group_content'] };
      const wp = new Integration(config, { app_secret: 's3cret' });
      const restored = Integration.fromState(wp.exportState(), { app_secret: 's3cret' });
      class Named extends Gate { get named() { return true; } }
      const gate = new Named(config, { app_secret: 's3cret' });
      let called;
      try { Integration(config, { app_secret: 's3cret' }); } catch (e) { called = e instanceof TypeError; }
      return [...seen, wp instanceof Integration, restored instanceof Integration, Integration.name, typeof Integration.prototype.issueToken,
        'fromState' in Integration, gate instanceof Gate, gate instanceof Named, gate.named, typeof gate.handle, called];`);
    assert.deepEqual(checked.out, ['function', false, true, true, 'Integration', 'function', true, true, true, true, 'function', true]);
  });

  test(`the Policy fast path's class behaves as itself before and after api.cjs loads (${how}: the entry's stand-ins)`, () => {
    const checked = fresh(how, `
      const { Policy, compile } = api;
      const loaded = () => Object.keys(require.cache).some((f) => f.endsWith('api.cjs'));
      const before = [typeof Policy, loaded(), Policy.name];
      let refused;
      try { new Policy(); } catch (e) { refused = e.code; }
      const policy = compile({ app_id: '1', permissions: ['read_group_content'] });
      const decision = policy.evaluate({ method: 'GET', path: '/1001/feed', node: 'group' });
      return [...before, refused, loaded(), policy instanceof Policy, Object.getPrototypeOf(policy) === Policy.prototype, typeof Policy.prototype.evaluate, decision.allowed];`);
    assert.deepEqual(checked.out, ['function', false, 'Policy', 'invalid_argument', true, true, true, 'function', true]);
  });
}
