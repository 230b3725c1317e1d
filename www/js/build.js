// 1. Build an integration: the form is a view of an IntegrationConfig; every change re-reads
// the form into a config, which validate() checks. Each diagnostic's JSON Pointer is mapped back
// to the element that produced that part of the config.
import { formatUse, operationLabel, operationOptions, parseUseLine } from './catalog.js';
import { byId, checkedValue, code, fillSelect, formatTime, h, lines, selectLine, setChecked } from './dom.js';

const SEVERITIES = [
  ['error', 'Errors'],
  ['security_warning', 'Security warnings'],
  ['warning', 'Warnings'],
  ['suggestion', 'Suggestions'],
];

// What to do about each diagnostic code, in words; the message says what is wrong.
const FIXES = {
  unknown_permission: 'Tick the permission in the catalog instead; the message names the closest id.',
  permission_not_in_product: 'Remove it, or choose the product (or Admin Center tab) that offers it.',
  option_without_permission: 'Turn the option off, or grant the permission it belongs to.',
  invalid_ip_entry: 'Write one address or CIDR range per line, like 203.0.113.0/24 or 2001:db8::/48: no ports, zones, spaces or leading zeros.',
  ip_allowlist_required: "List the public egress addresses of the servers that call the API: Admin Center requires an allow-list.",
  invalid_group_id: 'Group ids are decimal digits, like 1001 (the number in the group\'s URL).',
  group_access_required: 'Set group access to all groups.',
  operation_not_permitted: 'Grant a permission that covers the operation, or remove it from the uses.',
  unknown_operation: 'Use an operation id from the catalog or METHOD /path; add node=type where an id could name several things.',
  invalid_config: 'Fix the value\'s type or shape.',
  ip_allowlist_missing: "Add the public egress addresses of your servers to the IP allow-list.",
  ip_allowlist_too_broad: 'Narrow the range to your own servers (IPv4 /16 or longer, IPv6 /32 or longer).',
  appsecret_proof_not_required: 'Tick "Require app secret proof".',
  all_groups_write_access: 'Limit group access to specific groups, unless it must write everywhere.',
  secret_in_config: 'Remove the secret: credentials never live in a config.',
  duplicate_permission: 'Remove the duplicate entry.',
  group_list_empty: 'List at least one group id, or choose another group access.',
  group_scope_unused: 'Group access matters only for group-scoped permissions: grant one, or leave access at all groups.',
  scoped_manage_groups_cannot_create: 'Set group access to all groups if the integration must create groups.',
  unused_permission: 'Remove the permission, or tick "Keep unused permissions".',
  permission_not_needed: 'Remove it, or declare the operation that needs it in the uses.',
  cidr_host_bits_set: 'Zero the host bits, e.g. 203.0.113.7/24 → 203.0.113.0/24.',
  ip_private_range: "Use your servers' public egress addresses: the platform never sees private ones.",
  redundant_permission: 'Remove it: a broader permission already granted includes it.',
  overlapping_ip_entries: 'Remove the entry another one already covers.',
};

const PRODUCT_NAMES = { workplace: 'Workplace', admin_center: 'Admin Center' };

const escapePointer = (key) => key.replaceAll('~', '~0').replaceAll('/', '~1');

