// Turns the compiled wasm into the npm package in pkg/ (run by `./dev build` after cargo).
//
//   node tools/build-pkg.mjs [path/to/api.wasm [path/to/signer.wasm [path/to/edge.wasm]]]
//
// The crate builds three wasm modules (src/wasm/mod.rs): the API module (appgrant_bg.wasm, all of
// it), the edge module (edge/appgrant_bg.wasm: the API module without its tools, for edge
// functions, whose bundles are size-limited and whose cold starts compile the module) and the
// signer module (signer_bg.wasm, proof signing only, a tenth of the size, with no
// wasm-bindgen and so no glue), which exists for Node's start-up: a process that only signs never
// loads the API module. ES module runtimes load the API module alone, and signer.js there gives
// its exports, which include the signer module's. The API
// module's `web` (ES module) and `nodejs` (CommonJS) glues are generated from the same input; they
// emit byte-identical wasm, checked below, so both glues sit beside a single .wasm. Small entry
// files pick how each runtime obtains the wasm so that the API is ready as soon as the import
// resolves:
//   index.mjs    Node import:  the signer module's loader and the proof functions as an ES
//                module; the rest of the API from index.cjs on first use
//   index.cjs    Node require: the signer module's loader and the proof functions; the rest of
//                the API's JavaScript (api.cjs) and the API module's glue (appgrant.cjs) on first use
//   browser.mjs  browsers and the default: top-level await of init(), fetching the wasm by URL
//   deno.mjs     Deno: `import source` gives a WebAssembly.Module without read permission
//   workerd.mjs  Cloudflare workerd: a .wasm import is a WebAssembly.Module; nothing is fetched
// The package's root has these files around the API module; edge/ (appgrant/edge) has the same
// files around the edge module, with the same names, and declarations that re-export the root's.
// The clients (js/clients.mjs: signedFetch, createGate, ...; js/prerequest.mjs: preRequest, which
// needs `validate`, so not in edge/) are plain JavaScript over the API: clients.js beside the web
// glues, and a CommonJS twin derived into api.cjs; every entry re-exports them. js/sign.mjs (the
// proof functions: sign.js, and a twin in index.cjs) and
// js/fast.mjs (the Policy fast path: fast.js, and a twin in api.cjs) are built the same way: they
// pass the core primitives only, and replace the glue's exports of the same name (compile,
// evaluate) in every entry.
// js/cli.mjs is the `appgrant` command (cli.mjs in the package).
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));
const inputs = {
  appgrant: resolve(process.argv[2] ?? join(repo, 'target/wasm32-unknown-unknown/release/appgrant.wasm')),
  signer: resolve(process.argv[3] ?? join(repo, 'target/signer/wasm32-unknown-unknown/release/appgrant.wasm')),
  edge: resolve(process.argv[4] ?? join(repo, 'target/edge/wasm32-unknown-unknown/release/appgrant.wasm')),
};
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

// wasm-bindgen returns a Result or a string through multi-value results when the module's
// `target_features` section says multivalue is used, which it always does: Rust's prebuilt std
// declares it, and `-C target-feature=-multivalue` cannot take that back. V8 (Node 20) compiles a
// JS-to-wasm wrapper for every export signature with several results when it compiles the module,
// about 0.15 ms each: a millisecond of a first proof in a fresh process, and of the API module's
// compile. Marked disallowed ('-'), the feature makes wasm-bindgen return through memory instead.
// LLVM itself emits no multi-value functions for Rust's wasm32 ABI, so the claim stays true.
function withoutMultiValue(name) {
  const wasm = Buffer.from(readFileSync(inputs[name]));
  let marked = false;
  for (const section of sections(wasm)) {
    if (section.name !== 'target_features') continue;
    const at = { pos: section.body };
    for (let n = leb(wasm, at); n > 0; n--) {
      const prefix = at.pos++;
      const length = leb(wasm, at);
      if (wasm.toString('latin1', at.pos, at.pos + length) === 'multivalue') (wasm[prefix] = 0x2d), (marked = true);
      at.pos += length;
    }
  }
  if (!marked) fail(`${inputs[name]} declares no multivalue target feature to take back (did the toolchain change?)`);
  mkdirSync(work, { recursive: true });
  const file = join(work, `${name}.wasm`);
  writeFileSync(file, wasm);
  return file;
}

