// A small OCI distribution client: anonymous, basic and bearer-token auth, retries, digest
// checks, size limits, and per-run caches so each manifest and blob is fetched at most once and
// each tag answers once per run (tag-answers.ts).
import { lookupCredential, type Credential } from './auth.ts';
import { parseChallenge, type Challenge } from './challenge.ts';
import { matchesDigest, computeDigest } from './digest.ts';
import { RegistryError, type RegistryErrorCode } from './errors.ts';
import { DEFAULT_RETRY, Semaphore, discard, fetchWithRetry, readLimited, type Around, type RetryHooks, type RetryPolicy } from './http.ts';
import type { HttpRequest, HttpResponse } from './transport.ts';
import { parseIndex, parseManifest } from './manifest.ts';
import { checkRealm, isLoopbackHost } from './realm.ts';
import { apiHost } from './reference.ts';
import { TagAnswers, type TagAnswerLimits } from './tag-answers.ts';
import { basicAuthorization, parseTokenResponse, registryErrorDetail } from './token.ts';
import { MediaType, type BlobDescriptor, type Descriptor, type FetchedManifest, type ImageReference, type ImageSource } from './types.ts';

const MANIFEST_ACCEPT = [MediaType.OciManifest, MediaType.OciIndex, MediaType.DockerManifest, MediaType.DockerManifestList].join(', ');
const MANIFEST_LIMIT = 4 * 1024 * 1024;
const DEFAULT_BLOB_LIMIT = 16 * 1024 * 1024;
/** Statuses followed as redirects, and how many hops (Go's http.Client allows 10). */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;
/** go-containerregistry's maxTokenBodySize (pkg/v1/remote/transport/bearer.go). */
const TOKEN_LIMIT = 64 * 1024;
/** An error body is read for its message only. */
const ERROR_BODY_LIMIT = 64 * 1024;
/**
 * Tag answers kept for the run: a component's verification reads its `.sig`, `.att` and
 * `sha256-<hex>` tags and its policy reads them again moments later, so a small window suffices;
 * 8 MiB holds thousands of cosign's signature manifests (under 1 KiB each). Parsed, an answer takes
 * about three times its bytes in memory: 25 MiB at most, ~9 MiB for 4,096 such manifests (measured).
 */
const TAG_ANSWERS: TagAnswerLimits = { entries: 4096, bytes: 8 * 1024 * 1024, entryBytes: 1024 * 1024 };

/** The registry's definite "no such manifest" (a 404), kept like a manifest: its words for a strict reader. */
interface Absent {
  absent: string;
}
type ManifestAnswer = FetchedManifest | Absent;
const isAbsent = (a: ManifestAnswer): a is Absent => 'absent' in a;

export interface GetManifestOptions {
  /** A 404 is a NOT_FOUND error carrying the registry's words rather than `undefined`. */
  strict?: boolean;
  /** Ask the registry even when the run has an answer for the tag (a read before writing it). */
  fresh?: boolean;
}

export interface RegistryClientOptions {
  /** Requests in flight at once (bounded by --workers). */
  maxConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  userAgent?: string;
  env?: NodeJS.ProcessEnv;
  /** Hosts (`host[:port]`) reached over plain http, registries and token realms; default: loopback only. */
  plainHttp?: (host: string) => boolean;
  /** Total bytes of small blobs kept in memory for reuse within the run. */
  blobCacheBytes?: number;
  /** Bounds of the run's tag answers (default TAG_ANSWERS). */
  tagAnswers?: Partial<TagAnswerLimits>;
  /** Around waits between retries (the run's worker pool frees the component's slot meanwhile). */
  idle?: Around;
  /** Aborts every request in flight and every wait (the run's --timeout). */
  signal?: AbortSignal;
}

const ERROR_CODES: Record<number, RegistryErrorCode> = { 401: 'UNAUTHORIZED', 403: 'DENIED', 404: 'NOT_FOUND', 429: 'RATE_LIMITED' };

