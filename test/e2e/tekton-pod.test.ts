// The Tekton Tasks run as a pod runs their vouch step (test/support/tekton-pod.ts), driven by the
// example pipelines that reproduce real callers: a Konflux release pipeline binding `data`, the
// Konflux integration test pipeline, and the trusted-artifacts release pipeline. Real images in a
// loopback registry, signed and attested by the real cosign; a real https front with its own CA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startProxy } from '../support/proxy.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { loadDoc, runTaskStep, taskRunOf, type PipelineDoc, type PodRun, type PodSpec, type TaskDoc } from '../support/tekton-pod.ts';
import { startTlsFront, type TlsFront } from '../support/tls-proxy.ts';
import { toolPath } from '../support/tools.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bundle = join(root, 'examples', 'demo', 'policy-bundle.tar.gz');
/** The example policies, pre-compiled: `labels` warns about each required label the image lacks. */
const labelsPolicy = (labels: string[]): string =>
  JSON.stringify({ sources: [{ policy: [bundle], config: { include: ['labels'] }, ruleData: { required_labels: labels } }] });
const PASS_POLICY = labelsPolicy(['com.example.team']);
const WARN_POLICY = labelsPolicy(['com.example.absent']);

let dir: string;
let reg: TestRegistry;
let tls: TlsFront;
let key: KeyPair;
let happy: PushedImage;
let other: PushedImage;
let unsigned: PushedImage;
let verifyVouch: TaskDoc;
let verifyVouchTa: TaskDoc;
let imageEnv: NodeJS.ProcessEnv;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-tekton-pod-'));
  reg = await startRegistry();
  key = await generateKeyPair(dir, 'cosign');
  [happy, other, unsigned] = await Promise.all([
    pushImage(`${reg.host}/happy:v1`, { labels: { 'com.example.team': 'release' } }),
    pushImage(`${reg.host}/other:v1`, { labels: { 'com.example.team': 'release' } }),
    pushImage(`${reg.host}/unsigned:v1`),
  ]);
  for (const img of [happy, other]) {
    await sign(dir, img.pinned, key);
    await attest(dir, img.pinned, key, slsaV02(), 'slsaprovenance');
  }
  tls = await startTlsFront(reg.host, dir, 'registry');
  verifyVouch = await loadDoc<TaskDoc>('tekton/verify-vouch.yaml');
  verifyVouchTa = await loadDoc<TaskDoc>('tekton/verify-vouch-konflux-ta.yaml');
  // What the image carries besides its ENV: node and opa on PATH.
  imageEnv = { PATH: [dirname(toolPath('opa')), dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
});
after(async () => {
  // before() may have failed before assigning these.
  await (tls as TlsFront | undefined)?.close();
  await (reg as TestRegistry | undefined)?.stop();
});

const snapshot = (...images: [string, PushedImage][]): string =>
  JSON.stringify({ application: 'app', components: images.map(([name, img]) => ({ name, containerImage: img.ref })) });
const testOutput = (run: PodRun): Record<string, unknown> => JSON.parse(run.results.TEST_OUTPUT ?? 'null') as Record<string, unknown>;

/** A Konflux release: collect-data has left the snapshot and the key in the release workspace. */
async function release(components: string, policy: string, extra: Partial<PodSpec> = {}): Promise<PodRun> {
  const workspace = await mkdtemp(join(dir, 'release-ws-'));
  await writeFile(join(workspace, 'snapshot_spec.json'), components);
  await writeFile(join(workspace, 'cosign.pub'), await readFile(key.pub));
  const pipeline = await loadDoc<PipelineDoc>('examples/tekton/release-pipeline.yaml');
  const run = taskRunOf(pipeline, 'verify-vouch', {
    params: { enterpriseContractPolicy: policy },
    workspaces: { 'release-workspace': workspace },
    pipelineRunName: 'release-1',
  });
  return runTaskStep({ task: verifyVouch, step: 'validate', ...run, imageEnv, labels: { 'tekton.dev/pipelineRun': 'release-1' }, ...extra });
}

