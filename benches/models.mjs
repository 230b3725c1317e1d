// appgrant's permission model written for the engines users would pick instead: Cedar
// (@cedar-policy/cedar-wasm) and casbin. Both are generated from the catalog (`operations()`,
// `permissions()`), so all three decide from the same rules:
//
// - an operation is allowed when some permission in its list is held (granted, offered to the
//   product, or implied by a held one), its condition holds (mentioned, a post in a group or on
//   a timeline, group access `all`, the group-chat option for group threads), and its group rule
//   passes (a group-scoped permission on a group's path or a group's post needs that group among
//   the integration's groups, or group access `all`; `all_groups` operations need access `all`);
// - anything else is denied, including operations of another product.
//
// Neither engine reads HTTP paths: the caller resolves the method and path to an operation (and
// the post's group) before asking, so that step is done once, outside the timed loop, for them;
// appgrant does it on every call.
import { readFileSync } from 'node:fs';
import { operations, permissions } from 'appgrant';

const here = new URL('.', import.meta.url);

const quote = (s) => JSON.stringify(s);

/** The permissions a config may use: granted and offered to its product, plus what they imply. */
export function effectivePermissions(config) {
  const product = config.product ?? 'workplace';
  const catalog = new Map(permissions().map((p) => [p.id, p]));
  const held = new Set();
  for (const id of config.permissions ?? []) {
    const p = catalog.get(id);
    if (p?.products.includes(product)) held.add(id);
  }
  for (const id of [...held]) for (const implied of catalog.get(id).implies) held.add(implied);
  return held;
}

const groupScoped = () => new Set(permissions().filter((p) => p.group_scoped).map((p) => p.id));
const available = (config) => operations().filter((op) => op.products.includes(config.product ?? 'workplace'));
const conditionOf = (op, permission) => op.conditions.find((c) => c.permission === permission)?.when ?? 'always';

/** What an engine is asked for one request: the operation, the group it concerns, the context. */
export function question(request) {
  const op = operations().find((o) => o.method === request.method && (o.node ?? undefined) === request.node && samePath(o.path, request.path));
  const id = request.path.replace(/^\/v\d+\.\d+/, '').split('/')[1];
  let group = '';
  let place = 'unknown';
  if (op?.group_scope === 'path') group = id;
  if (op?.group_scope === 'post' && request.group_id !== undefined) {
    place = request.group_id === null ? 'timeline' : 'group';
    group = request.group_id ?? '';
  }
  return { action: op?.id ?? 'unknown', group, place, mentioned: request.mentioned === true, thread: request.thread ?? 'none' };
}

function samePath(template, path) {
  const t = template.split('/');
  const p = path.replace(/^\/v\d+\.\d+/, '').split('/');
  return t.length === p.length && t.every((part, i) => part.startsWith('{') ? /^\d+(_\d+)?$/.test(p[i]) : part === p[i]);
}

// ---- Cedar ---------------------------------------------------------------------------------

export function cedarSchema() {
  const actions = operations().map((o) => quote(o.id)).join(', ');
  return `entity Integration = { permissions: Set<String>, groups: Set<String>, all_groups: Bool, group_chats: Bool };
entity Target;
type Request = { group: String, place: String, mentioned: Bool, thread: String };
action ${actions} appliesTo { principal: Integration, resource: Target, context: Request };
`;
}

/** One `permit` per (operation, permission in its list); no policy at all for other products. */
export function cedarPolicies(config) {
  const scoped = groupScoped();
  const out = [];
  for (const op of available(config)) {
    const grants = op.permissions.length ? op.permissions : [null];
    for (const permission of grants) {
      const when = [];
      if (permission) when.push(`principal.permissions.contains(${quote(permission)})`);
      switch (permission && conditionOf(op, permission)) {
        case 'mentioned': when.push('context.mentioned'); break;
        case 'in_group': when.push('context.place != "timeline"'); break;
        case 'on_timeline': when.push('context.place == "timeline"'); break;
        case 'unscoped': when.push('principal.all_groups'); break;
        case 'option_in_group_thread': when.push('(context.thread != "group" || principal.group_chats)'); break;
        default: break;
      }
      if (op.group_scope === 'all_groups') when.push('principal.all_groups');
      if (op.group_scope === 'path' && scoped.has(permission)) when.push('(principal.all_groups || principal.groups.contains(context.group))');
      if (op.group_scope === 'post' && scoped.has(permission)) {
        when.push('(context.place == "timeline" || principal.all_groups || (context.place == "group" && principal.groups.contains(context.group)))');
      }
      const body = when.length ? ` when { ${when.join(' && ')} }` : '';
      out.push(`permit (principal, action == Action::${quote(op.id)}, resource)${body};`);
    }
  }
  return `${out.join('\n')}\n`;
}

export function cedarEntities(config) {
  const mode = config.group_access?.mode ?? 'all';
  return [
    {
      uid: { type: 'Integration', id: config.app_id },
      attrs: {
        permissions: [...effectivePermissions(config)],
        groups: mode === 'all' ? [] : config.group_access.groups,
        all_groups: mode === 'all',
        group_chats: config.options?.group_chats === true,
      },
      parents: [],
    },
    { uid: { type: 'Target', id: 'target' }, attrs: {}, parents: [] },
  ];
}

/** Cedar's authorization call for a request, everything but the context prepared once. */
export function cedarCall(config, request) {
  const q = question(request);
  return {
    principal: { type: 'Integration', id: config.app_id },
    action: { type: 'Action', id: q.action },
    resource: { type: 'Target', id: 'target' },
    context: { group: q.group, place: q.place, mentioned: q.mentioned, thread: q.thread },
    preparedAction: q.action,
  };
}

// ---- casbin --------------------------------------------------------------------------------

export const casbinModel = () => readFileSync(new URL('casbin/model.conf', here), 'utf8');

/**
 * Policy lines `p, sub, op, group, condition`: one per held permission of each operation, and
 * per allowed group when the permission is group-scoped and access is not `all`.
 */
export function casbinPolicy(config) {
  const scoped = groupScoped();
  const held = effectivePermissions(config);
  const all = (config.group_access?.mode ?? 'all') === 'all';
  const groups = all ? [] : config.group_access.groups;
  const lines = [];
  for (const op of available(config)) {
    const grants = op.permissions.length ? op.permissions : [null];
    for (const permission of grants) {
      if (permission && !held.has(permission)) continue;
      let cond = permission ? conditionOf(op, permission) : 'always';
      if (cond === 'unscoped') {
        if (!all) continue;
        cond = 'always';
      }
      if (cond === 'option_in_group_thread') cond = config.options?.group_chats ? 'always' : 'not_group_thread';
      if (op.group_scope === 'all_groups' && !all) continue;
      const perGroup = !all && scoped.has(permission) && (op.group_scope === 'path' || op.group_scope === 'post');
      const targets = perGroup ? [...groups, ...(op.group_scope === 'post' ? ['timeline'] : [])] : ['*'];
      for (const group of targets) lines.push(['p', config.app_id, op.id, group, cond]);
    }
  }
  return lines;
}

/** casbin's request for a request: sub, op, group, place, mentioned, thread (all strings). */
export function casbinRequest(config, request) {
  const q = question(request);
  const group = q.place === 'timeline' ? 'timeline' : q.group;
  return [config.app_id, q.action, group, q.place, q.mentioned ? 'yes' : 'no', q.thread];
}
