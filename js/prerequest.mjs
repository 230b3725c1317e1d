// What a Postman-style pre-request script does: sign the request with the environment's token
// and app secret, and warn when the environment's config does not grant the call. It is the
// one client that needs the API module's tools (`validate`), so it is its own file: the edge
// entry (appgrant/edge), whose module has no tools, leaves it out.
//
// tools/build-pkg.mjs copies this file into the package as prerequest.js and derives a CommonJS
// twin, as it does js/clients.mjs: keep to one import line per module and `export function`
// declarations.
import { signRequest, validate } from './appgrant.js';
import { ProofSigner } from './sign.js';
import { fail, parsedUrl, text, urlText } from './clients.js';

function requiredString(value, what) {
  if (typeof value !== 'string' || value === '') throw fail('invalid_argument', `${what} must be a non-empty string`);
  return value;
}

// One query-string component. A lone surrogate has no UTF-8 form, so it cannot be encoded.
function component(raw, what) {
  try {
    return encodeURIComponent(raw);
  } catch {
    throw fail('invalid_argument', `${what} holds a lone surrogate, which has no UTF-8 form`);
  }
}

// Environment variables are strings in Postman and Bruno: a config may arrive as JSON text.
function jsonish(value, what) {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    throw fail('invalid_config', `${what} is a string but not JSON`);
  }
}

// `params` as [key, value] strings: from Postman's list ([{ key, value, disabled }]), a plain
// object, or a query string (`a=1&b=2`, read as URLSearchParams reads it). URLSearchParams would
// turn a lone surrogate into U+FFFD: it is refused first, as in the other two forms.
function paramEntries(params) {
  if (params == null) return [];
  let entries;
  if (typeof params === 'string') {
    component(params, 'request.params');
    entries = [...new URLSearchParams(params)];
  } else if (Array.isArray(params)) {
    entries = params.filter((p) => p && !p.disabled).map((p) => [p.key, p.value]);
  } else if (typeof params === 'object') {
    entries = Object.entries(params);
  } else {
    throw fail('invalid_argument', 'request.params must be a list of { key, value }, an object or a query string');
  }
  return entries.map(([k, v], i) => [text(k, `the key of request.params[${i}]`), text(v ?? '', `the value of request.params[${i}]`)]);
}

function withParams(url, entries) {
  if (entries.length === 0) return url;
  const [beforeFragment, fragment] = splitOnce(url, '#');
  const extra = entries
    .map(([k, v], i) => `${component(k, `the key of request.params[${i}]`)}=${component(v, `the value of request.params[${i}]`)}`)
    .join('&');
  const joined = beforeFragment.includes('?') ? `${beforeFragment}${beforeFragment.endsWith('?') ? '' : '&'}${extra}` : `${beforeFragment}?${extra}`;
  return fragment === undefined ? joined : `${joined}#${fragment}`;
}

function splitOnce(whole, separator) {
  const at = whole.indexOf(separator);
  return at < 0 ? [whole, undefined] : [whole.slice(0, at), whole.slice(at + 1)];
}

// The call as a config `uses` entry: the path and the fields it reads, never its credentials.
// `url` is the request's own, before `params` join it: parsing the joined URL would read every
// parameter again.
function useOf(method, url, params, node) {
  const parsed = parsedUrl(url, 'request.url', 'http://relative.invalid');
  const fields = [...parsed.searchParams.getAll('fields'), ...params.filter(([k]) => k === 'fields').map(([, v]) => v)].join(',');
  return { method, path: parsed.pathname, ...(fields ? { fields } : {}), ...(node ? { node } : {}) };
}

/**
 * The job of a Postman pre-request script: sign `request` with the environment's token and app
 * secret, return the signed request and the variables to set, and warn when the environment's
 * integration config does not grant what the call needs.
 */
export function preRequest(request, environment, opts) {
  if (!request || typeof request !== 'object') throw fail('invalid_argument', 'request must be an object { method, url, params?, headers? }');
  if (!environment || typeof environment !== 'object') throw fail('invalid_argument', 'environment must be an object { access_token, app_secret, config? }');
  const method = text(request.method ?? 'GET', 'request.method').toUpperCase();
  const address = urlText(request.url, 'request.url');
  const params = paramEntries(request.params);
  const url = withParams(address, params);
  const token = requiredString(environment.access_token, 'environment.access_token');
  const signer = new ProofSigner(requiredString(environment.app_secret, 'environment.app_secret'));
  try {
    const variables = { access_token: token, ...signer.proof(token, opts?.now) };
    const signed = signRequest(url, { access_token: token, app_secret: environment.app_secret }, { now: variables.appsecret_time });
    const config = jsonish(environment.config, 'environment.config');
    return {
      request: { method, url: signed, headers: request.headers ?? {} },
      variables,
      warning: config == null ? null : warningFor(config, useOf(method, address, params, request.node ?? environment.node)),
    };
  } finally {
    signer.free();
  }
}

// The config's own findings are not this call's business: only those about the call, which is
// appended as the last `uses` entry.
function warningFor(config, use) {
  if (typeof config !== 'object' || Array.isArray(config)) throw fail('invalid_config', 'environment.config must be an integration config object');
  const uses = Array.isArray(config.uses) ? config.uses : [];
  const at = `/uses/${uses.length}`;
  const finding = validate({ ...config, uses: [...uses, use] }).find(
    (d) => d.severity === 'error' && (d.path === at || d.path.startsWith(`${at}/`)),
  );
  return finding ? { code: finding.code, message: finding.message } : null;
}
