// One HTTP exchange over node:http / node:https with keep-alive agents: the registry client's
// transport (and the TUF mirror's and https policy sources'). Leaner than fetch (no WHATWG streams,
// no AbortSignal.any per request: about half the CPU per request, docs/benchmarks.md), and it does
// no more than asked: it never follows a redirect (callers check each hop before connecting), never
// decompresses (no Accept-Encoding is sent; a compressed body fails its digest or parse), and a
// deadline per exchange covers connecting, the headers and the whole body, so a trickling body ends.
// Trust is TLS's default store: Node's roots plus what tls.setDefaultCACertificates added (the
// Tekton face's SSL_CERT_DIR / SSL_CERT_FILE, src/faces/tekton/ca-trust.ts).
import type { ClientRequest, IncomingMessage } from 'node:http';

// Not `import … from 'node:http'`: the ESM wrapper of node:http reads every export, and one of them
// loads Node's whole bundled undici (tens of ms of CPU in each thread, evaluation workers included).
const http = process.getBuiltinModule('node:http');
const https = process.getBuiltinModule('node:https');

/** Response headers, at most, in bytes (Node's and undici's default; the status line and every header together). */
export const MAX_HEADER_BYTES = 16 * 1024;
/** A body we will not read is drained for the connection's reuse only when it says it is this small. */
const DRAIN_LIMIT = 64 * 1024;

// `lifo` reuses the warmest connection; free connections close after 5 s (as Node's global agent).
const agents = {
  'http:': new http.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5_000 }),
  'https:': new https.Agent({ keepAlive: true, scheduling: 'lifo', timeout: 5_000 }),
};

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array | URLSearchParams;
}

export interface Deadline {
  /** For the whole exchange: connecting, the answer's headers and its body. */
  timeoutMs: number;
  /** Aborts the exchange, with the signal's reason (the run's --timeout). */
  signal?: AbortSignal | undefined;
}

/** Case-insensitive header lookup; repeated headers are joined with `, ` (as fetch's Headers.get). */
interface HeaderReader {
  get(name: string): string | null;
}

export interface HttpResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: HeaderReader;
  /** The body as it streams; read it with readLimited or drop it with discard. */
  readonly body: IncomingMessage;
}

/** The deadline passed: the error a read or a request fails with (its name is what callers test). */
class DeadlineError extends Error {
  constructor(ms: number) {
    super(`no complete answer within ${ms / 1000}s`);
    this.name = 'TimeoutError';
  }
}

function headerReader(raw: string[]): HeaderReader {
  return {
    get(name: string): string | null {
      const wanted = name.toLowerCase();
      let value: string | null = null;
      for (let i = 0; i < raw.length; i += 2) {
        if (raw[i]!.toLowerCase() === wanted) value = value === null ? raw[i + 1]! : `${value}, ${raw[i + 1]!}`;
      }
      return value;
    },
  };
}

/** Errors of a connection the agent reused that the server had closed meanwhile: try a fresh one, once. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);

const errorCode = (err: unknown): string | undefined => (err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined);

/** A parse error of llhttp (Node's HTTP parser): the server's answer is not HTTP as vouch accepts it. */
export const isProtocolError = (err: unknown): boolean => errorCode(err)?.startsWith('HPE_') ?? false;

