// The view switcher, following the WAI-ARIA tabs pattern: one tab stop, arrow keys, Home and End
// move between tabs and open the one they reach.
import { byId } from './dom.js';

export function setupTabs(store) {
  const tabs = [...document.querySelectorAll('#tabs [role="tab"]')];
  const viewOf = (tab) => tab.id.replace(/^tab-/, '');

  function show(view) {
    for (const tab of tabs) {
      const selected = viewOf(tab) === view;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      byId(tab.getAttribute('aria-controls')).hidden = !selected;
    }
  }

  function open(tab, focus) {
    if (focus) tab.focus();
    store.update('view', (s) => {
      s.view = viewOf(tab);
    });
  }

  for (const tab of tabs) {
    // Disabled in the HTML until the views are ready, so an early click is not lost.
    tab.disabled = false;
    tab.addEventListener('click', () => open(tab, false));
    tab.addEventListener('keydown', (event) => {
      const i = tabs.indexOf(tab);
      const target = {
        ArrowRight: tabs[(i + 1) % tabs.length],
        ArrowLeft: tabs[(i - 1 + tabs.length) % tabs.length],
        Home: tabs[0],
        End: tabs.at(-1),
      }[event.key];
      if (!target) return;
      event.preventDefault();
      open(target, true);
    });
  }

  return {
    update(kind) {
      if (kind === 'view' || kind === 'all') show(store.state.view);
    },
  };
}
