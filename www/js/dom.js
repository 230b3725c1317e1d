// Small DOM helpers. Text always goes in through textContent: nothing typed by a user or returned
// by the package is ever parsed as HTML.

export const byId = (id) => document.getElementById(id);

// h('li', { class: 'x', 'aria-label': 'y', onclick: fn }, child, 'text', [more])
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

// replaceChildren() that, like h(), flattens arrays and skips null, undefined and false.
export function setContent(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
}

export function code(text) {
  return h('code', {}, text);
}

// "2025-11-24 16:00:00 UTC"; the playground shows UTC so a shared link reads the same everywhere.
export function formatTime(seconds) {
  if (!Number.isFinite(seconds)) return '';
  const d = new Date(seconds * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  const m = Math.floor(s / 60);
  return m > 0 ? `${m} min ${String(s % 60).padStart(2, '0')} s` : `${s} s`;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

// A whole number of seconds typed in a field, or null.
export function parseSeconds(text) {
  const t = String(text).trim();
  return /^-?\d{1,16}$/.test(t) ? Number(t) : null;
}

// Non-empty lines with their 1-based line numbers: list fields map JSON Pointer indexes to lines.
export function lines(text) {
  return text
    .split('\n')
    .map((value, i) => ({ value: value.trim(), line: i + 1 }))
    .filter((l) => l.value !== '');
}

export function selectLine(textarea, line) {
  const all = textarea.value.split('\n');
  const start = all.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
  textarea.focus();
  textarea.setSelectionRange(start, start + (all[line - 1]?.length ?? 0));
}

// The Clipboard API needs a secure context and permission; when it is refused the text is
// selected instead, so that the keyboard shortcut copies it.
export async function copyText(text, field, status) {
  try {
    await navigator.clipboard.writeText(text);
    status.textContent = 'Copied.';
  } catch {
    field.focus();
    field.select();
    status.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
  }
}

// Shows a credential only by its start: the page never repeats a whole token outside its field.
export const masked = (value) => (value.length > 8 ? `${value.slice(0, 6)}…` : '…');

export function errorText(e) {
  return e?.code ? `${e.code}: ${e.message}` : String(e?.message ?? e);
}

// Fills a <select> with options, optionally in <optgroup>s: items are [value, label] or
// { group, items }.
export function fillSelect(select, items) {
  select.replaceChildren(
    ...items.map((item) =>
      Array.isArray(item)
        ? h('option', { value: item[0] }, item[1])
        : h('optgroup', { label: item.group }, item.items.map(([v, l]) => h('option', { value: v }, l))),
    ),
  );
}

export function setChecked(name, value) {
  for (const input of document.querySelectorAll(`input[name="${name}"]`)) input.checked = input.value === value;
}

export function checkedValue(name) {
  return document.querySelector(`input[name="${name}"]:checked`)?.value;
}
