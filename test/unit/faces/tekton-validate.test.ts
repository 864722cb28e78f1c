// The Tasks and the example pipelines checked by Tekton's own Go validation (the pinned
// github.com/tektoncd/pipeline module in test/tekton-validate/go.mod): strict decoding, defaults,
// Validate() as the admission webhook runs it, and every pipeline task's params and workspaces
// against the Task it runs. The checker is built here, once per version of its sources, into the
// tools cache (beside the tools scripts/install-tools.sh builds), and says what it builds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const source = join(root, 'test', 'tekton-validate');
const run = promisify(execFile);

async function checker(): Promise<string> {
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(await readFile(join(source, f)));
  const toolsHome = process.env.VOUCH_TOOLS_HOME || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'vouch-tools');
  const binary = join(toolsHome, `tekton-validate-${hash.digest('hex').slice(0, 12)}`, 'tekton-validate');
  if (existsSync(binary)) return binary;
  const pipeline = /^\s*github\.com\/tektoncd\/pipeline (v\S+)/m.exec(await readFile(join(source, 'go.mod'), 'utf8'))?.[1];
  const started = Date.now();
  process.stderr.write(
    `tekton-validate: building test/tekton-validate (github.com/tektoncd/pipeline ${String(pipeline)}) into ${binary}; the first build takes minutes\n`,
  );
  try {
    await run('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', binary, '.'], {
      cwd: source,
      env: { ...process.env, GOFLAGS: '-mod=readonly' },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `building test/tekton-validate failed (go and the Go module proxy, or a warm module cache, are needed: \`go -C test/tekton-validate mod download\` outside the test's network namespace): ${e.stderr || e.message}`,
    );
  }
  process.stderr.write(`tekton-validate: built in ${Math.round((Date.now() - started) / 1000)} s\n`);
  return binary;
}

const yamlFiles = async (dir: string): Promise<string[]> =>
  (await readdir(join(root, dir)))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(root, dir, f));

test(
  "the Tasks and the example pipelines pass Tekton's validation, and every pipeline task binds its Task's params and workspaces",
  { timeout: 900_000 },
  async () => {
    const bin = await checker();
    const files = [...(await yamlFiles('tekton')), ...(await yamlFiles('examples/tekton'))];
    const { stdout } = await run(bin, files).catch((err: { stdout: string; stderr: string }) => assert.fail(`${err.stdout}${err.stderr}`));
    const checked = stdout.trim().split('\n');
    assert.equal(checked.length, files.length, stdout);
    for (const line of checked) assert.match(line, /^ok /);
    for (const kind of [
      'Task/verify-vouch',
      'Task/verify-vouch-konflux-ta',
      'Pipeline/enterprise-contract',
      'Pipeline/release-verify',
      'Pipeline/release-verify-ta',
    ]) {
      assert.ok(
        checked.some((l) => l.endsWith(` ${kind}`)),
        kind,
      );
    }
  },
);

test(
  'the checker refuses what Tekton refuses: an unknown field, an undeclared variable, a param the Task would drop, a required param not passed',
  { timeout: 900_000 },
  async () => {
    const bin = await checker();
    const dir = await mkdtemp(join(tmpdir(), 'vouch-tekton-validate-'));
    // Hand-made: resources with the mistakes the checker exists to catch.
    const bad = join(dir, 'bad.yaml');
    await writeFile(
      bad,
      `apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: typo
spec:
  steps:
    - name: s
      image: x
      computeResource: {}
---
apiVersion: tekton.dev/v1
kind: Task
metadata:
  name: undeclared
spec:
  steps:
    - name: s
      image: x
      env:
        - name: A
          value: $(params.NOPE)
---
apiVersion: tekton.dev/v1
kind: Pipeline
metadata:
  name: caller
spec:
  workspaces:
    - name: ws
  tasks:
    - name: verify
      taskRef:
        name: verify-vouch
      params:
        - name: SNAPSHOT
          value: "{}"
      workspaces:
        - name: output
          workspace: ws
`,
    );
    const result = await run(bin, [bad, join(root, 'tekton', 'verify-vouch.yaml')]).then(
      () => assert.fail('the checker passed invalid resources'),
      (err: { code: number; stdout: string }) => err,
    );
    assert.equal(result.code, 1);
    assert.match(result.stdout, /INVALID \S+#0 Task\/typo: .*unknown field "computeResource"/);
    assert.match(result.stdout, /INVALID \S+#1 Task\/undeclared: non-existent variable in "\$\(params\.NOPE\)"/);
    assert.match(result.stdout, /INVALID Pipeline\/caller task verify → Task\/verify-vouch: param SNAPSHOT is not declared by the Task: Tekton would drop it/);
    assert.match(result.stdout, /params without a default not passed: IMAGES/);
    assert.match(result.stdout, /workspace output is not declared by the Task/);
  },
);
