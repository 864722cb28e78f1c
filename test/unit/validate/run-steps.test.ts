// Each step of the run on its own: snapshot planning (expansion, the policy input's snapshot, the
// report order), the signer mode, the runtime (image information cached on disk), the memoisation
// of verifications (once per run, passes across runs) and --timeout. Images are real, in a registry
// on loopback; the verifications memoised are the seam (they count their calls).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunConfig } from '../../../src/config/types.ts';
import { InputError, VouchError } from '../../../src/errors.ts';
import type { ComponentReport } from '../../../src/model/report.ts';
import type { SnapshotComponent } from '../../../src/model/snapshot.ts';
import { RegistryClient } from '../../../src/oci/client.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType } from '../../../src/oci/types.ts';
import type { SignatureCheck, VerifyContext } from '../../../src/sigstore/types.ts';
import { cached, once, verdictBasis } from '../../../src/validate/memo.ts';
import { inReportOrder, planSnapshot, policySnapshot, type Ordered } from '../../../src/validate/plan.ts';
import { kept } from '../../../src/validate/run.ts';
import { createRuntime } from '../../../src/validate/runtime.ts';
import { sigstoreOpts, verificationMode } from '../../../src/validate/signer-mode.ts';
import { TimeoutError, withTimeout } from '../../../src/validate/timeout.ts';
import { diskVerdictCache, isSignaturePass } from '../../../src/validate/verdict-cache.ts';
import { startHostileRegistry, type HostileRegistry } from '../../support/hostile-registry.ts';

let registry: HostileRegistry;
let amd: string;
let arm: string;
const client = new RegistryClient({ retry: { retries: 0 } });
before(async () => {
  registry = await startHostileRegistry();
  amd = registry.putImage('app', 'amd', { architecture: 'amd64' });
  arm = registry.putImage('app', 'arm', { architecture: 'arm64' });
  const ref = parseReference(`${registry.host}/app:amd`);
  const sizes = await Promise.all([amd, arm].map(async (d) => (await client.getManifest(ref, d))!.bytes.length));
  const manifests = [amd, arm].map((digest, i) => ({
    mediaType: MediaType.OciManifest,
    digest,
    size: sizes[i],
    platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' },
  }));
  registry.putManifest('app', Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests })), MediaType.OciIndex, 'multi');
});
after(() => registry.close());

const config = (over: Partial<RunConfig>): RunConfig => ({
  snapshot: { components: [] },
  policy: {},
  ignoreRekor: false,
  trust: {},
  outputs: [],
  strict: true,
  info: false,
  showSuccesses: false,
  showWarnings: true,
  workers: 2,
  timeoutMs: 0,
  effectiveTime: { kind: 'now' },
  extraRuleData: {},
  cacheDir: tmpdir(),
  baseDir: tmpdir(),
  ...over,
});

async function collect(gen: AsyncGenerator<Ordered>): Promise<Ordered[]> {
  const out: Ordered[] = [];
  for await (const o of gen) out.push(o);
  return out;
}

test('planning: an index expands into its platforms; the policy input lists every component by image, ascending', async () => {
  const snapshot = {
    application: 'shop',
    components: [
      { name: 'single', containerImage: `${registry.host}/app:amd` },
      { name: 'multi', containerImage: `${registry.host}/app:multi` },
    ],
  };
  const plan = planSnapshot(
    config({ snapshot }),
    () => client,
    () => undefined,
  );
  const arrived = await collect(plan.arrivals());
  assert.deepEqual(
    arrived.map((o) => [o.item.component.name, o.order, o.child]).sort((a, b) => Number(a[1]) - Number(b[1]) || Number(a[2]) - Number(b[2])),
    [
      ['single', 0, 0],
      ['multi', 1, 0],
      [`multi-${amd}-amd64`, 1, 1],
      [`multi-${arm}-arm64`, 1, 2],
    ],
  );
  const policyView = await plan.snapshot;
  assert.equal(policyView.application, 'shop');
  const images = policyView.components.map((c) => c.containerImage);
  assert.deepEqual(images, [...images].sort());
  assert.ok(images.includes(`${registry.host}/app@${arm}`));
});

test('planning: a component whose reference does not parse is bad input naming it', () => {
  const snapshot = { components: [{ name: 'bad', containerImage: 'registry.example/app:a tag with spaces' }] };
  assert.throws(
    () =>
      planSnapshot(
        config({ snapshot, snapshotFile: 'snap.yaml' }),
        () => client,
        () => undefined,
      ),
    (e: unknown) => e instanceof InputError && e.code === 'INVALID_COMPONENT_IMAGE' && /^snap\.yaml: components\[0\] \(bad\)/.test(e.message),
  );
});

