// The gate example as a Cloudflare Worker (examples/gate/workerd/) under workerd. Its config
// listens on 8787; the test moves the socket to a free port (--socket-addr) and learns the port
// from the control descriptor. The client address is cf-connecting-ip, which Cloudflare's edge
// sets; locally the test sends it as the edge would, and a request without it is refused.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { ERRORS, OTHER_LOOPBACK, SECRET, assertGateAnswers, assertRefused, bin, call, gateExample, signedUrl } from './harness.mjs';

function start(t, env) {
  const child = spawn(bin('workerd'), ['serve', join(gateExample, 'workerd', 'config.capnp'), '--socket-addr', 'http=127.0.0.1:0', '--control-fd=3'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within 30 s:\n${output}`)), 30_000);
    createInterface({ input: child.stdio[3] }).on('line', (line) => {
      const message = JSON.parse(line);
      if (message.event === 'listen' && message.socket === 'http') {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${message.port}`);
      }
    });
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited (${code}):\n${output}`));
    });
  });
}

const from = (address) => (url, init = {}) => call(url, { ...init, headers: { ...init.headers, 'cf-connecting-ip': address } });

test('workerd serves the gate: allowed, wrong secret, expired proof, address not allowed, permission missing', async (t) => {
  const base = await start(t, { APPGRANT_APP_SECRET: SECRET });
  await assertGateAnswers(base, { send: from('127.0.0.1'), refuseAddress: from(OTHER_LOOPBACK) });
  // Nothing vouches for the address without Cloudflare's header: the allow-list fails closed.
  assertRefused(await call(signedUrl(base, '/v18.0/1001/feed')), 403, ERRORS.ip, 'ip_not_allowed');
  // X-Forwarded-For is any client's to write: never trusted.
  const forged = await call(signedUrl(base, '/v18.0/1001/feed'), { headers: { 'x-forwarded-for': '127.0.0.1' } });
  assert.equal(forged.status, 403);
});

test('workerd takes the app secret from its binding, not from the demo credentials', async (t) => {
  const base = await start(t, { APPGRANT_APP_SECRET: 'a-rotated-secret' });
  assertRefused(await from('127.0.0.1')(signedUrl(base, '/v18.0/1001/feed')), 400, ERRORS.proof, 'proof_mismatch');
  const fresh = await from('127.0.0.1')(signedUrl(base, '/v18.0/1001/feed', { secret: 'a-rotated-secret' }));
  assert.equal(fresh.status, 200);
});
