// Postman collections run by the real newman against `appgrant gate` on loopback. newman's script
// sandbox has no WebAssembly, so appgrant cannot sign inside it; two ways work instead:
//   - `appgrant env` writes a Postman environment with a fresh appsecret_proof/appsecret_time just
//     before the run (examples/postman/appgrant.postman_collection.json);
//   - the Workplace documentation's own CryptoJS pre-request script, verbatim but for its two
//     replace-me values (examples/postman/seed-pre-request.postman_collection.json).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import CryptoJS from 'crypto-js';
import { appsecretProof } from 'appgrant';
import { ERRORS, SECRET, TOKEN, bin, cli, cliGate, examples, now, refusingConfig, runToEnd, scratch } from './harness.mjs';

const collection = join(examples, 'postman', 'appgrant.postman_collection.json');
const seedCollection = join(examples, 'postman', 'seed-pre-request.postman_collection.json');

/** `appgrant env` into `dir`; answers the file. */
async function environment(dir, name, base, { secret = SECRET, time } = {}) {
  const file = join(dir, `${name}.postman_environment.json`);
  const args = [cli, 'env', '--token', TOKEN, '--out', file, '--set', `base_url=${base}`, ...(time ? ['--time', String(time)] : [])];
  const result = await runToEnd(process.execPath, args, { env: { APPGRANT_APP_SECRET: secret } });
  assert.equal(result.code, 0, result.stderr);
  return file;
}

/** newman run with the JSON reporter; answers each request's status and parsed JSON body. */
async function newman(dir, name, collectionFile, args = []) {
  const report = join(dir, `${name}.report.json`);
  const result = await runToEnd(bin('newman'), ['run', collectionFile, ...args, '--reporters', 'cli,json', '--reporter-json-export', report, '--disable-unicode', '--color', 'off']);
  const run = JSON.parse(readFileSync(report, 'utf8')).run;
  const answers = run.executions.map((e) => ({
    name: e.item.name,
    status: e.response.code,
    body: JSON.parse(Buffer.from(e.response.stream.data).toString('utf8')),
  }));
  return { code: result.code, output: result.stdout + result.stderr, answers };
}

const error = (body) => body.error;

test('newman with an `appgrant env` environment: passing and refused runs', async (t) => {
  const dir = scratch(t, 'newman');
  const gate = await cliGate(t);
  const refusing = await cliGate(t, { config: refusingConfig(dir) });

  const fresh = await newman(dir, 'fresh', collection, ['-e', await environment(dir, 'fresh', gate.url)]);
  assert.equal(fresh.code, 0, fresh.output);
  assert.deepEqual(fresh.answers.map((a) => [a.name, a.status]), [['Read group feed', 200], ['Publish to group feed', 403]]);
  assert.equal(fresh.answers[0].body.operation, 'group.feed.read');
  assert.deepEqual(error(fresh.answers[1].body), ERRORS.permission);

  // The collection's own tests expect a refusal when told to: a run that passes has seen it.
  const expect = (status, code) => ['--env-var', `expected_status=${status}`, '--env-var', `expected_code=${code}`];
  const cases = [
    ['wrong-secret', await environment(dir, 'wrong-secret', gate.url, { secret: 'not-the-app-secret' }), 400, ERRORS.proof],
    ['expired', await environment(dir, 'expired', gate.url, { time: now() - 301 }), 400, ERRORS.proof],
    ['address', await environment(dir, 'address', refusing.url), 403, ERRORS.ip],
  ];
  for (const [name, env, status, graphError] of cases) {
    const run = await newman(dir, name, collection, ['-e', env, ...expect(status, graphError.code)]);
    assert.equal(run.code, 0, `${name}: ${run.output}`);
    for (const answer of run.answers) {
      assert.equal(answer.status, status, `${name}: ${answer.name}`);
      assert.deepEqual(error(answer.body), graphError, `${name}: ${answer.name}`);
    }
  }
  assert.match(gate.output(), /GET \/v18\.0\/1001\/feed -> 400 proof_expired/);
  assert.match(gate.output(), /GET \/v18\.0\/1001\/feed -> 400 proof_mismatch/);
});

test('newman runs the seed\'s CryptoJS pre-request script against the gate', async (t) => {
  const dir = scratch(t, 'newman-seed');
  const gate = await cliGate(t);
  const withValues = (token, secret) => {
    const c = JSON.parse(readFileSync(seedCollection, 'utf8'));
    const script = c.event[0].script.exec;
    assert.deepEqual(script.filter((line) => line.includes('"replace-me"')).length, 2, 'the seed\'s two replace-me values');
    c.event[0].script.exec = script.map((line) =>
      line.replace('access_token = "replace-me"', `access_token = ${JSON.stringify(token)}`).replace('app_secret = "replace-me"', `app_secret = ${JSON.stringify(secret)}`),
    );
    const file = join(dir, `seed-${secret}.json`);
    writeFileSync(file, JSON.stringify(c));
    return file;
  };
  const base = ['--env-var', `base_url=${gate.url}`];
  const good = await newman(dir, 'seed', withValues(TOKEN, SECRET), base);
  assert.equal(good.code, 0, good.output);
  assert.deepEqual(good.answers.map((a) => a.status), [200, 403]);

  const wrong = await newman(dir, 'seed-wrong', withValues(TOKEN, 'not-the-app-secret'), [...base, '--env-var', 'expected_status=400', '--env-var', 'expected_code=100']);
  assert.equal(wrong.code, 0, wrong.output);
  for (const answer of wrong.answers) assert.deepEqual([answer.status, error(answer.body)], [400, ERRORS.proof]);
});

test('appgrant\'s proof is the seed\'s CryptoJS HmacSHA256(token|time, secret)', () => {
  for (const [token, secret, time] of [[TOKEN, SECRET, 1_764_000_000], ['EAAB|x y', 'sécret', 0], ['t', 's', 2_000_000_000]]) {
    const seed = CryptoJS.HmacSHA256(`${token}|${time}`, secret).toString();
    assert.equal(appsecretProof(token, secret, time).appsecret_proof, seed);
  }
});