test("release pipeline (data workspace): pass, fail, warning-only and error runs exit and write TEST_OUTPUT as ec's task would", async () => {
  const pass = await release(snapshot(['happy', happy]), PASS_POLICY);
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal(testOutput(pass).result, 'SUCCESS');
  const report = JSON.parse(await readFile(pass.hostPath('/tekton/home/report-json.json'), 'utf8')) as {
    success: boolean;
    components: { name: string }[];
    policy: { sources: { ruleData: Record<string, unknown> }[] };
  };
  assert.equal(report.success, true);
  assert.deepEqual(
    report.components.map((c) => c.name),
    ['happy'],
  );
  // EXTRA_RULE_DATA from the pipeline's default reached the policy.
  assert.equal(report.policy.sources[0]!.ruleData.pipeline_intention, 'release');
  assert.match(await readFile(pass.hostPath('/tekton/home/text-report.txt'), 'utf8'), /^Success: true/);
  // The pipeline's SSL_CERT_DIR (the service account's directory) does not exist here: said, not dropped.
  assert.match(pass.stderr, /SSL_CERT_DIR: \/var\/run\/secrets\/kubernetes\.io\/serviceaccount does not exist/);

  const fail = await release(snapshot(['happy', happy], ['unsigned', unsigned]), PASS_POLICY);
  assert.equal(fail.code, 1, 'STRICT "1" fails a failed policy');
  assert.equal(testOutput(fail).result, 'FAILURE');
  assert.equal(testOutput(fail).failures, 2);

  const warn = await release(snapshot(['happy', happy]), WARN_POLICY);
  assert.equal(warn.code, 0, warn.stderr);
  assert.equal(testOutput(warn).result, 'WARNING');
  assert.equal(testOutput(warn).warnings, 1);

  const error = await release(snapshot(['happy', happy]), '{"sources": 3}');
  assert.equal(error.code, 2);
  assert.equal(testOutput(error).result, 'ERROR');
  assert.match(String(testOutput(error).note), /^Error: .*policy\.sources: must be a list/s);
});

/** The Konflux integration test pipeline, for one PipelineRun with these labels. */
async function integration(params: Record<string, string>, labels: Record<string, string> = {}, extra: Partial<PodSpec> = {}): Promise<PodRun> {
  const pipeline = await loadDoc<PipelineDoc>('examples/tekton/enterprise-contract.yaml');
  const run = taskRunOf(pipeline, 'verify', { params: { POLICY_CONFIGURATION: PASS_POLICY, ...params }, workspaces: {}, pipelineRunName: 'it-run-1' });
  return runTaskStep({
    task: verifyVouch,
    step: 'validate',
    ...run,
    imageEnv,
    context: { pipelineRunName: 'it-run-1' },
    labels: { 'tekton.dev/pipelineRun': 'it-run-1', ...labels },
    ...extra,
  });
}

test('STRICT fails closed as the pod reads it: only "false" lets a failed policy pass the step', async () => {
  const failing = snapshot(['unsigned', unsigned]);
  for (const [strict, code] of [
    [undefined, 1],
    ['true', 1],
    ['1', 1],
    ['TRUE', 1],
    ['null', 1],
    ['false', 0],
  ] as const) {
    const run = await integration({ SNAPSHOT: failing, PUBLIC_KEY: await readFile(key.pub, 'utf8'), ...(strict === undefined ? {} : { STRICT: strict }) });
    assert.equal(run.code, code, `STRICT=${String(strict)}: ${run.stderr}`);
    assert.equal(testOutput(run).result, 'FAILURE');
    assert.equal(
      /Warning: STRICT=/.test(run.stderr),
      strict !== undefined && strict !== 'true' && strict !== 'false',
      `STRICT=${String(strict)} warns only when not true/false`,
    );
  }
});

