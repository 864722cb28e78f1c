// The Tekton Task checked against Tekton's rules for a v1 Task (names, types, references,
// results), and the container image checked by its instructions and its file layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import yaml from 'js-yaml';
import { actionArgs } from '../../../src/faces/github.ts';
import { tektonArgs } from '../../../src/faces/tekton.ts';
import { detectFace } from '../../../src/faces/detect.ts';
import { componentLines } from '../../../src/report/locations.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));

interface Task {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations: Record<string, string> };
  spec: {
    params: { name: string; type: string; default?: string; description: string }[];
    results: { name: string; description: string }[];
    workspaces?: { name: string; optional?: boolean }[];
    steps: { name: string; image: string; env?: { name: string; value: string }[]; script?: string; command?: string[] }[];
  };
}

// Tekton's validation rules for names (pkg/apis/pipeline/v1 validation), and the result names
// Tekton Chains reads as build outputs — a verifier must not produce those.
const PARAM_NAME = /^[a-zA-Z_][a-zA-Z0-9_.-]*$/;
const RESULT_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const STEP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CHAINS_HINTS = /^(IMAGES|.*IMAGE_URL|.*IMAGE_DIGEST|.*ARTIFACT_URI|.*ARTIFACT_DIGEST|.*ARTIFACT_OUTPUTS)$/;

