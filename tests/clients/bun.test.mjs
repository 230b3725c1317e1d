// The gate example under Bun (examples/gate/bun.mjs): Bun.serve on a free loopback port, the
// client address from server.requestIP(request). Bun comes from its npm platform package
// (@oven/bun-linux-x64), whose binary is run directly: the `bun` package needs a postinstall.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertGateAnswers, gateExample, repo, serve } from './harness.mjs';

const BUN = process.env.BUN ?? join(repo, 'node_modules', '@oven', `bun-${process.platform}-${process.arch}`, 'bin', 'bun');

test('Bun serves the gate: allowed, wrong secret, expired proof, address not allowed, permission missing', async (t) => {
  assert.ok(existsSync(BUN), `${BUN} is missing: npm ci installs @oven/bun-linux-x64 (a dev dependency)`);
  const gate = await serve(t, BUN, [join(gateExample, 'bun.mjs'), '0'], { env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } });
  await assertGateAnswers(gate.url);
});
