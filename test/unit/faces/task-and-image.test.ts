// The Tekton Tasks against ec's (every param with ec's default, every param used by the step) and
// against Tekton's naming rules, the params → flags mapping, and the container image checked by its
// instructions, its build context and its file layout (no Docker engine runs here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { actionArgs } from '../../../src/faces/github.ts';
import { tektonArgs } from '../../../src/faces/tekton/params.ts';
import { detectFace } from '../../../src/faces/detect.ts';
import { componentLines } from '../../../src/report/locations.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const run = promisify(execFile);

interface Task {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    params: { name: string; type: string; default?: string; description: string }[];
    results: { name: string; description: string }[];
    workspaces?: { name: string; optional?: boolean }[];
    volumes?: unknown[];
    stepTemplate?: { env?: { name: string; value?: string }[] };
    steps: { name: string; image: string; env?: { name: string; value?: string }[]; script?: string; command?: string[] }[];
  };
}

const loadTask = async (file: string): Promise<Task> => yaml.load(await readFile(join(root, 'tekton', file), 'utf8')) as Task;

// ec's Tasks at conforma/cli a18338416237ca7c5154a0af499f81d4b821ea46: every param and its default
// (null: required), the workspaces and the results. A caller's param the Task does not declare is
// dropped by Tekton without a word, so every one must be declared, with the same default.
const EC_COMMON: Record<string, string> = {
  POLICY_CONFIGURATION: 'enterprise-contract-service/default',
  PUBLIC_KEY: '',
  REKOR_HOST: '',
  CERTIFICATE_IDENTITY: '',
  CERTIFICATE_OIDC_ISSUER: '',
  CERTIFICATE_IDENTITY_REGEXP: '',
  CERTIFICATE_OIDC_ISSUER_REGEXP: '',
  IGNORE_REKOR: 'false',
  TUF_MIRROR: '',
  SSL_CERT_DIR: '',
  CA_TRUST_CONFIGMAP_NAME: 'trusted-ca',
  CA_TRUST_CONFIG_MAP_KEY: 'ca-bundle.crt',
  INFO: 'true',
  STRICT: 'true',
  HOMEDIR: '/tekton/home',
  EFFECTIVE_TIME: 'now',
  ALLOW_PAST_EFFECTIVE_TIME: 'false',
  EXTRA_RULE_DATA: '',
  POLICY_BUNDLE_DIGEST: 'sha256:f904979d405a39a3cc492439b379b4b117c622bbe7126a0e1ba76527ec3ce6a2',
  EC_USE_OPA: '',
  SINGLE_COMPONENT: 'false',
  SINGLE_COMPONENT_CUSTOM_RESOURCE: 'unknown',
  SINGLE_COMPONENT_CUSTOM_RESOURCE_NS: '',
  RETRY_DURATION: '1s',
  RETRY_FACTOR: '2.0',
  RETRY_JITTER: '0.1',
  RETRY_MAX_RETRY: '3',
  RETRY_MAX_WAIT: '3s',
};
const EC_TASKS = {
  'verify-vouch.yaml': { params: { IMAGES: null, ...EC_COMMON, WORKERS: '1' }, workspaces: ['data?'], results: ['TEST_OUTPUT'] },
  'verify-vouch-konflux-ta.yaml': {
    params: {
      SNAPSHOT_FILENAME: null,
      SOURCE_DATA_ARTIFACT: null,
      ...EC_COMMON,
      WORKERS: '4',
      ORAS_OPTIONS: '',
      TRUSTED_ARTIFACTS_DEBUG: '',
      TRUSTED_ARTIFACTS_EXTRACT_DIR: '/var/workdir/conforma',
      ENABLE_VSA: 'false',
      ATTESTATION_FORMAT: 'dsse',
      VSA_SIGNING_KEY: '',
      VSA_UPLOAD: 'local@/var/workdir/conforma/vsa',
      ociStorage: '',
    },
    workspaces: [],
    results: ['TEST_OUTPUT', 'VSA_GENERATED', 'sourceDataArtifact'],
  },
} as const;

