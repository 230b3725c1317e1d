// Bun loads the package and appgrant/edge by name, through `import` and `require`: it takes the
// exports map's `node` conditions (index.mjs, index.cjs), so the signer module's loader and the
// lazily loaded API module run in Bun's JavaScriptCore, not V8.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUN, assertProbe, edgeNames, here, repo, run, withTimeout } from './harness.mjs';

test('Bun imports and requires appgrant and appgrant/edge by name, through their node entries', async () => {
  assert.ok(existsSync(BUN), `${BUN} is missing: npm ci installs @oven/bun-linux-x64 (a dev dependency)`);
  const bun = run(BUN, [join(here, 'bun-probe.mjs')], { cwd: repo, env: { ...process.env, BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0', NO_COLOR: '1' } });
  const { code } = await withTimeout(bun.exited, 60_000, 'bun');
  assert.equal(code, 0, bun.output());
  const result = JSON.parse(bun.output().trim().split('\n').at(-1));
  assert.match(result.entry, /\/index\.mjs$/);
  assert.match(result.edge.entry, /\/edge\/index\.mjs$/);
  assert.match(result.required.entry, /\/index\.cjs$/);
  assert.match(result.requiredEdge.entry, /\/edge\/index\.cjs$/);
  assertProbe(result);
  assertProbe(result.edge, edgeNames);
  assertProbe(result.required);
  assertProbe(result.requiredEdge, edgeNames);
});
