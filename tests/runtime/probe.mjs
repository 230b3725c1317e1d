// Runs inside every runtime under test (Deno, workerd, a browser page), so it uses nothing but the
// package's API and plain JavaScript. The Node side compares what it returns with node:crypto.
export const TOKEN = 'token';
export const SECRET = 'secret';
export const TIME = 1764000000;

export function probe(api) {
  const proof = api.appsecretProof(TOKEN, SECRET, TIME);
  let error = null;
  try {
    api.appsecretProof(TOKEN, SECRET, Number.NaN);
  } catch (e) {
    error = { isError: e instanceof Error, code: e?.code, message: String(e?.message) };
  }
  return { proof, error, exports: Object.keys(api).sort() };
}
