// Keyless through the Task, as Konflux runs it: Tekton Chains' keyless signatures (the real cosign
// against the loopback Sigstore stack: Fulcio, Rekor, a TSA) verified by the Task's step with only
// TUF_MIRROR naming the trust root, as ec's task initialises from `<mirror>/root.json`; the mirror
// also behind https trusted through the CA ConfigMap, and a pinned TUF_ROOT_JSON that the mirror's
// metadata must match.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { inPrivateNetworkNamespace } from '../support/sigstore-stack/services.ts';
import { cosignAttest, cosignSign, identityToken, type IdentityInfo } from '../support/sigstore-stack/sign.ts';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore-stack/stack.ts';
import { startTufRepository } from '../support/sigstore-stack/tuf.ts';
import { loadDoc, runTaskStep, taskRunOf, type PipelineDoc, type PodRun, type PodSpec, type TaskDoc } from '../support/tekton-pod.ts';
import { startTlsFront, type TlsFront } from '../support/tls-proxy.ts';
import { toolPath } from '../support/tools.ts';

const skip = inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs the tests under unshare --net)';
const bundle = fileURLToPath(new URL('../../examples/demo/policy-bundle.tar.gz', import.meta.url));
const POLICY = JSON.stringify({ sources: [{ policy: [bundle], config: { include: ['labels'] }, ruleData: { required_labels: ['com.example.team'] } }] });

let stack: SigstoreStack;
let reg: TestRegistry;
let tufTls: TlsFront;
let chains: IdentityInfo;
let signed: PushedImage;
let verifyVouch: TaskDoc;
let imageEnv: NodeJS.ProcessEnv;

before(
  async () => {
    if (skip) return;
    stack = await startSigstoreStack({ rekor: true });
    reg = await startRegistry();
    signed = await pushImage(`${reg.host}/chains-signed:v1`, { labels: { 'com.example.team': 'release' } });
    // Tekton Chains signs with the pipeline's service account token: the `kubernetes` identity.
    chains = identityToken(stack, 'kubernetes');
    await cosignSign(stack, signed.pinned, { identity: 'kubernetes', rekor: true });
    await cosignAttest(stack, signed.pinned, slsaV02(), 'slsaprovenance', { identity: 'kubernetes', rekor: true });
    tufTls = await startTlsFront(new URL(stack.tuf.url).host, stack.dir, 'tuf');
    verifyVouch = await loadDoc<TaskDoc>('tekton/verify-vouch.yaml');
    imageEnv = { PATH: [dirname(toolPath('opa')), dirname(process.execPath), '/usr/bin', '/bin'].join(':') };
  },
  { timeout: 600_000 },
);
after(async () => {
  // before() may have failed before assigning these.
  await (tufTls as TlsFront | undefined)?.close();
  await (reg as TestRegistry | undefined)?.stop();
  await (stack as SigstoreStack | undefined)?.stop();
});

/** The Konflux integration test pipeline with keyless params, as an IntegrationTestScenario sets them. */
async function integration(params: Record<string, string>, extra: Partial<PodSpec> = {}): Promise<PodRun> {
  const pipeline = await loadDoc<PipelineDoc>('examples/tekton/enterprise-contract.yaml');
  const run = taskRunOf(pipeline, 'verify', {
    params: {
      SNAPSHOT: JSON.stringify({ components: [{ name: 'widget', containerImage: signed.ref }] }),
      POLICY_CONFIGURATION: POLICY,
      CERTIFICATE_IDENTITY: chains.san,
      CERTIFICATE_OIDC_ISSUER: chains.issuer,
      TUF_MIRROR: stack.tuf.url,
      REKOR_HOST: stack.rekor!.url,
      ...params,
    },
    workspaces: {},
    pipelineRunName: 'it-keyless-1',
  });
  return runTaskStep({ task: verifyVouch, step: 'validate', ...run, imageEnv, labels: { 'tekton.dev/pipelineRun': 'it-keyless-1' }, ...extra });
}

