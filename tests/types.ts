// Type check of the package's hand-written declarations, the way a TypeScript user imports it:
// every export is called with correctly typed input and its output read with its declared
// types; `@ts-expect-error` lines prove wrong input is rejected. `tsc -p tests/` checks it;
// compiled and run with node, the `check` calls also assert the typed usage behaves.
import {
  Integration, Policy, ProofSigner, appsecretProof, compile, evaluate, legacyAppsecretProof, operations, permissions,
  requiredPermissions, signRequest, validate, verifyAppsecretProof,
  Gate, createGate, preRequest, runtimeClientIp, signedFetch, toNodeListener,
} from 'appgrant';
import type {
  AppgrantError, Credentials, Decision, DenyReason, Diagnostic, DiagnosticCode, Directory, ErrorCode, GraphError,
  IntegrationConfig, IntegrationState, IssuedToken, NodeType, Operation, Permission, PermissionId, Product, Proof,
  Request, Severity, Source, Time, TokenRecord, TokenResponse, TraceEntry, Use, ValidateOptions, VerifyOptions,
  VerifyParams, VerifyResult,
  GateAnswer, GateExchange, GateHandler, GateOptions, PreRequestEnvironment, PreRequestInput, PreRequestResult,
} from 'appgrant';

// Only what this file uses of Node's globals, so the check needs no @types/node.
declare const console: { log(message: string): void };

function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`types.ts: ${what}`);
}

function thrownCode(f: () => unknown): ErrorCode | undefined {
  try {
    f();
  } catch (e) {
    return (e as AppgrantError).code;
  }
  return undefined;
}

const NOW = 1_764_000_000;
const SECRET = 'types-secret';

// Proofs ---------------------------------------------------------------------------------------
const at: Time = NOW;
const proof: Proof = appsecretProof('token', SECRET, at);
const proofString: string = proof.appsecret_proof;
const proofTime: number = proof.appsecret_time;
check(/^[0-9a-f]{64}$/.test(proofString) && proofTime === NOW, 'appsecretProof shape');
check(appsecretProof('token', SECRET, new Date(NOW * 1000)).appsecret_proof === proofString, 'a Date is a Time');
check(appsecretProof('token', SECRET).appsecret_time >= NOW, 'time defaults to now');
// RFC 4231 test case 2.
const legacy: string = legacyAppsecretProof('what do ya want for nothing?', 'Jefe');
check(legacy === '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843', 'RFC 4231 case 2');

{
  using signer = new ProofSigner(SECRET);
  const again: Proof = signer.proof('token', NOW);
  check(again.appsecret_proof === proofString, 'ProofSigner.proof equals appsecretProof');
  const legacyAgain: string = signer.legacy('token');
  check(legacyAgain === legacyAppsecretProof('token', SECRET), 'ProofSigner.legacy');
}
const signer2 = new ProofSigner(SECRET);
signer2.free();

const params: VerifyParams = { access_token: 'token', ...proof };
const verifyOptions: VerifyOptions = { now: NOW, max_age_seconds: 300, max_skew_seconds: 0 };
const verified: VerifyResult = verifyAppsecretProof(params, SECRET, verifyOptions);
const verifiedOk: boolean = verified.ok;
const verifiedReason: DenyReason | null = verified.reason;
check(verifiedOk && verifiedReason === null, 'verify ok');
const late: VerifyResult = verifyAppsecretProof({ ...params, appsecret_time: String(NOW - 301) }, SECRET, { now: new Date(NOW * 1000) });
check(late.reason === 'proof_expired', 'verify expired');

const signedUrl: string = signRequest('https://graph.workplace.com/v18.0/me?fields=id#x', { access_token: 'token', app_secret: SECRET }, { now: NOW });
check(signedUrl.includes(`appsecret_proof=${proofString}`) && signedUrl.endsWith('#x'), 'signRequest');
check(signRequest('/me', { access_token: 'token', app_secret: SECRET }).startsWith('/me?'), 'signRequest default time');

const timeCode: ErrorCode | undefined = thrownCode(() => appsecretProof('token', SECRET, Date.now()));
check(timeCode === 'invalid_time', 'millisecond time refused');

// Catalog --------------------------------------------------------------------------------------
const perms: Permission[] = permissions();
const firstPermission: PermissionId = perms[0]!.id;
const permissionProducts: Product[] = perms[0]!.products;
const permissionSource: Source = perms[0]!.source;
const options: { id: 'auto_invite' | 'group_chats'; label: string }[] = perms.flatMap((p) => p.options);
check(perms.length === 26 && firstPermission.length > 0 && permissionProducts.length > 0 && permissionSource.length > 0, 'permissions');
check(options.length === 2, 'two permission options');

