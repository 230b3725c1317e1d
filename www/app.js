// The playground's entry. The views are imported dynamically so that a module that fails to load
// (an old browser, a missing build of www/gen/) is reported on the page instead of failing silently.
const status = document.getElementById('status');

try {
  const { start } = await import('./js/main.js');
  start();
  status.hidden = true;
} catch (e) {
  status.textContent = `The playground could not start (is www/gen/ built? run ./dev build): ${e?.code ? `${e.code}: ` : ''}${e?.message ?? e}`;
  status.classList.add('error');
  status.setAttribute('role', 'alert');
}
