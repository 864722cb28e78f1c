// A small OCI distribution client: anonymous, basic and bearer-token auth, retries, digest
// checks, size limits, and per-run caches so each manifest and blob is fetched at most once.
import { lookupCredential, type Credential } from './auth.ts';
import { matchesDigest, computeDigest } from './digest.ts';
import { RegistryError, type RegistryErrorCode } from './errors.ts';
import { DEFAULT_RETRY, Semaphore, fetchWithRetry, readLimited, type Around, type RetryHooks, type RetryPolicy } from './http.ts';
import { apiHost } from './reference.ts';
import { MediaType, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest, type ImageReference, type ImageSource } from './types.ts';

export const MANIFEST_ACCEPT = [MediaType.OciManifest, MediaType.OciIndex, MediaType.DockerManifest, MediaType.DockerManifestList].join(', ');
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const DEFAULT_BLOB_LIMIT = 16 * 1024 * 1024;

export interface RegistryClientOptions {
  /** Requests in flight at once (bounded by --workers). */
  maxConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  env?: NodeJS.ProcessEnv;
  /** Registries reached over plain http; default: loopback and localhost only. */
  plainHttp?: (registry: string) => boolean;
  /** Total bytes of small blobs kept in memory for reuse within the run. */
  blobCacheBytes?: number;
  /** Around waits between retries (the run's worker pool frees the component's slot meanwhile). */
  idle?: Around;
  /** Aborts every request in flight and every wait (the run's --timeout). */
  signal?: AbortSignal;
}

interface Challenge {
  scheme: 'bearer' | 'basic';
  realm?: string;
  service?: string;
}

function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host) || host.endsWith('.localhost');
}

function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const scheme = header.trim().split(/\s+/, 1)[0]!.toLowerCase();
  if (scheme !== 'bearer' && scheme !== 'basic') return undefined;
  const params: Record<string, string> = {};
  for (const m of header.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  return { scheme, ...(params.realm ? { realm: params.realm } : {}), ...(params.service ? { service: params.service } : {}) };
}

