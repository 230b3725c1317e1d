// 2. Try a request: the form is a Request for evaluate(), against the config of the Build view
// and the tokens of the Tokens view. The decision, the trace of every check and the Graph error
// are shown as the package returns them.
import { NODE_TYPES, examplePath, operationOptions } from './catalog.js';
import { byId, checkedValue, code, errorText, fillSelect, formatTime, h, masked, nowSeconds, parseSeconds, setChecked, setContent } from './dom.js';

const CHECKS = ['token', 'ip', 'proof', 'operation', 'permission', 'group', 'target'];

const CHECK_NAMES = {
  token: 'Token',
  ip: 'Source IP',
  proof: 'App secret proof',
  operation: 'Operation',
  permission: 'Permission',
  group: 'Group',
  target: 'Target user',
};

export function setupRequest({ api, catalog, store }) {
  const f = {
    op: byId('req-op'),
    method: byId('req-method'),
    path: byId('req-path'),
    node: byId('req-node'),
    fields: byId('req-fields'),
    group: byId('req-group'),
    mentioned: byId('req-mentioned'),
    thread: byId('req-thread'),
    target: byId('req-target'),
    claimed: byId('req-claimed'),
    active: byId('req-active'),
    auth: byId('req-auth'),
    ip: byId('req-ip'),
    now: byId('req-now'),
    secret: byId('req-secret'),
    token: byId('req-token'),
    proofAge: byId('req-proof-age'),
    proofValue: byId('req-proof-value'),
    proofTime: byId('req-proof-time'),
  };
  const form = byId('request-form');
  fillSelect(f.op, [['', 'None: type a method and path below'], ...operationOptions(catalog)]);
  fillSelect(f.node, [['', 'Not given'], ...NODE_TYPES.map((n) => [n, n])]);

  function fill(r) {
    f.op.value = catalog.operationById.has(r.operation) ? r.operation : '';
    f.method.value = r.method;
    f.path.value = r.path;
    f.node.value = r.node;
    setChecked('req_post', r.post);
    f.group.value = r.group_id;
    f.fields.value = r.fields;
    f.ip.value = r.source_ip;
    f.mentioned.checked = r.mentioned;
    f.thread.value = r.thread;
    f.target.checked = r.target;
    f.claimed.checked = r.claimed;
    f.active.checked = r.active;
    f.auth.value = r.auth;
    setChecked('req_proof', r.proof);
    f.proofAge.value = String(r.proof_age);
    f.proofValue.value = r.proof_value;
    f.proofTime.value = r.proof_time;
    f.now.value = String(store.state.clock);
  }

  function read() {
    return {
      operation: f.op.value,
      method: f.method.value,
      path: f.path.value.trim(),
      node: f.node.value,
      post: checkedValue('req_post') ?? 'unknown',
      group_id: f.group.value.trim(),
      fields: f.fields.value,
      source_ip: f.ip.value.trim(),
      mentioned: f.mentioned.checked,
      thread: f.thread.value,
      target: f.target.checked,
      claimed: f.claimed.checked,
      active: f.active.checked,
      auth: f.auth.value,
      proof: checkedValue('req_proof') ?? 'none',
      proof_age: Number.isSafeInteger(f.proofAge.valueAsNumber) ? f.proofAge.valueAsNumber : 0,
      proof_value: f.proofValue.value.trim(),
      proof_time: f.proofTime.value.trim(),
    };
  }

  // The Request object, and a note when an input could not be used.
  function buildRequest(r) {
    const now = store.state.clock;
    const request = { method: r.method, path: r.path };
    const notes = [];
    if (r.node) request.node = r.node;
    if (r.post === 'group') request.group_id = r.group_id;
    if (r.post === 'timeline') request.group_id = null;
    if (r.fields.trim()) request.fields = r.fields;
    if (r.source_ip) request.source_ip = r.source_ip;
    if (r.mentioned) request.mentioned = true;
    if (r.thread) request.thread = r.thread;
    if (r.target) request.target_user = { claimed: r.claimed, active: r.active, auth: r.auth };
    request.now = now;
    const token = f.token.value.trim();
    const secret = store.session.secret;
    if (token) request.access_token = token;
    if (r.proof === 'sign') {
      if (token && secret) {
        Object.assign(request, api.appsecretProof(token, secret, now - r.proof_age));
      } else {
        notes.push('No proof is sent: signing one needs an access token and the app secret.');
      }
    } else if (r.proof === 'paste') {
      if (r.proof_value) request.appsecret_proof = r.proof_value;
      if (r.proof_time) request.appsecret_time = r.proof_time;
    }
    if (!secret) notes.push('Without the app secret the platform side has no credentials: token and proof checks are skipped unless the integration requires a proof.');
    // Until the Tokens view has issued a token the platform side lists none, and the token check
    // is skipped; afterwards only the tokens it issued (and did not invalidate) are accepted.
    const issued = store.session.tokens.length > 0;
    if (secret && !issued) notes.push('The token is not checked until the Tokens view issues one.');
    const credentials = secret ? { app_secret: secret, ...(issued ? { tokens: store.session.records } : {}) } : undefined;
    return { request, credentials, notes };
  }

  function showOperation() {
    const op = catalog.operationById.get(f.op.value);
    byId('req-op-info').replaceChildren(
      ...(op
        ? [op.summary, ' Needs any of: ', op.permissions.length ? op.permissions.join(', ') : 'none (app credentials)', `. Source: ${op.source}.`]
        : ['Pick an operation to fill in the method, the path with example ids, and the node type.']),
    );
  }

  function render() {
    // Not while it is being typed in: "0012" must not turn into "12" under the cursor.
    if (document.activeElement !== f.now) f.now.value = String(store.state.clock);
    byId('req-now-human').textContent = formatTime(store.state.clock);
    const box = byId('req-decision');
    const trace = byId('req-trace');
    let built;
    let decision;
    try {
      built = buildRequest(store.state.request);
      decision = api.evaluate(store.state.config, built.request, built.credentials);
    } catch (e) {
      setContent(
        box,
        h('p', { class: 'verdict error' }, 'Not evaluated'),
        h('p', {}, errorText(e)),
        e?.code === 'invalid_config' ? h('p', { class: 'hint' }, 'Fix the errors shown in the Build view first.') : null,
      );
      trace.replaceChildren();
      byId('req-error').textContent = '';
      byId('req-json').textContent = built ? JSON.stringify(publicRequest(built.request), null, 2) : '';
      return;
    }
    setContent(
      box,
      h('p', { class: `verdict ${decision.allowed ? 'allowed' : 'denied'}` }, decision.allowed ? 'Allowed' : 'Denied', decision.reason ? [': ', code(decision.reason)] : null),
      h('p', {}, 'Operation ', decision.operation ? code(decision.operation) : 'not identified', decision.permission ? [' · permission ', code(decision.permission)] : null),
      built.notes.map((n) => h('p', { class: 'hint' }, n)),
    );
    trace.replaceChildren(
      ...CHECKS.map((check) => {
        const entry = decision.trace.find((t) => t.check === check);
        const state = !entry ? 'not-reached' : entry.skipped ? 'skipped' : entry.ok ? 'passed' : 'failed';
        const word = { 'not-reached': 'not reached', skipped: 'skipped', passed: 'passed', failed: 'failed' }[state];
        return h('li', { class: `trace-item ${state}`, 'data-check': check },
          h('span', { class: 'mark', 'aria-hidden': 'true' }, { passed: '✓', failed: '✗', skipped: '–', 'not-reached': '·' }[state]),
          h('span', { class: 'check-name' }, CHECK_NAMES[check]),
          h('span', { class: 'check-state' }, word),
          h('span', { class: 'check-detail' }, entry ? entry.detail : 'an earlier check decided'));
      }),
    );
    byId('req-error').textContent = decision.error
      ? JSON.stringify({ error: decision.error }, null, 2)
      : '200 OK: the platform runs the call.';
    byId('req-json').textContent = JSON.stringify(publicRequest(built.request), null, 2);
  }

  function publicRequest(request) {
    return request.access_token ? { ...request, access_token: masked(request.access_token) } : request;
  }

  function changed(event) {
    const target = event?.target;
    if (target === f.secret) {
      store.setSecret(f.secret.value, 'request');
      return;
    }
    if (target === f.token) {
      render();
      return;
    }
    if (target === f.now) {
      const t = parseSeconds(f.now.value);
      if (t === null) {
        byId('req-now-human').textContent = 'Not a Unix time in seconds.';
        return;
      }
      store.update('clock', (s) => {
        s.clock = t;
      });
      return;
    }
    if (target === f.op) {
      const op = catalog.operationById.get(f.op.value);
      if (op) {
        f.method.value = op.method;
        f.path.value = examplePath(op);
        f.node.value = op.node ?? '';
      }
      showOperation();
    } else if (target === f.method || target === f.path || target === f.node) {
      // The list only fills the call in; once it is edited, the decision names the operation.
      f.op.value = '';
      showOperation();
    }
    store.update('request', (s) => {
      s.request = read();
    });
  }

  form.addEventListener('input', changed);
  form.addEventListener('submit', (e) => e.preventDefault());
  byId('req-now-real').addEventListener('click', () => store.update('clock', (s) => { s.clock = nowSeconds(); }));
  byId('req-use-token').addEventListener('click', () => {
    const latest = store.session.tokens.at(-1);
    if (!latest) {
      byId('req-decision').prepend(h('p', { class: 'hint' }, 'No token yet: issue one in the Tokens view.'));
      return;
    }
    f.token.value = latest.raw;
    render();
  });

  return {
    update(kind, detail) {
      if (kind === 'all') {
        fill(store.state.request);
        f.secret.value = store.session.secret;
        showOperation();
      }
      if (kind === 'secret' && detail !== 'request') f.secret.value = store.session.secret;
      if (kind === 'useToken') f.token.value = detail;
      if (['all', 'request', 'config', 'config:set', 'clock', 'secret', 'tokens', 'useToken'].includes(kind)) render();
    },
  };
}