function dateOf(seconds) {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function setupBuild({ api, catalog, store }) {
  const form = byId('build-form');
  const permList = byId('perm-list');
  const otherList = byId('perm-other');
  const usageList = byId('usage-list');
  const filter = byId('perm-filter');
  const fields = {
    name: byId('cfg-name'),
    appId: byId('cfg-app-id'),
    groups: byId('cfg-groups'),
    ips: byId('cfg-ips'),
    proof: byId('cfg-proof'),
    keep: byId('cfg-keep'),
    days: byId('cfg-days'),
    uses: byId('cfg-uses'),
  };
  const permBox = (id) => byId(`perm-${id}`);
  const optionBox = (id) => byId(`opt-${id}`);
  let targets = new Map();
  let marked = [];

  renderCatalog();
  fillSelect(byId('cfg-uses-pick'), [['', 'Choose an operation…'], ...operationOptions(catalog)]);

  function renderCatalog() {
    const items = catalog.permissions.map((p) => {
      const needed = catalog.neededBy.get(p.id) ?? [];
      const describedBy = `perm-desc-${p.id}`;
      const badges = [
        ...p.products.map((product) => h('span', { class: `badge product-${product}` }, PRODUCT_NAMES[product] ?? product)),
        p.group_scoped ? h('span', { class: 'badge scoped' }, 'group-scoped') : null,
        p.source !== 'seed' ? h('span', { class: 'badge' }, p.source) : null,
      ];
      const implied = p.implies.map((id) => `${catalog.permissionById.get(id)?.label ?? id} (${id})`);
      return h(
        'li',
        { class: 'perm', id: `perm-row-${p.id}`, 'data-search': [p.id, p.label, p.description, ...p.aliases, ...needed.map((n) => `${n.op.id} ${operationLabel(n.op)}`)].join(' ').toLowerCase() },
        h('div', { class: 'perm-head' },
          h('input', { type: 'checkbox', id: `perm-${p.id}`, 'data-permission': p.id, 'aria-describedby': describedBy, 'data-describedby': describedBy }),
          h('label', { for: `perm-${p.id}` }, p.label),
          code(p.id),
          h('span', { class: 'badges' }, badges),
        ),
        h('p', { class: 'perm-desc', id: describedBy }, p.description, p.notes ? ` ${p.notes}` : ''),
        p.aliases.length ? h('p', { class: 'perm-meta' }, 'Also accepted: ', p.aliases.map((a, i) => [i ? ', ' : '', code(a)])) : null,
        implied.length ? h('p', { class: 'perm-meta' }, `Implies: ${implied.join(', ')}`) : null,
        p.options.map((o) =>
          h('p', { class: 'check option' },
            h('label', {}, h('input', { type: 'checkbox', id: `opt-${o.id}`, 'data-option': o.id }), ' Option ', code(o.id), `: ${o.label}`)),
        ),
        needed.length
          ? h('details', { class: 'ops' },
              h('summary', {}, `Needed by ${needed.length} operation${needed.length === 1 ? '' : 's'}`),
              h('ul', {}, needed.map(({ op, how }) => h('li', {}, code(operationLabel(op)), ` ${op.id}`, how ? ` — ${how}` : '', op.permissions.length > 1 ? ` (or ${op.permissions.filter((x) => x !== p.id).join(', ')})` : ''))))
          : h('p', { class: 'perm-meta' }, 'No operation of the catalog needs it.'),
      );
    });
    permList.replaceChildren(...items);
  }

  // Entries are named by position, so the names follow removals.
  function renumberOthers() {
    [...otherList.children].forEach((li, i) => {
      li.querySelector('input').setAttribute('aria-label', `Permission by name ${i + 1}`);
      li.querySelector('.sr-only').textContent = ` permission by name ${i + 1}`;
    });
  }

  function addOther(value) {
    const input = h('input', { spellcheck: 'false', class: 'other-perm' });
    input.value = value;
    const remove = (e) => {
      e.currentTarget.closest('li').remove();
      renumberOthers();
      changed();
    };
    otherList.append(h('li', { class: 'with-button' }, input, h('button', { type: 'button', onclick: remove }, 'Remove', h('span', { class: 'sr-only' }))));
    renumberOthers();
  }

  // Usage rows: one per granted permission, plus any other recorded use.
  function syncUsage(usage) {
    const keys = [...catalog.permissions.filter((p) => permBox(p.id).checked).map((p) => p.id)];
    for (const key of Object.keys(usage)) if (!keys.includes(key)) keys.push(key);
    const current = [...usageList.querySelectorAll('input')].map((i) => i.dataset.key);
    if (current.join('\n') === keys.join('\n')) return;
    usageList.replaceChildren(
      ...keys.map((key) => {
        const label = catalog.permissionById.get(key)?.label ?? key;
        const input = h('input', { type: 'date', id: `usage-${key}`, 'data-key': key });
        if (Number.isFinite(usage[key])) {
          input.value = dateOf(usage[key]);
          input.dataset.seconds = String(usage[key]);
          input.dataset.date = input.value;
        }
        return h('p', { class: 'field inline' }, h('label', { for: input.id }, `Last used: ${label}`), input);
      }),
    );
  }

  function readUsage() {
    const usage = {};
    for (const input of usageList.querySelectorAll('input')) {
      if (!input.value) continue;
      usage[input.dataset.key] =
        input.dataset.date === input.value && input.dataset.seconds ? Number(input.dataset.seconds) : Date.parse(`${input.value}T00:00:00Z`) / 1000;
    }
    return usage;
  }

  // The form as a config, and where each JSON Pointer of it came from.
  function readForm() {
    const map = new Map();
    const at = (pointer, el, name, line) => map.set(pointer, { el, name, line });
    const product = checkedValue('product') ?? 'workplace';
    const config = { product };
    at('', form, 'the whole config');
    at('/product', document.querySelector('input[name="product"]:checked') ?? byId('cfg-product-workplace'), 'Product');
    config.app_id = fields.appId.value.trim() || null;
    at('/app_id', fields.appId, 'App id');
    config.name = fields.name.value.trim() || null;
    at('/name', fields.name, 'Name');
    config.admin_center_tab = product === 'admin_center' ? checkedValue('admin_center_tab') || null : null;
    at('/admin_center_tab', byId(config.admin_center_tab === 'security' ? 'cfg-tab-security' : 'cfg-tab-integrations'), 'Admin Center tab');

    config.permissions = [];
    at('/permissions', permList.querySelector('input'), 'Permissions');
    for (const p of catalog.permissions) {
      const box = permBox(p.id);
      if (!box.checked) continue;
      at(`/permissions/${config.permissions.length}`, box, `Permission ${p.label}`);
      config.permissions.push(p.id);
    }
    for (const input of otherList.querySelectorAll('input')) {
      if (!input.value.trim()) continue;
      at(`/permissions/${config.permissions.length}`, input, input.getAttribute('aria-label'));
      config.permissions.push(input.value.trim());
    }

    config.options = {};
    at('/options', permList.querySelector('input[data-option]'), 'Options');
    for (const input of permList.querySelectorAll('input[data-option]')) {
      config.options[input.dataset.option] = input.checked;
      at(`/options/${input.dataset.option}`, input, `Option ${input.dataset.option}`);
    }

    const mode = checkedValue('group_mode') ?? 'all';
    const groupLines = lines(fields.groups.value);
    config.group_access = { mode, groups: groupLines.map((l) => l.value) };
    const modeInput = document.querySelector('input[name="group_mode"]:checked') ?? byId('cfg-mode-all');
    at('/group_access', modeInput, 'Group access');
    at('/group_access/mode', modeInput, 'Group access');
    at('/group_access/groups', fields.groups, 'Group ids');
    groupLines.forEach((l, i) => at(`/group_access/groups/${i}`, fields.groups, 'Group ids', l.line));

    const ipLines = lines(fields.ips.value);
    config.ip_allowlist = ipLines.map((l) => l.value);
    at('/ip_allowlist', fields.ips, 'IP allow-list');
    ipLines.forEach((l, i) => at(`/ip_allowlist/${i}`, fields.ips, 'IP allow-list', l.line));

    config.require_appsecret_proof = fields.proof.checked;
    at('/require_appsecret_proof', fields.proof, 'Require app secret proof');
    config.keep_unused_permissions = fields.keep.checked;
    at('/keep_unused_permissions', fields.keep, 'Keep unused permissions');
    // An empty or unreadable day count is left out, so the product's default applies.
    const days = fields.days.valueAsNumber;
    if (Number.isSafeInteger(days)) config.unused_permission_days = days;
    at('/unused_permission_days', fields.days, 'Days before unused permissions are removed');

    syncUsage({ ...store.state.config.usage, ...readUsage() });
    config.usage = readUsage();
    at('/usage', usageList.querySelector('input') ?? fields.days, 'Usage');
    for (const input of usageList.querySelectorAll('input')) at(`/usage/${escapePointer(input.dataset.key)}`, input, input.labels[0]?.textContent ?? 'Usage');

    const useLines = lines(fields.uses.value);
    config.uses = useLines.map((l) => parseUseLine(l.value));
    at('/uses', fields.uses, 'Declared uses');
    useLines.forEach((l, i) => at(`/uses/${i}`, fields.uses, 'Declared uses', l.line));
    return { config, map };
  }

  function fillForm(config) {
    const product = config.product ?? 'workplace';
    setChecked('product', product);
    setChecked('admin_center_tab', config.admin_center_tab === 'security' ? 'security' : '');
    fields.name.value = config.name ?? '';
    fields.appId.value = config.app_id ?? '';
    const seen = new Set();
    for (const box of permList.querySelectorAll('input[data-permission]')) box.checked = false;
    otherList.replaceChildren();
    for (const entry of config.permissions ?? []) {
      if (catalog.permissionById.has(entry) && !seen.has(entry)) {
        permBox(entry).checked = true;
        seen.add(entry);
      } else {
        addOther(String(entry));
      }
    }
    for (const input of permList.querySelectorAll('input[data-option]')) input.checked = config.options?.[input.dataset.option] === true;
    setChecked('group_mode', config.group_access?.mode ?? 'all');
    fields.groups.value = (config.group_access?.groups ?? []).join('\n');
    fields.ips.value = (config.ip_allowlist ?? []).join('\n');
    fields.proof.checked = config.require_appsecret_proof === true;
    fields.keep.checked = config.keep_unused_permissions === true;
    fields.days.value = config.unused_permission_days ?? '';
    fields.days.placeholder = '30';
    usageList.replaceChildren();
    syncUsage(config.usage ?? {});
    fields.uses.value = (config.uses ?? []).map(formatUse).join('\n');
    showProductParts(product);
  }

  function showProductParts(product) {
    byId('cfg-tab-set').hidden = product !== 'admin_center';
    for (const li of permList.children) {
      const p = catalog.permissionById.get(li.id.replace(/^perm-row-/, ''));
      li.classList.toggle('other-product', !p.products.includes(product));
    }
  }

  // The element a pointer names, or the nearest enclosing one that has an element.
  function resolve(pointer) {
    let p = pointer;
    for (;;) {
      const target = targets.get(p);
      if (target?.el) return target;
      if (p === '') return null;
      p = p.slice(0, p.lastIndexOf('/'));
    }
  }

  function goTo(target) {
    const row = target.el.closest('.perm');
    if (row?.hidden) {
      filter.value = '';
      applyFilter();
    }
    if (target.line && target.el.tagName === 'TEXTAREA') selectLine(target.el, target.line);
    else target.el.focus();
  }

  const indexOf = (pointer, prefix) => (pointer.startsWith(prefix) ? Number(pointer.slice(prefix.length)) : NaN);

  function removePermissionAt(pointer) {
    const el = targets.get(pointer)?.el;
    if (el?.dataset.permission) {
      el.checked = false;
    } else {
      el?.closest('li')?.remove();
      renumberOthers();
    }
  }

  // An automatic fix where one is clear: [button text, action] or null.
  function automaticFix(d, config) {
    const i = indexOf(d.path, '/permissions/');
    const entry = config.permissions[i];
    switch (d.code) {
      case 'appsecret_proof_not_required':
        return ['Require app secret proof', () => { fields.proof.checked = true; }];
      case 'group_access_required':
      case 'scoped_manage_groups_cannot_create':
        return ['Set group access to all groups', () => setChecked('group_mode', 'all')];
      case 'all_groups_write_access':
        return ['Limit to specific groups', () => setChecked('group_mode', 'specific')];
      case 'option_without_permission': {
        const box = optionBox(d.path.split('/').pop());
        return box ? [`Turn ${box.dataset.option} off`, () => { box.checked = false; }] : null;
      }
      case 'operation_not_permitted': {
        const use = config.uses[indexOf(d.path, '/uses/')];
        const need = use === undefined ? [] : api.requiredPermissions([use]).permissions;
        return need.length ? [`Grant ${need.join(', ')}`, () => need.forEach((id) => { permBox(id).checked = true; })] : null;
      }
      case 'unused_permission': {
        const key = d.path.split('/').pop().replaceAll('~1', '/').replaceAll('~0', '~');
        return permBox(key)?.checked ? [`Remove ${key}`, () => { permBox(key).checked = false; }] : null;
      }
      case 'permission_not_needed':
      case 'redundant_permission':
      case 'duplicate_permission':
      case 'permission_not_in_product':
      case 'unknown_permission':
        return entry === undefined ? null : [`Remove ${entry}`, () => removePermissionAt(d.path)];
      default:
        return null;
    }
  }

  function unmark() {
    for (const el of marked) {
      el.classList.remove('sev-error', 'sev-security_warning', 'sev-warning', 'sev-suggestion');
      el.removeAttribute('aria-invalid');
      if (el.dataset.describedby) el.setAttribute('aria-describedby', el.dataset.describedby);
      else el.removeAttribute('aria-describedby');
    }
    marked = [];
  }

  function mark(el, severity, ids) {
    if (!marked.includes(el)) {
      marked.push(el);
      el.classList.add(`sev-${severity}`);
    }
    if (severity === 'error') el.setAttribute('aria-invalid', 'true');
    const described = (el.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    el.setAttribute('aria-describedby', [...described, ...ids].join(' '));
  }

  function renderDiagnostics(diagnostics, config) {
    unmark();
    const box = byId('diag-groups');
    const counts = SEVERITIES.map(([sev, title]) => [sev, title, diagnostics.filter((d) => d.severity === sev)]);
    const total = diagnostics.length;
    byId('diag-summary').textContent = total
      ? counts.filter(([, , ds]) => ds.length).map(([, title, ds]) => `${ds.length} ${title.toLowerCase()}`).join(', ')
      : 'No findings: this configuration passes every check.';
    box.replaceChildren(
      ...counts
        .filter(([, , ds]) => ds.length)
        .map(([sev, title, ds]) =>
          h('section', { class: `diag-group sev-${sev}`, 'aria-label': title },
            h('h4', {}, `${title} (${ds.length})`),
            h('ul', { class: 'diags' }, ds.map((d) => {
              const n = diagnostics.indexOf(d);
              const target = resolve(d.path);
              const fix = automaticFix(d, config);
              const ids = [`diag-${n}`, `diag-${n}-fix`];
              if (target) mark(target.el, sev, ids);
              return h('li', { class: `diag sev-${sev}`, 'data-code': d.code },
                h('p', { class: 'diag-msg', id: ids[0] }, code(d.code), ' ', d.message),
                h('p', { class: 'diag-fix', id: ids[1] }, h('strong', {}, 'Fix: '), FIXES[d.code] ?? 'See the message.'),
                h('p', { class: 'diag-actions' },
                  target
                    ? h('button', { type: 'button', class: 'link', onclick: () => goTo(target) },
                        `Go to ${target.name}${target.line ? `, line ${target.line}` : ''}`)
                    : null,
                  h('span', { class: 'pointer' }, d.path || '/'),
                  fix ? h('button', { type: 'button', class: 'fix', onclick: () => { fix[1](); changed(); byId('diag-summary').focus(); } }, fix[0]) : null));
            }))),
        ),
    );
  }

  function check() {
    const { config, map } = readForm();
    targets = map;
    let diagnostics;
    try {
      diagnostics = api.validate(config, { now: store.state.clock });
    } catch (e) {
      diagnostics = [{ severity: 'error', code: e.code ?? 'invalid_argument', message: e.message, path: '' }];
    }
    renderDiagnostics(diagnostics, config);
    byId('cfg-json').textContent = JSON.stringify(config, null, 2);
    byId('diag-title').textContent = `Diagnostics at ${formatTime(store.state.clock)}`;
    return config;
  }

  function changed() {
    const config = check();
    showProductParts(config.product);
    store.update('config', (s) => {
      s.config = config;
    });
  }

  function applyFilter() {
    const q = filter.value.trim().toLowerCase();
    for (const li of permList.children) li.hidden = q !== '' && !li.dataset.search.includes(q);
  }

  // `input` fires for text, checkboxes, radios, selects and dates alike.
  form.addEventListener('input', (e) => {
    if (e.target === filter || e.target.id === 'perm-add-name' || e.target.id === 'cfg-uses-pick') return;
    changed();
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  filter.addEventListener('input', applyFilter);
  byId('perm-add').addEventListener('click', () => {
    const name = byId('perm-add-name');
    if (!name.value.trim()) return;
    addOther(name.value.trim());
    name.value = '';
    changed();
  });
  byId('perm-add-name').addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      byId('perm-add').click();
    }
  });
  byId('cfg-uses-add').addEventListener('click', () => {
    const pick = byId('cfg-uses-pick');
    if (!pick.value) return;
    fields.uses.value = [...fields.uses.value.split('\n').filter((l) => l.trim()), pick.value].join('\n');
    changed();
  });
  byId('diag-summary').tabIndex = -1;

  return {
    update(kind) {
      if (kind === 'all' || kind === 'config:set') {
        fillForm(store.state.config);
        check();
      } else if (kind === 'clock') {
        check();
      }
    },
  };
}