function encode(body: HttpRequest['body'], headers: Record<string, string>): Buffer | undefined {
  if (body === undefined) return undefined;
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return Buffer.from(body.toString());
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** One attempt, on a connection of its own or a reused one. */
function exchange(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: Buffer | undefined,
  deadline: Deadline,
  fresh: boolean,
): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === 'https:';
    let req: ClientRequest;
    let res: IncomingMessage | undefined;
    const stop = (reason: unknown): void => {
      // Before the answer the request fails; after it, the body's reader does.
      if (res) res.destroy(reason as Error);
      else req.destroy(reason as Error);
    };
    const onAbort = (): void => stop(deadline.signal?.reason);
    // Unreferenced: a connection in use holds the process anyway; a forgotten answer must not.
    const timer = setTimeout(() => stop(new DeadlineError(deadline.timeoutMs)), deadline.timeoutMs).unref();
    const done = (): void => {
      clearTimeout(timer);
      deadline.signal?.removeEventListener('abort', onAbort);
    };
    try {
      req = (secure ? https.request : http.request)(url, {
        method,
        headers: body ? { ...headers, 'content-length': String(body.length) } : headers,
        agent: fresh ? false : agents[secure ? 'https:' : 'http:'],
        maxHeaderSize: MAX_HEADER_BYTES,
      });
    } catch (err) {
      done();
      reject(err);
      return;
    }
    req.on('error', (err) => {
      if (res) return; // the body's reader sees it
      done();
      if (!fresh && req.reusedSocket && STALE.has(errorCode(err) ?? '') && !deadline.signal?.aborted && !(err instanceof DeadlineError)) {
        exchange(url, method, headers, body, deadline, true).then(resolve, reject);
      } else reject(err);
    });
    req.on('response', (answer: IncomingMessage) => {
      res = answer;
      answer.on('close', done);
      const status = answer.statusCode ?? 0;
      resolve({ status, statusText: answer.statusMessage ?? '', ok: status >= 200 && status < 300, headers: headerReader(answer.rawHeaders), body: answer });
    });
    if (deadline.signal?.aborted) return stop(deadline.signal.reason);
    deadline.signal?.addEventListener('abort', onAbort, { once: true });
    req.end(body);
  });
}

/**
 * Sends one request and resolves with the answer's status and headers; the body still streams. Only
 * http: and https: URLs. Rejects with the connection's error, a DeadlineError, or the signal's reason.
 */
export function send(url: URL, init: HttpRequest, deadline: Deadline): Promise<HttpResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new Error(`${url.protocol} is not http or https`));
  const headers = { ...init.headers };
  return exchange(url, init.method ?? 'GET', headers, encode(init.body, headers), deadline, false);
}

/**
 * Drops a body we will not read: a small one is drained so its connection serves again; a large,
 * unsized or unfinished one closes its connection.
 */
export function discard(res: HttpResponse): Promise<void> {
  const body = res.body;
  if (body.destroyed) return Promise.resolve();
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  // Complete (all bytes parsed) still needs reading for its end, which frees the connection.
  if (body.complete || (Number.isInteger(declared) && declared >= 0 && declared <= DRAIN_LIMIT)) {
    body.on('error', () => undefined);
    body.resume();
  } else body.destroy();
  return Promise.resolve();
}

export interface BodyLimits {
  /** Bytes accepted, at most. */
  limit: number;
}

/** Why a body read failed: the limit (with the bytes seen), or the stream's error. */
export class BodyError extends Error {
  readonly reason: 'too-large' | 'declared-too-large' | 'broken';
  /** Bytes read (or declared, for `declared-too-large`). */
  readonly bytes: number;
  constructor(reason: BodyError['reason'], bytes: number, cause?: unknown) {
    super(reason, { cause });
    this.name = 'BodyError';
    this.reason = reason;
    this.bytes = bytes;
  }
}

/**
 * Reads a body while it streams, refusing more than `limit` bytes whatever Content-Length says.
 * Rejects with a BodyError; a `broken` one carries the stream's error (a DeadlineError, the
 * signal's reason, a reset connection) as its cause.
 */
export function readBody(res: HttpResponse, { limit }: BodyLimits): Promise<Buffer> {
  const body = res.body;
  const declared = Number(res.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > limit) {
    body.destroy();
    return Promise.reject(new BodyError('declared-too-large', declared));
  }
  if (body.destroyed && !body.complete)
    return Promise.reject(new BodyError('broken', 0, body.errored ?? new Error('the connection closed before the answer was complete')));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    // The error is made only for a body that fails: every answer closes after its end, and two
    // errors with their stacks per request were a tenth of a VSA re-run's CPU.
    const fail = (error: () => BodyError): void => {
      if (settled) return;
      settled = true;
      reject(error());
    };
    body.on('data', (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        fail(() => new BodyError('too-large', total));
        body.destroy();
      } else chunks.push(chunk);
    });
    body.on('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total));
    });
    body.on('error', (err) => {
      fail(() => new BodyError('broken', total, err));
    });
    // Closed before its end without an error event: the connection went away.
    body.on('close', () => {
      fail(() => new BodyError('broken', total, new Error('the connection closed before the answer was complete')));
    });
  });
}
