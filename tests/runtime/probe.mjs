// Runs inside every runtime under test (Deno, workerd, a browser page), so it uses nothing but the
// package's API and plain JavaScript. The Node side compares what it returns with node:crypto.
export const TOKEN = 'token';
export const SECRET = 'secret';
export const TIME = 1764000000;
export const CONFIG = { permissions: ['read_group_content'], group_access: { mode: 'specific', groups: ['1001'] } };
export const REQUESTS = [
  { method: 'GET', path: '/1001/feed', node: 'group', now: TIME },
  { method: 'GET', path: '/2002/feed', node: 'group', now: TIME },
];

export function probe(api) {
  const proof = api.appsecretProof(TOKEN, SECRET, TIME);
  let error = null;
  try {
    api.appsecretProof(TOKEN, SECRET, Number.NaN);
  } catch (e) {
    error = { isError: e instanceof Error, code: e?.code, message: String(e?.message) };
  }
  const policy = api.compile(CONFIG);
  const decisions = REQUESTS.map((r) => JSON.parse(JSON.stringify(policy.evaluate(r))));
  return { proof, error, decisions, exports: Object.keys(api).sort() };
}