const ERROR_CODES: Record<number, RegistryErrorCode> = { 401: 'UNAUTHORIZED', 403: 'DENIED', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

async function registryError(res: Response, describe: string): Promise<RegistryError> {
  let detail = `${res.status} ${res.statusText}`.trim();
  try {
    const body = (await res.text()).slice(0, 4096);
    const parsed = JSON.parse(body) as { errors?: { code?: string; message?: string }[] };
    const errs = parsed.errors?.map((e) => `${e.code ?? 'UNKNOWN'}: ${e.message ?? ''}`.trim());
    if (errs && errs.length > 0) detail = errs.join('; ');
  } catch {
    // not a registry error body
  }
  const code = ERROR_CODES[res.status] ?? (res.status >= 500 ? 'UNREACHABLE' : 'BAD_RESPONSE');
  return new RegistryError(code, `${describe}: ${detail}`, { status: res.status });
}

export class RegistryClient implements ImageSource {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly idle: Around | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly plainHttp: (registry: string) => boolean;
  private readonly userAgent: string;
  private readonly credentials = new Map<string, Promise<Credential>>();
  private readonly challenges = new Map<string, Challenge>();
  /** Authorization header per registry + scope: one token per scope per run. */
  private readonly authorizations = new Map<string, Promise<string | undefined>>();
  private readonly manifests = new Map<string, Promise<FetchedManifest | undefined>>();
  private readonly resolutions = new Map<string, Promise<Descriptor>>();
  private readonly blobs = new Map<string, Promise<Buffer>>();
  private blobCacheBytes: number;

  constructor(options: RegistryClientOptions = {}) {
    this.semaphore = new Semaphore(options.maxConcurrency ?? 16);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.idle = options.idle;
    this.signal = options.signal;
    this.env = options.env ?? process.env;
    this.plainHttp = options.plainHttp ?? isLoopback;
    this.userAgent = options.userAgent ?? 'vouch';
    this.blobCacheBytes = options.blobCacheBytes ?? 8 * 1024 * 1024;
  }

  private baseUrl(ref: ImageReference): string {
    const host = apiHost(ref);
    return `${this.plainHttp(ref.registry) ? 'http' : 'https'}://${host}/v2/${ref.repository}`;
  }

  private credential(registry: string): Promise<Credential> {
    let c = this.credentials.get(registry);
    if (!c) {
      c = lookupCredential(registry, this.env);
      this.credentials.set(registry, c);
    }
    return c;
  }

  /** Obtains (once per registry + scope) the Authorization header a challenge asks for. */
  private authorization(ref: ImageReference, scope: string): Promise<string | undefined> {
    const challenge = this.challenges.get(ref.registry);
    if (!challenge) return Promise.resolve(undefined);
    const key = `${ref.registry} ${scope}`;
    let auth = this.authorizations.get(key);
    if (!auth) {
      auth = this.fetchAuthorization(ref, challenge, scope);
      this.authorizations.set(key, auth);
      // A failed token fetch is not cached: the next request may succeed.
      auth.catch(() => this.authorizations.delete(key));
    }
    return auth;
  }

  private async fetchAuthorization(ref: ImageReference, challenge: Challenge, scope: string): Promise<string | undefined> {
    const cred = await this.credential(ref.registry);
    if (challenge.scheme === 'basic') {
      return cred.kind === 'basic' ? `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}` : undefined;
    }
    if (cred.kind === 'registry-token') return `Bearer ${cred.token}`;
    if (!challenge.realm) throw new RegistryError('BAD_RESPONSE', `${ref.registry} asked for a bearer token without a realm`, { value: ref.registry });
    const url = new URL(challenge.realm);
    const describe = `token request to ${url.origin}${url.pathname} for ${scope}`;
    let res: Response;
    if (cred.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.token, scope, client_id: 'vouch' });
      if (challenge.service) form.set('service', challenge.service);
      res = await fetchWithRetry(url.toString(), () => ({ method: 'POST', body: form, headers: { 'user-agent': this.userAgent } }), this.retry, describe, this.hooks());
    } else {
      if (challenge.service) url.searchParams.set('service', challenge.service);
      url.searchParams.set('scope', scope);
      const headers: Record<string, string> = { 'user-agent': this.userAgent };
      if (cred.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${cred.username}:${cred.password}`).toString('base64')}`;
      res = await fetchWithRetry(url.toString(), () => ({ headers }), this.retry, describe, this.hooks());
    }
    if (!res.ok) throw await registryError(res, describe);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new RegistryError('BAD_RESPONSE', `${describe}: the answer has no token`);
    return `Bearer ${token}`;
  }

  private hooks(): RetryHooks {
    return { attempt: (run) => this.semaphore.run(run), ...(this.idle ? { wait: this.idle } : {}), ...(this.signal ? { signal: this.signal } : {}) };
  }

  /** One authenticated request: answers a 401 challenge once, then returns whatever comes. */
  private async request(ref: ImageReference, method: string, path: string, headers: Record<string, string>, body?: Uint8Array, push = false): Promise<Response> {
    const url = path.startsWith('http') ? path : `${this.baseUrl(ref)}/${path}`;
    const describe = `${method} ${url}`;
    const scope = `repository:${ref.repository}:${push ? 'pull,push' : 'pull'}`;
    for (let round = 0; ; round++) {
      const auth = await this.authorization(ref, scope);
      const res = await fetchWithRetry(
        url,
        () => ({
          method,
          headers: { 'user-agent': this.userAgent, ...headers, ...(auth ? { authorization: auth } : {}) },
          ...(body ? { body } : {}),
        }),
        this.retry,
        describe,
        this.hooks(),
      );
      if (res.status === 401 && round === 0) {
        const challenge = parseChallenge(res.headers.get('www-authenticate'));
        await res.body?.cancel();
        if (challenge) {
          this.challenges.set(ref.registry, challenge);
          this.authorizations.delete(`${ref.registry} ${scope}`);
          continue;
        }
      }
      return res;
    }
  }

  resolve(ref: ImageReference): Promise<Descriptor> {
    const id = ref.digest ?? ref.tag ?? 'latest';
    const key = `${ref.registry}/${ref.repository}:${id}`;
    let p = this.resolutions.get(key);
    if (!p) {
      p = this.resolveUncached(ref, id);
      this.resolutions.set(key, p);
      p.catch(() => this.resolutions.delete(key));
    }
    return p;
  }

  private async resolveUncached(ref: ImageReference, id: string): Promise<Descriptor> {
    // One GET instead of ec's HEAD + GET: the pipeline needs the manifest right after (config,
    // platforms), and the bytes are hashed here, so the digest is ours, not the registry's word.
    const fetched = await this.getManifest(ref, id, true);
    if (fetched && !id.includes(':')) {
      // Keep the tag's manifest under its digest too: the next read by digest is free.
      this.manifests.set(`${ref.registry}/${ref.repository}@${fetched.descriptor.digest}`, Promise.resolve(fetched));
    }
    if (!fetched) throw new RegistryError('NOT_FOUND', `GET ${this.baseUrl(ref)}/manifests/${id}: MANIFEST_UNKNOWN: manifest unknown`, { status: 404 });
    return fetched.descriptor;
  }

  /** `strict`: a 404 is an error carrying the registry's words rather than `undefined`. */
  getManifest(ref: ImageReference, tagOrDigest: string, strict = false): Promise<FetchedManifest | undefined> {
    const key = `${ref.registry}/${ref.repository}@${tagOrDigest}`;
    let p = this.manifests.get(key);
    if (!p) {
      p = this.getManifestUncached(ref, tagOrDigest, strict);
      this.manifests.set(key, p);
      // Only digests are immutable; tags and failures are not kept.
      p.then(
        () => (tagOrDigest.includes(':') ? undefined : this.manifests.delete(key)),
        () => this.manifests.delete(key),
      );
    }
    return p;
  }

  private async getManifestUncached(ref: ImageReference, tagOrDigest: string, strict: boolean): Promise<FetchedManifest | undefined> {
    const describe = `GET ${this.baseUrl(ref)}/manifests/${tagOrDigest}`;
    const res = await this.request(ref, 'GET', `manifests/${tagOrDigest}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404 && !strict) {
      await res.body?.cancel();
      return undefined;
    }
    if (!res.ok) throw await registryError(res, describe);
    const bytes = await readLimited(res, MANIFEST_LIMIT, describe);
    const expected = tagOrDigest.includes(':') ? tagOrDigest : (res.headers.get('docker-content-digest') ?? computeDigest(bytes));
    if (!matchesDigest(bytes, expected)) {
      throw new RegistryError('DIGEST_MISMATCH', `${describe}: the manifest's content does not hash to ${expected}`, { value: expected });
    }
    let manifest: ImageManifest | ImageIndex;
    try {
      manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest | ImageIndex;
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${describe}: the manifest is not JSON`);
    }
    const mediaType = manifest.mediaType ?? (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    return { descriptor: { mediaType, digest: expected, size: bytes.length }, bytes, manifest };
  }

  getBlob(ref: ImageReference, descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes = DEFAULT_BLOB_LIMIT): Promise<Buffer> {
    const key = `${ref.registry}/${ref.repository}@${descriptor.digest}`;
    const cached = this.blobs.get(key);
    if (cached) return cached;
    const p = this.getBlobUncached(ref, descriptor, maxBytes);
    // Small blobs (signature payloads, configs) are kept for the run, within a byte budget.
    if (descriptor.size <= this.blobCacheBytes) {
      this.blobCacheBytes -= descriptor.size;
      this.blobs.set(key, p);
      p.catch(() => this.blobs.delete(key));
    }
    return p;
  }

  private async getBlobUncached(ref: ImageReference, descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes: number): Promise<Buffer> {
    const describe = `GET ${this.baseUrl(ref)}/blobs/${descriptor.digest}`;
    if (descriptor.size > maxBytes) {
      throw new RegistryError('TOO_LARGE', `${describe}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`, { value: descriptor.size });
    }
    const res = await this.request(ref, 'GET', `blobs/${descriptor.digest}`, {});
    if (!res.ok) throw await registryError(res, describe);
    const bytes = await readLimited(res, maxBytes, describe);
    if (bytes.length !== descriptor.size || !matchesDigest(bytes, descriptor.digest)) {
      throw new RegistryError('DIGEST_MISMATCH', `${describe}: the blob's content does not match its descriptor (${descriptor.digest}, ${descriptor.size} bytes)`, {
        value: descriptor.digest,
      });
    }
    return bytes;
  }

  /** Registries seen to lack the referrers API: go straight to the tag schema for them. */
  private readonly noReferrersApi = new Set<string>();

  async referrers(ref: ImageReference, digest: string): Promise<Descriptor[]> {
    if (this.noReferrersApi.has(ref.registry)) return this.referrersByTag(ref, digest);
    const res = await this.request(ref, 'GET', `referrers/${digest}`, { accept: MediaType.OciIndex });
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim();
    if (res.ok && type === MediaType.OciIndex) {
      const bytes = await readLimited(res, MANIFEST_LIMIT, `GET referrers/${digest}`);
      return (JSON.parse(bytes.toString('utf8')) as ImageIndex).manifests ?? [];
    }
    await res.body?.cancel();
    if (res.ok || [400, 404, 405, 406].includes(res.status)) {
      this.noReferrersApi.add(ref.registry);
      return this.referrersByTag(ref, digest);
    }
    throw await registryError(res, `GET ${this.baseUrl(ref)}/referrers/${digest}`);
  }

  /** The OCI 1.1 referrers tag schema: an index at `sha256-<hex>`. */
  private async referrersByTag(ref: ImageReference, digest: string): Promise<Descriptor[]> {
    const fallback = await this.getManifest(ref, digest.replace(':', '-'));
    if (!fallback || !('manifests' in fallback.manifest)) return [];
    return fallback.manifest.manifests;
  }

  /** Uploads a blob (monolithic POST + PUT), skipping it when the registry has it already. */
  async pushBlob(ref: ImageReference, bytes: Uint8Array): Promise<Descriptor> {
    const digest = computeDigest(bytes);
    const head = await this.request(ref, 'HEAD', `blobs/${digest}`, {}, undefined, true);
    await head.body?.cancel();
    if (head.ok) return { mediaType: 'application/octet-stream', digest, size: bytes.length };
    const start = await this.request(ref, 'POST', 'blobs/uploads/', {}, undefined, true);
    await start.body?.cancel();
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw await registryError(start, `POST ${this.baseUrl(ref)}/blobs/uploads/`);
    const target = new URL(location, this.baseUrl(ref));
    target.searchParams.set('digest', digest);
    const put = await this.request(ref, 'PUT', target.toString(), { 'content-type': 'application/octet-stream' }, bytes, true);
    if (!put.ok) throw await registryError(put, `PUT ${target.origin}${target.pathname}`);
    await put.body?.cancel();
    return { mediaType: 'application/octet-stream', digest, size: bytes.length };
  }

  async pushManifest(ref: ImageReference, tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<Descriptor> {
    const res = await this.request(ref, 'PUT', `manifests/${tagOrDigest}`, { 'content-type': mediaType }, bytes, true);
    if (!res.ok) throw await registryError(res, `PUT ${this.baseUrl(ref)}/manifests/${tagOrDigest}`);
    await res.body?.cancel();
    return { mediaType, digest: computeDigest(bytes), size: bytes.length };
  }
}
