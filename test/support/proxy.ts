// A loopback HTTP proxy in front of the test registry: records every request and lets a test answer
// some itself (faults, tampering) — what a real registry never does on its own.
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';

export interface LoopbackProxy {
  /** `127.0.0.1:<port>` */
  host: string;
  /** `METHOD /path` of every request, in order. */
  requests(): string[];
  /** The requests since the last call of `since` (all of them, the first time). */
  since(): string[];
  close(): void;
}

/** `intercept` answers a request itself by returning true; `seen` counts earlier identical requests. */
export type Intercept = (req: IncomingMessage, res: ServerResponse, seen: number) => boolean;

export async function startProxy(target: string, intercept?: Intercept): Promise<LoopbackProxy> {
  const [host, port] = target.split(':') as [string, string];
  const log: string[] = [];
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const key = `${req.method!} ${req.url!}`;
    log.push(key);
    const seen = counts.get(key) ?? 0;
    counts.set(key, seen + 1);
    if (intercept?.(req, res, seen)) return;
    const upstream = httpRequest({ host, port: Number(port), path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    req.pipe(upstream);
  });
  // Port 0: the kernel picks a free port at bind, so no other server can take it first.
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const p = typeof address === 'object' && address ? address.port : 0;
  let taken = 0;
  const since = (): string[] => {
    const lines = log.slice(taken);
    taken = log.length;
    return lines;
  };
  return { host: `127.0.0.1:${p}`, requests: () => [...log], since, close: () => server.close() };
}