/** A token failure, told as a failure of the request that needed the token. */
function during(err: unknown, describe: string): unknown {
  if (!(err instanceof RegistryError)) return err;
  return new RegistryError(err.code, `${describe}: ${err.message}`, { value: err.value, status: err.status, cause: err, transient: err.transient });
}

const contentType = (res: HttpResponse): string => (res.headers.get('content-type') ?? '').split(';')[0]!.trim();

export class RegistryClient implements ImageSource {
  private readonly semaphore: Semaphore;
  private readonly retry: RetryPolicy;
  private readonly idle: Around | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly env: NodeJS.ProcessEnv;
  private readonly plainHttp: (host: string) => boolean;
  private readonly userAgent: string;
  private readonly credentials = new Map<string, Promise<Credential>>();
  private readonly challenges = new Map<string, Challenge>();
  /** Authorization header per registry + scope: one token per scope per run. */
  private readonly authorizations = new Map<string, Promise<string | undefined>>();
  /** By digest, for the run (content cannot change); a 404 is kept too. */
  private readonly manifests = new Map<string, Promise<ManifestAnswer>>();
  /** By registry + repository + tag, the first definite answer, bounded. */
  private readonly tags: TagAnswers<ManifestAnswer>;
  /** By registry + repository + tag or digest, the run's pin (resolve). */
  private readonly resolutions = new Map<string, Promise<Descriptor>>();
  private readonly blobs = new Map<string, Promise<Buffer>>();
  private blobCacheBytes: number;

  constructor(options: RegistryClientOptions = {}) {
    this.semaphore = new Semaphore(options.maxConcurrency ?? 16);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.idle = options.idle;
    this.signal = options.signal;
    // The run's environment (docker config, credential helpers); none given means no credentials.
    this.env = options.env ?? {};
    this.plainHttp = options.plainHttp ?? isLoopbackHost;
    this.userAgent = options.userAgent ?? 'vouch';
    this.blobCacheBytes = options.blobCacheBytes ?? 8 * 1024 * 1024;
    this.tags = new TagAnswers(
      { ...TAG_ANSWERS, ...options.tagAnswers },
      {
        sizeOf: (a) => (isAbsent(a) ? a.absent.length : a.bytes.length),
        nameOf: (a) => (isAbsent(a) ? 'no manifest' : a.descriptor.digest),
      },
    );
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

  /** Reads a body through the one limited reader, under this client's request deadline. */
  private read(res: HttpResponse, limit: number, describe: string): Promise<Buffer> {
    return readLimited(res, { limit, describe, timeoutMs: this.retry.timeoutMs });
  }

  /** A RegistryError for a non-OK answer, with the registry's own words when it gave some. */
  private async failure(res: HttpResponse, describe: string): Promise<RegistryError> {
    const code = ERROR_CODES[res.status] ?? (res.status >= 500 ? 'UNREACHABLE' : 'BAD_RESPONSE');
    return new RegistryError(code, await this.failureMessage(res, describe), { status: res.status });
  }

  /** What a non-OK answer says: `describe`, then the registry's own words or the status. */
  private async failureMessage(res: HttpResponse, describe: string): Promise<string> {
    let detail = `${res.status} ${res.statusText}`.trim();
    try {
      const words = registryErrorDetail(JSON.parse((await this.read(res, ERROR_BODY_LIMIT, describe)).toString('utf8')));
      if (words) detail = words;
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'TOO_LARGE') detail += ` (an error body over the ${ERROR_BODY_LIMIT}-byte limit)`;
      else if (err instanceof RegistryError && err.code === 'TIMEOUT') detail += ` (an error body still arriving after ${this.retry.timeoutMs / 1000}s)`;
    }
    return `${describe}: ${detail}`;
  }

