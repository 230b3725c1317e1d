// appgrant's clients: a fetch that signs every call, and the edge gate as a standard fetch
// handler (js/prerequest.mjs has what a Postman-style pre-request script does). Only adapters
// live here: every decision, proof and error comes from the wasm core. Web-standard APIs only
// (fetch, Request, Response, URL), so the same file runs in Node 20, Deno, Bun, workerd and
// browsers.
//
// tools/build-pkg.mjs copies this file into the package as clients.js (ES module, beside the
// web glues) and derives a CommonJS twin of it for Node's `require`: keep to one
// `import { … } from './appgrant.js';` line, `export function` declarations and the one
// `export { … };` list of what js/prerequest.mjs shares.
import { signRequest } from './appgrant.js';
import { Gate } from './fast.js';

const FORM = 'application/x-www-form-urlencoded';
const MAX_FORM_BYTES = 1024 * 1024;
const NO_BODY = new Set(['GET', 'HEAD']);

function fail(code, message) {
  const error = new Error(message);
  error.code = code;
  return error;
}

// String(value), as Postman and Bruno values are read. A toString or Symbol.toPrimitive that
// gives no string makes the engine throw a TypeError: that is a bad argument, said with a code.
// Other exceptions are the caller's own and pass through.
function text(value, what) {
  try {
    return String(value);
  } catch (e) {
    if (e instanceof TypeError) throw fail('invalid_argument', `${what} has no string form`);
    throw e;
  }
}

// `new URL`, whose TypeError for a URL it cannot parse becomes a coded one.
function parsedUrl(href, what, base) {
  try {
    return new URL(href, base);
  } catch {
    throw fail('invalid_argument', `${what} cannot be read as ${base ? 'a' : 'an absolute'} URL`);
  }
}

// Postman's Url objects and Bruno's getters hand over something with its own toString().
function urlText(url, what) {
  if (typeof url === 'string') return url;
  if (url instanceof URL) return url.href;
  if (typeof url === 'object' && url !== null && typeof url.toString === 'function' && url.toString !== Object.prototype.toString) return text(url, what);
  throw fail('invalid_argument', `${what} must be a URL string`);
}

/**
 * `fetch`, with `access_token`, `appsecret_proof` and `appsecret_time` set afresh on every call.
 * Bad arguments throw a coded Error at once, like the rest of the API; the promise rejects only
 * as fetch's does.
 */
export function signedFetch(input, init, creds) {
  if (!creds || typeof creds !== 'object') throw fail('invalid_argument', 'creds must be an object { access_token, app_secret }');
  if (init != null && typeof init !== 'object') throw fail('invalid_argument', 'init must be a RequestInit object or undefined');
  if (!(input instanceof Request)) return fetch(signRequest(urlText(input, 'input'), creds), init ?? undefined);
  const signed = signRequest(input.url, creds);
  const body = NO_BODY.has(input.method) ? Promise.resolve(undefined) : input.arrayBuffer();
  return body.then((bytes) =>
    fetch(signed, { method: input.method, headers: input.headers, body: bytes, redirect: input.redirect, signal: input.signal, ...init }),
  );
}

/**
 * The client address the runtime vouches for. workerd: `cf-connecting-ip`, which Cloudflare's
 * edge sets (and overwrites); trusted only there. Deno and the Node listener: `info.remoteAddr`.
 * Bun: `server.requestIP(request)`. Headers such as X-Forwarded-For are never trusted: any client
 * can send them. Behind a proxy of your own, pass `clientIp`.
 */
export function runtimeClientIp(request, info) {
  if (!(request instanceof Request)) throw fail('invalid_argument', 'runtimeClientIp needs the fetch Request');
  if (globalThis.navigator?.userAgent === 'Cloudflare-Workers') return request.headers.get('cf-connecting-ip') ?? undefined;
  if (typeof info?.remoteAddr?.hostname === 'string') return info.remoteAddr.hostname;
  if (typeof info?.requestIP === 'function') return info.requestIP(request)?.address ?? undefined;
  return undefined;
}

