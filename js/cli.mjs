#!/usr/bin/env node
// appgrant's command line: proofs, signed URLs, config validation, decisions, a local edge gate
// and Postman environments. The app secret is read from APPGRANT_APP_SECRET or a credentials file,
// never from the command line, where `ps` and shell history would keep it.
//
// Exit codes: 0 ok, 1 denied (or findings of severity error), 2 bad usage or unreadable input.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { randomUUID } from 'node:crypto';
import { appsecretProof, compile, createGate, evaluate, signRequest, toNodeListener, validate } from './index.mjs';

const SECRET_ENV = 'APPGRANT_APP_SECRET';
const TOKEN_ENV = 'APPGRANT_ACCESS_TOKEN';

class Usage extends Error {}

const common = {
  json: { type: 'boolean', help: 'print JSON' },
  help: { type: 'boolean', short: 'h', help: 'this text' },
};
const tokenOptions = {
  token: { type: 'string', value: 'TOKEN', help: `the access token (default: $${TOKEN_ENV})` },
  credentials: { type: 'string', value: 'FILE', help: `credentials JSON { app_secret, tokens? }; $${SECRET_ENV} overrides its app_secret` },
  time: { type: 'string', value: 'SECONDS', help: 'appsecret_time in Unix seconds (default: now)' },
};

const COMMANDS = {
  proof: {
    summary: 'make an appsecret_proof and appsecret_time for a token',
    usage: 'appgrant proof [--token TOKEN] [--credentials FILE] [--time SECONDS] [--json]',
    options: { ...tokenOptions, ...common },
    run: (o) => {
      const proof = appsecretProof(token(o), secret(o), time(o));
      return { exit: 0, json: proof, text: `appsecret_proof=${proof.appsecret_proof}\nappsecret_time=${proof.appsecret_time}` };
    },
  },
  sign: {
    summary: 'add access_token, appsecret_proof and appsecret_time to a URL',
    usage: 'appgrant sign URL [--token TOKEN] [--credentials FILE] [--time SECONDS] [--json]',
    positionals: ['URL'],
    options: { ...tokenOptions, ...common },
    run: (o, [url]) => {
      const signed = signRequest(url, { access_token: token(o), app_secret: secret(o) }, { now: time(o) });
      return { exit: 0, json: { url: signed }, text: signed };
    },
  },
  validate: {
    summary: 'lint an integration config; exit 1 when a finding has severity error',
    usage: 'appgrant validate CONFIG.json [--ignore CODE,CODE] [--json]',
    positionals: ['CONFIG.json'],
    options: { ignore: { type: 'string', value: 'CODES', help: 'comma-separated diagnostic codes to drop' }, ...common },
    run: (o, [file]) => {
      const ignore = o.ignore ? o.ignore.split(',').map((c) => c.trim()).filter(Boolean) : [];
      const findings = validate(readJson(file, 'the config'), { ignore });
      const lines = findings.map((d) => `${d.severity} ${d.code} ${d.path || '/'} ${d.message}`);
      return { exit: findings.some((d) => d.severity === 'error') ? 1 : 0, json: findings, text: lines.join('\n') || 'no findings' };
    },
  },
  check: {
    summary: 'decide whether a call is allowed; exit 1 when it is denied',
    usage: 'appgrant check --config CONFIG.json (--request REQUEST.json | --method M --path PATH [--node N] [--source-ip IP]) [--credentials FILE] [--json]',
    options: {
      config: { type: 'string', value: 'FILE', help: 'the integration config' },
      request: { type: 'string', value: 'FILE', help: 'a request object (SPEC §5)' },
      method: { type: 'string', value: 'M', help: 'the call, instead of --request' },
      path: { type: 'string', value: 'PATH', help: 'its path, query included' },
      node: { type: 'string', value: 'N', help: 'the type of a bare {id}: group, member, post, ...' },
      'source-ip': { type: 'string', value: 'IP', help: 'the caller address' },
      credentials: { type: 'string', value: 'FILE', help: 'credentials JSON, to check tokens and proofs' },
      ...common,
    },
    run: (o) => {
      const config = readJson(required(o, 'config'), 'the config');
      const request = o.request ? readJson(o.request, 'the request') : callFromFlags(o);
      const decision = evaluate(config, request, o.credentials ? credentials(o) : undefined);
      const failed = decision.trace.find((c) => !c.ok);
      const text = decision.allowed
        ? `allowed: ${decision.operation} with ${decision.permission ?? 'no permission needed'}`
        : `denied: ${decision.reason} (${failed?.check}: ${failed?.detail})\n${JSON.stringify({ error: decision.error })}`;
      return { exit: decision.allowed ? 0 : 1, json: decision, text };
    },
  },
  gate: {
    summary: 'serve the edge gate on a local port, for integration tests',
    usage: 'appgrant gate --config CONFIG.json --credentials FILE --port N [--host 127.0.0.1] [--upstream URL] [--directory FILE] [--json]',
    options: {
      config: { type: 'string', value: 'FILE', help: 'the integration config' },
      credentials: { type: 'string', value: 'FILE', help: `credentials JSON (SPEC §5); $${SECRET_ENV} overrides its app_secret` },
      port: { type: 'string', value: 'N', help: 'the port; 0 picks a free one' },
      host: { type: 'string', value: 'H', help: 'the address to listen on (default 127.0.0.1)' },
      upstream: { type: 'string', value: 'URL', help: 'forward allowed calls there (default: answer 200 with the decision)' },
      directory: { type: 'string', value: 'FILE', help: 'a directory { groups, members, posts } typing bare ids' },
      ...common,
    },
    run: (o) => serveGate(o),
  },
  env: {
    summary: 'write a Postman environment with a fresh proof, for a newman run',
    usage: 'appgrant env [--token TOKEN] [--credentials FILE] [--out FILE] [--name NAME] [--set KEY=VALUE]... [--json]',
    options: {
      ...tokenOptions,
      out: { type: 'string', value: 'FILE', help: 'write the environment there (default: standard output)' },
      name: { type: 'string', value: 'NAME', help: 'the environment name (default appgrant)' },
      set: { type: 'string', multiple: true, value: 'KEY=VALUE', help: 'another variable, e.g. base_url=http://127.0.0.1:8787 (never the app secret)' },
      ...common,
    },
    run: (o) => {
      const access = token(o);
      const appSecret = secret(o);
      const proof = appsecretProof(access, appSecret, time(o));
      const variables = [
        ['access_token', access, 'secret'],
        ['appsecret_proof', proof.appsecret_proof, 'default'],
        ['appsecret_time', String(proof.appsecret_time), 'default'],
        ...(o.set ?? []).map((pair) => variable(pair, appSecret)),
      ];
      const environment = {
        id: randomUUID(),
        name: o.name ?? 'appgrant',
        values: variables.map(([key, value, type]) => ({ key, value, type, enabled: true })),
        _postman_variable_scope: 'environment',
      };
      const text = `${JSON.stringify(environment, null, 2)}\n`;
      if (!o.out) return { exit: 0, json: environment, text: text.trimEnd() };
      writeFileSync(o.out, text, { mode: 0o600 });
      const note = `wrote ${o.out}: appsecret_time ${proof.appsecret_time}, valid for 300 seconds`;
      return { exit: 0, json: { file: o.out, appsecret_time: proof.appsecret_time }, text: note };
    },
  },
};