const ops: Operation[] = operations();
const postRead: Operation | undefined = ops.find((o) => o.id === 'post.read');
check(postRead !== undefined, 'post.read exists');
if (postRead) {
  const node: NodeType | null = postRead.node;
  const method: Operation['method'] = postRead.method;
  const any: PermissionId[] = postRead.permissions;
  const scope: 'none' | 'path' | 'post' | 'all_groups' = postRead.group_scope;
  check(node === 'post' && method === 'GET' && any[0] === 'read_group_content' && scope === 'post', 'post.read row');
  check(postRead.conditions.some((c) => c.when === 'mentioned' && c.option === null), 'post.read conditions');
}

const custom = { reference: 7 };
const required = requiredPermissions<{ reference: number }>(['community.read', 'group.update', { method: 'GET', path: '/55', fields: ['email'], node: 'member' }, custom]);
const requiredIds: PermissionId[] = required.permissions;
const unmatched: (Use | { reference: number })[] = required.unmatched;
check(requiredIds.slice().sort().join() === 'manage_groups,read_user_email', 'requiredPermissions');
check(unmatched.length === 1 && unmatched[0] === custom, 'unmatched returns the caller\'s own value');

// Validation -----------------------------------------------------------------------------------
const config: IntegrationConfig = {
  product: 'workplace',
  app_id: '1234',
  name: 'Status bot',
  admin_center_tab: null,
  permissions: ['manage_group_content'],
  options: { auto_invite: false, group_chats: false },
  group_access: { mode: 'specific', groups: ['1001'] },
  ip_allowlist: ['203.0.113.0/24'],
  require_appsecret_proof: true,
  keep_unused_permissions: false,
  unused_permission_days: 30,
  usage: { manage_group_content: NOW },
  uses: ['group.feed.publish'],
};
const validateOptions: ValidateOptions = { now: NOW, ignore: ['duplicate_permission'], severity: { ip_allowlist_missing: 'error' } };
const diagnostics: Diagnostic[] = validate(config, validateOptions);
check(diagnostics.length === 0, 'clean config');
const noisy: Diagnostic[] = validate({ ...config, ip_allowlist: [] }, validateOptions);
const code: DiagnosticCode | undefined = noisy[0]?.code;
const severity: Severity | undefined = noisy[0]?.severity;
const pointer: string | undefined = noisy[0]?.path;
check(code === 'ip_allowlist_missing' && severity === 'error' && pointer === '/ip_allowlist', 'severity option');
check(validate(42)[0]?.code === 'invalid_config', 'validate takes unknown input');

// Evaluation -----------------------------------------------------------------------------------
const integration = new Integration(config, { app_secret: SECRET });
const issued: IssuedToken = integration.issueToken(NOW);
const token: string = issued.access_token;
const expires: number | null = issued.expires_at;
check(token.length >= 43 && issued.issued_at === NOW && expires === null, 'issueToken');
const state: IntegrationState = integration.exportState();
const records: TokenRecord[] = state.tokens;
const credentials: Credentials = { app_secret: SECRET, tokens: records };
const directory: Directory = { groups: ['1001'], members: ['55'], posts: { '9': '1001', '8': null } };
const request: Request = {
  method: 'POST',
  path: '/1001/feed',
  node: 'group',
  source_ip: '203.0.113.9',
  access_token: token,
  ...appsecretProof(token, SECRET, NOW),
  now: NOW,
  directory,
};
const decision: Decision = evaluate(config, request, credentials);
const allowed: boolean = decision.allowed;
const reason: DenyReason | null = decision.reason;
const operation: string | null = decision.operation;
const permission: PermissionId | null = decision.permission;
const trace: TraceEntry[] = decision.trace;
const error: GraphError | null = decision.error;
check(allowed && reason === null && operation === 'group.feed.publish' && permission === 'manage_group_content' && error === null, 'allowed');
check(trace.map((t) => t.check).join() === 'token,ip,proof,operation,permission,group,target', 'trace order');

const denied: Decision = evaluate(config, { ...request, access_token: 'stolen' }, credentials);
const deniedError: GraphError | null = denied.error;
check(denied.reason === 'token_invalid' && deniedError?.code === 190, 'denied');

{
  using policy: Policy = compile(config, credentials);
  check(policy.evaluate(request).allowed, 'Policy.evaluate');
}
const policy2 = compile({ ...config, require_appsecret_proof: false });
check(policy2.evaluate({ method: 'GET', path: '/community' }).reason === 'permission_missing', 'compile without credentials');
policy2.free();

