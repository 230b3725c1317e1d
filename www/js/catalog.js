// The catalogs as the package returns them, plus indexes the views need. Everything here is read
// from permissions() and operations(); nothing about the model is restated.

const CONDITION_TEXT = {
  mentioned: 'when the bot is mentioned',
  in_group: 'for a post in a group',
  on_timeline: 'for a post on a timeline',
  unscoped: 'only with group access to all groups',
  option_in_group_thread: 'group threads need option',
};

export const NODE_TYPES = ['group', 'member', 'post', 'message', 'job', 'category', 'quick_link', 'scim_user'];

// Example ids put in a path picked from the catalog; all decimal, as the platform's ids are.
const EXAMPLE_IDS = {
  'group-id': '1001',
  'member-id': '100042',
  'post-id': '3003',
  'message-id': '4004',
  'job-id': '5005',
  'category-id': '6006',
  'quick-link-id': '7007',
  id: '8008',
};

export function conditionText(condition) {
  const text = CONDITION_TEXT[condition.when] ?? condition.when;
  return condition.option ? `${text} ${condition.option}` : text;
}

export function makeCatalog(api) {
  const permissions = api.permissions();
  const operations = api.operations();
  const permissionById = new Map(permissions.map((p) => [p.id, p]));
  const operationById = new Map(operations.map((o) => [o.id, o]));

  // permission id -> [{ op, how }]: how an operation can use that permission.
  const neededBy = new Map(permissions.map((p) => [p.id, []]));
  for (const op of operations) {
    const seen = new Set();
    for (const id of op.permissions) {
      const condition = op.conditions.find((c) => c.permission === id);
      neededBy.get(id)?.push({ op, how: condition ? conditionText(condition) : '' });
      seen.add(id);
    }
    for (const rule of op.fields) {
      for (const id of rule.permissions) {
        if (seen.has(id)) continue;
        neededBy.get(id)?.push({ op, how: `for fields ${rule.fields.join(', ')}` });
        seen.add(id);
      }
    }
  }

  return { permissions, operations, permissionById, operationById, neededBy };
}

export function operationLabel(op) {
  return `${op.method} ${op.path}`;
}

export function examplePath(op) {
  return op.path.replace(/\{([a-z-]+)\}/g, (_, name) => EXAMPLE_IDS[name] ?? '1234');
}

// Operations for a <select>, grouped by the first path segment.
export function operationOptions(catalog) {
  const groups = new Map();
  for (const op of catalog.operations) {
    const head = op.path.split('/')[1] ?? '';
    const group = head.startsWith('{') ? `${head.slice(1, -1).replace(/-id$/, '')} objects` : `/${head}`;
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push([op.id, `${op.id} — ${operationLabel(op)}`]);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}

// One line of a "uses" list: an operation id, or "METHOD /path" with optional `fields=a,b` and
// `node=type` after it. A call with extras becomes the API's { method, path, fields, node } object;
// anything else stays the string it is, so that validate() reports it as written.
export function parseUseLine(text) {
  const m = text.match(/^([A-Za-z]+)\s+(\/\S*)((?:\s+(?:fields|node)=\S+)*)\s*$/);
  if (!m || !m[3].trim()) return text;
  const call = { method: m[1], path: m[2] };
  for (const part of m[3].trim().split(/\s+/)) {
    const [key, value] = part.split('=');
    call[key] = value;
  }
  return call;
}

export function formatUse(use) {
  if (typeof use === 'string') return use;
  if (!use || typeof use !== 'object') return JSON.stringify(use);
  const fields = Array.isArray(use.fields) ? use.fields.join(',') : use.fields;
  return [`${use.method} ${use.path}`, fields ? `fields=${fields}` : '', use.node ? `node=${use.node}` : ''].filter(Boolean).join(' ');
}