// Tekton's validation rules for names (pkg/apis/pipeline/v1 validation), and the result names
// Tekton Chains reads as build outputs — a verifier must not produce those.
const PARAM_NAME = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;
const RESULT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const STEP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CHAINS_HINTS = /^(IMAGES|.*IMAGE_URL|.*IMAGE_DIGEST|.*ARTIFACT_URI|.*ARTIFACT_DIGEST|.*ARTIFACT_OUTPUTS)$/;

for (const [file, ec] of Object.entries(EC_TASKS)) {
  test(`${file}: every param, workspace and result of ec's Task, with ec's defaults; every param reaches a step or a volume`, async () => {
    const task = await loadTask(file);
    const params = new Map(task.spec.params.map((p) => [p.name, p]));
    for (const [name, def] of Object.entries(ec.params)) {
      const p = params.get(name);
      assert.ok(p, `${name} is declared`);
      assert.equal(p.default ?? null, def, `${name} defaults to ec's ${JSON.stringify(def)}`);
    }
    const workspaces = (task.spec.workspaces ?? []).map((w) => `${w.name}${w.optional ? '?' : ''}`);
    for (const w of ec.workspaces) assert.ok(workspaces.includes(w), `workspace ${w}`);
    assert.deepEqual(
      task.spec.results.map((r) => r.name),
      [...ec.results],
    );
    // Honoured: each param is used by the steps or the volumes (a declared, unused param is a drop too).
    const used = JSON.stringify([task.spec.steps, task.spec.volumes ?? [], task.spec.stepTemplate ?? {}]);
    for (const name of params.keys()) assert.ok(used.includes(`$(params.${name})`), `$(params.${name}) is used`);
  });
}