// Integration lifecycle ------------------------------------------------------------------------
check(integration.evaluate(request).allowed, 'Integration.evaluate');
const reset: IssuedToken = integration.resetToken(NOW + 1);
check(integration.evaluate({ ...request, now: NOW + 1 }).reason === 'token_invalid' && reset.access_token !== token, 'resetToken');
integration.resetSecret('new-secret');
const resumed: Integration = Integration.fromState(integration.exportState(), { app_secret: 'new-secret' });
check(resumed.exportState().tokens[0]?.sha256 === integration.exportState().tokens[0]?.sha256, 'fromState');
resumed.free();
integration[Symbol.dispose]();

const adminConfig: IntegrationConfig = { product: 'admin_center', app_id: '5678', permissions: ['manage_accounts'], ip_allowlist: ['203.0.113.0/24'] };
const admin = new Integration(adminConfig, { app_secret: SECRET });
const response: TokenResponse = admin.handleTokenRequest({ access_token: `5678|${SECRET}`, grant_type: 'client_credentials' }, NOW);
if ('error' in response) {
  throw new Error(`types.ts: token request failed: ${response.error.message}`);
} else {
  const bearer: 'bearer' = response.token_type;
  const lifetime: 7200 = response.expires_in;
  check(bearer === 'bearer' && lifetime === 7200 && response.access_token.length >= 43, 'token response');
}
const refused: TokenResponse = admin.handleTokenRequest('access_token=5678%7Cwrong&grant_type=client_credentials', new Date(NOW * 1000));
check('error' in refused && typeof refused.error.code === 'number', 'refused token request');
check(thrownCode(() => admin.resetToken()) === 'unsupported', 'resetToken is for Workplace');
admin.free();

// Edge gate and clients ----------------------------------------------------------------------
const gateConfig: IntegrationConfig = { ...config, uses: undefined };
const issuer = new Integration(gateConfig, { app_secret: SECRET });
const gateToken: string = issuer.issueToken(NOW - 10).access_token;
const gateCredentials: Credentials = { app_secret: SECRET, tokens: issuer.exportState().tokens };
issuer.free();
{
  using core = new Gate(gateConfig, gateCredentials, { directory });
  const exchange: GateExchange = {
    method: 'GET',
    url: signRequest('/v18.0/1001/feed', { access_token: gateToken, app_secret: SECRET }, { now: NOW }),
    body: null,
    client_ip: '203.0.113.9',
    authorization: null,
    now: NOW,
  };
  const answer: GateAnswer = core.handle(exchange);
  const status: number = answer.status;
  const forward: boolean = answer.forward;
  check(status === 403 && !forward && answer.decision?.reason === 'permission_missing', 'Gate.handle denies the read');
  const denial = answer.body;
  check('error' in denial && denial.error?.code === 200, 'Graph error body');
  const outsider: GateAnswer = core.handle({ ...exchange, client_ip: '198.51.100.1' });
  check(outsider.status === 403 && outsider.decision?.error?.code === 5, 'IP refused');
}

const seen: GateAnswer[] = [];
const gateOptions: GateOptions = {
  config: { ...gateConfig, permissions: ['read_group_content'] },
  credentials: gateCredentials,
  directory,
  clientIp: (request: globalThis.Request) => request.headers.get('x-test-client') ?? '203.0.113.9',
  onDecision: (answer: GateAnswer) => void seen.push(answer),
};
const handler: GateHandler = createGate(gateOptions);
const allowed200: globalThis.Response = await handler(new globalThis.Request(`http://gate.test${exchangeUrl()}`));
check(allowed200.status === 200 && ((await allowed200.json()) as Decision).operation === 'group.feed.read', 'createGate allows');
const gateRefused: globalThis.Response = await handler(new globalThis.Request(`http://gate.test${exchangeUrl()}`, { headers: { 'x-test-client': '198.51.100.1' } }));
check(gateRefused.status === 403 && gateRefused.headers.get('x-appgrant-reason') === 'ip_not_allowed', 'createGate refuses');
check(seen.length === 2, 'onDecision sees every answer');
function exchangeUrl(): string {
  return signRequest('/v18.0/1001/feed', { access_token: gateToken, app_secret: SECRET });
}

