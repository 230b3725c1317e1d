// Turns the compiled wasm into the npm package in pkg/ (run by `./dev build` after cargo).
//
//   node tools/build-pkg.mjs [path/to/appgrant.wasm]
//
// One .wasm serves every runtime. wasm-bindgen's `web` (ES module) and `nodejs` (CommonJS)
// glues are generated from the same input; they emit byte-identical wasm, checked below, so
// both glues sit beside a single appgrant_bg.wasm. Small entry files pick how each runtime
// obtains the wasm so that the API is ready as soon as the import resolves:
//   index.mjs    Node import:  re-exports the CommonJS glue, so import and require share one instance
//   appgrant.cjs Node require: the nodejs glue itself (reads the wasm synchronously)
//   browser.mjs  browsers and the default: top-level await of init(), fetching the wasm by URL
//   deno.mjs     Deno: `import source` gives a WebAssembly.Module without read permission
//   workerd.mjs  Cloudflare workerd: a .wasm import is a WebAssembly.Module; nothing is fetched
//   index.cjs    Node require: the nodejs glue's API plus the clients
// The clients (js/clients.mjs: preRequest, signedFetch, createGate, ...) are plain JavaScript over
// the API: clients.js beside the web glue, clients.cjs (derived) beside the nodejs glue, and every
// entry re-exports them. js/fast.mjs is built the same way (fast.js, fast.cjs): it replaces some of
// the glue's exports (ProofSigner, appsecretProof, compile, evaluate) with versions that pass the
// core primitives only, and the entries export those instead of the glue's.
// js/cli.mjs is the `appgrant` command (cli.mjs in the package).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const input = resolve(process.argv[2] ?? join(repo, 'target/wasm32-unknown-unknown/release/appgrant.wasm'));
const work = join(repo, 'target/bindgen');
const staging = join(repo, 'target/pkg-staging');
const out = join(repo, 'pkg');

function fail(message) {
  console.error(`build-pkg: ${message}`);
  process.exit(1);
}

// Only the [package] table matters; a full TOML parser is not worth a dependency here.
function cargoPackage() {
  const toml = readFileSync(join(repo, 'Cargo.toml'), 'utf8');
  const table = toml.match(/^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m)?.[1] ?? '';
  const field = (key) => table.match(new RegExp(`^${key}\\s*=\\s*"([^"]*)"`, 'm'))?.[1];
  const pkg = { name: field('name'), version: field('version'), description: field('description'), license: field('license') };
  if (!pkg.name || !pkg.version) fail('Cargo.toml [package] lacks name or version');
  return pkg;
}

function bindgen(target, dir) {
  rmSync(dir, { recursive: true, force: true });
  execFileSync(
    'wasm-bindgen',
    ['--target', target, '--out-dir', dir, '--out-name', 'appgrant', '--remove-name-section', '--remove-producers-section', input],
    { stdio: 'inherit' },
  );
}

const reexport = (names, from) => `export { ${names.join(', ')} } from '${from}';\n`;
const typesHint = '/* @ts-self-types="./index.d.ts" */\n';

// Entries built around the ES module glue, which must be initialised once with the compiled module.
const initWith = (comment, importWasm, api) =>
  `${typesHint}// ${comment}\n${importWasm}\nimport { initSync } from './appgrant.js';\n\n` +
  `initSync({ module: wasmModule });\n\n${reexports(api, 'js')}`;

// `api` lists the names each module gives: { glue, fast, clients }.
const reexports = (api, ext) =>
  reexport(api.glue, `./appgrant.${ext}`) + reexport(api.fast, `./fast.${ext}`) + reexport(api.clients, `./clients.${ext}`);