test('the CA bundle of the trusted-ca ConfigMap, or SSL_CERT_DIR, is trusted for an https registry; without it the image is inaccessible', async () => {
  const viaTls = JSON.stringify({ components: [{ name: 'happy', containerImage: happy.ref.replace(reg.host, tls.host) }] });
  const params = { SNAPSHOT: viaTls, PUBLIC_KEY: await readFile(key.pub, 'utf8') };
  const untrusted = await integration(params);
  assert.equal(untrusted.code, 1, untrusted.stderr);
  const report = JSON.parse(await readFile(untrusted.hostPath('/tekton/home/report-json.json'), 'utf8')) as {
    components: { violations: { metadata: { code: string }; msg: string }[] }[];
  };
  assert.deepEqual(
    report.components[0]!.violations.map((v) => v.metadata.code),
    ['builtin.image.accessible'],
  );

  const configMap = await integration(params, {}, { configMaps: { 'trusted-ca': { 'ca-bundle.crt': tls.caPem } } });
  assert.equal(configMap.code, 0, configMap.stderr);
  assert.equal(testOutput(configMap).result, 'SUCCESS');
  assert.match(configMap.stderr, /SSL_CERT_DIR \S*\/etc\/pki\/tls\/certs: 1 CA certificate\(s\) trusted for https/);

  // Another ConfigMap and key, named by the params.
  const named = await integration(
    { ...params, CA_TRUST_CONFIGMAP_NAME: 'corp-ca', CA_TRUST_CONFIG_MAP_KEY: 'corp.pem' },
    {},
    { configMaps: { 'corp-ca': { 'corp.pem': tls.caPem } } },
  );
  assert.equal(named.code, 0, named.stderr);

  // The release pipeline's SSL_CERT_DIR: the service account's directory, the cluster's CA beside a token.
  const viaTlsRelease = await release(viaTls, PASS_POLICY, {
    serviceAccount: { 'ca.crt': tls.caPem, namespace: 'managed', token: 'eyJhbGciOiJSUzI1NiJ9.not-a-certificate' },
  });
  assert.equal(viaTlsRelease.code, 0, viaTlsRelease.stderr);
  assert.match(viaTlsRelease.stderr, /SSL_CERT_DIR \S*\/var\/run\/secrets\/kubernetes\.io\/serviceaccount: 1 CA certificate\(s\) trusted for https/);
  assert.doesNotMatch(viaTlsRelease.stderr, /eyJhbGci/, 'a file that is no certificate is never printed');
});

test("SINGLE_COMPONENT keeps only the component this PipelineRun's labels name; otherwise every component is validated", async () => {
  const both = snapshot(['happy', happy], ['unsigned', unsigned]);
  const params = { SNAPSHOT: both, PUBLIC_KEY: await readFile(key.pub, 'utf8'), SINGLE_COMPONENT: 'true' };
  const componentLabels = { 'test.appstudio.openshift.io/type': 'component', 'appstudio.openshift.io/component': 'happy' };
  const single = await integration(params, componentLabels);
  assert.equal(single.code, 0, single.stderr);
  assert.match(single.stderr, /only component happy is validated/);
  const report = JSON.parse(await readFile(single.hostPath('/tekton/home/report-json.json'), 'utf8')) as { components: { name: string }[] };
  assert.deepEqual(
    report.components.map((c) => c.name),
    ['happy'],
  );

  const group = await integration(params, { ...componentLabels, 'test.appstudio.openshift.io/type': 'group' });
  assert.equal(group.code, 1, 'a group snapshot: every component, the unsigned one fails');
  assert.match(group.stderr, /every component is validated/);

  const off = await integration({ ...params, SINGLE_COMPONENT: 'false' }, componentLabels);
  assert.equal(off.code, 1);

  const elsewhere = await integration({ ...params, SINGLE_COMPONENT_CUSTOM_RESOURCE: 'snapshot/app-sample' }, componentLabels);
  assert.equal(elsewhere.code, 2);
  assert.equal(testOutput(elsewhere).result, 'ERROR');
  assert.match(String(testOutput(elsewhere).note), /SINGLE_COMPONENT_CUSTOM_RESOURCE "snapshot\/app-sample": vouch reads no cluster/);

  const missing = await integration(params, { ...componentLabels, 'appstudio.openshift.io/component': 'absent' });
  assert.equal(missing.code, 2);
  assert.match(String(testOutput(missing).note), /0 components named "absent"/);
});

/** verify-vouch run by a TaskRun of its own (params the example pipelines do not pass). */
async function taskRun(params: Record<string, string>): Promise<PodRun> {
  return runTaskStep({
    task: verifyVouch,
    step: 'validate',
    params: { PUBLIC_KEY: await readFile(key.pub, 'utf8'), IGNORE_REKOR: 'true', POLICY_CONFIGURATION: PASS_POLICY, ...params },
    imageEnv,
  });
}