// An unsigned LEB128 number of `wasm` at `at.pos`, which moves past it.
function leb(wasm, at) {
  let value = 0;
  for (let shift = 0; ; shift += 7) {
    const byte = wasm[at.pos++];
    value += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) return value;
  }
}

// The sections of a wasm binary: { id, name (of a custom section), from, body, end } offsets.
function sections(wasm) {
  const found = [];
  for (const at = { pos: 8 }; at.pos < wasm.length; ) {
    const from = at.pos;
    const id = wasm[at.pos++];
    const end = leb(wasm, at) + at.pos;
    let name;
    if (id === 0) {
      const length = leb(wasm, at);
      name = wasm.toString('latin1', at.pos, at.pos + length);
      at.pos += length;
    }
    found.push({ id, name, from, body: at.pos, end });
    at.pos = end;
  }
  return found;
}

// Every variant's glue is appgrant.js / appgrant_bg.wasm: the entries name those files.
function bindgen(name, target, dir) {
  rmSync(dir, { recursive: true, force: true });
  execFileSync(
    'wasm-bindgen',
    ['--target', target, '--out-dir', dir, '--out-name', 'appgrant', '--remove-name-section', '--remove-producers-section', withoutMultiValue(name)],
    { stdio: 'inherit' },
  );
}

const reexport = (names, from) => `export { ${names.join(', ')} } from '${from}';\n`;
const typesHint = '/* @ts-self-types="./index.d.ts" */\n';

// Entries built around the ES module glue, which must be initialised once with the compiled module.
const initWith = (comment, importWasm, api) =>
  `${typesHint}// ${comment}\n${importWasm}\nimport { initSync } from './appgrant.js';\n\n` +
  `initSync({ module: wasmModule });\n\n${reexports(api, 'js')}`;

// `api` lists the names each module gives: { glue, sign, fast, clients }.
const FROM = { glue: './appgrant.js' };
const reexports = (api, ext) => {
  const byFile = new Map();
  for (const [module, names] of Object.entries(api)) {
    const file = FROM[module] ?? `./${module}.${ext}`;
    byFile.set(file, [...(byFile.get(file) ?? []), ...names]);
  }
  return [...byFile].map(([file, names]) => reexport(names, file)).join('');
};