const ENTRIES = {
  'index.mjs': (api) =>
    `${typesHint}// Node.js \`import\`: the CommonJS glue loads the wasm synchronously; sharing it keeps one\n` +
    `// instance (and one set of classes) when a process both imports and requires appgrant. One\n` +
    `// CommonJS module crosses into ES modules (each costs Node a separate read and parse; this\n` +
    `// cuts about 40% off a first import).\n` +
    reexport([...api.glue, ...api.fast, ...api.clients].sort(), './index.cjs'),
  'index.cjs': (api) =>
    `// Node.js \`require\`: the nodejs glue's API, its fast paths and the clients built on it.\n'use strict';\n` +
    `const api = require('./appgrant.cjs');\nconst fast = require('./fast.cjs');\nconst clients = require('./clients.cjs');\n\n` +
    Object.entries(api)
      .flatMap(([module, names]) => names.map((n) => `exports.${n} = ${module === 'glue' ? 'api' : module}.${n};\n`))
      .join(''),
  'browser.mjs': (api) =>
    `${typesHint}// Browsers (and any ES module runtime with fetch): compile the wasm next to this file once,\n` +
    `// before the importer runs, so the API is usable right after \`import\`.\n` +
    `import init from './appgrant.js';\n\n` +
    `await init({ module_or_path: new URL('./appgrant_bg.wasm', import.meta.url) });\n\n` +
    reexports(api, 'js'),
  'deno.mjs': (api) =>
    initWith(
      'Deno: a source-phase import yields the compiled module without --allow-read or fetch.',
      "import source wasmModule from './appgrant_bg.wasm';",
      api,
    ),
  'workerd.mjs': (api) =>
    initWith(
      'Cloudflare workerd (and wrangler): a .wasm module import is a WebAssembly.Module; workers may not fetch it.',
      "import wasmModule from './appgrant_bg.wasm';",
      api,
    ),
};

// js/clients.mjs and js/fast.mjs are written once, as ES modules. Their CommonJS twins differ only
// in how they reach the glue and how they export, so a line-level rewrite derives them; anything
// the rewrite would not understand fails the build instead of shipping a half-converted module.
function jsModule(name) {
  const file = `js/${name}.mjs`;
  const source = readFileSync(join(repo, file), 'utf8');
  const importLine = /^import \{([^}]*)\} from '\.\/appgrant\.js';$/m;
  const imported = source.match(importLine);
  if (!imported) fail(`${file} must reach the API through one \`import { ... } from './appgrant.js';\` statement`);
  const exported = /^export (?=(?:async )?(?:function|class) (\w+))/gm;
  const names = [...source.matchAll(exported)].map((m) => m[1]).sort();
  const bindings = imported[1].replace(/\b(\w+) as (\w+)\b/g, '$1: $2');
  const body = source.replace(importLine, `const {${bindings}} = require('./appgrant.cjs');`).replace(exported, '');
  if (/^(?:import|export)\b/m.test(body)) fail(`${file} may only export \`function\` and \`class\` declarations (the CommonJS twin is derived from it)`);
  const cjs = `'use strict';\n${body}\n${names.map((n) => `exports.${n} = ${n};`).join('\n')}\n`;
  return { names, esm: source, cjs };
}

function apiNames(nodeGlue) {
  const glue = createRequire(import.meta.url)(nodeGlue);
  const names = Object.keys(glue).filter((n) => !n.startsWith('__') && n !== 'initSync').sort();
  if (names.length === 0) fail('the wasm exports nothing to JavaScript (no #[wasm_bindgen] items?)');
  return names;
}

function packageJson(cargo) {
  const template = JSON.parse(readFileSync(join(repo, 'pkg.json'), 'utf8'));
  const { name, ...rest } = template;
  if (name !== cargo.name) fail(`pkg.json name "${name}" differs from Cargo.toml "${cargo.name}"`);
  return { name, version: cargo.version, description: cargo.description, license: cargo.license, ...rest };
}

function sizes(dir) {
  const rows = readdirSync(dir).sort().map((file) => [file, statSync(join(dir, file)).size]);
  const width = Math.max(...rows.map(([file]) => file.length));
  for (const [file, size] of rows) console.log(`  ${file.padEnd(width)}  ${String(size).padStart(8)} B`);
  const wasm = readFileSync(join(dir, 'appgrant_bg.wasm'));
  const gz = gzipSync(wasm, { level: 9 }).length;
  console.log(`appgrant_bg.wasm: ${wasm.length} bytes raw, ${gz} bytes gzip (${(wasm.length / 1024).toFixed(1)} KiB / ${(gz / 1024).toFixed(1)} KiB)`);
}

