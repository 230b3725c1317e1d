
// ---- clients (js/clients.mjs): pre-request signing, signedFetch, the edge gate --------------
// `Request` above is appgrant's request shape; the fetch API's is `globalThis.Request`.

/** A request as Postman or Bruno describe it. */
export interface PreRequestInput {
  method?: string;
  /** A URL string, a `URL`, or an object whose `toString()` is the URL (Postman's `pm.request.url`). */
  url: string | URL | { toString(): string };
  /** Extra query parameters: an object, Postman's `[{ key, value, disabled? }]` list, or a query string. */
  params?: { [key: string]: string | number | boolean } | { key: string; value?: string | null; disabled?: boolean }[] | string;
  headers?: { [name: string]: string };
  /** The type of a bare `{id}` in the path, for the permission warning. */
  node?: NodeType;
}

/** The environment variables a pre-request script reads. */
export interface PreRequestEnvironment {
  access_token: string;
  app_secret: string;
  /** The integration's config (an object, or JSON text as environment variables are strings). */
  config?: IntegrationConfig | string | null;
  /** The default type of a bare `{id}` for requests that do not say. */
  node?: NodeType;
}

export interface PreRequestResult {
  /** The request with access_token, appsecret_proof and appsecret_time in its query string. */
  request: { method: string; url: string; headers: { [name: string]: string } };
  /** The variables to set, as the seed's Postman script sets them. */
  variables: { access_token: string; appsecret_proof: string; appsecret_time: number };
  /** Set when `environment.config` does not grant what the call needs (or cannot name the call). */
  warning: { code: DiagnosticCode; message: string } | null;
}

/** A fetch handler: workerd's `fetch`, `Deno.serve`'s and `Bun.serve`'s handler. */
export type GateHandler = (request: globalThis.Request, info?: unknown) => Promise<globalThis.Response>;

export interface GateOptions {
  config: IntegrationConfig;
  credentials: Credentials;
  /** Where allowed calls go: a base URL, or a function answering them. Absent: 200 with the decision. */
  upstream?: string | URL | ((request: globalThis.Request, decision: Decision) => globalThis.Response | Promise<globalThis.Response>);
  /** Types the bare ids of paths (`/{id}/feed` is a group's or a member's feed). */
  directory?: Directory;
  /**
   * The client address. Defaults to `runtimeClientIp`: `cf-connecting-ip` in workerd only, the
   * connection's address in Deno, Bun and Node. X-Forwarded-For and similar headers are never
   * trusted by default; behind your own proxy, read them here.
   */
  clientIp?: (request: globalThis.Request, info: unknown) => string | null | undefined | Promise<string | null | undefined>;
  /** Called with every answer, before it is sent (for logs). */
  onDecision?: (answer: GateAnswer, request: globalThis.Request) => void;
  /** Largest urlencoded body read for credentials (default 1 MiB); longer ones answer 413. */
  maxBodyBytes?: number;
}

export function preRequest(request: PreRequestInput, environment: PreRequestEnvironment, opts?: { now?: Time }): PreRequestResult;
export function signedFetch(
  input: string | URL | globalThis.Request,
  init: RequestInit | undefined,
  creds: { access_token: string; app_secret: string },
): Promise<globalThis.Response>;
export function runtimeClientIp(request: globalThis.Request, info?: unknown): string | undefined;
export function createGate(options: GateOptions): GateHandler;
/** A fetch handler as a listener for Node's `http.createServer`; the client address comes from the socket. */
export function toNodeListener(handler: GateHandler): (req: unknown, res: unknown) => void;
