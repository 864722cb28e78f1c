// The Tekton step face: the Task's params arrive as environment variables; TEST_OUTPUT is always
// written (also on a hard error, as ERROR with a note), the full reports go to $HOMEDIR, and STRICT
// decides the step's exit (every value but `false` fails a failed policy: see strict.ts). Every
// param of ec's Task is read; where one cannot mean what it means in ec, the log says so.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildRunConfig, type ValidateInvocation } from '../config/run-config.ts';
import { loadSnapshot } from '../config/snapshot.ts';
import { EnvironmentError, ExitCode, InputError, errorMessage, exitCodeOf } from '../errors.ts';
import { resolvePolicy } from '../policy/resolve-config.ts';
import { renderTestOutputError } from '../report/formats/appstudio.ts';
import { expectedComponents, progressMode, startProgress } from '../report/progress.ts';
import { DEFAULT_TUF_MIRROR } from '../sigstore/trust-root.ts';
import { makeDirectory } from '../util/files.ts';
import { validateAndReport } from '../validate/entry.ts';
import { strictSetting } from './strict.ts';
import { collectCaCertificates, trustCertificates } from './tekton/ca-trust.ts';
import { asParamError, tektonArgs } from './tekton/params.ts';
import { bundleDigest, pinningResolver } from './tekton/policy-pin.ts';
import { componentToKeep, parseLabelsFile, reduceToComponent } from './tekton/single-component.ts';
import { fetchMirrorRoot } from './tekton/tuf-root.ts';

type Log = (line: string) => void;

interface StepPaths {
  resultsDir: string;
  homeDir: string;
  reportsDir: string;
  cwd: string;
}

/** A Kubernetes object name: what ec's reduce step takes for a Snapshot resource to fetch. */
const RESOURCE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** IMAGES, reduced to one component when SINGLE_COMPONENT asks and the PipelineRun's labels say so. */
async function snapshotForStep(env: NodeJS.ProcessEnv, cwd: string, log: Log): Promise<string> {
  const images = (env.IMAGES ?? '').trim();
  if (images === '') throw new InputError('NO_IMAGES', 'IMAGES is empty: pass the snapshot (JSON) or the path of a snapshot file', { value: 'IMAGES' });
  if (images.length <= 63 && RESOURCE_NAME.test(images) && !(await isFile(resolve(cwd, images)))) {
    throw new InputError(
      'SNAPSHOT_CLUSTER_REFERENCE',
      `IMAGES ${JSON.stringify(images)} looks like the name of a Snapshot resource; vouch reads no cluster: pass the snapshot JSON, or the path of a snapshot file (e.g. in the data workspace)`,
      { value: 'IMAGES' },
    );
  }
  const single = env.SINGLE_COMPONENT ?? 'false';
  if (single !== 'true') {
    // ec compares with "true" exactly; anything else validates every component, which is never less safe.
    if (single !== 'false' && single !== '') log(`Note: SINGLE_COMPONENT=${JSON.stringify(single)} is not "true": every component is validated`);
    return images;
  }
  const labelsFile = env.VOUCH_POD_LABELS ?? '';
  if (labelsFile === '')
    throw new InputError('POD_LABELS_MISSING', "SINGLE_COMPONENT=true needs the labels of the step's pod (VOUCH_POD_LABELS, the Task's podinfo volume)", {
      value: 'SINGLE_COMPONENT',
    });
  const text = await readFile(labelsFile, 'utf8').catch((err: unknown) => {
    throw new EnvironmentError('POD_LABELS_MISSING', `SINGLE_COMPONENT=true: cannot read the pod's labels at ${labelsFile}: ${errorMessage(err)}`, {
      value: labelsFile,
    });
  });
  const pod = { labels: parseLabelsFile(text, labelsFile), ...(env.VOUCH_POD_NAMESPACE ? { namespace: env.VOUCH_POD_NAMESPACE } : {}) };
  const { component, reason } = componentToKeep(
    { resource: env.SINGLE_COMPONENT_CUSTOM_RESOURCE ?? '', namespace: env.SINGLE_COMPONENT_CUSTOM_RESOURCE_NS ?? '' },
    pod,
  );
  if (component === undefined) {
    log(`Note: SINGLE_COMPONENT: ${reason}: every component is validated`);
    return images;
  }
  const reduced = reduceToComponent((await loadSnapshot(images, cwd)).snapshot, component);
  log(`Note: SINGLE_COMPONENT: ${reason}: only component ${component} is validated`);
  return JSON.stringify(reduced);
}

/** TUF_ROOT_JSON, else the mirror's own root.json (ec's task), else none (Sigstore's public root). */
async function tufRootForStep(env: NodeJS.ProcessEnv, dir: string, log: Log): Promise<string | undefined> {
  const root = (env.TUF_ROOT_JSON ?? '').trim();
  const mirror = (env.TUF_MIRROR ?? '').trim();
  if (root !== '' || mirror === '' || mirror === DEFAULT_TUF_MIRROR) return root || undefined;
  const path = await fetchMirrorRoot(mirror, dir);
  log(
    `Note: TUF_MIRROR: no TUF_ROOT_JSON given, so the mirror's own root.json is the initial root (trusted on first use, as ec's task does); pin one with TUF_ROOT_JSON`,
  );
  return path;
}

