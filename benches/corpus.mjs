// The decision corpus of the benchmark (and of tests/js/corpus.test.mjs): one realistic
// integration config and a mixed set of requests against it.
//
// Permission-only requests name an operation the way a caller does (method, path with or
// without a version prefix, the node type of the `{id}`, where a post lives, whether the bot was
// mentioned, the thread kind), with no token, address or proof: they exercise the operation,
// permission and group checks. Full requests add a token, a source address and a fresh proof,
// as an API gateway checking real traffic would see them.
import { createHash, createHmac } from 'node:crypto';
import { operations } from 'appgrant';

export const NOW = 1_764_000_000;
export const APP_SECRET = 'bench-app-secret-3f9a1c7e5b2d4f60';
/** A 200-character token, the length the proof benchmark uses. */
export const TOKEN = `EAAG${'ZbenchTokenQ7x'.repeat(14)}`.slice(0, 200);

export const GROUPS = Array.from({ length: 10 }, (_, i) => String(1001 + i));

/** The integration under test: a content bot scoped to ten groups. */
export const CONFIG = {
  product: 'workplace',
  app_id: '1234',
  name: 'Benchmark bot',
  permissions: [
    'read_group_content', 'manage_group_content', 'read_user_timeline', 'mention_bot', 'manage_groups',
    'read_group_membership', 'manage_badges', 'message_any_member', 'read_user_work_profile', 'read_knowledge_library',
  ],
  options: { group_chats: false },
  group_access: { mode: 'specific', groups: GROUPS },
};

/** The same integration behind an allow-list, requiring proofs, with its token on file. */
export const FULL_CONFIG = { ...CONFIG, ip_allowlist: ['203.0.113.0/24', '2001:db8::/48'], require_appsecret_proof: true };
export const CREDENTIALS = {
  app_secret: APP_SECRET,
  tokens: [{ sha256: createHash('sha256').update(TOKEN).digest('hex'), issued_at: NOW - 3600, expires_at: null }],
};

const ID_OF = { group: ['1001', '1007', '2002'], post: ['1001_55'], member: ['55'], scim_user: ['77'] };
const PLACES = [{ group_id: '1003' }, { group_id: '2002' }, { group_id: null }, {}];

function concrete(template, id) {
  return template.replace(/\{[^}]+\}/, id);
}

/**
 * Permission-only requests: every catalog operation, with the variants that change its decision
 * (a group in or out of the list, where a post lives, a mention, the thread kind).
 */
export function permissionRequests() {
  const out = [];
  for (const op of operations()) {
    const ids = op.path.includes('{') ? (ID_OF[op.node] ?? ['77']) : [undefined];
    for (const [n, id] of ids.entries()) {
      const path = id === undefined ? op.path : concrete(op.path, id);
      const base = { method: op.method, path: n % 2 === 1 ? `/v18.0${path}` : path, ...(op.node ? { node: op.node } : {}) };
      if (op.group_scope === 'post') {
        for (const place of PLACES) for (const mentioned of [false, true]) out.push({ ...base, ...place, ...(mentioned ? { mentioned } : {}) });
      } else if (op.conditions.some((c) => c.when === 'option_in_group_thread')) {
        for (const thread of ['direct', 'group']) out.push({ ...base, thread });
      } else {
        out.push(base);
      }
    }
  }
  return out;
}

/** A proof made with node:crypto, independent of the code under test. */
export const proofFor = (token, time) => createHmac('sha256', APP_SECRET).update(`${token}|${time}`).digest('hex');

/**
 * Full requests: token, source address and proof on top of permission-only ones, mostly well
 * signed from allowed addresses (as real traffic is), some refused at each of the three checks.
 */
export function fullRequests() {
  const sources = ['203.0.113.7', '2001:db8::17', '203.0.113.200'];
  return permissionRequests().map((r, i) => {
    const time = NOW - (i % 240);
    const signed = { ...r, source_ip: sources[i % sources.length], access_token: TOKEN, appsecret_proof: proofFor(TOKEN, time), appsecret_time: time, now: NOW };
    switch (i % 20) {
      case 7:
        return { ...signed, source_ip: '198.51.100.9' };
      case 13:
        return { ...signed, appsecret_time: NOW - 400, appsecret_proof: proofFor(TOKEN, NOW - 400) };
      case 17:
        return { ...signed, access_token: `${TOKEN}x` };
      default:
        return signed;
    }
  });
}

/** What a gate knows about ids, so that it can type `/{id}` as the corpus's `node` fields do. */
export const DIRECTORY = { groups: ID_OF.group, members: ID_OF.member, posts: Object.fromEntries(ID_OF.post.map((p) => [p, null])) };

/**
 * The full requests a gate sees as HTTP exchanges: those that say nothing an HTTP request does
 * not (where a post lives, a mention, the thread kind), the token as a bearer header, the proof in
 * the query. Each with the request `Policy.evaluate` reads for it: the same, with the directory
 * in place of its `node`.
 */
export function gateExchanges() {
  return fullRequests()
    .filter((r) => !('group_id' in r || 'mentioned' in r || 'thread' in r))
    .map((r) => {
      const query = `appsecret_proof=${r.appsecret_proof}&appsecret_time=${r.appsecret_time}`;
      const url = `${r.path}${r.path.includes('?') ? '&' : '?'}${query}`;
      const exchange = { method: r.method, url, client_ip: r.source_ip, authorization: `Bearer ${r.access_token}`, now: r.now };
      const { node, ...request } = r;
      return { exchange, request: { ...request, directory: DIRECTORY } };
    });
}