test('the Task is a valid tekton.dev/v1 Task: names, types, references, catalog annotations, no Chains result names', async () => {
  const task = yaml.load(await readFile(join(root, 'tekton', 'verify-vouch.yaml'), 'utf8')) as Task;
  assert.equal(task.apiVersion, 'tekton.dev/v1');
  assert.equal(task.kind, 'Task');
  assert.match(task.metadata.name, STEP_NAME);
  for (const a of ['tekton.dev/pipelines.minVersion', 'tekton.dev/categories', 'tekton.dev/tags', 'tekton.dev/displayName']) assert.ok(task.metadata.annotations[a], a);
  const params = task.spec.params.map((p) => p.name);
  assert.equal(new Set(params).size, params.length, 'param names are unique');
  for (const p of task.spec.params) {
    assert.match(p.name, PARAM_NAME);
    assert.ok(['string', 'array', 'object'].includes(p.type));
    assert.ok(p.description);
  }
  for (const expected of ['IMAGES', 'POLICY_CONFIGURATION', 'PUBLIC_KEY', 'REKOR_HOST', 'IGNORE_REKOR', 'TUF_MIRROR', 'CERTIFICATE_IDENTITY', 'CERTIFICATE_IDENTITY_REGEXP', 'CERTIFICATE_OIDC_ISSUER', 'CERTIFICATE_OIDC_ISSUER_REGEXP', 'INFO', 'STRICT', 'EFFECTIVE_TIME', 'EXTRA_RULE_DATA', 'WORKERS', 'HOMEDIR']) {
    assert.ok(params.includes(expected), expected);
  }
  for (const r of task.spec.results) {
    assert.match(r.name, RESULT_NAME);
    assert.doesNotMatch(r.name, CHAINS_HINTS, `${r.name} would be read by Tekton Chains as a build output`);
  }
  assert.deepEqual(task.spec.results.map((r) => r.name), ['TEST_OUTPUT']);
  const workspaces = new Set((task.spec.workspaces ?? []).map((w) => w.name));
  const text = JSON.stringify(task.spec.steps);
  for (const m of text.matchAll(/\$\((params|workspaces|results)\.([\w-]+)/g)) {
    if (m[1] === 'params') assert.ok(params.includes(m[2]!), `$(params.${m[2]}) is declared`);
    if (m[1] === 'workspaces') assert.ok(workspaces.has(m[2]!), `$(workspaces.${m[2]}) is declared`);
  }
  for (const s of task.spec.steps) {
    assert.match(s.name, STEP_NAME);
    assert.ok(s.image);
    assert.ok(s.env?.some((e) => e.name === 'VOUCH_FACE' && e.value === 'tekton'));
  }
});

test('faces: detection, and action inputs / task params become the CLI flags', () => {
  assert.equal(detectFace({ GITHUB_ACTIONS: 'true' }, []), 'github');
  assert.equal(detectFace({ GITHUB_ACTIONS: 'true' }, ['validate', 'image']), 'cli');
  assert.equal(detectFace({ VOUCH_FACE: 'tekton' }, []), 'tekton');
  const inputs: Record<string, string> = { images: 'c.yaml', 'public-key': 'k.pub', 'ignore-rekor': 'true', strict: 'false', 'extra-rule-data': 'a=1\nb=2', 'report-path': 'r.json', 'junit-path': '' };
  assert.deepEqual(actionArgs((n) => inputs[n] ?? ''), ['--images', 'c.yaml', '--public-key', 'k.pub', '--ignore-rekor=true', '--strict=false', '--extra-rule-data', 'a=1', '--extra-rule-data', 'b=2', '--output', 'text', '--output', 'json=r.json']);
  const keyless = tektonArgs({ IMAGES: '{}', PUBLIC_KEY: 'k.pub', CERTIFICATE_IDENTITY: 'id', CERTIFICATE_IDENTITY_REGEXP: 'ignored', CERTIFICATE_OIDC_ISSUER_REGEXP: '.*', IGNORE_REKOR: 'true' }, '/r', '/h');
  assert.ok(!keyless.includes('--public-key'), 'keyless params win over PUBLIC_KEY');
  assert.ok(!keyless.includes('--ignore-rekor'), 'IGNORE_REKOR is forced off in keyless mode');
  assert.deepEqual(keyless.slice(0, 8), ['--images', '{}', '--certificate-identity', 'id', '--certificate-oidc-issuer-regexp', '.*', '--info', '--strict=false']);
  assert.ok(keyless.includes('appstudio=/r/TEST_OUTPUT'));
});

test('component lines for annotations, in YAML and JSON components files', () => {
  assert.deepEqual([...componentLines('components:\n  - name: a\n    containerImage: r/a:1\n  - containerImage: "r/b@sha256:x"\n')], [['r/a:1', 3], ['r/b@sha256:x', 4]]);
});

test('Dockerfile: bases pinned by digest, opa copied from the official image, non-root, exec-form entrypoint, OCI labels, no remote ADD', async () => {
  const text = await readFile(join(root, 'Dockerfile'), 'utf8');
  const instructions = text.replace(/\\\n/g, ' ').split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const froms = instructions.filter((l) => l.startsWith('FROM'));
  assert.equal(froms.length, 2, 'multi-stage');
  // Every base pinned by digest: the official opa image and Node 24.
  assert.match(text, /ARG OPA_IMAGE=docker\.io\/openpolicyagent\/opa:\d+\.\d+\.\d+-static@sha256:[0-9a-f]{64}\n/);
  assert.match(text, /ARG NODE_IMAGE=docker\.io\/library\/node:24[\w.-]*-slim@sha256:[0-9a-f]{64}\n/);
  assert.deepEqual(froms, ['FROM ${OPA_IMAGE} AS opa', 'FROM ${NODE_IMAGE} AS runtime']);
  assert.ok(instructions.some((l) => /^COPY --from=opa \/opa \/usr\/local\/bin\/opa$/.test(l)));
  const user = instructions.filter((l) => l.startsWith('USER')).pop();
  assert.match(user ?? '', /^USER 65532(:65532)?$/);
  assert.ok(!instructions.some((l) => /^ADD\s+https?:/.test(l)));
  assert.ok(instructions.some((l) => l === 'ENTRYPOINT ["node", "/opt/vouch/dist/index.js"]'));
  for (const label of ['title', 'description', 'version', 'licenses', 'source']) assert.match(text, new RegExp(`org\\.opencontainers\\.image\\.${label}=`));
});

test('the image layout runs: dist/index.js at /opt/vouch/dist/index.js alone, no node_modules', async () => {
  const rootfs = await mkdtemp(join(tmpdir(), 'vouch-image-'));
  await mkdir(join(rootfs, 'opt', 'vouch', 'dist'), { recursive: true });
  await copyFile(join(root, 'dist', 'index.js'), join(rootfs, 'opt', 'vouch', 'dist', 'index.js'));
  await copyFile(join(root, 'action.yml'), join(rootfs, 'opt', 'vouch', 'action.yml'));
  const { stdout } = await promisify(execFile)(process.execPath, [join(rootfs, 'opt', 'vouch', 'dist', 'index.js'), '--version'], { cwd: rootfs, env: { PATH: '' } });
  assert.match(stdout, /^vouch v\d+\.\d+\.\d+\n$/);
});
