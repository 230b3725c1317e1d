// The dev server (tools/serve.mjs) behind `./dev serve` and the browser tests: MIME types, the
// security headers, and no way out of its roots.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { CSP, PACKAGE_CSP, mapPath, startServer } from '../../tools/serve.mjs';
import { pkgDir, repo } from './harness.mjs';

let server;
let port;
let scratch;

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'appgrant-serve-'));
  mkdirSync(join(scratch, 'root'));
  writeFileSync(join(scratch, 'outside.txt'), 'outside the root');
  symlinkSync(join(scratch, 'outside.txt'), join(scratch, 'root', 'link.txt'));
  server = await startServer({
    port: 0,
    roots: { '/pkg/': pkgDir, '/scratch/': join(scratch, 'root'), '/': join(repo, 'www') },
  });
  port = server.address().port;
});

after(() => {
  server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

// node:http sends the path exactly as given, unlike fetch, which would normalise dot segments.
function get(path, method = 'GET') {
  return new Promise((resolveGet, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolveGet({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('serves the page, the package entries and the wasm with their MIME types and the CSP', async () => {
  const cases = [
    ['/', 'text/html; charset=utf-8'],
    ['/index.html', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/app.js?v=1#top', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/pkg/browser.mjs', 'text/javascript; charset=utf-8'],
    ['/pkg/appgrant.js', 'text/javascript; charset=utf-8'],
    ['/pkg/appgrant_bg.wasm', 'application/wasm'],
    ['/pkg/package.json', 'application/json; charset=utf-8'],
  ];
  for (const [path, type] of cases) {
    const res = await get(path);
    assert.equal(res.status, 200, path);
    assert.equal(res.headers['content-type'], type, path);
    assert.equal(res.headers['content-security-policy'], path.startsWith('/pkg/') ? PACKAGE_CSP : CSP, path);
    assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
  }
  assert.match(CSP, /connect-src 'none'/, 'the playground may connect nowhere');
  for (const policy of [CSP, PACKAGE_CSP]) {
    assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/);
    const sources = policy.split(/[;\s]+/);
    assert.ok(!sources.includes("'unsafe-inline'") && !sources.includes("'unsafe-eval'"), policy);
  }
});

test('refuses every way out of the served roots', async () => {
  const escapes = [
    '/../Cargo.toml',
    '/pkg/../Cargo.toml',
    '/pkg/../../Cargo.toml',
    '/pkg/%2e%2e/Cargo.toml',
    '/pkg/%2E%2E/%2e%2e/Cargo.toml',
    '/pkg/..%2fCargo.toml',
    '/pkg/..%2F..%2FCargo.toml',
    '/pkg/..%5cCargo.toml',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/pkg/%00',
    '/pkg/%zz',
    '/scratch/link.txt',
    '//etc/passwd',
    '/pkg/./appgrant.js',
  ];
  for (const path of escapes) {
    const res = await get(path);
    assert.equal(res.status, 404, `${path} -> ${res.status}`);
    assert.doesNotMatch(res.body, /\[package\]|root:|outside the root/, path);
  }
});

test('lists no directories and answers only GET and HEAD', async () => {
  assert.equal((await get('/pkg/')).status, 404);
  assert.equal((await get('/pkg')).status, 404);
  const head = await get('/pkg/appgrant_bg.wasm', 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  const post = await get('/', 'POST');
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET, HEAD');
});

test('mapPath keeps decoded paths inside their root', () => {
  const roots = { '/pkg/': '/srv/pkg', '/': '/srv/www' };
  assert.deepEqual(mapPath('/pkg/a/b.js', roots), { prefix: '/pkg/', root: '/srv/pkg', file: '/srv/pkg/a/b.js' });
  assert.deepEqual(mapPath('/a%20b.html', roots), { prefix: '/', root: '/srv/www', file: '/srv/www/a b.html' });
  assert.deepEqual(mapPath('/pkg//x.js', roots), { prefix: '/pkg/', root: '/srv/pkg', file: '/srv/pkg/x.js' });
  for (const bad of ['/pkg/../x', '/pkg/%2e%2e/x', '/pkg/a%2fb', '/a%5cb', '/%00', '/%E0%A4%A']) {
    assert.equal(mapPath(bad, roots), null, bad);
  }
});