/** Params vouch accepts but cannot give ec's meaning: said, never dropped silently. */
async function acceptedParams(env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  // The trusted-artifacts Task's result: written first, so it exists whatever happens next.
  // "true" only once VSAs were made (ec writes it before its run).
  if (env.VOUCH_VSA_GENERATED_PATH) await writeFile(env.VOUCH_VSA_GENERATED_PATH, 'false');
  if (env.ENABLE_VSA === 'true' && (env.ociStorage ?? '') !== '')
    log('Note: ociStorage: this Task makes no trusted artifact of the VSAs; VSA_UPLOAD says where they go (oci attaches them to each image)');
  const opa = env.EC_USE_OPA ?? '';
  if (opa !== '')
    log(
      `Note: EC_USE_OPA=${JSON.stringify(opa)}: vouch has one evaluator (Rego compiled to WebAssembly, with conftest's semantics); the setting changes nothing`,
    );
}

async function prepareRun(env: NodeJS.ProcessEnv, paths: StepPaths, log: Log): Promise<{ inv: ValidateInvocation; env: NodeJS.ProcessEnv }> {
  await acceptedParams(env, log);
  const stepDir = join(paths.homeDir, '.vouch');
  const ca = await collectCaCertificates(env);
  for (const n of ca.notes) log(`Note: ${n}`);
  const runEnv = await trustCertificates(ca.certificates, env, stepDir);
  const images = await snapshotForStep(runEnv, paths.cwd, log);
  const tufRoot = await tufRootForStep(runEnv, stepDir, log);
  const args = tektonArgs(runEnv, { images, ...(tufRoot ? { tufRoot } : {}), resultsDir: paths.resultsDir, reportsDir: paths.reportsDir });
  const resolver = pinningResolver(resolvePolicy, bundleDigest(runEnv.POLICY_BUNDLE_DIGEST), log);
  return { inv: await buildRunConfig(args, runEnv, paths.cwd, resolver), env: runEnv };
}

export async function runTektonStep(env: NodeJS.ProcessEnv): Promise<number> {
  const resultsDir = env.VOUCH_TEKTON_RESULTS_DIR || '/tekton/results';
  const homeDir = env.HOMEDIR || env.HOME || '/tekton/home';
  // The reports workspace when bound (Tekton substitutes an unbound optional workspace with "").
  const reportsDir = env.VOUCH_REPORTS_DIR || homeDir;
  const log: Log = (line) => void process.stderr.write(`${line}\n`);
  const { strict, note } = strictSetting(env.STRICT, 'STRICT');
  if (note) log(`Warning: ${note}`);
  try {
    await makeDirectory(reportsDir).catch((err: unknown) => {
      const origin = env.VOUCH_REPORTS_DIR ? 'the reports workspace' : 'HOMEDIR';
      throw new EnvironmentError('REPORTS_DIR_UNUSABLE', `${origin} ${reportsDir}: cannot create it: ${errorMessage(err)}`, { value: reportsDir });
    });
    const { inv, env: runEnv } = await prepareRun(env, { resultsDir, homeDir, reportsDir, cwd: process.cwd() }, log);
    // A Tekton log is a CI log: a progress line every 10 % or 10 s, unless QUIET.
    const progress = startProgress({
      mode: progressMode({ quiet: inv.extras.quiet === true, stderrIsTTY: false, ciLog: true }),
      total: expectedComponents(inv.config.snapshot.components.length, inv.config.shard),
      write: (text) => process.stderr.write(text),
    });
    let result: Awaited<ReturnType<typeof validateAndReport>>;
    try {
      result = await validateAndReport(inv, { stdout: process.stdout }, runEnv, () => undefined, { onComponentDone: progress.componentDone });
    } finally {
      progress.stop();
    }
    if (env.VOUCH_VSA_GENERATED_PATH && (result.vsas?.length ?? 0) > 0) await writeFile(env.VOUCH_VSA_GENERATED_PATH, 'true');
    for (const v of result.vsas ?? []) log(`VSA ${v.verificationResult} for ${v.image}: ${[...v.files, ...v.attached].join(', ')}`);
    if (!result.report.success) log('Error: success criteria not met');
    return result.report.success || !strict ? ExitCode.Ok : ExitCode.PolicyFailed;
  } catch (caught) {
    const err = asParamError(caught);
    log(`Error: ${errorMessage(err)}`);
    try {
      await makeDirectory(resultsDir);
      await writeFile(join(resultsDir, 'TEST_OUTPUT'), `${renderTestOutputError(errorMessage(err), new Date())}\n`);
    } catch (writeErr) {
      log(`Error: could not write TEST_OUTPUT: ${errorMessage(writeErr)}`);
    }
    return exitCodeOf(err);
  }
}
