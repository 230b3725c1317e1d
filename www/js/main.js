// Wires the views to one store. Loaded by app.js once the package (with its inlined wasm) is ready.
import * as api from '../gen/appgrant.mjs';
import { setupBuild } from './build.js';
import { makeCatalog } from './catalog.js';
import { byId, nowSeconds } from './dom.js';
import { setupLeast } from './least.js';
import { setupProofs } from './proofs.js';
import { setupRequest } from './request.js';
import { setupShare } from './share.js';
import { createStore } from './state.js';
import { setupTabs } from './tabs.js';
import { setupTheme } from './theme.js';
import { setupTokens } from './tokens.js';

function notify(notes) {
  const box = byId('notice');
  box.textContent = notes.join(' ');
  box.hidden = notes.length === 0;
}

export function start() {
  const catalog = makeCatalog(api);
  const store = createStore(api, nowSeconds);
  const context = { api, catalog, store };
  const views = [
    setupTabs(store),
    setupBuild(context),
    setupRequest(context),
    setupProofs(context),
    setupTokens(context),
    setupLeast(context),
    setupShare(context),
  ];
  store.subscribe((kind, detail) => {
    for (const view of views) view.update(kind, detail);
  });
  setupTheme();

  const load = () => {
    const { state, notes } = store.initial();
    store.replace(state);
    notify(notes);
  };
  load();
  // A link with another state pasted into this tab's address bar.
  window.addEventListener('hashchange', () => {
    if (store.isForeignFragment()) load();
  });
}