  private async fetchAuthorization(ref: ImageReference, challenge: Challenge, scope: string): Promise<string | undefined> {
    const cred = await this.credential(ref.registry);
    // A basic challenge is answered to the registry itself (request() only sends it there).
    if (challenge.scheme === 'basic') return cred.kind === 'basic' ? basicAuthorization(cred.username, cred.password) : undefined;
    if (cred.kind === 'registry-token') return `Bearer ${cred.token}`;
    if (!challenge.realm) throw new RegistryError('BAD_RESPONSE', `${ref.registry} asked for a bearer token without a realm`, { value: ref.registry });
    const url = checkRealm(challenge.realm, { registry: new URL(this.baseUrl(ref)), plainHttp: this.plainHttp });
    const describe = `token request to ${url.origin}${url.pathname} for ${scope}`;
    const headers: Record<string, string> = { 'user-agent': this.userAgent };
    let init: HttpRequest;
    if (cred.kind === 'identity-token') {
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: cred.token, scope, client_id: 'vouch' });
      if (challenge.service !== undefined) form.set('service', challenge.service);
      init = { method: 'POST', body: form, headers };
    } else {
      if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
      url.searchParams.set('scope', scope);
      if (cred.kind === 'basic') headers.authorization = basicAuthorization(cred.username, cred.password);
      init = { headers };
    }
    // A redirect could carry the credentials (a form body, a same-origin header) somewhere the realm
    // rules never saw: token services do not redirect, so vouch does not follow.
    const res = await fetchWithRetry(url, () => init, this.retry, describe, this.hooks());
    if (res.status >= 300 && res.status < 400) {
      await discard(res);
      throw new RegistryError('REFUSED', `${describe}: redirected (${res.status}); vouch does not follow token service redirects`, { value: url.origin });
    }
    if (!res.ok) throw await this.failure(res, describe);
    return `Bearer ${parseTokenResponse(await this.read(res, TOKEN_LIMIT, describe), describe)}`;
  }

  private hooks(): RetryHooks {
    return { attempt: (run) => this.semaphore.run(run), ...(this.idle ? { wait: this.idle } : {}), ...(this.signal ? { signal: this.signal } : {}) };
  }

  /**
   * One request to the registry: follows redirects itself and answers a 401 challenge once, then
   * returns whatever comes. Each hop is checked before anything connects to it (no https→http, plain
   * http only to hosts vouch reaches over http); credentials go to the registry's own origin only,
   * and a challenge from where a redirect led is not answered.
   */
  private async request(
    ref: ImageReference,
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Uint8Array,
    push = false,
  ): Promise<HttpResponse> {
    const base = new URL(this.baseUrl(ref));
    let target = this.location(ref, path.startsWith('http') ? path : `${base.href}/${path}`);
    const scope = `repository:${ref.repository}:${push ? 'pull,push' : 'pull'}`;
    let challenged = false;
    for (let hop = 0; ;) {
      const describe = `${method} ${target.href}`;
      const ours = target.origin === base.origin;
      const auth = ours ? await this.authorization(ref, scope).catch((err: unknown) => Promise.reject(during(err, describe))) : undefined;
      const res = await fetchWithRetry(
        target,
        () => ({
          method,
          headers: { 'user-agent': this.userAgent, ...headers, ...(auth ? { authorization: auth } : {}) },
          ...(body ? { body } : {}),
        }),
        this.retry,
        describe,
        this.hooks(),
      );
      if (REDIRECTS.has(res.status)) {
        const location = res.headers.get('location');
        await discard(res);
        if (++hop > MAX_REDIRECTS) throw new RegistryError('REFUSED', `${describe}: more than ${MAX_REDIRECTS} redirects`, { value: target.origin });
        if (body && res.status !== 307 && res.status !== 308)
          throw new RegistryError('REFUSED', `${describe}: redirected (${res.status}) while sending a body`, { value: target.origin });
        target = this.nextHop(ref, target, location, describe);
        continue;
      }
      if (res.status === 401 && !challenged && ours) {
        const challenge = parseChallenge(res.headers.get('www-authenticate'));
        if (challenge) {
          await discard(res);
          challenged = true;
          this.challenges.set(ref.registry, challenge);
          this.authorizations.delete(`${ref.registry} ${scope}`);
          continue;
        }
      }
      return res;
    }
  }

  private location(ref: ImageReference, text: string): URL {
    try {
      return new URL(text);
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${ref.registry} sent an unusable location ${JSON.stringify(text.slice(0, 200))}`, { value: ref.registry });
    }
  }

  /** Where a redirect leads, refused before connecting when it would downgrade. */
  private nextHop(ref: ImageReference, from: URL, location: string | null, describe: string): URL {
    if (!location) throw new RegistryError('BAD_RESPONSE', `${describe}: a redirect without a Location`, { value: from.origin });
    let next: URL;
    try {
      next = new URL(location, from);
    } catch {
      throw new RegistryError('BAD_RESPONSE', `${describe}: an unusable redirect location ${JSON.stringify(location.slice(0, 200))}`, { value: from.origin });
    }
    if (next.protocol === 'https:') return next;
    if (next.protocol === 'http:' && from.protocol === 'https:') {
      throw new RegistryError('REFUSED', `${describe}: redirected to plain http (${next.origin}); vouch does not downgrade`, { value: next.origin });
    }
    if (next.protocol === 'http:' && this.plainHttp(next.host)) return next;
    throw new RegistryError(
      'REFUSED',
      `${describe}: redirected to ${JSON.stringify(next.origin)}, which vouch does not reach over ${next.protocol.replace(':', '')}`,
      { value: next.origin },
    );
  }

  /**
   * The image a reference names, pinned once per run: every later resolution of it (the policy's
   * `ec.oci.*` look-ups of a component's own tag) gets the same digest, however many tag answers
   * have been pushed out of the bounded store since (one small descriptor per reference).
   */
  resolve(ref: ImageReference): Promise<Descriptor> {
    const id = ref.digest ?? ref.tag ?? 'latest';
    const key = `${ref.registry}/${ref.repository}:${id}`;
    let p = this.resolutions.get(key);
    if (!p) {
      const asked = (p = this.resolveUncached(ref, id));
      this.resolutions.set(key, asked);
      asked.catch(() => {
        if (this.resolutions.get(key) === asked) this.resolutions.delete(key);
      });
    }
    return p;
  }

  private async resolveUncached(ref: ImageReference, id: string): Promise<Descriptor> {
    // One GET instead of ec's HEAD + GET: the pipeline needs the manifest right after (config,
    // platforms), and the bytes are hashed here, so the digest is ours, not the registry's word.
    const fetched = await this.getManifest(ref, id, { strict: true });
    const byDigest = `${ref.registry}/${ref.repository}@${fetched.descriptor.digest}`;
    // Keep the tag's manifest under its digest too: the next read by digest is free.
    if (!this.manifests.has(byDigest)) this.manifests.set(byDigest, Promise.resolve(fetched));
    return fetched.descriptor;
  }

  /**
   * A manifest by tag or digest, `undefined` when the registry says there is none. Within the run a
   * digest is read once, and a tag answers what it first answered (a manifest or a 404): the
   * verification and the policy see the same manifest for a tag. Failures are not kept.
   */
  getManifest(ref: ImageReference, tagOrDigest: string, options: GetManifestOptions & { strict: true }): Promise<FetchedManifest>;
  getManifest(ref: ImageReference, tagOrDigest: string, options?: GetManifestOptions): Promise<FetchedManifest | undefined>;
  async getManifest(ref: ImageReference, tagOrDigest: string, options: GetManifestOptions = {}): Promise<FetchedManifest | undefined> {
    const answer = options.fresh ? await this.fetchManifest(ref, tagOrDigest) : await this.manifestAnswer(ref, tagOrDigest);
    if (!isAbsent(answer)) return answer;
    if (options.strict) throw new RegistryError('NOT_FOUND', answer.absent, { status: 404 });
    return undefined;
  }

  private manifestAnswer(ref: ImageReference, tagOrDigest: string): Promise<ManifestAnswer> {
    const ask = (): Promise<ManifestAnswer> => this.fetchManifest(ref, tagOrDigest);
    if (!tagOrDigest.includes(':')) return this.tagAnswer(ref, tagOrDigest, ask);
    const key = `${ref.registry}/${ref.repository}@${tagOrDigest}`;
    let p = this.manifests.get(key);
    if (!p) {
      p = ask();
      this.manifests.set(key, p);
      const asked = p;
      p.catch(() => {
        if (this.manifests.get(key) === asked) this.manifests.delete(key);
      });
    }
    return p;
  }

  /**
   * The run's answer for a tag. The bounded store may have let it go (too large to keep, or pushed
   * out): read again, it must name what it first named in the run (its digest, or none), else it is
   * an error, not a second answer, and is not kept.
   */
  private tagAnswer(ref: ImageReference, tag: string, ask: () => Promise<ManifestAnswer>): Promise<ManifestAnswer> {
    return this.tags.get(
      `${ref.registry}/${ref.repository}:${tag}`,
      ask,
      (first, now) =>
        new RegistryError('TAG_MOVED', `GET ${this.baseUrl(ref)}/manifests/${tag}: the tag now names ${now}, where it named ${first} earlier in this run`, {
          value: now,
        }),
    );
  }

  private async fetchManifest(ref: ImageReference, tagOrDigest: string): Promise<ManifestAnswer> {
    const describe = `GET ${this.baseUrl(ref)}/manifests/${tagOrDigest}`;
    const res = await this.request(ref, 'GET', `manifests/${tagOrDigest}`, { accept: MANIFEST_ACCEPT });
    if (res.status === 404) return { absent: await this.failureMessage(res, describe) };
    if (!res.ok) throw await this.failure(res, describe);
    const bytes = await this.read(res, MANIFEST_LIMIT, describe);
    const expected = tagOrDigest.includes(':') ? tagOrDigest : (res.headers.get('docker-content-digest') ?? computeDigest(bytes));
    if (!matchesDigest(bytes, expected)) {
      throw new RegistryError('DIGEST_MISMATCH', `${describe}: the manifest's content does not hash to ${expected.slice(0, 140)}`, { value: expected });
    }
    // The media type comes from the content, never from the Content-Type header.
    const { mediaType, manifest } = parseManifest(bytes, describe);
    return { descriptor: { mediaType, digest: expected, size: bytes.length }, bytes, manifest };
  }

  getBlob(ref: ImageReference, descriptor: BlobDescriptor, maxBytes = DEFAULT_BLOB_LIMIT): Promise<Buffer> {
    const key = `${ref.registry}/${ref.repository}@${descriptor.digest}`;
    const cached = this.blobs.get(key);
    if (cached) return cached;
    const p = this.getBlobUncached(ref, descriptor, maxBytes);
    // Small blobs (signature payloads, configs) are kept for the run, within a byte budget.
    if (descriptor.size !== undefined && descriptor.size <= this.blobCacheBytes) {
      this.blobCacheBytes -= descriptor.size;
      this.blobs.set(key, p);
      p.catch(() => this.blobs.delete(key));
    }
    return p;
  }

  private async getBlobUncached(ref: ImageReference, descriptor: BlobDescriptor, maxBytes: number): Promise<Buffer> {
    const describe = `GET ${this.baseUrl(ref)}/blobs/${descriptor.digest}`;
    if (descriptor.size !== undefined && descriptor.size > maxBytes) {
      throw new RegistryError('TOO_LARGE', `${describe}: ${descriptor.size} bytes is over the ${maxBytes}-byte limit`, { value: descriptor.size });
    }
    const res = await this.request(ref, 'GET', `blobs/${descriptor.digest}`, {});
    if (!res.ok) throw await this.failure(res, describe);
    const bytes = await this.read(res, maxBytes, describe);
    if ((descriptor.size !== undefined && bytes.length !== descriptor.size) || !matchesDigest(bytes, descriptor.digest)) {
      throw new RegistryError(
        'DIGEST_MISMATCH',
        `${describe}: the blob's content does not match its descriptor (${descriptor.digest}${descriptor.size === undefined ? '' : `, ${descriptor.size} bytes`})`,
        {
          value: descriptor.digest,
        },
      );
    }
    return bytes;
  }

  /** Registries seen to lack the referrers API: go straight to the tag schema for them. */
  private readonly noReferrersApi = new Set<string>();
  /** Per registry, settled once its first referrers call is answered: calls made meanwhile wait, so a registry without the API is probed once, not once per component in flight. */
  private readonly referrersProbes = new Map<string, Promise<void>>();

  async referrers(ref: ImageReference, digest: string): Promise<Descriptor[]> {
    const probe = this.referrersProbes.get(ref.registry);
    if (probe) await probe;
    if (this.noReferrersApi.has(ref.registry)) return this.referrersByTag(ref, digest);
    let answered: (() => void) | undefined;
    if (!probe) this.referrersProbes.set(ref.registry, new Promise<void>((resolve) => (answered = resolve)));
    try {
      return await this.referrersFromApi(ref, digest, () => answered?.());
    } finally {
      // A call that failed (network) lets the others ask for themselves.
      answered?.();
    }
  }

  /** GET /v2/<name>/referrers/<digest>; the tag schema when the registry lacks the API (remembered before `onAnswer`). */
  private async referrersFromApi(ref: ImageReference, digest: string, onAnswer: () => void): Promise<Descriptor[]> {
    const describe = `GET ${this.baseUrl(ref)}/referrers/${digest}`;
    const res = await this.request(ref, 'GET', `referrers/${digest}`, { accept: MediaType.OciIndex });
    const served = res.ok && contentType(res) === MediaType.OciIndex;
    const lacksApi = !served && (res.ok || [400, 404, 405, 406].includes(res.status));
    if (lacksApi) this.noReferrersApi.add(ref.registry);
    onAnswer();
    if (served) return parseIndex(await this.read(res, MANIFEST_LIMIT, describe), describe).manifests;
    await discard(res);
    if (lacksApi) return this.referrersByTag(ref, digest);
    throw await this.failure(res, describe);
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
    await discard(head);
    if (head.ok) return { mediaType: 'application/octet-stream', digest, size: bytes.length };
    const start = await this.request(ref, 'POST', 'blobs/uploads/', {}, undefined, true);
    const location = start.headers.get('location');
    if (start.status !== 202 || !location) throw await this.failure(start, `POST ${this.baseUrl(ref)}/blobs/uploads/`);
    await discard(start);
    let target: URL;
    try {
      target = new URL(location, this.baseUrl(ref));
    } catch {
      throw new RegistryError('BAD_RESPONSE', `POST ${this.baseUrl(ref)}/blobs/uploads/: unusable Location ${JSON.stringify(location.slice(0, 200))}`);
    }
    target.searchParams.set('digest', digest);
    const put = await this.request(ref, 'PUT', target.toString(), { 'content-type': 'application/octet-stream' }, bytes, true);
    if (!put.ok) throw await this.failure(put, `PUT ${target.origin}${target.pathname}`);
    await discard(put);
    return { mediaType: 'application/octet-stream', digest, size: bytes.length };
  }

  /** `ociSubject`: the registry's OCI-Subject header, set when it indexed the manifest's subject (OCI distribution 1.1). */
  async pushManifest(ref: ImageReference, tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<Descriptor & { ociSubject?: string }> {
    let res: HttpResponse;
    try {
      res = await this.request(ref, 'PUT', `manifests/${tagOrDigest}`, { 'content-type': mediaType }, bytes, true);
    } finally {
      // What the run knew of this tag (or of this digest's absence) may no longer be the registry's answer.
      this.tags.forget(`${ref.registry}/${ref.repository}:${tagOrDigest}`);
      this.resolutions.delete(`${ref.registry}/${ref.repository}:${tagOrDigest}`);
      this.manifests.delete(`${ref.registry}/${ref.repository}@${tagOrDigest}`);
    }
    if (!res.ok) throw await this.failure(res, `PUT ${this.baseUrl(ref)}/manifests/${tagOrDigest}`);
    const ociSubject = res.headers.get('oci-subject');
    await discard(res);
    return { mediaType, digest: computeDigest(bytes), size: bytes.length, ...(ociSubject ? { ociSubject } : {}) };
  }
}