test('the Tasks are valid tekton.dev/v1 Tasks: names, types, references, catalog annotations, no Chains result names', async () => {
  for (const file of Object.keys(EC_TASKS)) {
    const task = await loadTask(file);
    assert.equal(task.apiVersion, 'tekton.dev/v1');
    assert.equal(task.kind, 'Task');
    assert.match(task.metadata.name, STEP_NAME);
    for (const a of ['tekton.dev/pipelines.minVersion', 'tekton.dev/categories', 'tekton.dev/tags', 'tekton.dev/displayName'])
      assert.ok(task.metadata.annotations[a], a);
    const params = task.spec.params.map((p) => p.name);
    assert.equal(new Set(params).size, params.length, 'param names are unique');
    for (const p of task.spec.params) {
      assert.match(p.name, PARAM_NAME);
      assert.ok(['string', 'array', 'object'].includes(p.type));
      assert.ok(p.description);
    }
    for (const r of task.spec.results) {
      assert.match(r.name, RESULT_NAME);
      assert.doesNotMatch(r.name, CHAINS_HINTS, `${r.name} would be read by Tekton Chains as a build output`);
    }
    const workspaces = new Set((task.spec.workspaces ?? []).map((w) => w.name));
    const text = JSON.stringify(task.spec.steps);
    for (const m of text.matchAll(/\$\((params|workspaces|results)\.([\w-]+)/g)) {
      if (m[1] === 'params') assert.ok(params.includes(m[2]!), `$(params.${m[2]!}) is declared`);
      if (m[1] === 'workspaces') assert.ok(workspaces.has(m[2]!), `$(workspaces.${m[2]!}) is declared`);
    }
    const vouchSteps = task.spec.steps.filter((s) => s.image.startsWith('ghcr.io/vouch-dev/vouch'));
    assert.equal(vouchSteps.length, 1, 'one vouch step');
    for (const s of task.spec.steps) assert.match(s.name, STEP_NAME);
    const step = vouchSteps[0]!;
    assert.ok(step.env?.some((e) => e.name === 'VOUCH_FACE' && e.value === 'tekton'));
    // The step reads each param from the variable of the same name (what src/faces/tekton reads).
    for (const e of step.env ?? []) {
      const m = /^\$\(params\.([\w-]+)\)$/.exec(e.value ?? '');
      if (m && !['HOMEDIR', 'SNAPSHOT_FILENAME'].includes(m[1]!)) assert.equal(e.name, m[1], `${e.name} carries $(params.${m[1]!})`);
    }
  }
});

test("faces: detection, and action inputs / task params become the CLI flags as ec's task passes them", () => {
  assert.equal(detectFace({ GITHUB_ACTIONS: 'true' }, []), 'github');
  assert.equal(detectFace({ GITHUB_ACTIONS: 'true' }, ['validate', 'image']), 'cli');
  assert.equal(detectFace({ VOUCH_FACE: 'tekton' }, []), 'tekton');
  const inputs: Record<string, string> = {
    images: 'c.yaml',
    'public-key': 'k.pub',
    'ignore-rekor': 'true',
    strict: 'false',
    'effective-time': '2026-01-01',
    'allow-past-effective-time': 'true',
    'extra-rule-data': 'a=1\nb=2',
    'report-path': 'r.json',
    'junit-path': '',
  };
  assert.deepEqual(
    actionArgs((n) => inputs[n] ?? ''),
    [
      '--images',
      'c.yaml',
      '--public-key',
      'k.pub',
      '--ignore-rekor=true',
      '--strict=false',
      '--effective-time',
      '2026-01-01',
      '--allow-past-effective-time=true',
      '--extra-rule-data',
      'a=1',
      '--extra-rule-data',
      'b=2',
      '--output',
      'text',
      '--output',
      'json=r.json',
    ],
  );
  const paths = { images: '{}', resultsDir: '/r', reportsDir: '/h' };
  const keyless = tektonArgs(
    { PUBLIC_KEY: 'k.pub', CERTIFICATE_IDENTITY: 'id', CERTIFICATE_IDENTITY_REGEXP: 'ignored', CERTIFICATE_OIDC_ISSUER_REGEXP: '.*', IGNORE_REKOR: 'true' },
    paths,
  );
  assert.ok(!keyless.some((a) => a.startsWith('--public-key')), 'keyless params win over PUBLIC_KEY');
  assert.ok(!keyless.some((a) => a.startsWith('--ignore-rekor')), 'IGNORE_REKOR is not passed in keyless mode');
  assert.deepEqual(keyless.slice(0, 4), ['--images', '{}', '--certificate-identity=id', '--certificate-oidc-issuer-regexp=.*']);
  assert.ok(keyless.includes('appstudio=/r/TEST_OUTPUT'));
  const keyed = tektonArgs(
    {
      PUBLIC_KEY: 'k.pub',
      IGNORE_REKOR: 'True',
      INFO: '0',
      EXTRA_RULE_DATA: 'a=1,b="x,y"',
      RETRY_FACTOR: '1.5',
      RETRY_MAX_RETRY: '5',
      WORKERS: '2',
      ALLOW_PAST_EFFECTIVE_TIME: 't',
    },
    { ...paths, tufRoot: '/h/root.json' },
  );
  for (const flag of [
    '--public-key=k.pub',
    '--ignore-rekor=true',
    '--info=false',
    '--extra-rule-data=a=1,b="x,y"',
    '--retry-factor=1.5',
    '--retry-max-retry=5',
    '--workers=2',
    '--allow-past-effective-time=true',
    '--tuf-root=/h/root.json',
  ]) {
    assert.ok(keyed.includes(flag), `${flag} in ${keyed.join(' ')}`);
  }
  // A boolean param is read as ec's CLI reads it (strconv.ParseBool): anything else names the param.
  assert.throws(() => tektonArgs({ INFO: 'yes' }, paths), /INFO="yes": expected true or false/);
  assert.throws(() => tektonArgs({ IGNORE_REKOR: '' }, paths), /IGNORE_REKOR="": expected true or false/);
});

test('component lines for annotations, in YAML and JSON components files', () => {
  assert.deepEqual(
    [...componentLines('components:\n  - name: a\n    containerImage: r/a:1\n  - containerImage: "r/b@sha256:x"\n')],
    [
      ['r/a:1', 3],
      ['r/b@sha256:x', 4],
    ],
  );
});

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
async function instructions(): Promise<string[]> {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'));
}

test("Dockerfile: bases pinned by digest, the tests' opa version, non-root, exec-form entrypoint, OCI labels with revision and build time, no remote ADD", async () => {
  const lines = await instructions();
  const froms = lines.filter((l) => l.startsWith('FROM'));
  assert.equal(froms.length, 2, 'multi-stage');
  assert.deepEqual(froms, ['FROM docker.io/openpolicyagent/opa:${OPA_VERSION}-static@${OPA_DIGEST} AS opa', 'FROM ${NODE_IMAGE} AS runtime']);
  // opa: the version scripts/tools.env pins for the tests, its digest required at build time.
  const tools = await readFile(join(root, 'scripts', 'tools.env'), 'utf8');
  const opaVersion = /^OPA_VERSION=v(\S+)$/m.exec(tools)?.[1];
  assert.ok(opaVersion);
  assert.ok(lines.includes(`ARG OPA_VERSION=${opaVersion}`), `the image ships opa ${opaVersion}, as the tests`);
  assert.ok(lines.includes('ARG OPA_DIGEST'), 'no default digest: an unpinned opa cannot be built');
  assert.ok(lines.some((l) => /^ARG NODE_IMAGE=docker\.io\/library\/node:24[\w.-]*-slim@sha256:[0-9a-f]{64}$/.test(l)));
  assert.ok(lines.some((l) => /^COPY --from=opa \/opa \/usr\/local\/bin\/opa$/.test(l)));
  const user = lines.filter((l) => l.startsWith('USER')).pop();
  assert.match(user ?? '', /^USER 65532(:65532)?$/);
  assert.ok(!lines.some((l) => /^ADD\s+https?:/.test(l)));
  assert.ok(lines.includes('ENTRYPOINT ["node", "/opt/vouch/dist/index.js"]'));
  const label = lines.find((l) => l.startsWith('LABEL')) ?? '';
  for (const name of ['title', 'description', 'version', 'licenses', 'source']) assert.match(label, new RegExp(`org\\.opencontainers\\.image\\.${name}=`));
  // Revision and creation time come from build args without defaults, and the build refuses to go on without them.
  assert.match(label, /org\.opencontainers\.image\.revision="\$\{REVISION\}"/);
  assert.match(label, /org\.opencontainers\.image\.created="\$\{CREATED\}"/);
  const runtime = lines.slice(lines.indexOf('FROM ${NODE_IMAGE} AS runtime'));
  assert.ok(runtime.includes('ARG REVISION') && runtime.includes('ARG CREATED'), 'declared in the runtime stage, without defaults');
  const check = runtime.findIndex((l) => l.startsWith('RUN test -n "${REVISION}" && test -n "${CREATED}" ||') && l.includes('exit 1'));
  assert.ok(check !== -1 && check < runtime.findIndex((l) => l.startsWith('LABEL')), 'the build fails without them, before labelling');
});

/** Docker's .dockerignore, as moby/patternmatcher applies it: the last pattern matching the path or a parent decides. */
function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*\*/g, '\u0000')
    .replace(/\*/g, '[^/]*')
    .replace(/\?/g, '[^/]')
    .replace(/\u0000/g, '.*');
  return new RegExp(`^${body}$`);
}
function inContext(path: string, patterns: string[]): boolean {
  let included = true;
  const parents = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  for (const raw of patterns) {
    const negated = raw.startsWith('!');
    const re = glob((negated ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, ''));
    if (parents.some((p) => re.test(p))) included = negated;
  }
  return included;
}

