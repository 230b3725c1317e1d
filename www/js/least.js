// 5. Least privilege: the smallest permission set for a list of calls (requiredPermissions), why
// a call matched nothing (validate's own message for it), and the permissions × operations matrix.
import { conditionText, formatUse, operationLabel, operationOptions, parseUseLine } from './catalog.js';
import { byId, code, errorText, fillSelect, h, lines } from './dom.js';

export function setupLeast({ api, catalog, store }) {
  const textarea = byId('least-uses');
  const onlyEntered = byId('matrix-entered');
  let latest = { permissions: [], uses: [] };
  fillSelect(byId('least-pick'), [['', 'Choose an operation…'], ...operationOptions(catalog)]);

  // The operation a use names: its id, its catalog template, or what evaluate() identifies.
  function operationOf(use) {
    const text = typeof use === 'string' ? use : `${use.method} ${use.path}`;
    if (catalog.operationById.has(text)) return text;
    const m = text.match(/^([A-Za-z]+)\s+(\/\S*)$/);
    if (!m) return null;
    const method = m[1].toUpperCase();
    const template = catalog.operations.find((o) => o.method === method && o.path === m[2]);
    if (template) return template.id;
    try {
      return api.evaluate({}, { method, path: m[2], ...(use.node ? { node: use.node } : {}) }).operation;
    } catch {
      return null;
    }
  }

  function render() {
    const entries = lines(textarea.value).map((l) => ({ ...l, use: parseUseLine(l.value) }));
    const uses = entries.map((e) => e.use);
    const list = byId('least-perms');
    const unmatchedBox = byId('least-unmatched');
    let result;
    try {
      result = api.requiredPermissions(uses);
    } catch (e) {
      list.replaceChildren(h('li', { class: 'error' }, errorText(e)));
      unmatchedBox.replaceChildren();
      return;
    }
    latest = { permissions: result.permissions, uses };
    list.replaceChildren(
      ...(result.permissions.length
        ? result.permissions.map((id) => {
            const p = catalog.permissionById.get(id);
            return h('li', { class: 'least-perm' }, h('strong', {}, p?.label ?? id), ' ', code(id), p ? h('span', { class: 'hint' }, ` — ${p.description}`) : null);
          })
        : [h('li', { class: 'hint' }, entries.length ? 'No permission needed by the operations that matched.' : 'Enter operations to see the permissions they need.')]),
    );
    // validate() explains each use no permission covers: an unknown or ambiguous operation.
    const reasons = new Map(
      api.validate({ permissions: result.permissions, uses })
        .filter((d) => d.path.startsWith('/uses/'))
        .map((d) => [Number(d.path.slice('/uses/'.length)), d.message]),
    );
    const unmatched = entries.filter((e) => result.unmatched.includes(e.use));
    unmatchedBox.replaceChildren(
      ...(unmatched.length
        ? [h('h4', {}, `Matched no operation (${unmatched.length})`),
          h('ul', { class: 'plain unmatched' }, unmatched.map((e) => h('li', {}, code(formatUse(e.use)), ` (line ${e.line}): `, reasons.get(entries.indexOf(e)) ?? 'no operation of the catalog')))]
        : []),
    );
    renderMatrix(new Set(result.permissions), new Set(uses.map(operationOf).filter(Boolean)));
  }

  function cell(op, permission) {
    const condition = op.conditions.find((c) => c.permission === permission);
    if (op.permissions.includes(permission)) {
      return condition ? ['◐', conditionText(condition)] : ['●', 'suffices'];
    }
    const rule = op.fields.find((r) => r.permissions.includes(permission));
    return rule ? ['f', `for fields ${rule.fields.join(', ')}`] : null;
  }

  function renderMatrix(chosen, entered) {
    const ops = onlyEntered.checked ? catalog.operations.filter((o) => entered.has(o.id)) : catalog.operations;
    const head = h('tr', {},
      h('th', { scope: 'col', class: 'corner' }, 'Operation'),
      catalog.permissions.map((p) => h('th', { scope: 'col', class: chosen.has(p.id) ? 'in-set' : null, title: p.label }, h('span', { class: 'vertical' }, p.id))));
    const rows = ops.map((op) =>
      h('tr', { class: entered.has(op.id) ? 'entered' : null },
        h('th', { scope: 'row' }, code(op.id), h('span', { class: 'hint' }, ` ${operationLabel(op)}`)),
        catalog.permissions.map((p) => {
          const mark = cell(op, p.id);
          const cls = [chosen.has(p.id) ? 'in-set' : '', mark ? 'has' : ''].filter(Boolean).join(' ') || null;
          return mark
            ? h('td', { class: cls, title: `${p.id}: ${mark[1]}` }, h('span', { 'aria-hidden': 'true' }, mark[0]), h('span', { class: 'sr-only' }, `${p.id} ${mark[1]}`))
            : h('td', { class: cls });
        })),
    );
    byId('matrix').replaceChildren(h('thead', {}, head), h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: catalog.permissions.length + 1 }, 'No operation entered matches the catalog.'))));
  }

  function save() {
    store.update('least', (s) => {
      s.least = { uses: textarea.value, entered_only: onlyEntered.checked };
    });
  }

  byId('least-form').addEventListener('submit', (e) => e.preventDefault());
  textarea.addEventListener('input', save);
  onlyEntered.addEventListener('input', save);
  byId('least-add').addEventListener('click', () => {
    const pick = byId('least-pick');
    if (!pick.value) return;
    textarea.value = [...textarea.value.split('\n').filter((l) => l.trim()), pick.value].join('\n');
    save();
  });
  byId('least-apply').addEventListener('click', () => {
    const { permissions, uses } = latest;
    store.update('config:set', (s) => {
      s.config = { ...s.config, permissions: [...permissions], uses: uses.filter((u) => !api.requiredPermissions([u]).unmatched.length) };
    });
    byId('least-applied').textContent = `The Build view now grants ${permissions.length ? permissions.join(', ') : 'no permission'} and declares these uses.`;
  });

  return {
    update(kind) {
      if (kind === 'all') {
        textarea.value = store.state.least.uses;
        onlyEntered.checked = store.state.least.entered_only;
      }
      if (kind === 'all' || kind === 'least') render();
    },
  };
}
