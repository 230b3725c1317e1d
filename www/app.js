// The playground's script. The package is imported dynamically so that a module that fails to
// load (old browser, missing build) is reported on the page instead of failing silently.
const form = document.getElementById('proof-form');
const button = form.querySelector('button');
const status = document.getElementById('status');
const result = document.getElementById('result');
const errorBox = document.getElementById('error');

function showError(message) {
  result.hidden = true;
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function show(proof) {
  errorBox.hidden = true;
  document.getElementById('proof').textContent = proof.appsecret_proof;
  document.getElementById('proof-time').textContent = String(proof.appsecret_time);
  document.getElementById('query').textContent = new URLSearchParams({
    appsecret_proof: proof.appsecret_proof,
    appsecret_time: String(proof.appsecret_time),
  }).toString();
  result.hidden = false;
}

// Empty means "now" (the API reads the clock); anything else goes to the API as a number, so a
// malformed time is reported with the API's own error code.
function timeInput() {
  const text = form.elements.time.value.trim();
  return text === '' ? undefined : Number(text);
}

try {
  const { appsecretProof } = await import('./pkg/browser.mjs');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    try {
      show(appsecretProof(form.elements.token.value, form.elements.secret.value, timeInput()));
    } catch (e) {
      showError(e?.code ? `${e.code}: ${e.message}` : String(e));
    }
  });
  button.disabled = false;
  status.hidden = true;
} catch (e) {
  status.hidden = true;
  showError(`Could not load the appgrant package (run ./dev build): ${e?.message ?? e}`);
}
