// A programmable hostile OCI registry on loopback. It serves real content through the distribution
// API (/v2/, manifests by tag and digest, blobs, the referrers API, a token endpoint) — content built
// in-process or copied byte for byte from a real registry (images and their real cosign signatures)
// — and lets a test replace the answer of any route with what no real registry sends: wrong digests,
// malformed JSON, oversized, trickling or endless bodies, redirects, odd 401 challenges, huge token
// answers and error bodies. Hand-made bytes, because real registries cannot produce them.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import type { Descriptor } from '../../src/oci/types.ts';
import { makeSelfSigned } from './pki.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  OCI_INDEX,
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export const sha256 = (bytes: Uint8Array): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

/** What the registry would have answered, handed to a fault so it can mangle the real thing. */
export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type Fault = (req: IncomingMessage, res: ServerResponse, answer: Answer) => void;

export interface RecordedRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingHttpHeaders;
}

interface StoredManifest {
  bytes: Buffer;
  /** Served as Content-Type. */
  contentType: string;
}

interface Repository {
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
  blobs: Map<string, Buffer>;
}

export interface HostileRegistryOptions {
  /** Require `Authorization: Bearer <token>` on /v2/ routes, challenging with this realm (default: our own /token). */
  auth?: { token: string; realm?: string; service?: string };
  /** Answer the referrers API (default) or 404 it, as registries without OCI 1.1 do. */
  referrersApi?: boolean;
  /** Serve https with a self-signed certificate for 127.0.0.1 (made by the real openssl); trust `ca` to reach it. */
  tls?: boolean;
}

export interface HostileRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  /** `http://host`, or `https://host` with `tls`. */
  url: string;
  /** With `tls`: the server's self-signed certificate (PEM), for `tls.setDefaultCACertificates`. */
  ca?: string;
  /** Every request, in order, with its headers (Authorization included). */
  requests: RecordedRequest[];
  putBlob(repo: string, bytes: Uint8Array): string;
  /** Stores a manifest under its digest (and tags), served with `contentType`; returns the digest. */
  putManifest(repo: string, bytes: Uint8Array, contentType: string, ...tags: string[]): string;
  /** A small random single-layer image built here; returns its manifest digest. */
  putImage(repo: string, tag: string, options?: { architecture?: string }): string;
  /** Copies a manifest, its children and blobs byte for byte from a real registry (`http://host`). */
  mirror(from: string, repo: string, tagOrDigest: string, intoRepo?: string): Promise<string>;
  /** Copies the cosign artifacts of `digest`: `.sig`/`.att` tags and the referrers tag schema index. */
  mirrorSignatures(from: string, repo: string, digest: string, intoRepo?: string): Promise<void>;
  /** From now on, requests whose `METHOD /path?query` matches get `fault` (the first match wins). */
  fault(route: RegExp, fault: Fault): void;
  clearFaults(): void;
  close(): Promise<void>;
}