// signedFetch through the gate, with fetch pointed at the handler: no network in a types check.
const realFetch = globalThis.fetch;
globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => handler(new globalThis.Request(input, init));
try {
  const fetched: globalThis.Response = await signedFetch('http://gate.test/v18.0/1001/feed', { headers: { accept: 'application/json' } }, { access_token: gateToken, app_secret: SECRET });
  check(fetched.status === 200, 'signedFetch signs');
  const unsigned = await signedFetch(new globalThis.Request('http://gate.test/v18.0/1001/feed'), undefined, { access_token: gateToken, app_secret: 'wrong' });
  check(unsigned.status === 400, 'a wrong secret is refused');
} finally {
  globalThis.fetch = realFetch;
}
check(runtimeClientIp(new globalThis.Request('http://gate.test/')) === undefined, 'Node: no address without connection info');
const listener: (req: unknown, res: unknown) => void = toNodeListener(handler);
check(typeof listener === 'function', 'toNodeListener');

const input: PreRequestInput = { method: 'POST', url: new URL('https://graph.workplace.com/v18.0/1001/feed'), params: [{ key: 'message', value: 'hi' }], node: 'group' };
const environment: PreRequestEnvironment = { access_token: gateToken, app_secret: SECRET, config: JSON.stringify(gateOptions.config) };
const pre: PreRequestResult = preRequest(input, environment, { now: NOW });
const preUrl: string = pre.request.url;
const preVariables: { access_token: string; appsecret_proof: string; appsecret_time: number } = pre.variables;
const warning: { code: DiagnosticCode; message: string } | null = pre.warning;
check(preUrl.includes(`appsecret_proof=${preVariables.appsecret_proof}`) && preVariables.appsecret_time === NOW, 'preRequest signs');
check(warning?.code === 'operation_not_permitted', 'preRequest warns that publishing needs manage_group_content');

// Wrong input the declarations reject. Never called: only the compiler looks at these lines.
function unchecked(r: TokenResponse): string {
  // @ts-expect-error a token response must be narrowed before reading access_token
  return r.access_token;
}

export function rejectedAtCompileTime(): unknown[] {
  // @ts-expect-error the access token is a string
  appsecretProof(42, SECRET);
  // @ts-expect-error the time is a number or a Date
  appsecretProof('token', SECRET, '1764000000');
  // @ts-expect-error the secret is a string
  new ProofSigner({ app_secret: SECRET });
  // @ts-expect-error not a DenyReason
  const unknownReason: DenyReason = 'token_stolen';
  // @ts-expect-error not a PermissionId
  const unknownPermission: PermissionId = 'read_everything';
  // @ts-expect-error not an ErrorCode
  const unknownCode: ErrorCode = 'oops';
  // @ts-expect-error a request needs a path
  evaluate(config, { method: 'GET' });
  // @ts-expect-error group_id is a string (or null)
  evaluate(config, { method: 'GET', path: '/9', group_id: 9 });
  // @ts-expect-error credentials need app_secret
  compile(config, { tokens: [] });
  // @ts-expect-error the second argument is { app_secret }
  new Integration(config, SECRET);
  // @ts-expect-error Policy comes from compile()
  new Policy();
  // @ts-expect-error signRequest needs app_secret in creds
  signRequest('/me', { access_token: 'token' });
  // @ts-expect-error unknown diagnostic code
  validate(config, { ignore: ['no_such_code'] });
  // @ts-expect-error unknown severity
  validate(config, { severity: { duplicate_permission: 'fatal' } });
  // @ts-expect-error appsecret_time is a number or a decimal string
  verifyAppsecretProof({ access_token: 'token', appsecret_time: true }, SECRET);
  // @ts-expect-error the form is a string or an object of strings
  admin.handleTokenRequest(42);
  // @ts-expect-error a use object needs a path
  const pathless: Use = { method: 'GET' };
  // @ts-expect-error the reason may be null
  const notNull: DenyReason = decision.reason;
  // @ts-expect-error unknown product
  const product: Product = 'facebook';
  // @ts-expect-error the group access mode is all, specific or group_admins
  const badConfig: IntegrationConfig = { group_access: { mode: 'everyone' } };

  // @ts-expect-error createGate needs credentials
  createGate({ config });
  // @ts-expect-error the gate's client address comes from a function
  createGate({ config, credentials, clientIp: '203.0.113.9' });
  // @ts-expect-error an exchange needs a url
  new Gate(config, credentials).handle({ method: 'GET' });
  // @ts-expect-error signedFetch needs the app secret
  signedFetch('/me', undefined, { access_token: 'token' });
  // @ts-expect-error preRequest needs an access token in the environment
  preRequest({ url: '/me' }, { app_secret: SECRET });

  return [unknownReason, unknownPermission, unknownCode, pathless, notNull, product, badConfig, unchecked];
}

console.log('types.ts: typed usage ran and every check passed');
