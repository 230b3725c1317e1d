// The edge gate in Bun: Bun.serve passes the server, whose requestIP(request) is the client address.
//
//   bun examples/gate/bun.mjs [PORT]          (APPGRANT_APP_SECRET overrides the demo secret)
import { createGate } from 'appgrant/edge';

const read = async (file) => JSON.parse(await Bun.file(new URL(file, import.meta.url)).text());
const credentials = await read('./credentials.json');
credentials.app_secret = process.env.APPGRANT_APP_SECRET ?? credentials.app_secret;

const gate = createGate({ config: await read('./config.json'), credentials, directory: await read('./directory.json') });

const server = Bun.serve({ hostname: '127.0.0.1', port: Number(process.argv[2] ?? 8787), fetch: gate });
console.log(`appgrant gate (Bun ${Bun.version}) on http://${server.hostname}:${server.port}`);
process.once('SIGTERM', () => server.stop());
