// The gate example under Deno (examples/gate/deno.mjs): Deno.serve on a free loopback port, the
// client address from the handler's info.remoteAddr, and only the permissions the example needs.
import { test } from 'node:test';
import { assertGateAnswers, bin, gateExample, serve } from './harness.mjs';

test('Deno serves the gate: allowed, wrong secret, expired proof, address not allowed, permission missing', async (t) => {
  const gate = await serve(t, bin('deno'), [
    'run', '--no-prompt', '--no-lock', '--quiet',
    '--allow-net=127.0.0.1', `--allow-read=${gateExample}`, '--allow-env=APPGRANT_APP_SECRET',
    `${gateExample}/deno.mjs`, '0',
  ], { env: { DENO_NO_UPDATE_CHECK: '1' } });
  await assertGateAnswers(gate.url);
});