const ENTRIES = {
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

// Node's `require` reaches the package through index.cjs, which holds what a first proof runs and
// no more: each further CommonJS file costs a fresh process a resolve, a read and a compile (0.3
// to 0.5 ms here), and each kilobyte of JavaScript a little more. So index.cjs has the signer
// module's loader (the module is compiled on the first proof) and the proof functions (the
// CommonJS twin of js/sign.mjs); the rest of the API's JavaScript (the Policy fast path, the
// clients) is api.cjs, and the API module's glue is appgrant.cjs, each required on first use: the
// API module's wasm is eight times the signer's, and a client that only signs never needs either.
// Until then each of their exports has a stand-in: a function that loads and calls, or a class (a
// Proxy) that loads and constructs; `instanceof`, statics and prototypes reach the real class, so
// objects the real module makes match it.
//
// Node's `import` reaches index.mjs, which is the same again as an ES module: the signer's loader
// and the proof functions, and a stand-in for each other export over index.cjs, required on first
// use. Requiring index.cjs at import would cost a first proof Node's CommonJS loader (about 1.3 ms
// of a fresh process, measured), and an ES import of node:fs or node:module their builtin facades
// (about 1.4 and 0.7 ms). So the proof functions (ProofSigner, appsecretProof,
// legacyAppsecretProof) exist once per module system: a process that both imports and requires
// appgrant has two of each, and two signer instances; everything else is index.cjs's, one
// instance and one set of classes behind the stand-ins.
function nodeEntries(api, apiGlue, sign, rest) {
  // A stand-in for export `n` of the module `load()` gives.
  const standIn = (n, isClass) => (isClass ? `const ${n} = lazyClass(load, '${n}');` : `function ${n}(...args) {\n  return load().${n}(...args);\n}`);
  const scope = (m) => `\nconst ${m.name} = (() => {\n${m.cjs.trim()}\n\nreturn { ${[...m.names, ...m.shared].join(', ')} };\n})();\n`;
  const lazy = (name, file, names, isClass) =>
    `\nconst ${name} = (() => {\nlet loaded;\nconst load = () => (loaded ??= require('${file}'));\n\n` +
    names.map((n) => standIn(n, isClass(n))).join('\n') +
    `\n\nreturn { ${names.join(', ')} };\n})();\n`;
  const glueNames = Object.keys(apiGlue).sort();
  for (const name of glueNames) if (typeof apiGlue[name] !== 'function') fail(`the nodejs glue exports ${name}, which is no function or class`);
  const glueClass = (n) => /^class\b/.test(Function.prototype.toString.call(apiGlue[n]));
  const restNames = rest.flatMap((m) => m.names).sort();
  const restClass = (n) => rest.some((m) => m.classes.includes(n));
  // `exports.name = binding.name` for the names of `modules`, each read off `via(module)`.
  const exportsOf = (modules, via = (module) => module) =>
    Object.entries(api)
      .filter(([module]) => modules.includes(module))
      .flatMap(([module, names]) => names.map((n) => `exports.${n} = ${via(module)}.${n};\n`))
      .join('');
  const restModules = rest.map((m) => m.name);
  const index =
    `// Node.js \`require\`: the signer module on the first proof, the rest of the API's JavaScript\n` +
    `// (api.cjs) and the API module (appgrant.cjs) on first use (generated by tools/build-pkg.mjs).\n'use strict';\n` +
    SIGNER_LOADER +
    LAZY_CLASS +
    lazy('glue', './appgrant.cjs', glueNames, glueClass) +
    scope(sign) +
    lazy('rest', './api.cjs', restNames, restClass) +
    '\n' +
    exportsOf(['glue', sign.name]) +
    exportsOf(restModules, () => 'rest') +
    // For tools that watch the signer's memory (tests, benchmarks), and for api.cjs: not
    // enumerable, so no listing of the API (nor cjs-module-lexer) sees them.
    "Object.defineProperty(exports, '__signer', { value: signer });\n" +
    "Object.defineProperty(exports, '__scopes', { value: { glue, sign } });\n";
  const standIns = Object.entries(api)
    .filter(([module]) => module !== sign.name)
    .flatMap(([, names]) => names)
    .sort()
    .map((n) => standIn(n, glueNames.includes(n) ? glueClass(n) : restClass(n)));
  const module =
    `${typesHint}// Node.js \`import\`: the signer module on the first proof, the rest of the API from index.cjs on\n` +
    `// first use (generated by tools/build-pkg.mjs, which says why).\n` +
    BUILTIN +
    ESM_SIGNER_LOADER +
    LAZY_CLASS +
    `\n${sign.cjs.trim()}\n\n` +
    "let required;\nconst load = () => (required ??= builtin('module').createRequire(import.meta.url)('./index.cjs'));\n\n" +
    standIns.join('\n') +
    `\n\nexport { ${Object.values(api).flat().sort().join(', ')} };\n`;
  const more =
    `// Node.js \`require\`: the Policy fast path and the clients, which index.cjs loads on first use\n` +
    `// (generated by tools/build-pkg.mjs).\n'use strict';\n` +
    "const { glue, sign } = require('./index.cjs').__scopes;\n" +
    rest.map(scope).join('') +
    '\n' +
    exportsOf(restModules);
  return { 'index.cjs': index, 'api.cjs': more, 'index.mjs': module };
}

// The stand-in of class `name` of the module `load()` gives.
const LAZY_CLASS = `
function lazyClass(load, name) {
  const real = () => load()[name];
  const proxy = new Proxy(function () {}, {
    construct: (_, args, newTarget) => Reflect.construct(real(), args, newTarget === proxy ? real() : newTarget),
    apply: (_, self, args) => Reflect.apply(real(), self, args),
    get: (_, key) => Reflect.get(real(), key),
    has: (_, key) => Reflect.has(real(), key),
  });
  return proxy;
}
`;

// The signer module's loader, in index.cjs itself: a required file costs a fresh process a
// resolve, a read and a compile (0.3 to 0.5 ms here), and the module needs no glue.
const SIGNER_LOADER = `let signerInstance;
const signer = {
  __exports: () => (signerInstance ??= new WebAssembly.Instance(new WebAssembly.Module(require('fs').readFileSync(\`\${__dirname}/signer_bg.wasm\`)))).exports,
  __memory: () => signer.__exports().memory,
};
`;

// index.mjs takes Node's builtins from process.getBuiltinModule: a static ES import costs a first
// proof the builtin's facade, and a dynamic one needs a top-level await, which bundlers' CommonJS
// output cannot hold. A runtime without it (Node before 20.16, below pkg.json's engines) is told
// so on first use.
const BUILTIN = `function builtin(name) {
  if (typeof process.getBuiltinModule !== 'function') {
    throw new Error("appgrant's ES module entry needs process.getBuiltinModule: Node 20.16 or newer");
  }
  return process.getBuiltinModule(name);
}
`;

// index.mjs's signer loader: index.cjs's, with the file read through `builtin`.
const ESM_SIGNER_LOADER = `let signerInstance;
const signer = {
  __exports: () => (signerInstance ??= new WebAssembly.Instance(new WebAssembly.Module(builtin('fs').readFileSync(new URL('./signer_bg.wasm', import.meta.url))))).exports,
};
`;

// js/sign.mjs, js/fast.mjs and js/clients.mjs are written once, as ES modules. Their CommonJS
// twins differ only in how they reach the glue and each other and how they export, so a
// line-level rewrite derives them; anything the rewrite would not understand fails the build
// instead of shipping a half-converted module. `export function` and `export class` declarations
// are API; an `export { ... };` list shares names with the package's other modules only.
function jsModule(name) {
  const file = `js/${name}.mjs`;
  const source = readFileSync(join(repo, file), 'utf8');
  const importLine = /^import \{([^}]*)\} from '\.\/(appgrant|signer|sign|fast|clients)\.js';$/gm;
  const imports = [...source.matchAll(importLine)];
  if (imports.length === 0 || new Set(imports.map((m) => m[2])).size !== imports.length) {
    fail(`${file} must reach the wasm through one \`import { ... } from './appgrant.js';\` (or './signer.js', './sign.js', './fast.js', './clients.js') statement per module`);
  }
  const exported = /^export (?=(?:async )?(function|class) (\w+))/gm;
  const declarations = [...source.matchAll(exported)];
  const names = declarations.map((m) => m[2]).sort();
  const classes = declarations.filter((m) => m[1] === 'class').map((m) => m[2]);
  const list = /^export \{([^}]*)\};$/m;
  const shared = (source.match(list)?.[1] ?? '').split(',').map((n) => n.trim()).filter(Boolean);
  // In the CommonJS twins the API module's glue is `glue`; the signer's loader and js/sign.mjs keep their names.
  const local = (bindings, module) => `const {${bindings.replace(/\b(\w+) as (\w+)\b/g, '$1: $2')}} = ${module === 'appgrant' ? 'glue' : module};`;
  const cjs = source.replace(importLine, (_, bindings, module) => local(bindings, module)).replace(exported, '').replace(list, '');
  if (/^(?:import|export)\b/m.test(cjs)) fail(`${file} may only export \`function\` and \`class\` declarations and one \`export { ... };\` list (the CommonJS twin is derived from it)`);
  return { name, names, classes, shared, esm: source, cjs };
}