test('report order: descending by image, ties in snapshot order; the policy snapshot is ascending', () => {
  const at = (order: number, child: number, image: string): { outcome: { report: ComponentReport }; at: Ordered } => ({
    outcome: { report: { name: `${order}.${child}`, containerImage: image, source: {}, success: true } },
    at: { item: { component: { name: `${order}.${child}`, containerImage: image }, ref: parseReference('r.example/a:1') }, order, child },
  });
  const outcomes = [at(0, 0, 'r/a'), at(1, 0, 'r/b'), at(2, 0, 'r/a'), at(1, 1, 'r/c')];
  assert.deepEqual(
    inReportOrder(outcomes).map((o) => o.outcome.report.name),
    ['1.1', '1.0', '0.0', '2.0'],
  );
  assert.deepEqual(
    policySnapshot(
      { components: [] },
      outcomes.map((o) => o.at),
    ).components.map((c) => c.name),
    ['0.0', '2.0', '1.0', '1.1'],
  );
});

test("policy snapshot: each component's source struct is there, `{}` when empty, in the component's key order", () => {
  const ref = parseReference('r.example/a:1');
  const ordered = (order: number, component: SnapshotComponent): Ordered => ({ item: { component, ref }, order, child: 0 });
  const snapshot = policySnapshot({ components: [] }, [
    ordered(0, { name: 'b', containerImage: 'r/b' }),
    ordered(1, { name: 'a', source: { git: { url: 'u', revision: 'c' } }, containerImage: 'r/a' }),
  ]);
  // ec's snapshot components' source is a Go struct: `{}` when empty (policy-input output of ec v0.9.115).
  assert.deepEqual(snapshot.components, [
    { name: 'a', source: { git: { url: 'u', revision: 'c' } }, containerImage: 'r/a' },
    { name: 'b', containerImage: 'r/b', source: {} },
  ]);
  assert.deepEqual(Object.keys(snapshot.components[0]!), ['name', 'source', 'containerImage']);
});

test("signer mode: a key, or a keyless identity with an organisation CA; the policy's sigstore options", () => {
  assert.deepEqual(verificationMode(config({ publicKey: 'PEM', ignoreRekor: true })), { kind: 'key', publicKey: 'PEM', ignoreTlog: true });
  const identity = { subjectRegExp: '^me$', issuer: 'https://issuer' };
  const pki = { roots: ['R'], intermediates: [] };
  assert.deepEqual(verificationMode(config({ identity, pki, ignoreSct: true })), { kind: 'keyless', identity, pki, ignoreSct: true });
  assert.deepEqual(sigstoreOpts(config({ identity, rekorUrl: 'https://rekor' })), {
    certificate_identity: '',
    certificate_identity_regexp: '^me$',
    certificate_oidc_issuer: 'https://issuer',
    certificate_oidc_issuer_regexp: '',
    ignore_rekor: false,
    public_key: '',
    rekor_url: 'https://rekor',
  });
});

const ctxFor = (repo: string, digest: string): VerifyContext => ({
  source: client,
  ref: parseReference(`${registry.host}/${repo}:v1`),
  digest,
  mode: { kind: 'key', publicKey: 'PEM', ignoreTlog: true },
});
const pass: SignatureCheck = { ok: true, signatures: [{ keyid: '', sig: 'MEUCIQ==' }], errors: [], noneFound: false };
const fail: SignatureCheck = { ok: false, signatures: [], errors: [{ code: 'SIGNATURE_INVALID', message: 'no' }], noneFound: false };

test('once: one verification per repository and digest in a run; a failure to verify is tried again', async () => {
  let calls = 0;
  let reject = true;
  const verify = once((): Promise<SignatureCheck> => {
    calls++;
    return reject ? Promise.reject(new Error('network')) : Promise.resolve(pass);
  });
  await assert.rejects(verify(ctxFor('app', amd)), /network/);
  reject = false;
  await Promise.all([verify(ctxFor('app', amd)), verify(ctxFor('app', amd))]);
  assert.equal(calls, 2, 'the failure was forgotten, the pass shared');
  await verify(ctxFor('other', amd));
  assert.equal(calls, 3, 'another repository is another verification');
});

test('cached: passes are kept across runs under everything they depend on; failures are not', async () => {
  const cache = diskVerdictCache(await mkdtemp(join(tmpdir(), 'vouch-memo-')));
  let calls = 0;
  const verifying = (verdict: SignatureCheck) => (): Promise<SignatureCheck> => {
    calls++;
    return Promise.resolve(verdict);
  };
  const basis = (root: string) => (): Promise<unknown[]> => Promise.resolve(['v', root]);
  assert.deepEqual(await cached(cache, 'signatures', basis('A'), verifying(pass), isSignaturePass)(ctxFor('app', amd)), pass);
  assert.deepEqual(await cached(cache, 'signatures', basis('A'), verifying(fail), isSignaturePass)(ctxFor('app', amd)), pass, 'a later run reads the pass');
  assert.equal(calls, 1);
  assert.deepEqual(await cached(cache, 'signatures', basis('B'), verifying(fail), isSignaturePass)(ctxFor('app', amd)), fail, 'another trust root misses');
  assert.deepEqual(await cached(cache, 'signatures', basis('B'), verifying(fail), isSignaturePass)(ctxFor('app', amd)), fail, 'the failure was not kept');
  const unreadable = (): Promise<unknown[]> => Promise.reject(new Error('no root'));
  assert.deepEqual(await cached(cache, 'signatures', unreadable, verifying(fail), isSignaturePass)(ctxFor('app', amd)), fail, 'no basis: verified as if cold');
  assert.equal(calls, 4);
});

