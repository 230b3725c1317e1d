// 4. Tokens: the lifecycle of both products on a simulated clock, through Integration (issue,
// reset, the Admin Center token endpoint, secret reset). The status of every token at the clock's
// time is what evaluate() says in its token check; the log records each change of status.
import { byId, code, errorText, formatTime, h, masked, nowSeconds, parseSeconds } from './dom.js';

const STATUS_WORDS = { token_expired: 'Expired', token_invalid: 'Invalid' };

function randomSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export function setupTokens({ api, store }) {
  const session = store.session;
  const epForm = byId('tokens-endpoint');
  const ep = { appId: byId('ep-app-id'), secret: byId('ep-secret'), grant: byId('ep-grant') };
  let lastStatuses = [];
  // The event a clock change is logged under, when this view moved the clock.
  let clockTitle = null;
  let product = store.state.config.product ?? 'workplace';

  function showError(e) {
    const box = byId('tokens-error');
    box.textContent = e ? errorText(e) : '';
    box.hidden = !e;
  }

  // An Integration for the current config, secret and token records; freed after one action.
  function withIntegration(action) {
    const config = store.state.config;
    const secret = { app_secret: session.secret };
    let integration;
    try {
      integration = session.records.length
        ? api.Integration.fromState({ version: 1, config, tokens: session.records }, secret)
        : new api.Integration(config, secret);
      const out = action(integration);
      session.records = integration.exportState().tokens;
      showError(null);
      return out;
    } catch (e) {
      showError(e);
      return undefined;
    } finally {
      integration?.free();
    }
  }

  // Each token's standing at the clock's time, from evaluate()'s token check.
  function statuses() {
    if (!session.secret) return session.tokens.map(() => ({ word: 'Unknown', detail: 'type the app secret to check tokens' }));
    const credentials = { app_secret: session.secret, tokens: session.records };
    return session.tokens.map((t) => {
      try {
        const d = api.evaluate(store.state.config, { method: 'GET', path: '/community', access_token: t.raw, now: store.state.clock }, credentials);
        const check = d.trace.find((c) => c.check === 'token');
        return check.ok ? { word: 'Active', detail: check.detail } : { word: STATUS_WORDS[d.reason] ?? d.reason, detail: check.detail };
      } catch (e) {
        return { word: 'Unknown', detail: errorText(e) };
      }
    });
  }

  function log(title, details = []) {
    session.log.push({ at: store.state.clock, title, details });
  }

  // Logs what changed since the last look, under the event that caused it.
  function record(title) {
    const now = statuses();
    const changes = now
      .map((s, i) => (lastStatuses[i] && lastStatuses[i].word !== s.word ? `Token ${i + 1}: ${lastStatuses[i].word} → ${s.word} (${s.detail})` : null))
      .filter(Boolean);
    lastStatuses = now;
    if (title) log(title, changes);
    else if (changes.length) log('Status changed', changes);
  }

  function addToken(issued, how) {
    session.tokens.push({ raw: issued.access_token, issued_at: issued.issued_at, expires_at: issued.expires_at });
    const n = session.tokens.length;
    lastStatuses.push({ word: 'Active' });
    record(`${how}: token ${n} (${masked(issued.access_token)}) ${issued.expires_at === null ? 'never expires' : `expires at ${formatTime(issued.expires_at)}`}`);
    store.emit('tokens');
  }

  function moveClock(seconds) {
    clockTitle = `Clock set to ${formatTime(seconds)}`;
    store.update('clock', (s) => {
      s.clock = seconds;
    });
  }

  function render() {
    const config = store.state.config;
    const isWorkplace = (config.product ?? 'workplace') === 'workplace';
    byId('tokens-product').replaceChildren(
      'Product of the Build view: ',
      h('strong', {}, isWorkplace ? 'Workplace' : 'Meta Admin Center'),
      isWorkplace
        ? '. The app token never expires; resetting it invalidates the old one at once; editing permissions keeps it valid.'
        : '. Tokens come from the token endpoint and live exactly 2 hours; a new token invalidates the previous one; resetting the app secret invalidates every token.',
    );
    byId('tokens-workplace').hidden = !isWorkplace;
    epForm.hidden = isWorkplace;
    if (document.activeElement !== byId('clock')) byId('clock').value = String(store.state.clock);
    byId('clock-human').textContent = formatTime(store.state.clock);
    if (!ep.appId.dataset.edited) ep.appId.value = config.app_id ?? '';
    if (!ep.secret.dataset.edited) ep.secret.value = session.secret;
    const body = new URLSearchParams({ access_token: `${ep.appId.value}|${ep.secret.value ? '••••' : ''}`, grant_type: ep.grant.value });
    byId('ep-body').textContent = body.toString().replaceAll('%E2%80%A2', '•');

    const now = statuses();
    const rows = session.tokens.map((t, i) =>
      h('tr', { class: `status-${now[i].word.toLowerCase()}` },
        h('th', { scope: 'row' }, `Token ${i + 1} `, code(masked(t.raw))),
        h('td', {}, formatTime(t.issued_at)),
        h('td', {}, t.expires_at === null ? 'never' : formatTime(t.expires_at)),
        h('td', {}, h('strong', {}, now[i].word), h('br'), h('span', { class: 'hint' }, now[i].detail)),
        h('td', {}, h('button', { type: 'button', class: 'small', onclick: () => store.emit('useToken', t.raw) }, 'Use', h('span', { class: 'sr-only' }, ` token ${i + 1} in Request and Proofs`)))),
    );
    byId('tokens-table').tBodies[0].replaceChildren(...rows);
    byId('tokens-empty').hidden = rows.length > 0;
    byId('tokens-log').replaceChildren(
      ...session.log.map((e) => h('li', {}, h('time', {}, formatTime(e.at)), ' ', e.title, e.details.length ? h('ul', {}, e.details.map((d) => h('li', {}, d))) : null)),
    );
  }

  byId('clock').addEventListener('change', () => {
    const t = parseSeconds(byId('clock').value);
    if (t === null) byId('clock-human').textContent = 'Not a Unix time in seconds.';
    else moveClock(t);
  });
  byId('clock-1m').addEventListener('click', () => moveClock(store.state.clock + 60));
  byId('clock-1h').addEventListener('click', () => moveClock(store.state.clock + 3600));
  byId('clock-2h').addEventListener('click', () => moveClock(store.state.clock + 7200));
  byId('clock-now').addEventListener('click', () => moveClock(nowSeconds()));
  byId('tokens-secret').addEventListener('input', (e) => store.setSecret(e.target.value, 'tokens'));
  byId('tokens-credentials').addEventListener('submit', (e) => e.preventDefault());
  byId('issue-token').addEventListener('click', () => {
    const issued = withIntegration((i) => i.issueToken(store.state.clock));
    if (issued) addToken(issued, 'Issued the app token');
    render();
  });
  byId('reset-token').addEventListener('click', () => {
    const issued = withIntegration((i) => i.resetToken(store.state.clock));
    if (issued) addToken(issued, 'Reset the access token');
    render();
  });
  byId('reset-secret').addEventListener('click', () => {
    const next = randomSecret();
    const first = !session.secret;
    // With no secret yet there is nothing to reset: the generated one is the app's first.
    if (!first && !withIntegration((i) => (i.resetSecret(next), true))) return render();
    store.setSecret(next, 'reset');
    record(first ? 'Generated an app secret (in the App secret fields)' : 'Reset the app secret (the new one is in the App secret fields)');
    store.emit('tokens');
    render();
  });
  for (const input of Object.values(ep)) input.addEventListener('input', () => {
    input.dataset.edited = 'true';
    render();
  });
  epForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const form = { access_token: `${ep.appId.value}|${ep.secret.value}`, grant_type: ep.grant.value };
    const response = withIntegration((i) => i.handleTokenRequest(form, store.state.clock));
    if (!response) return render();
    byId('ep-response').textContent = JSON.stringify(response, null, 2);
    if (response.access_token) {
      addToken({ access_token: response.access_token, issued_at: store.state.clock, expires_at: store.state.clock + response.expires_in }, 'POST /work_get_token');
    } else {
      log(`POST /work_get_token refused: ${response.error.message} (code ${response.error.code})`);
    }
    render();
  });

  return {
    update(kind) {
      if (kind === 'all' || kind.startsWith('config')) {
        const next = store.state.config.product ?? 'workplace';
        if (next !== product && session.tokens.length) {
          session.tokens = [];
          session.records = [];
          lastStatuses = [];
          log(`Product changed to ${next}: the simulated tokens were discarded`);
          store.emit('tokens');
        }
        product = next;
        if (kind === 'all') ep.grant.value ||= 'client_credentials';
      }
      if (kind === 'secret') {
        byId('tokens-secret').value = session.secret;
        delete ep.secret.dataset.edited;
      }
      if (kind === 'clock') {
        record(clockTitle);
        clockTitle = null;
      }
      if (['all', 'config', 'config:set', 'clock', 'secret', 'tokens'].includes(kind)) render();
    },
  };
}
