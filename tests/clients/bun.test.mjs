// The gate example under Bun (examples/gate/bun.mjs): Bun.serve on a free loopback port, the
// client address from server.requestIP(request). BUN (tests/runtime/harness.mjs) is the binary of
// Bun's npm platform package.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BUN } from '../runtime/harness.mjs';
import { assertGateAnswers, gateExample, serve } from './harness.mjs';

test('Bun serves the gate: allowed, wrong secret, expired proof, address not allowed, permission missing', async (t) => {
  assert.ok(existsSync(BUN), `${BUN} is missing: npm ci installs @oven/bun-linux-x64 (a dev dependency)`);
  const gate = await serve(t, BUN, [join(gateExample, 'bun.mjs'), '0'], { env: { BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0' } });
  await assertGateAnswers(gate.url);
});
