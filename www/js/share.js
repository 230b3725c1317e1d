// 6. Share and keep: the state as a link (URL fragment) and as a JSON file, and importing either
// back. The state never holds credentials (see state.js), so neither does anything made here.
import { byId, copyText, nowSeconds } from './dom.js';
import { defaults, fragmentOf, readState } from './state.js';

export function setupShare({ api, store }) {
  const result = byId('import-result');
  const pretty = () => `${JSON.stringify(store.state, null, 2)}\n`;

  function importText(text, from) {
    let input;
    try {
      input = JSON.parse(text);
    } catch (e) {
      result.textContent = `Not imported: ${from} is not JSON (${e.message}).`;
      result.className = 'summary bad';
      return;
    }
    try {
      const { state, notes } = readState(input, api, nowSeconds());
      // The import lands on this view: the user sees the outcome before moving on.
      state.view = 'share';
      store.replace(state);
      result.textContent = `Imported ${from}.${notes.length ? ` ${notes.join('; ')}.` : ''}`;
      result.className = 'summary ok';
    } catch (e) {
      result.textContent = `Not imported: ${e.message}.`;
      result.className = 'summary bad';
    }
  }

  byId('share-copy').addEventListener('click', () => copyText(byId('share-link').value, byId('share-link'), byId('share-copy-status')));
  byId('export-json').addEventListener('click', () => {
    const url = URL.createObjectURL(new Blob([pretty()], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'appgrant-playground.json';
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    // Revoked later: a download may still be reading the blob when click() returns.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  });
  byId('import-file').addEventListener('change', async (event) => {
    const file = event.target.files?.[0];
    if (file) importText(await file.text(), file.name);
    event.target.value = '';
  });
  byId('import-form').addEventListener('submit', (event) => {
    event.preventDefault();
    importText(byId('import-text').value, 'the pasted JSON');
  });
  byId('reset-all').addEventListener('click', () => {
    store.replace({ ...defaults(nowSeconds()), view: 'share' });
    result.textContent = 'The playground is back to its defaults.';
    result.className = 'summary ok';
  });

  return {
    update(kind) {
      if (kind === 'secret' || kind === 'tokens' || kind === 'useToken') return;
      byId('share-link').value = location.href.split('#')[0] + fragmentOf(store.state);
      byId('export-preview').textContent = pretty();
    },
  };
}
