// The playground's state: what the link, the exported file and the browser's storage hold. It is
// plain data built from the form fields that are not credentials; the app secret and access
// tokens live only in `session`, in memory, and are never written anywhere.

const FORMAT = 'appgrant-playground';
const VIEWS = ['build', 'request', 'proofs', 'tokens', 'least', 'share'];
const STORAGE_KEY = 'appgrant-playground';
const FRAGMENT = '#state=';

// Diagnostics that mean the config cannot be shown in the form, or must not be kept at all.
const REFUSED_CODES = new Set(['invalid_config', 'secret_in_config']);

export function defaults(now) {
  return {
    format: FORMAT,
    version: 1,
    view: 'build',
    clock: now,
    config: {
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
      usage: {},
      uses: ['group.feed.publish'],
    },
    request: {
      operation: 'group.feed.publish',
      method: 'POST',
      path: '/1001/feed',
      node: 'group',
      post: 'unknown',
      group_id: '',
      fields: '',
      source_ip: '203.0.113.7',
      mentioned: false,
      thread: '',
      target: false,
      claimed: true,
      active: true,
      auth: 'password',
      proof: 'sign',
      proof_age: 0,
      proof_value: '',
      proof_time: '',
    },
    proofs: { time: '', url: 'https://graph.workplace.com/v18.0/1001/feed', verify_proof: '', verify_time: '', verify_now: '' },
    least: { uses: 'group.feed.publish\nGET /{group-id}/feed\nGET /{member-id} fields=email', entered_only: false },
  };
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// Keeps the fields of `input` that have the type of the default; notes the others.
function section(name, input, fallback, notes) {
  if (input === undefined) return structuredClone(fallback);
  if (!isObject(input)) {
    notes.push(`${name} was not an object and was reset`);
    return structuredClone(fallback);
  }
  const out = structuredClone(fallback);
  for (const [key, value] of Object.entries(input)) {
    if (!(key in fallback)) notes.push(`${name}.${key} is not a playground field and was dropped`);
    else if (typeof value !== typeof fallback[key]) notes.push(`${name}.${key} had the wrong type and was reset`);
    else out[key] = value;
  }
  return out;
}

// Reads a state (a file exported here, a link's fragment) or a bare IntegrationConfig. The
// config goes through validate() first: one the form cannot show (wrong shapes, unknown fields)
// or one holding a secret is refused with the diagnostics' own messages.
export function readState(input, api, now) {
  if (!isObject(input)) throw new Error('expected a JSON object: a file exported here or an integration config');
  const base = defaults(now);
  const full = input.format === FORMAT;
  if ('format' in input && !full) throw new Error(`unknown format "${String(input.format)}"`);
  const config = full ? input.config : input;
  if (!isObject(config)) throw new Error('config must be an object');
  const refused = api.validate(config).filter((d) => REFUSED_CODES.has(d.code));
  if (refused.length) {
    throw new Error(`the config cannot be imported: ${refused.map((d) => `${d.path || '/'}: ${d.message} (${d.code})`).join('; ')}`);
  }
  const notes = [];
  const state = { ...base, config: structuredClone(config) };
  if (full) {
    for (const key of Object.keys(input)) {
      if (!(key in base)) notes.push(`${key} is not a playground field and was dropped`);
    }
    if (VIEWS.includes(input.view)) state.view = input.view;
    if (Number.isSafeInteger(input.clock)) state.clock = input.clock;
    for (const name of ['request', 'proofs', 'least']) state[name] = section(name, input[name], base[name], notes);
  }
  return { state, notes };
}

function toBase64Url(text) {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

const serialize = (state) => JSON.stringify(state);

export function fragmentOf(state) {
  return FRAGMENT + toBase64Url(serialize(state));
}

export function createStore(api, nowSeconds) {
  const listeners = new Set();
  let state = defaults(nowSeconds());
  let written = '';
  let pending = false;

  const emit = (kind, detail) => {
    for (const fn of listeners) fn(kind, detail);
  };

  // Several changes in one task write the fragment and the storage once.
  function persist() {
    if (pending) return;
    pending = true;
    queueMicrotask(() => {
      pending = false;
      written = fragmentOf(state);
      try {
        history.replaceState(history.state, '', written);
      } catch {
        location.replace(written);
      }
      try {
        localStorage.setItem(STORAGE_KEY, serialize(state));
      } catch {
        // Storage can be disabled; the link and the file still keep the state.
      }
    });
  }

  const store = {
    get state() {
      return state;
    },
    // Credentials and issued tokens: memory only.
    session: { secret: '', tokens: [], records: [], log: [] },
    subscribe(fn) {
      listeners.add(fn);
    },
    update(kind, mutate) {
      mutate(state);
      persist();
      emit(kind);
    },
    replace(next) {
      state = next;
      persist();
      emit('all');
    },
    setSecret(value, source) {
      store.session.secret = value;
      emit('secret', source);
    },
    emit,
    // The state to start from: the link's fragment, else this browser's storage, else defaults.
    // Returns what the user should be told about it.
    initial() {
      const now = nowSeconds();
      const fromHash = location.hash.startsWith(FRAGMENT);
      let text = null;
      try {
        text = fromHash ? fromBase64Url(location.hash.slice(FRAGMENT.length)) : localStorage.getItem(STORAGE_KEY);
      } catch (e) {
        if (fromHash) return { state: defaults(now), notes: [`The link's state could not be read (${e.message}); showing the defaults.`] };
      }
      if (text === null) return { state: defaults(now), notes: [] };
      try {
        const { state: read, notes } = readState(JSON.parse(text), api, now);
        return { state: read, notes: notes.map((n) => `From the ${fromHash ? 'link' : 'last visit'}: ${n}.`) };
      } catch (e) {
        return { state: defaults(now), notes: [`The ${fromHash ? "link's" : 'saved'} state was not loaded (${e.message}); showing the defaults.`] };
      }
    },
    // A fragment pasted into the address bar of an open page.
    isForeignFragment() {
      return location.hash.startsWith(FRAGMENT) && location.hash !== written;
    },
  };
  return store;
}