/** Faults to hand to `fault()`. */
export const faults = {
  /** These bytes instead of the real answer, with a Docker-Content-Digest that matches them (hashed right, shaped wrong). */
  body(bytes: string | Uint8Array, contentType = OCI_MANIFEST, status = 200): Fault {
    return (_req, res) => {
      const body = Buffer.from(bytes);
      res.writeHead(status, { 'content-type': contentType, 'content-length': body.length, 'docker-content-digest': sha256(body) }).end(body);
    };
  },
  /** The real answer with its last byte changed and its headers kept: content that does not match its digest. */
  corrupt(): Fault {
    return (_req, res, answer) => {
      const body = Buffer.from(answer.body);
      if (body.length > 0) body[body.length - 1] = body[body.length - 1]! ^ 0x01;
      res.writeHead(answer.status, answer.headers).end(body);
    };
  },
  /** `bytes` of filler, declared in Content-Length or not. */
  oversized(bytes: number, withContentLength: boolean, status = 200): Fault {
    return (_req, res) => {
      res.writeHead(status, { 'content-type': 'application/json', ...(withContentLength ? { 'content-length': bytes } : {}) });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let left = bytes;
      const pump = (): void => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!res.write(chunk.subarray(0, n))) return void res.once('drain', pump);
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
  },
  /** The real answer (or `bytes`), one byte every `ms`, headers first. */
  trickle(ms: number, bytes?: string | Uint8Array): Fault {
    return (_req, res, answer) => {
      const body = bytes === undefined ? answer.body : Buffer.from(bytes);
      res.writeHead(bytes === undefined ? answer.status : 200, { ...answer.headers, 'content-length': String(body.length) });
      let at = 0;
      const timer = setInterval(() => {
        if (at >= body.length) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(body.subarray(at, ++at));
      }, ms);
      res.on('close', () => clearInterval(timer));
    };
  },
  /** A 200 that never ends (no Content-Length), until the client goes away. */
  endless(): Fault {
    return (_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST });
      const chunk = Buffer.alloc(64 * 1024, 0x5b);
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      res.on('error', () => undefined);
      pump();
    };
  },
  redirect(location: string, status = 307): Fault {
    return (_req, res) => void res.writeHead(status, { location }).end();
  },
  /** A 401 with this WWW-Authenticate header. */
  challenge(header: string): Fault {
    return (_req, res) =>
      void res.writeHead(401, { 'www-authenticate': header, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
  },
  status(status: number, body = '', headers: Record<string, string> = {}): Fault {
    return (_req, res) => void res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
  },
};

export async function startHostileRegistry(options: HostileRegistryOptions = {}): Promise<HostileRegistry> {
  const repos = new Map<string, Repository>();
  const routes: { route: RegExp; fault: Fault }[] = [];
  const requests: RecordedRequest[] = [];
  const repo = (name: string): Repository => {
    let r = repos.get(name);
    if (!r) repos.set(name, (r = { manifests: new Map(), tags: new Map(), blobs: new Map() }));
    return r;
  };
  const json = (status: number, value: unknown, headers: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: Buffer.from(JSON.stringify(value)),
  });
  const unknown = (code: string): Answer => json(404, { errors: [{ code, message: code.toLowerCase().replace('_', ' ') }] });

  /** The referrers API, computed from the stored manifests' `subject`. */
  function referrers(r: Repository, digest: string): Answer {
    const manifests = [];
    for (const [d, m] of r.manifests) {
      let doc: { subject?: { digest?: string }; artifactType?: string; config?: { mediaType?: string }; annotations?: Record<string, string> } | null;
      try {
        doc = JSON.parse(m.bytes.toString()) as typeof doc;
      } catch {
        continue; // a malformed manifest stored on purpose
      }
      if (doc?.subject?.digest !== digest) continue;
      const artifactType = doc.artifactType ?? doc.config?.mediaType;
      manifests.push({
        mediaType: m.contentType,
        digest: d,
        size: m.bytes.length,
        ...(artifactType ? { artifactType } : {}),
        ...(doc.annotations ? { annotations: doc.annotations } : {}),
      });
    }
    return json(200, { schemaVersion: 2, mediaType: OCI_INDEX, manifests }, { 'content-type': OCI_INDEX });
  }

  function answer(req: IncomingMessage): Answer {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/token') return json(200, { token: options.auth?.token ?? 'anonymous' });
    if (path === '/v2/' || path === '/v2') return json(200, {});
    const m = /^\/v2\/(.+)\/(manifests|blobs|referrers)\/([^/]+)$/.exec(path);
    if (!m) return unknown('NAME_UNKNOWN');
    const [, name, kind, id] = m as unknown as [string, string, string, string];
    const r = repo(name);
    if (kind === 'blobs') {
      const blob = r.blobs.get(id);
      return blob ? { status: 200, headers: { 'content-type': 'application/octet-stream', 'docker-content-digest': id }, body: blob } : unknown('BLOB_UNKNOWN');
    }
    if (kind === 'referrers') return options.referrersApi === false ? unknown('NOT_FOUND') : referrers(r, id);
    const digest = id.includes(':') ? id : r.tags.get(id);
    const stored = digest ? r.manifests.get(digest) : undefined;
    if (!digest || !stored) return unknown('MANIFEST_UNKNOWN');
    return { status: 200, headers: { 'content-type': stored.contentType, 'docker-content-digest': digest }, body: stored.bytes };
  }

  const handler: RequestListener = (req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    const real = answer(req);
    const route = `${req.method!} ${req.url!}`;
    const hit = routes.find((r) => r.route.test(route));
    if (hit) return hit.fault(req, res, real);
    const auth = options.auth;
    if (auth && req.url?.startsWith('/v2') && req.headers.authorization !== `Bearer ${auth.token}`) {
      const realm = auth.realm ?? `${registry.url}/token`;
      return faults.challenge(`Bearer realm="${realm}",service="${auth.service ?? 'hostile'}"`)(req, res, real);
    }
    res.writeHead(real.status, { ...real.headers, 'content-length': String(real.body.length) }).end(req.method === 'HEAD' ? undefined : real.body);
  };
  const pki = options.tls ? await selfSigned() : undefined;
  const server = pki ? createTlsServer(pki, handler) : createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;

  const putBlob = (name: string, bytes: Uint8Array): string => {
    const digest = sha256(bytes);
    repo(name).blobs.set(digest, Buffer.from(bytes));
    return digest;
  };
  const putManifest = (name: string, bytes: Uint8Array, contentType: string, ...tags: string[]): string => {
    const digest = sha256(bytes);
    const r = repo(name);
    r.manifests.set(digest, { bytes: Buffer.from(bytes), contentType });
    for (const t of tags) r.tags.set(t, digest);
    return digest;
  };

  async function fetchManifest(from: string, name: string, ref: string): Promise<{ bytes: Buffer; contentType: string } | undefined> {
    const res = await fetch(`${from}/v2/${name}/manifests/${ref}`, { headers: { accept: MANIFEST_ACCEPT } });
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`mirror: ${res.status} for ${from}/v2/${name}/manifests/${ref}`);
    return { bytes: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') ?? OCI_MANIFEST };
  }

  async function mirror(from: string, name: string, tagOrDigest: string, into = name): Promise<string> {
    const got = await fetchManifest(from, name, tagOrDigest);
    if (!got) throw new Error(`mirror: no manifest ${name}:${tagOrDigest} at ${from}`);
    const doc = JSON.parse(got.bytes.toString()) as { manifests?: { digest: string }[]; config?: { digest: string }; layers?: { digest: string }[] };
    for (const child of doc.manifests ?? []) await mirror(from, name, child.digest, into);
    for (const blob of [...(doc.config ? [doc.config] : []), ...(doc.layers ?? [])]) {
      const res = await fetch(`${from}/v2/${name}/blobs/${blob.digest}`);
      if (!res.ok) throw new Error(`mirror: ${res.status} for blob ${blob.digest}`);
      putBlob(into, Buffer.from(await res.arrayBuffer()));
    }
    return putManifest(into, got.bytes, got.contentType, ...(tagOrDigest.includes(':') ? [] : [tagOrDigest]));
  }

  async function mirrorSignatures(from: string, name: string, digest: string, into = name): Promise<void> {
    const base = digest.replace(':', '-');
    for (const tag of [`${base}.sig`, `${base}.att`, base]) {
      if (await fetchManifest(from, name, tag)) await mirror(from, name, tag, into);
    }
  }

  const registry: HostileRegistry = {
    host,
    url: `${pki ? 'https' : 'http'}://${host}`,
    ...(pki ? { ca: pki.cert } : {}),
    requests,
    putBlob,
    putManifest,
    putImage(name, tag, opts = {}) {
      const layer = putBlob(name, randomBytes(128));
      const config = Buffer.from(
        JSON.stringify({ architecture: opts.architecture ?? 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layer] } }),
      );
      const manifest = {
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: putBlob(name, config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer, size: 128 }],
      };
      return putManifest(name, Buffer.from(JSON.stringify(manifest)), OCI_MANIFEST, tag);
    },
    mirror,
    mirrorSignatures,
    fault(route, fault) {
      routes.push({ route, fault });
    },
    clearFaults() {
      routes.length = 0;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return registry;
}

/** A P-256 key and self-signed certificate for 127.0.0.1, made by the real openssl. */
async function selfSigned(): Promise<{ key: string; cert: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-hostile-tls-'));
  try {
    const made = await makeSelfSigned(dir, 'tls', '/CN=127.0.0.1', ['-addext', 'subjectAltName=IP:127.0.0.1']);
    return { key: await readFile(made.key, 'utf8'), cert: await readFile(made.cert, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A hostile registry holding `app:v1`, and that image's layer as vouch's client reads it (for blob tests). */
export async function hostileRegistryWithLayer(): Promise<{ registry: HostileRegistry; layer: Descriptor }> {
  const registry = await startHostileRegistry();
  registry.putImage('app', 'v1');
  const fetched = await new RegistryClient().getManifest(parseReference(`${registry.host}/app:v1`), 'v1');
  assert.ok(fetched && 'layers' in fetched.manifest);
  return { registry, layer: fetched.manifest.layers[0]! };
}