// Keys that name a secret the environment must not hold, whatever their value.
const SECRET_KEY = /secret|passw(or)?d/i;

// An extra `--set KEY=VALUE` variable. The environment is a file newman reads and CI may keep:
// it never holds the app secret, under any key, alone or inside another value (an
// `app_id|app_secret` pair is a working credential). A refusal never repeats the pair.
function variable(pair, appSecret) {
  const never = 'the environment never holds the app secret: newman gets the proof instead';
  if (pair.includes(appSecret)) throw new Usage(`a --set value holds the app secret; ${never}`);
  const at = pair.indexOf('=');
  if (at < 1) throw new Usage('--set takes KEY=VALUE');
  const key = pair.slice(0, at);
  if (SECRET_KEY.test(key)) throw new Usage(`--set ${key}: a secret-like key; ${never}`);
  return [key, pair.slice(at + 1), 'default'];
}

function required(o, name) {
  if (o[name] === undefined) throw new Usage(`--${name} is required`);
  return o[name];
}

function readJson(file, what) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new Usage(`cannot read ${what} ${file}: ${e.code ?? e.message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Usage(`${what} ${file} is not JSON: ${e.message}`);
  }
}

function credentials(o) {
  const file = o.credentials ? readJson(o.credentials, 'the credentials') : {};
  if (typeof file !== 'object' || file === null || Array.isArray(file)) throw new Usage(`${o.credentials} must hold an object { app_secret, tokens? }`);
  const fromEnv = process.env[SECRET_ENV];
  const creds = fromEnv ? { ...file, app_secret: fromEnv } : file;
  if (typeof creds.app_secret !== 'string' || creds.app_secret === '') {
    throw new Usage(`no app secret: set ${SECRET_ENV} or give --credentials FILE with app_secret`);
  }
  return creds;
}

const secret = (o) => credentials(o).app_secret;

function token(o) {
  const value = o.token ?? process.env[TOKEN_ENV];
  if (!value) throw new Usage(`no access token: give --token TOKEN or set ${TOKEN_ENV}`);
  return value;
}

function time(o) {
  if (o.time === undefined) return undefined;
  if (!/^-?\d{1,16}$/.test(o.time)) throw new Usage(`--time takes whole Unix seconds, not "${o.time}"`);
  return Number(o.time);
}

function callFromFlags(o) {
  const request = { method: required(o, 'method'), path: required(o, 'path') };
  if (o.node) request.node = o.node;
  if (o['source-ip']) request.source_ip = o['source-ip'];
  return request;
}

function serveGate(o) {
  const config = readJson(required(o, 'config'), 'the config');
  required(o, 'credentials');
  const port = Number(required(o, 'port'));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Usage(`--port takes 0 to 65535, not "${o.port}"`);
  // Compiling first turns a bad config into a usage error before anything listens.
  compile(config).free();
  const handler = createGate({
    config,
    credentials: credentials(o),
    upstream: o.upstream,
    directory: o.directory ? readJson(o.directory, 'the directory') : undefined,
    onDecision: (answer, request) => {
      // The path only: query strings carry tokens and proofs.
      const path = new URL(request.url).pathname;
      const reason = answer.decision?.reason ?? (answer.status === 200 ? 'allowed' : `code ${answer.body.error?.code}`);
      console.error(o.json ? JSON.stringify({ method: request.method, path, status: answer.status, reason }) : `${request.method} ${path} -> ${answer.status} ${reason}`);
    },
  });
  const server = createServer(toNodeListener(handler));
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Usage(`cannot listen on ${o.host ?? '127.0.0.1'}:${port}: ${e.code ?? e.message}`)));
    server.listen(port, o.host ?? '127.0.0.1', () => {
      const { address, port: bound } = server.address();
      const url = `http://${address.includes(':') ? `[${address}]` : address}:${bound}`;
      console.log(o.json ? JSON.stringify({ url }) : `appgrant gate listening on ${url}`);
      const stop = () => server.close(() => resolve({ exit: 0 }));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
  });
}

