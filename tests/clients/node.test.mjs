// Node 20: the gate example (examples/gate/node.mjs) as a process, signedFetch and preRequest as
// clients of it, and createGate in this process behind node:http for what the example does not
// show: forwarding upstream, Admin Center's token endpoint, the client-address option, body limits.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import { createGate, preRequest, signedFetch, toNodeListener } from 'appgrant';
import {
  ERRORS, OTHER_LOOPBACK, SECRET, TOKEN, assertAllowed, assertGateAnswers, assertRefused, call, exampleConfig,
  gateExample, now, proofFor, serve, signedUrl,
} from './harness.mjs';

const credentials = JSON.parse(readFileSync(join(gateExample, 'credentials.json'), 'utf8'));
const directory = JSON.parse(readFileSync(join(gateExample, 'directory.json'), 'utf8'));

/** An http.Server on a free loopback port, closed when the test ends. */
async function listen(t, listener) {
  const server = createServer(listener);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return `http://127.0.0.1:${server.address().port}`;
}

const asResponse = async (response) => ({
  status: response.status,
  headers: Object.fromEntries(response.headers),
  body: await response.json(),
});

test('the Node example gate answers as the platform would', async (t) => {
  const gate = await serve(t, process.execPath, [join(gateExample, 'node.mjs'), '0']);
  await assertGateAnswers(gate.url);

  await t.test('signedFetch signs each call afresh, from a URL or a Request', async () => {
    const creds = { access_token: TOKEN, app_secret: SECRET };
    assertAllowed(await asResponse(await signedFetch(`${gate.url}/v18.0/1001/feed`, undefined, creds)));
    const first = await signedFetch(`${gate.url}/v18.0/1001/feed`, { headers: { accept: 'application/json' } }, creds);
    await first.arrayBuffer();
    const publish = new Request(`${gate.url}/v18.0/1001/feed?appsecret_proof=stale`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'message=hello',
    });
    assertRefused(await asResponse(await signedFetch(publish, undefined, creds)), 403, ERRORS.permission, 'permission_missing');
    const wrong = await signedFetch(`${gate.url}/v18.0/1001/feed`, undefined, { access_token: TOKEN, app_secret: 'not-the-app-secret' });
    assertRefused(await asResponse(wrong), 400, ERRORS.proof, 'proof_mismatch');
  });

  await t.test('preRequest output, sent as is, is what the gate accepts', async () => {
    const signed = preRequest({ method: 'get', url: `${gate.url}/v18.0/1001/feed` }, { access_token: TOKEN, app_secret: SECRET });
    assertAllowed(await call(signed.request.url));
    const old = preRequest({ url: `${gate.url}/v18.0/1001/feed` }, { access_token: TOKEN, app_secret: SECRET }, { now: now() - 400 });
    assertRefused(await call(old.request.url), 400, ERRORS.proof, 'proof_expired');
  });
});

test('preRequest: Postman-shaped input, the variables the seed script sets, and permission warnings', () => {
  const time = 1_764_000_000;
  const url = { toString: () => 'https://graph.workplace.com/v18.0/1001/feed?access_token={{access_token}}&fields=message' };
  const params = [{ key: 'limit', value: '5' }, { key: 'skipped', value: 'x', disabled: true }];
  const config = JSON.stringify(exampleConfig());
  const read = preRequest({ method: 'GET', url, params, headers: { accept: 'application/json' }, node: 'group' }, { access_token: TOKEN, app_secret: SECRET, config }, { now: time });
  assert.deepEqual(read.variables, { access_token: TOKEN, appsecret_proof: proofFor(time), appsecret_time: time });
  const signed = new URL(read.request.url);
  assert.deepEqual([...signed.searchParams.keys()], ['fields', 'limit', 'access_token', 'appsecret_proof', 'appsecret_time']);
  assert.equal(signed.searchParams.get('access_token'), TOKEN, 'the placeholder is replaced, not repeated');
  assert.equal(signed.searchParams.get('appsecret_proof'), proofFor(time));
  assert.deepEqual(read.request.headers, { accept: 'application/json' });
  assert.equal(read.warning, null, 'read_group_content covers the read');

  const publish = preRequest({ method: 'POST', url: 'https://graph.workplace.com/v18.0/1001/feed', node: 'group' }, { access_token: TOKEN, app_secret: SECRET, config: exampleConfig() });
  assert.equal(publish.warning.code, 'operation_not_permitted');
  assert.match(publish.warning.message, /manage_group_content/);
  const ambiguous = preRequest({ url: '/1001/feed' }, { access_token: TOKEN, app_secret: SECRET, config: exampleConfig() });
  assert.equal(ambiguous.warning.code, 'unknown_operation', 'a bare id needs node to be named');
  const noConfig = preRequest({ url: '/1001/feed' }, { access_token: TOKEN, app_secret: SECRET });
  assert.equal(noConfig.warning, null);
  assert.ok(Math.abs(noConfig.variables.appsecret_time - now()) <= 5, 'the time defaults to now');
  for (const result of [read, publish]) assert.ok(!JSON.stringify(result).includes(SECRET), 'the secret never comes back');
});