test('EFFECTIVE_TIME in the past is refused unless ALLOW_PAST_EFFECTIVE_TIME; EC_USE_OPA is accepted and said', async () => {
  const images = snapshot(['happy', happy]);
  const refused = await taskRun({ IMAGES: images, EFFECTIVE_TIME: '2026-01-01' });
  assert.equal(refused.code, 2);
  assert.match(
    String(testOutput(refused).note),
    /EFFECTIVE_TIME: effective time 2026-01-01T00:00:00Z is in the past; use --allow-past-effective-time to override/,
  );
  const allowed = await taskRun({ IMAGES: images, EFFECTIVE_TIME: '2026-01-01', ALLOW_PAST_EFFECTIVE_TIME: 'true', EC_USE_OPA: '1' });
  assert.equal(allowed.code, 0, allowed.stderr);
  const report = JSON.parse(await readFile(allowed.hostPath('/tekton/home/report-json.json'), 'utf8')) as Record<string, string>;
  assert.match(report['effective-time']!, /^2026-01-01T00:00:00/);
  assert.match(allowed.stderr, /EC_USE_OPA="1": vouch has one evaluator/);
  const bad = await taskRun({ IMAGES: images, ALLOW_PAST_EFFECTIVE_TIME: 'yes' });
  assert.equal(bad.code, 2);
  assert.match(String(testOutput(bad).note), /ALLOW_PAST_EFFECTIVE_TIME="yes": expected true or false/);
});

test('RETRY_* params set the registry backoff: RETRY_MAX_RETRY retries a 503 that many times; a bad value names its param', async () => {
  const proxy = await startProxy(reg.host, (req, res) => {
    if (!req.url?.includes('/manifests/')) return false;
    res.writeHead(503).end();
    return true;
  });
  try {
    const images = JSON.stringify({ components: [{ name: 'happy', containerImage: happy.ref.replace(reg.host, proxy.host) }] });
    const fast = { RETRY_DURATION: '10ms', RETRY_MAX_WAIT: '20ms' };
    const counts: number[] = [];
    for (const retries of [0, 2]) {
      const before = proxy.requests().length;
      const run = await taskRun({ IMAGES: images, ...fast, RETRY_MAX_RETRY: String(retries) });
      assert.equal(run.code, 1, run.stderr);
      counts.push(
        proxy
          .requests()
          .slice(before)
          .filter((r) => r === 'GET /v2/happy/manifests/v1').length,
      );
    }
    // Each fetch of the manifest is tried 1 + RETRY_MAX_RETRY times.
    assert.ok(counts[0]! >= 1);
    assert.equal(counts[1], counts[0]! * 3, `requests with RETRY_MAX_RETRY 0 and 2: ${counts.join(', ')}`);
  } finally {
    proxy.close();
  }
  const bad = await taskRun({ IMAGES: snapshot(['happy', happy]), RETRY_FACTOR: 'fast' });
  assert.equal(bad.code, 2);
  assert.match(String(testOutput(bad).note), /RETRY_FACTOR: --retry-factor "fast": expected a number from 1 to 100/);
});

test("POLICY_BUNDLE_DIGEST pins the Konflux release policy bundle (by default to ec's digest); empty leaves the tag", async () => {
  const konflux = JSON.stringify({ sources: [{ policy: ['oci::quay.io/conforma/release-policy:konflux'] }] });
  // No network here: the fetch fails, and says which reference it fetched.
  const pinned = await taskRun({ IMAGES: snapshot(['happy', happy]), POLICY_CONFIGURATION: konflux });
  assert.equal(pinned.code, 3, pinned.stderr);
  assert.match(
    pinned.stderr,
    /Note: POLICY_BUNDLE_DIGEST: oci::quay\.io\/conforma\/release-policy:konflux → oci::quay\.io\/conforma\/release-policy@sha256:f904979d405a39a3cc492439b379b4b117c622bbe7126a0e1ba76527ec3ce6a2/,
  );
  assert.match(String(testOutput(pinned).note), /GET https:\/\/quay\.io\/v2\/conforma\/release-policy\/manifests\/sha256:f904979d/);
  const floating = await taskRun({ IMAGES: snapshot(['happy', happy]), POLICY_CONFIGURATION: konflux, POLICY_BUNDLE_DIGEST: '' });
  assert.equal(floating.code, 3);
  assert.match(String(testOutput(floating).note), /GET https:\/\/quay\.io\/v2\/conforma\/release-policy\/manifests\/konflux/);
  assert.doesNotMatch(floating.stderr, /POLICY_BUNDLE_DIGEST/);
  const bad = await taskRun({ IMAGES: snapshot(['happy', happy]), POLICY_CONFIGURATION: konflux, POLICY_BUNDLE_DIGEST: 'latest' });
  assert.equal(bad.code, 2);
  assert.match(String(testOutput(bad).note), /POLICY_BUNDLE_DIGEST "latest": expected sha256:<64 lowercase hex digits>/);
});