test('verdict basis: the trust root by content, except for key-only verification', async () => {
  let loads = 0;
  const root = (r: unknown) => (): Promise<unknown> => {
    loads++;
    return Promise.resolve(r);
  };
  const keyOnly = await verdictBasis({ kind: 'key', publicKey: 'PEM', ignoreTlog: true }, undefined, root({ a: 1 }));
  assert.equal(loads, 0);
  assert.equal(keyOnly[3], 'no trust root');
  const keyless = { kind: 'keyless' as const, identity: { issuer: 'i', subject: 's' } };
  assert.notDeepEqual(await verdictBasis(keyless, undefined, root({ a: 1 })), await verdictBasis(keyless, undefined, root({ a: 2 })));
  assert.deepEqual(await verdictBasis(keyless, 'https://rekor', root({ a: 1 })), await verdictBasis(keyless, 'https://rekor', root({ a: 1 })));
});

test('runtime: the trust root handed in is the one served; complete image information is cached on disk', async () => {
  const cacheDir = await mkdtemp(join(tmpdir(), 'vouch-runtime-'));
  const signal = new AbortController().signal;
  const root = { mediaType: 'trusted-root' };
  const options = { env: {}, signal, log: () => undefined, trustedRoot: root };
  const first = createRuntime(config({ cacheDir }), { kind: 'key', publicKey: 'PEM', ignoreTlog: true }, options);
  assert.equal(await first.trustedRoot(), root);
  const ref = parseReference(`${registry.host}/app:amd`);
  const info = await first.imageInfo(ref, amd);
  assert.ok(info.config);
  const configFetches = (): number => registry.requests.filter((r) => r.url.includes('/blobs/')).length;
  const before = configFetches();
  const second = createRuntime(config({ cacheDir }), { kind: 'key', publicKey: 'PEM', ignoreTlog: true }, options);
  assert.deepEqual((await second.imageInfo(ref, amd)).config, info.config);
  assert.equal(configFetches(), before, 'the second run read it from the cache');
});

test("timeout: expiry aborts the work and ends with ec's message, the limit as Go prints it; 0 is no limit", async () => {
  let aborted: unknown;
  const work = (signal: AbortSignal): Promise<never> =>
    new Promise((_, reject) => {
      signal.addEventListener('abort', () => {
        aborted = signal.reason;
        reject(new Error('aborted'));
      });
    });
  await assert.rejects(
    withTimeout(30, work),
    (e: unknown) =>
      e instanceof VouchError &&
      e.code === 'TIMEOUT' &&
      e.exitCode === 4 &&
      e.message === 'exceeded allowed execution time of 30ms, the timeout can be adjusted using the --timeout command line argument',
  );
  assert.ok(aborted instanceof TimeoutError);
  assert.match(new TimeoutError(300_000).message, /^exceeded allowed execution time of 5m0s, /);
  assert.match(new TimeoutError(90_500).message, /^exceeded allowed execution time of 1m30\.5s, /);
  assert.equal(await withTimeout(0, () => Promise.resolve('done')), 'done');
});

test("retention: a component's policy input is kept to the end of the run only when a report shows it, its statements only for VSAs", () => {
  const statement = { _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'https://example.com/p', predicate: { large: 'x'.repeat(1000) } };
  const input = {
    attestations: [{ statement, signatures: [] }],
    image: { ref: 'r@sha256:ab', source: {} },
    snapshot: { application: '', components: [], artifacts: {} },
    policy_spec: { sources: [] },
  };
  const report: ComponentReport = { name: 'c', containerImage: 'r@sha256:ab', source: {}, success: true };
  const none = kept({ report, input }, { policyInputs: false, statements: false });
  assert.deepEqual(none, { report, statements: [] });
  assert.equal('input' in none, false);
  const vsa = kept({ report, input }, { policyInputs: false, statements: true });
  assert.equal('input' in vsa, false);
  assert.equal(vsa.statements[0], statement);
  const all = kept({ report, input }, { policyInputs: true, statements: true });
  assert.equal(all.input, input);
  // A component that never reached its policy has neither.
  assert.deepEqual(kept({ report }, { policyInputs: true, statements: true }), { report, statements: [] });
});
