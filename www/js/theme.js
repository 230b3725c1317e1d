// The colour scheme: the system's by default, or the one chosen here (remembered in this browser).
import { byId } from './dom.js';

const KEY = 'appgrant-playground-theme';

export function setupTheme() {
  const select = byId('theme');
  const apply = (value) => {
    if (value === 'light' || value === 'dark') document.documentElement.dataset.theme = value;
    else delete document.documentElement.dataset.theme;
  };
  try {
    select.value = localStorage.getItem(KEY) ?? 'auto';
  } catch {
    select.value = 'auto';
  }
  apply(select.value);
  select.addEventListener('change', () => {
    apply(select.value);
    try {
      localStorage.setItem(KEY, select.value);
    } catch {
      // Not remembered, still applied.
    }
  });
}