function help(name) {
  if (!name) {
    const rows = Object.entries(COMMANDS).map(([n, c]) => `  ${n.padEnd(9)} ${c.summary}`);
    return `Usage: appgrant <command> [options]\n\n${rows.join('\n')}\n\nappgrant <command> --help describes one command.\nThe app secret comes from $${SECRET_ENV} or --credentials FILE, never from the command line.\nExit codes: 0 ok, 1 denied or error findings, 2 bad usage.`;
  }
  const command = COMMANDS[name];
  const rows = Object.entries(command.options).map(([flag, spec]) => {
    const left = `--${flag}${spec.value ? ` ${spec.value}` : ''}${spec.short ? `, -${spec.short}` : ''}`;
    return `  ${left.padEnd(26)} ${spec.help}`;
  });
  return `Usage: ${command.usage}\n\n${command.summary}.\n\n${rows.join('\n')}`;
}

// Flags that would put a secret in argv are refused outright, before any parsing.
function refuseSecretFlags(args) {
  const flag = args.find((a) => /^-{1,2}[^=]*secret/i.test(a));
  if (flag) throw new Usage(`${flag.split('=')[0]}: the app secret is never taken from the command line; set ${SECRET_ENV} or use --credentials FILE`);
}

async function main(argv) {
  const [name, ...args] = argv;
  if (name === undefined) {
    console.error(help());
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(help(args[0] in COMMANDS ? args[0] : undefined));
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) throw new Usage(`unknown command "${name}"; one of: ${Object.keys(COMMANDS).join(', ')}`);
  refuseSecretFlags(args);
  // parseArgs refuses keys it does not know, and `short: undefined`: pass only what is set.
  const options = Object.fromEntries(
    Object.entries(command.options).map(([k, { type, short, multiple }]) => [k, { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) }]),
  );
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new Usage(e.message);
  }
  if (parsed.values.help) {
    console.log(help(name));
    return 0;
  }
  const expected = command.positionals ?? [];
  if (parsed.positionals.length !== expected.length) {
    throw new Usage(expected.length ? `expected ${expected.join(' ')}` : `unexpected argument "${parsed.positionals[0]}"`);
  }
  const result = await command.run(parsed.values, parsed.positionals);
  if (result.json !== undefined || result.text !== undefined) {
    console.log(parsed.values.json ? JSON.stringify(result.json, null, 2) : result.text);
  }
  return result.exit;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // Usage errors and appgrant's coded errors (bad config, bad time) are the caller's to fix.
    const coded = typeof e?.code === 'string' && /^[a-z_]+$/.test(e.code);
    if (e instanceof Usage || coded) {
      console.error(`appgrant: ${coded ? `${e.code}: ` : ''}${e.message}\nRun appgrant --help for usage.`);
      process.exitCode = 2;
    } else {
      console.error(`appgrant: ${e?.stack ?? e}`);
      process.exitCode = 1;
    }
  },
);
