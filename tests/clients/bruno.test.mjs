// The Bruno collection (examples/bruno/) run by the real Bruno CLI against `appgrant gate` on
// loopback. Its collection pre-request script requires appgrant and signs every request with
// preRequest; each request's own tests say what the gate must answer (allowed, permission
// missing, wrong secret, expired proof, address not allowed), so a passing run has seen them all.
// Bruno's developer sandbox is the one whose scripts may require npm packages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ERRORS, SECRET, bin, cliGate, examples, refusingConfig, runToEnd, scratch } from './harness.mjs';

test('bru run signs with preRequest and sees every answer the gate gives', async (t) => {
  const dir = scratch(t, 'bruno');
  const gate = await cliGate(t);
  const refusing = await cliGate(t, { config: refusingConfig(dir) });
  const report = join(dir, 'report.json');
  const result = await runToEnd(bin('bru'), [
    'run', '--env', 'local', '--sandbox', 'developer',
    '--env-var', `base_url=${gate.url}`, '--env-var', `ip_refusing_base_url=${refusing.url}`,
    '--reporter-json', report,
  ], { cwd: join(examples, 'bruno'), env: { APPGRANT_APP_SECRET: SECRET } });
  assert.equal(result.code, 0, result.stdout + result.stderr);

  const [iteration] = JSON.parse(readFileSync(report, 'utf8'));
  assert.equal(iteration.summary.failedTests, 0);
  const answers = Object.fromEntries(iteration.results.map((r) => [r.name ?? r.test?.filename, { status: r.response.status, body: r.response.data, url: r.request.url }]));
  assert.deepEqual(Object.keys(answers).sort(), ['Address not allowed', 'Expired proof', 'Publish to group feed', 'Read group feed', 'Wrong app secret']);
  assert.equal(answers['Read group feed'].status, 200);
  assert.equal(answers['Read group feed'].body.operation, 'group.feed.read');
  assert.deepEqual([answers['Publish to group feed'].status, answers['Publish to group feed'].body.error], [403, ERRORS.permission]);
  assert.deepEqual([answers['Wrong app secret'].status, answers['Wrong app secret'].body.error], [400, ERRORS.proof]);
  assert.deepEqual([answers['Expired proof'].status, answers['Expired proof'].body.error], [400, ERRORS.proof]);
  assert.deepEqual([answers['Address not allowed'].status, answers['Address not allowed'].body.error], [403, ERRORS.ip]);
  for (const { url } of Object.values(answers)) assert.match(url, /[?&]appsecret_proof=[0-9a-f]{64}&appsecret_time=\d+$/);
  // preRequest's warning reaches Bruno's console: the example config cannot publish.
  assert.match(result.stdout + result.stderr, /appgrant: operation_not_permitted: group\.feed\.publish needs one of: manage_group_content/);
  assert.match(gate.output(), /GET \/v18\.0\/1001\/feed -> 400 proof_expired/);
});
