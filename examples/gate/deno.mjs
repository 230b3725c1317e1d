// The edge gate in Deno: Deno.serve hands the handler `info.remoteAddr`, the connection's address.
//
//   deno run --allow-net=127.0.0.1 --allow-read=. --allow-env=APPGRANT_APP_SECRET examples/gate/deno.mjs [PORT]
import { createGate } from 'appgrant/edge';

const read = async (file) => JSON.parse(await Deno.readTextFile(new URL(file, import.meta.url)));
const credentials = await read('./credentials.json');
credentials.app_secret = Deno.env.get('APPGRANT_APP_SECRET') ?? credentials.app_secret;

const gate = createGate({ config: await read('./config.json'), credentials, directory: await read('./directory.json') });

const server = Deno.serve(
  {
    hostname: '127.0.0.1',
    port: Number(Deno.args[0] ?? 8787),
    onListen: ({ hostname, port }) => console.log(`appgrant gate (Deno ${Deno.version.deno}) on http://${hostname}:${port}`),
  },
  gate,
);
Deno.addSignalListener('SIGTERM', () => server.shutdown());
