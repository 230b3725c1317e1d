// Run in a fresh Node process by benches/bench.mjs: loads one engine and makes its first answer,
// then prints how long that took, in milliseconds, as JSON on stdout.
//
//   node benches/startup.mjs appgrant import|require   # load appgrant, then one appsecretProof
//   node benches/startup.mjs cedar import|require      # load cedar-wasm, then one isAuthorized
//   node benches/startup.mjs node:crypto import|require  # load node:crypto, then the same proof
//   node benches/startup.mjs empty import|require        # load a package with nothing in it
import { createRequire } from 'node:module';

const [engine, how] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const specifier = {
  appgrant: 'appgrant',
  cedar: '@cedar-policy/cedar-wasm/nodejs',
  'node:crypto': 'node:crypto',
  // benches/empty-package: resolved by name, as appgrant is (benches/bench.mjs runs a copy of this
  // file beside copies of the packages, as npm would install them).
  empty: 'empty-package',
}[engine];
if (!specifier || !['import', 'require'].includes(how)) throw new Error('usage: startup.mjs appgrant|cedar|node:crypto|empty import|require');

const t0 = performance.now();
const api = how === 'import' ? await import(specifier) : require(specifier);
let answer;
if (engine === 'empty') {
  answer = Object.keys(api).join();
} else if (engine === 'appgrant') {
  answer = api.appsecretProof('EAAGstartupToken', 'startup-secret', 1_764_000_000).appsecret_proof;
} else if (engine === 'node:crypto') {
  answer = api.createHmac('sha256', 'startup-secret').update('EAAGstartupToken|1764000000').digest('hex');
} else {
  answer = api.isAuthorized({
    principal: { type: 'User', id: 'alice' },
    action: { type: 'Action', id: 'read' },
    resource: { type: 'Doc', id: 'd' },
    context: {},
    policies: { staticPolicies: 'permit (principal, action, resource);' },
    entities: [],
  }).type;
}
const ms = performance.now() - t0;
console.log(JSON.stringify({ engine, how, ms, answer }));
