// The script of benches/startup.html: time from the start of this module to the first answer of
// a freshly loaded engine, in a page that has loaded nothing else.
const engine = new URLSearchParams(location.search).get('engine');
const t0 = performance.now();
try {
  let answer;
  if (engine === 'appgrant' || engine === 'appgrant-edge') {
    const { appsecretProof } = await import(engine === 'appgrant' ? '/pkg/browser.mjs' : '/pkg/edge/browser.mjs');
    answer = appsecretProof('EAAGstartupToken', 'startup-secret', 1764000000).appsecret_proof;
  } else {
    const cedar = await import('/node_modules/@cedar-policy/cedar-wasm/web/cedar_wasm.js');
    await cedar.default({ module_or_path: '/node_modules/@cedar-policy/cedar-wasm/web/cedar_wasm_bg.wasm' });
    answer = cedar.isAuthorized({
      principal: { type: 'User', id: 'alice' }, action: { type: 'Action', id: 'read' }, resource: { type: 'Doc', id: 'd' },
      context: {}, policies: { staticPolicies: 'permit (principal, action, resource);' }, entities: [],
    }).type;
  }
  window.result = { engine, ms: performance.now() - t0, answer };
} catch (e) {
  window.result = { engine, error: String(e?.stack ?? e) };
}
