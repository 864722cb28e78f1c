// The GitHub workflow examples work as written: every step that runs vouch has it (checked out at
// `vouch/`, Node 24 set up) or uses the Action, and the sharded example's commands, run as the
// runner would run them in a workspace holding the demo, give the reports of a single run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import yaml from 'js-yaml';
import { withCompileCache } from '../support/node-env.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  jobs: Record<string, { needs?: string | string[]; steps: Step[]; strategy?: { matrix?: Record<string, unknown[]> } }>;
}

const load = async (name: string): Promise<Workflow> => yaml.load(await readFile(join(root, 'examples', 'github', name), 'utf8')) as Workflow;

test('every example step that runs vouch has it: checked out at vouch/ with Node 24 before, or the Action itself', async () => {
  for (const file of ['verify.yml', 'matrix.yml']) {
    const wf = await load(file);
    let runsVouch = 0;
    for (const [jobName, job] of Object.entries(wf.jobs)) {
      job.steps.forEach((step, i) => {
        const where = `${file} ${jobName} step ${i + 1}`;
        if (step.uses?.startsWith('vouch-dev/vouch')) {
          assert.match(step.uses, /^vouch-dev\/vouch@\S+$/, where);
          runsVouch++;
        }
        if (!step.run?.includes('vouch/')) return;
        runsVouch++;
        const before = job.steps.slice(0, i);
        assert.ok(
          before.some((s) => s.uses?.startsWith('actions/checkout@') && s.with?.repository === 'vouch-dev/vouch' && s.with.path === 'vouch'),
          `${where} runs vouch/ but no earlier step checks vouch out at vouch/`,
        );
        assert.ok(
          before.some((s) => s.uses?.startsWith('actions/setup-node@') && String(s.with?.['node-version']) === '24'),
          `${where}: vouch needs Node 24`,
        );
      });
    }
    assert.ok(runsVouch > 0, file);
  }
});

/** A workspace as the runner leaves it after the checkouts: the demo's files at the top, vouch (this source tree) at vouch/. */
async function workspace(): Promise<string> {
  const ws = await mkdtemp(join(tmpdir(), 'vouch-gh-example-'));
  const demo = join(root, 'examples', 'demo');
  await cp(join(demo, 'components.yaml'), join(ws, 'components.yaml'));
  await cp(join(demo, 'policy.yaml'), join(ws, 'policy.yaml'));
  await cp(join(demo, 'cosign.pub'), join(ws, 'cosign.pub'));
  // The demo's snapshot and policy name their image and bundle under examples/demo/.
  await mkdir(join(ws, 'examples'));
  await symlink(demo, join(ws, 'examples', 'demo'));
  // vouch/dist/index.js runs this tree's source (dist/ is rebuilt at release; test/unit/dist.test.ts checks it).
  await mkdir(join(ws, 'vouch', 'dist'), { recursive: true });
  await writeFile(join(ws, 'vouch', 'dist', 'index.js'), `await import(${JSON.stringify(pathToFileURL(join(root, 'src', 'faces', 'main.ts')).href)});\n`);
  return ws;
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-e', '-c', script], { cwd, env: withCompileCache(env), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test("examples/github/matrix.yml: the shard commands and the join, run as written, give the single run's verdict and reports", async () => {
  const wf = await load('matrix.yml');
  const ws = await workspace();
  // `node` on PATH is Node 24 (actions/setup-node); nothing else is needed.
  const env: NodeJS.ProcessEnv = { PATH: `${dirname(process.execPath)}:/usr/bin:/bin`, HOME: ws, VOUCH_CACHE_DIR: join(ws, '.cache'), GITHUB_ACTIONS: 'true' };
  const verify = wf.jobs.verify!;
  const shards = verify.strategy!.matrix!.shard!.map(String);
  const run = verify.steps.find((s) => s.run?.includes('validate image'))!.run!;
  const upload = verify.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))!;
  for (const shard of shards) {
    const expand = (text: string): string => text.replaceAll('${{ matrix.shard }}', shard);
    // The demo image has no transparency-log entry: the only flag added to the example's command.
    const result = await bash(`${expand(run).trim()} --ignore-rekor`, ws, env);
    assert.equal(result.code, 0, `shard ${shard}: ${result.stderr}`);
    await readFile(join(ws, expand(String(upload.with!.path))), 'utf8');
    assert.match(
      expand(String(upload.with!.name)),
      new RegExp(`^${String(wf.jobs.join!.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))!.with!.pattern).replace('*', '.*')}$`),
    );
  }
  assert.deepEqual([wf.jobs.join!.needs].flat(), ['verify']);
  const join_ = wf.jobs.join!.steps.find((s) => s.run?.includes('merge-reports'))!.run!;
  const merged = await bash(join_.trim(), ws, env);
  assert.equal(merged.code, 0, merged.stderr);
  const report = JSON.parse(await readFile(join(ws, 'report.json'), 'utf8')) as { success: boolean; components: { name: string }[] };
  assert.equal(report.success, true);
  assert.deepEqual(
    report.components.map((c) => c.name),
    ['widget'],
  );
  assert.equal((JSON.parse(await readFile(join(ws, 'test-output.json'), 'utf8')) as { result: string }).result, 'SUCCESS');
  assert.match(await readFile(join(ws, 'junit.xml'), 'utf8'), /<testcase name="builtin\.image\.signature_check" classname="widget" time="0"\/>/);
  assert.match(merged.stdout, /^Success: true/m);
});
