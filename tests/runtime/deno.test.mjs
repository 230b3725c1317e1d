// Deno resolves `appgrant` through node_modules and the package's `deno` export condition.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertProbe, bin, edgeNames, here, repo, run, withTimeout } from './harness.mjs';

test('Deno imports appgrant and appgrant/edge by name, with no permissions, through their deno entries', async () => {
  const deno = run(bin('deno'), ['run', '--no-prompt', '--no-lock', '--quiet', join(here, 'deno-probe.mjs')], {
    cwd: repo,
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  const { code } = await withTimeout(deno.exited, 60_000, 'deno');
  assert.equal(code, 0, deno.output());
  const result = JSON.parse(deno.output().trim().split('\n').at(-1));
  assert.match(result.entry, /\/deno\.mjs$/, 'Deno must pick the deno export condition');
  assertProbe(result);
  assert.match(result.edge.entry, /\/edge\/deno\.mjs$/, 'appgrant/edge too');
  assertProbe(result.edge, edgeNames);
});