const nodeGlue = (file) => createRequire(import.meta.url)(file);
const publicNames = (glue) => Object.keys(glue).filter((n) => !n.startsWith('__') && n !== 'initSync').sort();

function packageJson(cargo) {
  const template = JSON.parse(readFileSync(join(repo, 'pkg.json'), 'utf8'));
  const { name, ...rest } = template;
  if (name !== cargo.name) fail(`pkg.json name "${name}" differs from Cargo.toml "${cargo.name}"`);
  return { name, version: cargo.version, description: cargo.description, license: cargo.license, ...rest };
}

function sizes(dir, wasmFiles) {
  const rows = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map(({ name }) => [name, statSync(join(dir, name)).size])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const width = Math.max(...rows.map(([file]) => file.length));
  for (const [file, size] of rows) console.log(`  ${file.padEnd(width)}  ${String(size).padStart(8)} B`);
  for (const file of wasmFiles) {
    const wasm = readFileSync(join(dir, file));
    const gz = gzipSync(wasm, { level: 9 }).length;
    console.log(`${relative(out, join(dir, file))}: ${wasm.length} bytes raw, ${gz} bytes gzip (${(wasm.length / 1024).toFixed(1)} KiB / ${(gz / 1024).toFixed(1)} KiB)`);
  }
}

