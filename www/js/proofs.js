// 3. Proofs: generate a time-stamped appsecret_proof (with a live countdown to its expiry, checked
// by verifyAppsecretProof every second), compare it with the legacy form, verify a pasted proof,
// and sign a URL.
import { byId, copyText, errorText, formatDuration, formatTime, nowSeconds, parseSeconds } from './dom.js';

const MAX_AGE_SECONDS = 300;

const REASONS = {
  token_missing: 'no access token to check the proof against',
  proof_missing: 'the proof or its time is missing',
  proof_malformed: 'the proof is not 64 lower-case hex digits, or the time is not a whole number of seconds',
  proof_expired: 'appsecret_time is more than 300 seconds in the past',
  proof_future: 'appsecret_time is in the future',
  proof_mismatch: 'the proof was not made from this access token, app secret and time',
};

function explainReason(reason) {
  return REASONS[reason] ? `${reason}: ${REASONS[reason]}` : reason;
}

export function setupProofs({ api, store }) {
  const form = byId('proof-form');
  const f = { token: byId('token'), secret: byId('secret'), time: byId('time') };
  const result = byId('result');
  const errorBox = byId('error');
  // The last generated proof, with the token it was made for: in memory only, for the countdown.
  let current = null;

  function showError(message) {
    result.hidden = true;
    current = null;
    errorBox.textContent = message;
    errorBox.hidden = false;
  }

  // Empty means "now" (the API reads the clock); anything else goes to the API as a number, so a
  // malformed time is reported with the API's own error code.
  function timeInput() {
    const text = f.time.value.trim();
    return text === '' ? undefined : Number(text);
  }

  function generate() {
    try {
      const token = f.token.value;
      const secret = f.secret.value;
      const proof = api.appsecretProof(token, secret, timeInput());
      const legacy = api.legacyAppsecretProof(token, secret);
      errorBox.hidden = true;
      byId('proof').textContent = proof.appsecret_proof;
      byId('proof-time').textContent = String(proof.appsecret_time);
      byId('query').textContent = new URLSearchParams({
        appsecret_proof: proof.appsecret_proof,
        appsecret_time: String(proof.appsecret_time),
      }).toString();
      byId('legacy-proof').textContent = legacy;
      current = { token, secret, ...proof };
      result.hidden = false;
      tick();
    } catch (e) {
      showError(errorText(e));
    }
  }

  function tick() {
    if (!current) return;
    const now = nowSeconds();
    const left = current.appsecret_time + MAX_AGE_SECONDS - now;
    const countdown = byId('countdown');
    if (left > MAX_AGE_SECONDS) countdown.textContent = `Not valid yet: appsecret_time is ${formatDuration(left - MAX_AGE_SECONDS)} in the future.`;
    else if (left >= 0) countdown.textContent = `Valid for ${formatDuration(left)} more (until ${formatTime(current.appsecret_time + MAX_AGE_SECONDS)}).`;
    else countdown.textContent = `Expired ${formatDuration(-left)} ago (at ${formatTime(current.appsecret_time + MAX_AGE_SECONDS)}).`;
    countdown.classList.toggle('expired', left < 0 || left > MAX_AGE_SECONDS);
    const verdict = api.verifyAppsecretProof(
      { access_token: current.token, appsecret_proof: current.appsecret_proof, appsecret_time: current.appsecret_time },
      current.secret,
    );
    byId('proof-state').textContent = verdict.ok
      ? 'verifyAppsecretProof now: valid.'
      : `verifyAppsecretProof now: ${explainReason(verdict.reason)}.`;
  }

  function verify() {
    const out = byId('verify-result');
    const proof = byId('verify-proof').value.trim();
    const time = byId('verify-time').value.trim();
    const at = byId('verify-now').value.trim();
    if (!proof && !time) {
      out.textContent = 'Paste a proof and its time.';
      return;
    }
    try {
      const params = { access_token: f.token.value, appsecret_proof: proof || undefined, appsecret_time: time || undefined };
      const opts = at === '' ? {} : { now: parseSeconds(at) ?? Number(at) };
      const verdict = api.verifyAppsecretProof(params, f.secret.value, opts);
      out.textContent = verdict.ok ? `Valid at ${formatTime(opts.now ?? nowSeconds())}.` : `Invalid: ${explainReason(verdict.reason)}.`;
      out.className = `summary ${verdict.ok ? 'ok' : 'bad'}`;
    } catch (e) {
      out.textContent = errorText(e);
      out.className = 'summary bad';
    }
  }

  function sign() {
    const out = byId('signed-url');
    const status = byId('copy-url-status');
    try {
      const time = timeInput();
      out.value = api.signRequest(byId('sign-url').value.trim(), { access_token: f.token.value, app_secret: f.secret.value }, time === undefined ? {} : { now: time });
      byId('copy-url').disabled = false;
      status.textContent = '';
    } catch (e) {
      out.value = '';
      byId('copy-url').disabled = true;
      status.textContent = errorText(e);
    }
  }

  function save() {
    store.update('proofs', (s) => {
      s.proofs = {
        time: f.time.value,
        url: byId('sign-url').value,
        verify_proof: byId('verify-proof').value,
        verify_time: byId('verify-time').value,
        verify_now: byId('verify-now').value,
      };
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    generate();
  });
  form.addEventListener('input', (event) => {
    if (event.target === f.secret) store.setSecret(f.secret.value, 'proofs');
    else save();
  });
  byId('verify-form').addEventListener('submit', (event) => {
    event.preventDefault();
    verify();
  });
  byId('verify-form').addEventListener('input', () => {
    save();
    verify();
  });
  byId('sign-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sign();
  });
  byId('sign-form').addEventListener('input', (event) => {
    if (event.target.id === 'sign-url') save();
  });
  byId('copy-url').addEventListener('click', () => copyText(byId('signed-url').value, byId('signed-url'), byId('copy-url-status')));
  setInterval(tick, 1000);
  form.querySelector('button[type="submit"]').disabled = false;

  return {
    update(kind, detail) {
      if (kind === 'all') {
        const p = store.state.proofs;
        f.time.value = p.time;
        byId('sign-url').value = p.url;
        byId('verify-proof').value = p.verify_proof;
        byId('verify-time').value = p.verify_time;
        byId('verify-now').value = p.verify_now;
        f.secret.value = store.session.secret;
      }
      if (kind === 'secret' && detail !== 'proofs') f.secret.value = store.session.secret;
      if (kind === 'useToken') f.token.value = detail;
    },
  };
}