test('createGate forwards allowed calls upstream, body included, and never a refused one', async (t) => {
  const seen = [];
  const upstream = await listen(t, (req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, body, host: req.headers.host });
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ data: [{ id: '1001_1' }] }));
    });
  });
  const config = { ...exampleConfig(), permissions: ['read_group_content', 'manage_group_content'] };
  const base = await listen(t, toNodeListener(createGate({ config, credentials: { ...credentials, app_secret: SECRET }, directory, upstream: `${upstream}/graph` })));

  const read = await call(signedUrl(base, '/v18.0/1001/feed?fields=message'));
  assert.deepEqual([read.status, read.body], [200, { data: [{ id: '1001_1' }] }]);
  const time = now();
  const form = `message=hi%20there&access_token=${TOKEN}&appsecret_proof=${proofFor(time)}&appsecret_time=${time}`;
  const publish = await call(`${base}/v18.0/1001/feed`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  assert.equal(publish.status, 200, JSON.stringify(publish.body));
  assertRefused(await call(signedUrl(base, '/v18.0/2002/feed')), 403, { ...ERRORS.permission, message: '(#200) The integration is not enabled for this group' }, 'group_not_allowed');

  assert.equal(seen.length, 2, 'the refused call never reached upstream');
  assert.equal(seen[0].method, 'GET');
  assert.match(seen[0].url, /^\/graph\/v18\.0\/1001\/feed\?fields=message&access_token=/);
  assert.deepEqual([seen[1].method, seen[1].url, seen[1].body], ['POST', '/graph/v18.0/1001/feed', form]);
  assert.equal(seen[1].host, new URL(upstream).host, 'the Host header is the upstream\'s');
});

test('createGate serves Admin Center\'s token endpoint and accepts only the newest token', async (t) => {
  const config = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['127.0.0.1/32'] };
  const decisions = [];
  const base = await listen(t, toNodeListener(createGate({ config, credentials: { app_secret: SECRET }, onDecision: (answer) => decisions.push(answer.status) })));
  const tokenRequest = (secret) =>
    call(`${base}/work_get_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `access_token=5678%7C${encodeURIComponent(secret)}&grant_type=client_credentials`,
    });
  const first = await tokenRequest(SECRET);
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(first.body).sort(), ['access_token', 'expires_in', 'token_type']);
  assert.equal(first.body.expires_in, 7200);
  const users = (token, localAddress) => call(`${base}/scim/v1/Users?access_token=${token}`, { localAddress });
  assertAllowed(await users(first.body.access_token), 'scim.users.list');
  assertRefused(await users(first.body.access_token, OTHER_LOOPBACK), 403, ERRORS.ip, 'ip_not_allowed');

  const second = await tokenRequest(SECRET);
  assertRefused(await users(first.body.access_token), 400, { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190 }, 'token_invalid');
  assertAllowed(await users(second.body.access_token), 'scim.users.list');
  const wrong = await tokenRequest('not-the-app-secret');
  assert.deepEqual([wrong.status, wrong.body], [400, { error: { message: 'Error validating client secret.', type: 'OAuthException', code: 1 } }]);
  assert.deepEqual(decisions, [200, 200, 403, 200, 400, 200, 400]);
});

test('the client address: the connection by default, X-Forwarded-For only when the caller says so', async (t) => {
  const gate = (options) => listen(t, toNodeListener(createGate({ config: exampleConfig(), credentials, directory, ...options })));
  const plain = await gate({});
  const spoofed = await call(signedUrl(plain, '/v18.0/1001/feed'), { localAddress: OTHER_LOOPBACK, headers: { 'x-forwarded-for': '127.0.0.1' } });
  assertRefused(spoofed, 403, ERRORS.ip, 'ip_not_allowed');
  const proxied = await gate({ clientIp: (request) => request.headers.get('x-forwarded-for')?.split(',')[0].trim() });
  assertAllowed(await call(signedUrl(proxied, '/v18.0/1001/feed'), { localAddress: OTHER_LOOPBACK, headers: { 'x-forwarded-for': '127.0.0.1' } }));
});

test('createGate refuses form bodies over maxBodyBytes and unreadable ones', async (t) => {
  const base = await listen(t, toNodeListener(createGate({ config: exampleConfig(), credentials, directory, maxBodyBytes: 64 })));
  const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
  const big = await call(signedUrl(base, '/v18.0/1001/feed'), { ...form, body: `message=${'x'.repeat(100)}` });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 100);
  const garbled = await call(signedUrl(base, '/v18.0/1001/feed'), { ...form, body: 'message=%zz' });
  assert.equal(garbled.status, 400);
  assert.equal(garbled.body.error.code, 100);
});