// The signer module has no wasm-bindgen (src/wasm/signer.rs), so no glue: its custom sections
// (names, producers, features) are dropped, and each runtime reaches its exports through one
// function, `__exports`. In Node, index.cjs compiles and instantiates the module on first use (it
// has no imports); ES module runtimes' signer.js takes the same exports from the API module.
function writeSigner(dir) {
  const wasm = readFileSync(inputs.signer);
  const kept = sections(wasm).filter((s) => s.id !== 0);
  writeFileSync(join(dir, 'signer_bg.wasm'), Buffer.concat([wasm.subarray(0, 8), ...kept.map((s) => wasm.subarray(s.from, s.end))]));
  writeFileSync(
    join(dir, 'signer.js'),
    `// ES module runtimes sign with the API module, which has the signer module's exports too: one\n` +
      `// wasm module to fetch and compile. (Node's index.cjs loads the separate signer module.)\n` +
      reexport(['__exports'], './appgrant.js'),
  );
}

const cargo = cargoPackage();
for (const [name, input] of Object.entries(inputs)) {
  try {
    statSync(input);
  } catch {
    fail(`${input} (the ${name} module) not found: run ./dev build`);
  }
}

// The glues are internal (the exports map reaches them only through the entries), so their
// pointer to wasm-bindgen's own .d.ts is dropped along with that file.
const glue = (file) => readFileSync(file, 'utf8').replace(/^\/\* @ts-self-types="[^"]*" \*\/\n+/, '');

// The package's JavaScript around one API module, in `dir`: the root's around the API module,
// and edge/'s (appgrant/edge) around the edge module, whose glue has no tools (the catalogs,
// validate, Integration) and so no preRequest (js/prerequest.mjs). Returns the names it exports.
function writeVariant(variant, dir, sign, fast, clients) {
  mkdirSync(dir, { recursive: true });
  bindgen(variant, 'web', join(work, variant, 'web'));
  bindgen(variant, 'nodejs', join(work, variant, 'node'));
  const webWasm = readFileSync(join(work, variant, 'web/appgrant_bg.wasm'));
  const nodeWasm = readFileSync(join(work, variant, 'node/appgrant_bg.wasm'));
  if (!webWasm.equals(nodeWasm)) fail(`wasm-bindgen emitted different wasm for web and nodejs (${variant}); one shared .wasm is impossible`);
  copyFileSync(join(work, variant, 'web/appgrant_bg.wasm'), join(dir, 'appgrant_bg.wasm'));
  writeFileSync(join(dir, 'appgrant.js'), glue(join(work, variant, 'web/appgrant.js')));
  writeFileSync(join(dir, 'appgrant.cjs'), glue(join(work, variant, 'node/appgrant.js')));
  writeSigner(dir);
  const apiGlue = nodeGlue(join(dir, 'appgrant.cjs'));

  for (const module of [sign, fast, ...clients]) writeFileSync(join(dir, `${module.name}.js`), module.esm);
  const glueNames = publicNames(apiGlue);
  if (glueNames.length === 0) fail(`the ${variant} module exports nothing to JavaScript (no #[wasm_bindgen] items?)`);
  const exportNames = (file) => WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(join(dir, file)))).map((e) => e.name);
  const signerExports = exportNames('signer_bg.wasm').filter((n) => n.startsWith('sign_'));
  const apiExports = exportNames('appgrant_bg.wasm');
  const lacking = signerExports.filter((n) => !apiExports.includes(n));
  if (!signerExports.includes('sign_proof') || lacking.length) fail(`the ${variant} module lacks the signer module's exports ${lacking.join(', ')}`);
  const fastNames = [...sign.names, ...fast.names];
  const clientNames = clients.flatMap((m) => m.names);
  const clash = clientNames.filter((n) => glueNames.includes(n) || fastNames.includes(n));
  if (clash.length) fail(`${clients.map((m) => `js/${m.name}.mjs`).join(' or ')} export names the API already has: ${clash.join(', ')}`);
  // Each name from one place: the fast paths, else the API module.
  const exported = {
    glue: glueNames.filter((n) => !fastNames.includes(n)),
    sign: sign.names,
    fast: fast.names,
    ...Object.fromEntries(clients.map((m) => [m.name, m.names])),
  };
  const names = Object.values(exported).flat().sort();
  for (const [file, make] of Object.entries(ENTRIES)) writeFileSync(join(dir, file), make(exported));
  for (const [file, text] of Object.entries(nodeEntries(exported, apiGlue, sign, [fast, ...clients]))) writeFileSync(join(dir, file), text);
  const required = Object.keys(nodeGlue(join(dir, 'index.cjs'))).sort();
  if (required.join() !== names.join()) fail(`${variant}: index.cjs exports ${required.join(', ')}`);
  const more = Object.keys(nodeGlue(join(dir, 'api.cjs'))).sort();
  if (more.join() !== [...fast.names, ...clientNames].sort().join()) fail(`${variant}: api.cjs exports ${more.join(', ')}`);
  return names;
}