const cargo = cargoPackage();
try {
  statSync(input);
} catch {
  fail(`${input} not found: run cargo build --release --target wasm32-unknown-unknown first`);
}

bindgen('web', join(work, 'web'));
bindgen('nodejs', join(work, 'node'));
const webWasm = readFileSync(join(work, 'web/appgrant_bg.wasm'));
const nodeWasm = readFileSync(join(work, 'node/appgrant_bg.wasm'));
if (!webWasm.equals(nodeWasm)) fail('wasm-bindgen emitted different wasm for web and nodejs; one shared .wasm is impossible');

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
copyFileSync(join(work, 'web/appgrant_bg.wasm'), join(staging, 'appgrant_bg.wasm'));
// The glues are internal (the exports map reaches them only through the entries), so their
// pointer to wasm-bindgen's own .d.ts is dropped along with that file.
const glue = (file) => readFileSync(file, 'utf8').replace(/^\/\* @ts-self-types="[^"]*" \*\/\n+/, '');
writeFileSync(join(staging, 'appgrant.js'), glue(join(work, 'web/appgrant.js')));
writeFileSync(join(staging, 'appgrant.cjs'), glue(join(work, 'node/appgrant.js')));
// The nodejs glue's declarations are exactly the API (no init/initSync); ESM and CJS get a copy each
// so that TypeScript's node16/nodenext resolution sees the right module format for either.
// wasm-bindgen declares `[Symbol.dispose]()` on classes, which compiles only with the disposable
// lib: referencing it here spares every user's tsconfig from having to add it.
let api = readFileSync(join(work, 'node/appgrant.d.ts'), 'utf8') + readFileSync(join(repo, 'js/clients.d.ts'), 'utf8');
if (api.includes('Symbol.dispose')) api = `/// <reference lib="esnext.disposable" />\n${api}`;
writeFileSync(join(staging, 'index.d.ts'), api);
writeFileSync(join(staging, 'index.d.cts'), api);

const client = jsModule('clients');
const fast = jsModule('fast');
for (const [name, module] of [['clients', client], ['fast', fast]]) {
  writeFileSync(join(staging, `${name}.js`), module.esm);
  writeFileSync(join(staging, `${name}.cjs`), module.cjs);
}
writeFileSync(join(staging, 'cli.mjs'), readFileSync(join(repo, 'js/cli.mjs'), 'utf8'), { mode: 0o755 });
const glueNames = apiNames(join(staging, 'appgrant.cjs'));
const clash = client.names.filter((n) => glueNames.includes(n) || fast.names.includes(n));
if (clash.length) fail(`js/clients.mjs exports names the API already has: ${clash.join(', ')}`);
// The fast paths replace glue exports of the same name, whose TypeScript declarations they keep.
const unknown = fast.names.filter((n) => !glueNames.includes(n));
if (unknown.length) fail(`js/fast.mjs exports names the wasm API lacks: ${unknown.join(', ')}`);
const exported = { glue: glueNames.filter((n) => !fast.names.includes(n)), fast: fast.names, clients: client.names };
for (const [file, make] of Object.entries(ENTRIES)) writeFileSync(join(staging, file), make(exported));
const names = [...exported.glue, ...exported.fast];
const required = Object.keys(createRequire(import.meta.url)(join(staging, 'index.cjs'))).sort();
if (required.join() !== [...names, ...client.names].sort().join()) fail(`index.cjs exports ${required.join(', ')}`);
for (const extra of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE', 'LICENSE']) {
  try {
    copyFileSync(join(repo, extra), join(staging, extra));
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}
const manifest = packageJson(cargo);
writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const missing = manifest.files.filter((f) => !readdirSync(staging).includes(f) && !f.includes('*'));
if (missing.length) fail(`pkg.json "files" names files the build did not produce: ${missing.join(', ')}`);

// Swap in the finished package at once so a running `./dev serve` never sees half a build.
rmSync(out, { recursive: true, force: true });
renameSync(staging, out);
console.log(`pkg/ ${manifest.name}@${manifest.version}: ${names.length + client.names.length} exports (${[...names, ...client.names].join(', ')})`);
sizes(out);
