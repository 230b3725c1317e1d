// The edge gate as a Cloudflare Worker. The client address is `cf-connecting-ip`, which Cloudflare's
// edge sets on every request (a client cannot choose it there); locally nothing sets it, so a test
// sends it itself. The app secret is a secret binding (wrangler secret put APPGRANT_APP_SECRET).
import { createGate } from 'appgrant/edge';
import config from 'config.json';
import credentials from 'credentials.json';
import directory from 'directory.json';

let gate;

export default {
  fetch(request, env) {
    // Bindings arrive with the first request, so the gate is built then, once.
    gate ??= createGate({ config, credentials: { ...credentials, app_secret: env.APPGRANT_APP_SECRET ?? credentials.app_secret }, directory });
    return gate(request);
  },
};