rmSync(staging, { recursive: true, force: true });
const [sign, fast, clients, prerequest] = ['sign', 'fast', 'clients', 'prerequest'].map(jsModule);
const names = writeVariant('appgrant', staging, sign, fast, [clients, prerequest]);
const edgeNames = writeVariant('edge', join(staging, 'edge'), sign, fast, [clients]);
const beyond = edgeNames.filter((n) => !names.includes(n));
if (beyond.length) fail(`appgrant/edge exports names the package does not: ${beyond.join(', ')}`);
// The API module's nodejs glue declares the whole API (no init/initSync; the signer's exports
// are part of it); ESM and CJS get a copy each so that TypeScript's node16/nodenext resolution
// sees the right module format for either.
// wasm-bindgen declares `[Symbol.dispose]()` on classes, which compiles only with the disposable
// lib: referencing it here spares every user's tsconfig from having to add it.
let api = readFileSync(join(work, 'appgrant/node/appgrant.d.ts'), 'utf8') + readFileSync(join(repo, 'js/clients.d.ts'), 'utf8');
if (api.includes('Symbol.dispose')) api = `/// <reference lib="esnext.disposable" />\n${api}`;
// The fast paths replace glue exports of the same name, or are the proof functions over the
// signer module's exports (ProofSigner, appsecretProof); either way the declarations have them,
// as they have every other export.
const undeclared = names.filter((n) => !new RegExp(`^export (?:declare )?(?:function|class) ${n}\\b`, 'm').test(api));
if (undeclared.length) fail(`index.d.ts does not declare ${undeclared.join(', ')}`);
writeFileSync(join(staging, 'index.d.ts'), api);
writeFileSync(join(staging, 'index.d.cts'), api);
// appgrant/edge's declarations are the root's: one text of the types. It re-exports every type
// and interface, and its own values (functions and classes) only: `export type *` would also
// let an edge user import `validate`, as a type.
const typeNames = [...api.matchAll(/^export (?:declare )?(?:type|interface) (\w+)/gm)].map((m) => m[1]).sort();
for (const [file, from] of [['index.d.ts', '../index.js'], ['index.d.cts', '../index.cjs']]) {
  writeFileSync(
    join(staging, 'edge', file),
    `// appgrant/edge: the declarations of ${from.replace(/\.(c?)js$/, '.d.$1ts')} of its exports (generated by tools/build-pkg.mjs).\n` +
      `export type { ${typeNames.join(', ')} } from '${from}';\nexport { ${edgeNames.join(', ')} } from '${from}';\n`,
  );
}
writeFileSync(join(staging, 'cli.mjs'), readFileSync(join(repo, 'js/cli.mjs'), 'utf8'), { mode: 0o755 });
// The crate is MIT OR Apache-2.0 (Cargo.toml): both texts go with it.
for (const extra of ['README.md', 'LICENSE-MIT', 'LICENSE-APACHE']) copyFileSync(join(repo, extra), join(staging, extra));
const manifest = packageJson(cargo);
writeFileSync(join(staging, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const missing = manifest.files.filter((f) => !readdirSync(staging).includes(f) && !f.includes('*'));
if (missing.length) fail(`pkg.json "files" names files the build did not produce: ${missing.join(', ')}`);

// Swap in the finished package at once so a running `./dev serve` never sees half a build.
rmSync(out, { recursive: true, force: true });
renameSync(staging, out);
console.log(`pkg/ ${manifest.name}@${manifest.version}: ${names.length} exports (${names.join(', ')})`);
console.log(`pkg/edge/ (appgrant/edge): ${edgeNames.length} exports (${edgeNames.join(', ')})`);
sizes(out, ['appgrant_bg.wasm', 'signer_bg.wasm']);
sizes(join(out, 'edge'), ['appgrant_bg.wasm']);
