// A small static server for the playground: www/ at "/", the built package at "/pkg/".
// Loopback only by default; no directory listings; nothing outside the two roots is reachable.
//
//   node tools/serve.mjs [--port 8080] [--host 127.0.0.1]
//
// Tests import startServer() and pass port 0 to get a free port.
import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('..', import.meta.url)));

export const DEFAULT_ROOTS = { '/pkg/': join(repo, 'pkg'), '/': join(repo, 'www') };

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.ts': 'text/plain; charset=utf-8',
  '.cts': 'text/plain; charset=utf-8',
  '.mts': 'text/plain; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

// The playground (the '/' root) computes everything locally: it may load its own files and
// compile wasm, and connect nowhere. Pages under the other roots (the package's test fixtures)
// may also fetch the package's .wasm from this origin.
const policy = (connect) =>
  [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src ${connect}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
export const CSP = policy("'none'");
export const PACKAGE_CSP = policy("'self'");
const cspFor = (prefix) => (prefix === '/' ? CSP : PACKAGE_CSP);

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-cache',
};

// Maps a request path to a file under one of the roots, or null. Segments are checked after
// percent-decoding so that "%2e%2e" or an encoded slash cannot climb out of a root.
export function mapPath(urlPath, roots) {
  const prefix = Object.keys(roots)
    .sort((a, b) => b.length - a.length)
    .find((p) => urlPath === p.slice(0, -1) || urlPath.startsWith(p));
  if (prefix === undefined) return null;
  const rest = urlPath.slice(prefix.length);
  const segments = [];
  for (const raw of rest.split('/')) {
    let seg;
    try {
      seg = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (seg === '') continue;
    if (seg === '.' || seg === '..' || /[\\/\0]/.test(seg)) return null;
    segments.push(seg);
  }
  const root = resolve(roots[prefix]);
  const file = resolve(root, ...segments);
  return file === root || file.startsWith(root + sep) ? { prefix, root, file } : null;
}

// Resolves symlinks too: a link inside a root must not lead outside it.
async function openable({ root, file }) {
  let info = await stat(file);
  if (info.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file);
  }
  if (!info.isFile()) return null;
  const [realRoot, realFile] = await Promise.all([realpath(root), realpath(file)]);
  if (!realFile.startsWith(realRoot + sep)) return null;
  return { file: realFile, size: info.size };
}

function send(res, status, text, extra = {}) {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', ...extra });
  res.end(text);
}

export function startServer({ port = 8080, host = '127.0.0.1', roots = DEFAULT_ROOTS, log = false } = {}) {
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'method not allowed\n', { Allow: 'GET, HEAD' });
      return;
    }
    // The raw path, not a URL-normalised one: dot segments are refused by mapPath, never resolved.
    const pathname = req.url.split(/[?#]/, 1)[0];
    if (!pathname.startsWith('/')) {
      send(res, 400, 'bad request\n');
      return;
    }
    const target = mapPath(pathname, roots);
    const found = target && (await openable(target).catch(() => null));
    if (log) console.log(`${req.method} ${pathname} ${found ? 200 : 404}`);
    if (!found) {
      send(res, 404, 'not found\n');
      return;
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Security-Policy': cspFor(target.prefix),
      'Content-Type': MIME[extname(found.file)] ?? 'application/octet-stream',
      'Content-Length': found.size,
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolveServer(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(name);
    return i > 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
  };
  const server = await startServer({ port: Number(arg('--port', 8080)), host: arg('--host', '127.0.0.1'), log: true });
  const { address, port } = server.address();
  console.log(`serving www/ and pkg/ on http://${address}:${port}/  (Ctrl-C to stop)`);
}
