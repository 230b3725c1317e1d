// The edge gate in Node 20: node:http serves the fetch handler; the client address is the socket's.
//
//   node examples/gate/node.mjs [PORT]          (APPGRANT_APP_SECRET overrides the demo secret)
//
// credentials.json holds a demo secret and the SHA-256 of the demo token `demo-access-token`.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createGate, toNodeListener } from 'appgrant/edge';

const read = (file) => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
const credentials = read('./credentials.json');
if (process.env.APPGRANT_APP_SECRET) credentials.app_secret = process.env.APPGRANT_APP_SECRET;

const gate = createGate({ config: read('./config.json'), credentials, directory: read('./directory.json') });

const server = createServer(toNodeListener(gate));
server.listen(Number(process.argv[2] ?? 8787), '127.0.0.1', () => {
  console.log(`appgrant gate (Node ${process.version}) on http://127.0.0.1:${server.address().port}`);
});
process.once('SIGTERM', () => server.close());
