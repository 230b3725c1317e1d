// Shared by the client tests: the example gate's demo credentials, processes that print the URL
// they listen on, a loopback HTTP client that can choose its source address, and the five
// answers every gate must give. Expected proofs come from node:crypto, not from appgrant.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { manifest, pkgDir, repo } from '../runtime/harness.mjs';

export { manifest, pkgDir, repo };

export const examples = join(repo, 'examples');
export const gateExample = join(examples, 'gate');
export const cli = join(pkgDir, 'cli.mjs');

/** The example gate's demo credentials (examples/gate/credentials.json holds the token's SHA-256). */
export const TOKEN = 'demo-access-token';
export const SECRET = 'demo-app-secret-replace-me';
export const exampleFiles = {
  config: join(gateExample, 'config.json'),
  credentials: join(gateExample, 'credentials.json'),
  directory: join(gateExample, 'directory.json'),
};
export const exampleConfig = () => JSON.parse(readFileSync(exampleFiles.config, 'utf8'));

/** A loopback address other than 127.0.0.1: the example allow-list leaves it out. */
export const OTHER_LOOPBACK = '127.0.0.2';

export const bin = (name) => join(repo, 'node_modules', '.bin', name);
export const now = () => Math.floor(Date.now() / 1000);
export const proofFor = (time, secret = SECRET, token = TOKEN) => createHmac('sha256', secret).update(`${token}|${time}`).digest('hex');

/** `path` on `base` with the credentials in its query, signed with node:crypto. */
export function signedUrl(base, path, { secret = SECRET, time = now(), token = TOKEN } = {}) {
  const url = new URL(path, base);
  url.searchParams.set('access_token', token);
  url.searchParams.set('appsecret_proof', proofFor(time, secret, token));
  url.searchParams.set('appsecret_time', String(time));
  return url.href;
}

/** A scratch directory removed when the test file ends. */
export function scratch(t, prefix) {
  const dir = mkdtempSync(join(tmpdir(), `appgrant-${prefix}-`));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The example config with an allow-list that leaves 127.0.0.1 out, written into `dir`. */
export function refusingConfig(dir) {
  const file = join(dir, 'refusing-config.json');
  writeFileSync(file, JSON.stringify({ ...exampleConfig(), ip_allowlist: [`${OTHER_LOOPBACK}/32`] }));
  return file;
}

/**
 * Starts a process and waits for the first `http://127.0.0.1:PORT` it prints. Stopped (SIGTERM)
 * when the test ends; its output goes into failure messages.
 */
export async function serve(t, command, args, { env, cwd = repo, timeout = 30_000 } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  t.after(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  });
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${command}: no URL within ${timeout} ms\n${output}`)), timeout);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output += `${line}\n`;
      const found = line.match(/http:\/\/127\.0\.0\.1:\d+/);
      if (found) {
        clearTimeout(timer);
        resolve(found[0]);
      }
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited (${code ?? signal}) before listening:\n${output}`));
    });
  });
  return { url, output: () => output, child, exited };
}

/** `appgrant gate` from the built package, on a free port. */
export function cliGate(t, { config = exampleFiles.config, credentials = exampleFiles.credentials, env, extra = [] } = {}) {
  const args = [cli, 'gate', '--config', config, '--credentials', credentials, '--directory', exampleFiles.directory, '--port', '0', ...extra];
  return serve(t, process.execPath, args, { env });
}

/**
 * One HTTP request over loopback with node:http, so the source address can be chosen and the
 * path is sent exactly as written. Answers { status, headers, body } with body parsed as JSON.
 */
export function call(url, { method = 'GET', headers = {}, body, localAddress } = {}) {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers, localAddress },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          let parsed = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: compared as text
          }
          resolve({ status: res.statusCode, headers: res.headers, body: parsed });
        });
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error(`no answer from ${url}`)));
    req.on('error', reject);
    req.end(body);
  });
}

export const ERRORS = {
  proof: { message: 'Invalid appsecret_proof provided in the API argument', type: 'GraphMethodException', code: 100 },
  ip: { message: '(#5) Unauthorized source IP address', type: 'OAuthException', code: 5 },
  permission: { message: '(#200) The integration does not have the permission this call needs', type: 'OAuthException', code: 200 },
};

/** A Graph error answer: status, the exact JSON body, and the reason header the gate adds. */
export function assertRefused(response, status, error, reason) {
  assert.equal(response.status, status, JSON.stringify(response.body));
  assert.deepEqual(response.body, { error }, `body for ${reason}`);
  if (reason) assert.equal(response.headers['x-appgrant-reason'], reason);
}

export function assertAllowed(response, operation = 'group.feed.read') {
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.allowed, true);
  assert.equal(response.body.operation, operation);
  assert.deepEqual(response.body.trace.map((c) => c.check), ['token', 'ip', 'proof', 'operation', 'permission', 'group', 'target']);
}

/**
 * The five answers of the example gate at `base`. `refuseAddress(url, init)` sends a request the
 * gate must see as coming from an address outside the allow-list: another loopback source address
 * (Node, Deno, Bun) or, for workerd, the address header Cloudflare's edge sets.
 */
export async function assertGateAnswers(base, { send = call, refuseAddress = (url, init) => call(url, { ...init, localAddress: OTHER_LOOPBACK }) } = {}) {
  assertAllowed(await send(signedUrl(base, '/v18.0/1001/feed')));
  assertRefused(await send(signedUrl(base, '/v18.0/1001/feed', { secret: 'not-the-app-secret' })), 400, ERRORS.proof, 'proof_mismatch');
  assertRefused(await send(signedUrl(base, '/v18.0/1001/feed', { time: now() - 301 })), 400, ERRORS.proof, 'proof_expired');
  assertRefused(await refuseAddress(signedUrl(base, '/v18.0/1001/feed')), 403, ERRORS.ip, 'ip_not_allowed');
  const publish = await send(signedUrl(base, '/v18.0/1001/feed'), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'message=hello',
  });
  assertRefused(publish, 403, ERRORS.permission, 'permission_missing');
}

/** Runs a command to its end; answers { code, stdout, stderr }. */
export function runToEnd(command, args, { env, cwd = repo, timeout = 60_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')}: still running after ${timeout} ms\n${stdout}${stderr}`));
    }, timeout);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}