const testOutput = (run: PodRun): Record<string, unknown> => JSON.parse(run.results.TEST_OUTPUT ?? 'null') as Record<string, unknown>;

test("keyless with TUF_MIRROR alone: the mirror's root.json starts the trust, Chains' signature verifies; another identity fails", { skip }, async () => {
  const pass = await integration({});
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal(testOutput(pass).result, 'SUCCESS');
  assert.match(pass.stderr, /TUF_MIRROR: no TUF_ROOT_JSON given, so the mirror's own root\.json is the initial root/);
  const report = JSON.parse(await readFile(pass.hostPath('/tekton/home/report-json.json'), 'utf8')) as {
    key: string;
    components: { signatures: { metadata: Record<string, string> }[] }[];
  };
  assert.equal(report.key, '', 'keyless');
  assert.equal(report.components[0]!.signatures[0]!.metadata['Subject Alternative Name'], `URIs:${chains.san}`);

  const other = await integration({ CERTIFICATE_IDENTITY: 'https://kubernetes.io/namespaces/build/serviceaccounts/someone-else' });
  assert.equal(other.code, 1, other.stderr);
  assert.equal(testOutput(other).result, 'FAILURE');
});

test(
  'TUF_MIRROR over https: its CA from the trusted-ca ConfigMap is trusted for root.json and TUF; without it the step fails naming TUF_MIRROR',
  { skip },
  async () => {
    const viaHttps = await integration({ TUF_MIRROR: tufTls.url }, { configMaps: { 'trusted-ca': { 'ca-bundle.crt': tufTls.caPem } } });
    assert.equal(viaHttps.code, 0, viaHttps.stderr);
    assert.equal(testOutput(viaHttps).result, 'SUCCESS');
    const untrusted = await integration({ TUF_MIRROR: tufTls.url });
    assert.equal(untrusted.code, 3, untrusted.stderr);
    assert.equal(testOutput(untrusted).result, 'ERROR');
    assert.match(String(testOutput(untrusted).note), /TUF_MIRROR https:\/\/0\.0\.0\.0:\d+: cannot fetch its root\.json/);
  },
);

test("TUF_ROOT_JSON pins the initial root: the mirror's own root passes, another repository's root fails", { skip }, async () => {
  const data = await mkdtemp(join(stack.dir, 'data-'));
  await copyFile(stack.tuf.rootPath, join(data, 'root.json'));
  const forged = join(stack.dir, 'forged-tuf');
  await mkdir(forged, { recursive: true });
  const other = await startTufRepository(forged, { 'trusted_root.json': Buffer.from('{}') });
  await other.stop();
  await copyFile(other.rootPath, join(data, 'forged-root.json'));
  const params = {
    IMAGES: JSON.stringify({ components: [{ name: 'widget', containerImage: signed.ref }] }),
    POLICY_CONFIGURATION: POLICY,
    CERTIFICATE_IDENTITY: chains.san,
    CERTIFICATE_OIDC_ISSUER: chains.issuer,
    TUF_MIRROR: stack.tuf.url,
  };
  const pinned = await runTaskStep({
    task: verifyVouch,
    step: 'validate',
    params: { ...params, TUF_ROOT_JSON: '$(workspaces.data.path)/root.json' },
    workspaces: { data },
    imageEnv,
  });
  assert.equal(pinned.code, 0, pinned.stderr);
  assert.doesNotMatch(pinned.stderr, /trusted on first use/);
  const wrong = await runTaskStep({
    task: verifyVouch,
    step: 'validate',
    params: { ...params, TUF_ROOT_JSON: '$(workspaces.data.path)/forged-root.json' },
    workspaces: { data },
    imageEnv,
  });
  assert.equal(wrong.code, 3, wrong.stderr);
  assert.match(String(testOutput(wrong).note), /TUF_MIRROR: --tuf-mirror .*could not obtain trusted_root\.json from the TUF repository/);
});