async function filesUnder(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const out: string[] = [];
  for (const name of await readdir(path)) out.push(...(await filesUnder(join(path, name))));
  return out;
}

/** The image's files from the build context: every COPY from the context, filtered by .dockerignore. */
async function imageRootfs(): Promise<string> {
  const patterns = (await readFile(join(root, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const rootfs = await mkdtemp(join(tmpdir(), 'vouch-image-'));
  for (const line of await instructions()) {
    const m = /^COPY (?!--from)(\S+) (\S+)$/.exec(line);
    if (!m) continue;
    const [, source, dest] = m as unknown as [string, string, string];
    for (const file of await filesUnder(join(root, source))) {
      const rel = relative(root, file);
      assert.ok(inContext(rel, patterns), `${rel} (COPY ${source}) is in the build context: .dockerignore must not exclude it`);
      const target = join(rootfs, dest, relative(join(root, source), file));
      await mkdir(dirname(target), { recursive: true });
      await cp(file, target);
    }
  }
  return rootfs;
}

test('.dockerignore keeps the context to what the image copies; the rest (sources, tests, node_modules) stays out', async () => {
  const patterns = (await readFile(join(root, '.dockerignore'), 'utf8'))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  for (const path of ['src/faces/main.ts', 'node_modules/js-yaml/package.json', 'test/e2e/faces.test.ts', 'examples/policies/labels/labels.rego', '.git/HEAD'])
    assert.ok(!inContext(path, patterns), path);
  for (const path of ['dist/index.js', 'package.json', 'examples/demo/policy.yaml', 'examples/demo/oci-layout/index.json'])
    assert.ok(inContext(path, patterns), path);
});

test("the image layout runs: dist/index.js alone (no node_modules), and `validate image --demo` from the image's WORKDIR passes offline without opa", async () => {
  const rootfs = await imageRootfs();
  const node = process.execPath;
  const entry = join(rootfs, 'opt', 'vouch', 'dist', 'index.js');
  // The bundle's nearest package.json says it is an ES module: Node compiles it once, not twice.
  const pkg = JSON.parse(await readFile(join(rootfs, 'opt', 'vouch', 'package.json'), 'utf8')) as { type?: string };
  assert.equal(pkg.type, 'module');
  const { stdout } = await run(node, [entry, '--version'], { cwd: rootfs, env: { PATH: '' } });
  assert.match(stdout, /^vouch v\d+\.\d+\.\d+\n$/);
  // WORKDIR /tmp and VOUCH_CACHE_DIR as the image sets them (here under the rootfs); no opa on PATH.
  const workdir = join(rootfs, 'tmp');
  await mkdir(workdir, { recursive: true });
  const demo = await run(node, [entry, 'validate', 'image', '--demo'], {
    cwd: workdir,
    env: { PATH: '', VOUCH_CACHE_DIR: join(workdir, 'vouch-cache') },
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);
  assert.equal('code' in demo ? demo.code : 0, 0, `${demo.stdout}${demo.stderr}`);
  assert.match(demo.stdout, /^Success: true\nResult: SUCCESS/);
});

test("--demo resolves the demo's files against the demo, whatever the process's directory (the image runs from /tmp)", async () => {
  const elsewhere = await mkdtemp(join(tmpdir(), 'vouch-demo-cwd-'));
  const entry = join(root, 'src', 'faces', 'main.ts');
  const demo = await run(process.execPath, [entry, 'validate', 'image', '--demo', '--output', 'json'], {
    cwd: elsewhere,
    env: { PATH: '', VOUCH_CACHE_DIR: join(elsewhere, 'cache') },
  }).catch((err: { code: number; stdout: string; stderr: string }) => err);
  assert.equal('code' in demo ? demo.code : 0, 0, `${demo.stdout}${demo.stderr}`);
  assert.equal((JSON.parse(demo.stdout) as { success: boolean }).success, true);
});