test('the trusted-artifacts Task: the snapshot from the extracted artifact; ENABLE_VSA writes signed VSAs and VSA_GENERATED says so', async () => {
  const pipeline = await loadDoc<PipelineDoc>('examples/tekton/release-pipeline-ta.yaml');
  const run = taskRunOf(pipeline, 'verify-conforma', {
    params: {
      snapshotSpec: 'snapshot.json',
      sourceDataArtifact: 'oci:quay.io/konflux/ta@sha256:0000000000000000000000000000000000000000000000000000000000000000',
      enterpriseContractPolicy: PASS_POLICY,
    },
    workspaces: {},
    pipelineRunName: 'release-ta-1',
  });
  // The use-trusted-artifact step (Konflux's image) has extracted the artifact: its files are there.
  const vsaKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const files = { '/var/workdir/conforma/snapshot.json': snapshot(['happy', happy]), '/var/secrets/vsa/key.pem': vsaKey };
  // The release pipeline passes no PUBLIC_KEY and no keyless identity: the policy carries the key.
  const policy = JSON.stringify({ ...(JSON.parse(PASS_POLICY) as object), publicKey: await readFile(key.pub, 'utf8') });
  const pass = await runTaskStep({ task: verifyVouchTa, step: 'validate', params: { ...run.params, POLICY_CONFIGURATION: policy }, imageEnv, files });
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal(testOutput(pass).result, 'SUCCESS');
  assert.equal(pass.results.VSA_GENERATED, 'false');
  const out = await mkdtemp(join(tmpdir(), 'vouch-pod-vsa-'));
  const vsa = await runTaskStep({
    task: verifyVouchTa,
    step: 'validate',
    params: { ...run.params, POLICY_CONFIGURATION: policy, ENABLE_VSA: 'true', VSA_SIGNING_KEY: '/var/secrets/vsa/key.pem', VSA_UPLOAD: `local@${out}` },
    imageEnv,
    files,
  });
  assert.equal(vsa.code, 0, vsa.stderr);
  assert.equal(vsa.results.VSA_GENERATED, 'true');
  const envelope = JSON.parse(await readFile(join(out, `sha256-${happy.digest.slice(7)}.intoto.jsonl`), 'utf8')) as { payload: string };
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as {
    predicateType: string;
    predicate: { verificationResult: string };
  };
  assert.equal(statement.predicateType, 'https://slsa.dev/verification_summary/v1');
  assert.equal(statement.predicate.verificationResult, 'PASSED');
  // No key for a signed VSA: the step fails naming the param, before any image is verified.
  const noKey = await runTaskStep({
    task: verifyVouchTa,
    step: 'validate',
    params: { ...run.params, POLICY_CONFIGURATION: policy, ENABLE_VSA: 'true' },
    imageEnv,
    files,
  });
  assert.equal(noKey.code, 2);
  assert.equal(noKey.results.VSA_GENERATED, 'false');
  assert.match(String(testOutput(noKey).note), /VSA_SIGNING_KEY: ENABLE_VSA=true with ATTESTATION_FORMAT=dsse signs each VSA/);
});

test('IMAGES naming a Snapshot resource, and the default POLICY_CONFIGURATION (a cluster policy), fail naming the param', async () => {
  const byName = await taskRun({ IMAGES: 'my-snapshot' });
  assert.equal(byName.code, 2);
  assert.match(String(testOutput(byName).note), /IMAGES "my-snapshot" looks like the name of a Snapshot resource; vouch reads no cluster/);
  const defaultPolicy = await runTaskStep({
    task: verifyVouch,
    step: 'validate',
    params: { IMAGES: snapshot(['happy', happy]), PUBLIC_KEY: await readFile(key.pub, 'utf8'), IGNORE_REKOR: 'true' },
    imageEnv,
  });
  assert.equal(defaultPolicy.code, 2);
  assert.match(
    String(testOutput(defaultPolicy).note),
    /POLICY_CONFIGURATION: --policy "enterprise-contract-service\/default": no such file, and Kubernetes EnterpriseContractPolicy references are not supported/,
  );
});
