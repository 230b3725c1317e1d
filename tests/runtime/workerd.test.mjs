// workerd loads the package's `workerd` entry with the wasm as a compiled wasm module (no fetch);
// the test serves it on a free loopback port and asks it for a probe over HTTP.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { after, test } from 'node:test';
import { assertProbe, bin, edgeNames, here, manifest, pkgDir, run, withTimeout } from './harness.mjs';

const dir = mkdtempSync(join(tmpdir(), 'appgrant-workerd-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// capnp `embed` paths are relative to the config file.
const embed = (file) => JSON.stringify(relative(dir, file));

// An entry's relative imports resolve against its module name: "appgrant"'s to bare file names,
// "appgrant/edge"'s to "appgrant/<file>", which are the files of edge/.
function entryModules(name, exportsKey, dir, prefix) {
  const entry = manifest.exports[exportsKey].workerd;
  assert.ok(entry, `package.json exports["${exportsKey}"] must have a workerd condition`);
  const files = readdirSync(join(pkgDir, dir)).flatMap((file) => {
    if (file.endsWith('.js')) return [`(name = "${prefix}${file}", esModule = embed ${embed(join(pkgDir, dir, file))})`];
    if (file.endsWith('.wasm')) return [`(name = "${prefix}${file}", wasm = embed ${embed(join(pkgDir, dir, file))})`];
    return [];
  });
  return [`(name = "${name}", esModule = embed ${embed(join(pkgDir, entry))})`, ...files];
}

function config() {
  const modules = [
    `(name = "worker.mjs", esModule = embed ${embed(join(here, 'workerd-worker.mjs'))})`,
    `(name = "probe.mjs", esModule = embed ${embed(join(here, 'probe.mjs'))})`,
    ...entryModules('appgrant', '.', '.', ''),
    ...entryModules('appgrant/edge', './edge', 'edge', 'appgrant/'),
  ];
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", address = "127.0.0.1:0", http = (), service = "main")],
);

const worker :Workerd.Worker = (
  modules = [
    ${modules.join(',\n    ')}
  ],
  compatibilityDate = "2025-06-01",
);
`;
}

// workerd reports the port it bound on the control descriptor, so no port is guessed.
function listenPort(control) {
  return new Promise((resolvePort, reject) => {
    const lines = createInterface({ input: control });
    lines.on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'listen' && message.socket === 'http') resolvePort(message.port);
    });
    lines.on('close', () => reject(new Error('workerd closed its control descriptor before listening')));
  });
}

test('workerd serves a Worker that imports appgrant and appgrant/edge through their workerd entries', async (t) => {
  const file = join(dir, 'config.capnp');
  writeFileSync(file, config());
  const workerd = run(bin('workerd'), ['serve', '--control-fd=3', file], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  t.after(() => workerd.stop());
  const port = await withTimeout(
    Promise.race([
      listenPort(workerd.child.stdio[3]),
      workerd.exited.then(({ code }) => Promise.reject(new Error(`workerd exited (${code}):\n${workerd.output()}`))),
    ]),
    60_000,
    'workerd start',
  );
  const response = await withTimeout(fetch(`http://127.0.0.1:${port}/`), 30_000, 'workerd request');
  const body = await response.text();
  assert.equal(response.status, 200, `${body}\n${workerd.output()}`);
  const result = JSON.parse(body);
  assertProbe(result);
  assertProbe(result.edge, edgeNames);
});