function mediaType(request) {
  return (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

// At most `limit` bytes of the body, as text; null when it is longer.
async function boundedText(request, limit) {
  const declared = Number(request.headers.get('content-length'));
  if (declared > limit || !request.body) return declared > limit ? null : '';
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(await new Blob(chunks).arrayBuffer());
}

function graphError(status, code, message) {
  return Response.json({ error: { message, type: 'OAuthException', code } }, { status });
}

// Hop-by-hop and per-connection headers describe the client's connection, not the call.
const NOT_FORWARDED = ['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade'];

function upstreamOf(upstream) {
  if (upstream == null) return null;
  if (typeof upstream === 'function') return upstream;
  const base = parsedUrl(urlText(upstream, 'upstream'), 'upstream');
  return (request) => {
    const incoming = new URL(request.url);
    const target = new URL(base);
    target.pathname = base.pathname.replace(/\/$/, '') + incoming.pathname;
    target.search = incoming.search;
    const headers = new Headers(request.headers);
    for (const name of NOT_FORWARDED) headers.delete(name);
    const body = NO_BODY.has(request.method) ? undefined : request.body;
    return fetch(target, { method: request.method, headers, body, redirect: 'manual', ...(body ? { duplex: 'half' } : {}) });
  };
}

/**
 * The edge gate: a fetch handler `(request, info?) => Promise<Response>` that checks every call
 * as the platform would and answers with Graph's error JSON and status, forwards an allowed call
 * to `upstream`, or answers 200 with the decision. It serves `POST /work_get_token` for Admin
 * Center integrations. Works as `export default { fetch: gate }` (workerd), `Deno.serve(gate)`,
 * `Bun.serve({ fetch: gate })` and, through `toNodeListener`, Node's `http.createServer`.
 */
export function createGate(options) {
  if (!options || typeof options !== 'object' || Array.isArray(options)) throw fail('invalid_argument', 'createGate needs { config, credentials, upstream? }');
  const { config, credentials, upstream, directory, clientIp = runtimeClientIp, onDecision, maxBodyBytes = MAX_FORM_BYTES } = options;
  if (typeof clientIp !== 'function') throw fail('invalid_argument', 'clientIp must be a function (request, info) => string | undefined');
  const gate = new Gate(config, credentials, directory === undefined ? undefined : { directory });
  const forward = upstreamOf(upstream);
  return async function appgrantGate(request, info) {
    let body = null;
    if (!NO_BODY.has(request.method) && mediaType(request) === FORM) {
      body = await boundedText(request, maxBodyBytes);
      if (body === null) return graphError(413, 100, `The request body is larger than ${maxBodyBytes} bytes`);
    }
    const answer = gate.handle({
      method: request.method,
      url: request.url,
      body,
      client_ip: (await clientIp(request, info)) ?? null,
      authorization: request.headers.get('authorization'),
    });
    onDecision?.(answer, request);
    if (answer.forward && forward) {
      const passed = body === null ? request : new Request(request.url, { method: request.method, headers: request.headers, body });
      return forward(passed, answer.decision);
    }
    const headers = answer.decision?.reason ? { 'x-appgrant-reason': answer.decision.reason } : {};
    return Response.json(answer.body, { status: answer.status, headers });
  };
}

/**
 * A fetch handler as a Node `http.createServer` listener. The handler's `info` is
 * `{ remoteAddr: { hostname, port, transport: 'tcp' } }`, as Deno gives it, from the socket.
 */
export function toNodeListener(handler) {
  if (typeof handler !== 'function') throw fail('invalid_argument', 'toNodeListener needs a fetch handler (request, info) => Response');
  return (req, res) => {
    const headers = new Headers();
    for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const method = req.method ?? 'GET';
    const chunks = req[Symbol.asyncIterator]();
    const body = NO_BODY.has(method)
      ? undefined
      : new ReadableStream({
          async pull(controller) {
            const { value, done } = await chunks.next();
            if (done) controller.close();
            else controller.enqueue(new Uint8Array(value));
          },
          cancel() {
            req.destroy();
          },
        });
    const url = `http://${headers.get('host') ?? 'localhost'}${req.url ?? '/'}`;
    const info = { remoteAddr: { hostname: req.socket.remoteAddress, port: req.socket.remotePort, transport: 'tcp' } };
    Promise.resolve()
      .then(() => handler(new Request(url, { method, headers, body, ...(body ? { duplex: 'half' } : {}) }), info))
      .then(async (response) => {
        res.statusCode = response.status;
        for (const [name, value] of response.headers) if (name !== 'set-cookie') res.setHeader(name, value);
        const cookies = response.headers.getSetCookie?.() ?? [];
        if (cookies.length) res.setHeader('set-cookie', cookies);
        if (response.body) for await (const chunk of response.body) res.write(chunk);
        res.end();
      })
      .catch((error) => {
        if (res.headersSent) return res.destroy(error);
        res.statusCode = 500;
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ error: { message: 'The gate failed to answer', type: 'OAuthException', code: 2 } }));
      });
  };
}

export { fail, parsedUrl, text, urlText };
