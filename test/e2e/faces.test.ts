// The single entrypoint run the way the GitHub runner and a Tekton pod run it, against real
// fixture images: outputs, job summary, annotations, TEST_OUTPUT and exit codes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { withCompileCache } from '../support/node-env.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The source entry (Node runs TypeScript): the faces as they are now; test/unit/dist.test.ts checks the bundle.
const entry = join(root, 'src', 'faces', 'main.ts');
let reg: TestRegistry;
let fx: Fixtures;

before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
});
after(async () => {
  await reg.stop();
});

function runEntry(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry], { env: withCompileCache(env), cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** INPUT_* as the runner sets them: action.yml defaults, then the workflow's `with:`. */
async function actionEnv(withInputs: Record<string, string>, workspace: string): Promise<NodeJS.ProcessEnv> {
  const action = yaml.load(await readFile(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: workspace,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: workspace,
    VOUCH_CACHE_DIR: join(workspace, '.cache'),
  };
  for (const [name, def] of Object.entries(action.inputs)) env[`INPUT_${name.toUpperCase()}`] = withInputs[name] ?? def.default ?? '';
  env.GITHUB_OUTPUT = join(workspace, 'output.txt');
  env.GITHUB_STEP_SUMMARY = join(workspace, 'summary.md');
  await writeFile(env.GITHUB_OUTPUT, '');
  await writeFile(env.GITHUB_STEP_SUMMARY, '');
  return env;
}

/** Parses the runner's GITHUB_OUTPUT file (name<<delimiter blocks). */
function outputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm;
  for (const m of text.matchAll(re)) out[m[1]!] = m[3]!;
  return out;
}

test('GitHub Action: a passing snapshot sets outputs, writes the summary and the reports; the JUnit lists the checks it made', async () => {
  const ws = await mkdtemp(join(fx.dir, 'gh-'));
  await writeFile(join(ws, 'components.yaml'), `components:\n  - name: happy\n    containerImage: ${fx.happy.ref}\n`);
  const env = await actionEnv({ images: 'components.yaml', 'public-key': fx.key.pub, 'ignore-rekor': 'true' }, ws);
  const run = await runEntry(env, ws);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const out = outputs(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
  assert.equal(out.result, 'SUCCESS');
  assert.equal(out.success, 'true');
  assert.equal(out.violations, '0');
  assert.equal(out['infrastructure-errors'], '0');
  assert.equal(out['report-path'], join(ws, 'vouch-report.json'));
  assert.equal((JSON.parse(out['test-output']!) as { result: unknown }).result, 'SUCCESS');
  const report = JSON.parse(await readFile(join(ws, 'vouch-report.json'), 'utf8')) as { success: boolean; components: Record<string, unknown>[] };
  assert.equal(report.success, true);
  assert.equal(report.components[0]!.successes, undefined, 'show-successes is false by default: the JSON report has none');
  // With the Action's defaults a passing run still lists its checks (dorny showed "0 ran").
  const junit = await readFile(join(ws, 'vouch-junit.xml'), 'utf8');
  assert.match(junit, /<testsuite name="happy" tests="3" failures="0" errors="0" skipped="0" time="0" timestamp="[^"]+" file="components\.yaml">/);
  assert.match(junit, /<testcase name="builtin\.image\.signature_check" classname="happy" time="0"\/>/);
  assert.match(run.stdout, /::notice::vouch: 1 component passed/);
  assert.match(await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8'), /## vouch: SUCCESS/);
});

test('GitHub Action: a failing component fails the step; the headline is the first annotation, then one per component on its line', async () => {
  const ws = await mkdtemp(join(fx.dir, 'gh-'));
  await writeFile(
    join(ws, 'components.yaml'),
    `# release\ncomponents:\n  - name: happy\n    containerImage: ${fx.happy.ref}\n  - name: unsigned\n    containerImage: ${fx.unsigned.ref}\n`,
  );
  const env = await actionEnv({ images: 'components.yaml', 'public-key': fx.key.pub, 'ignore-rekor': 'true' }, ws);
  const run = await runEntry(env, ws);
  assert.equal(run.code, 1);
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  assert.deepEqual(errors[0], '::error::vouch: 2 violations in 1 of 2 components');
  assert.match(
    errors[1]!,
    /^::error title=unsigned%3A 2 violation\(s\),file=components\.yaml,line=6::unsigned:%0Abuiltin\.attestation\.signature_check: .*%0Abuiltin\.image\.signature_check: Image signature check failed: no signatures found$/,
  );
  const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
  assert.match(summary, /<details><summary>✕ unsigned — 2 violations<\/summary>/);
  assert.doesNotMatch(summary, /✕ happy/);
  const junit = await readFile(join(ws, 'vouch-junit.xml'), 'utf8');
  assert.match(
    junit,
    /<failure message="Image signature check failed: no signatures found" type="violation">Image signature check failed: no signatures found\nImage: [^\n]+\n {4}at unsigned \(components\.yaml:6:1\)<\/failure>/,
  );
  assert.equal(outputs(await readFile(env.GITHUB_OUTPUT!, 'utf8')).result, 'FAILURE');
});

test('GitHub Action: 12 failing components — the headline survives the cap of 10 errors, 9 components are annotated, a notice points at the summary', async () => {
  const ws = await mkdtemp(join(fx.dir, 'gh-'));
  const bad = [fx.unsigned, fx.wrongKey, fx.copiedSignature, fx.tamperedSignature, fx.noAttestations, fx.wrongSubjectAttestation];
  // Each image twice, by tag and by digest: 12 components.
  const refs = bad.flatMap((img) => [img.ref, img.pinned]);
  await writeFile(join(ws, 'components.yaml'), `components:\n${refs.map((r, i) => `  - name: c${i}\n    containerImage: ${r}\n`).join('')}`);
  const env = await actionEnv({ images: 'components.yaml', 'public-key': fx.key.pub, 'ignore-rekor': 'true' }, ws);
  const run = await runEntry(env, ws);
  assert.equal(run.code, 1);
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  assert.equal(errors.length, 10, errors.join('\n'));
  assert.match(errors[0]!, /^::error::vouch: \d+ violations in 12 of 12 components$/);
  assert.match(
    run.stdout,
    /::notice::3 more component annotation\(s\) not shown \(GitHub keeps 10 errors and 10 warnings per step\): see the job summary and the reports\./,
  );
});

test('GitHub Action: a registry that cannot be reached is not a violation: its own output, ERROR, and the step fails', async () => {
  const ws = await mkdtemp(join(fx.dir, 'gh-'));
  // Port 1 on loopback: nothing listens, the connection is refused.
  await writeFile(
    join(ws, 'components.yaml'),
    `components:\n  - name: happy\n    containerImage: ${fx.happy.ref}\n  - name: down\n    containerImage: 127.0.0.1:1/acme/down:v1\n`,
  );
  const env = await actionEnv({ images: 'components.yaml', 'public-key': fx.key.pub, 'ignore-rekor': 'true' }, ws);
  const run = await runEntry(env, ws);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const out = outputs(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
  assert.equal(out.result, 'ERROR');
  assert.equal(out.success, 'false');
  assert.equal(out.violations, '0');
  assert.equal(out['infrastructure-errors'], '1');
  assert.equal((JSON.parse(out['test-output']!) as { result: unknown }).result, 'FAILURE', 'TEST_OUTPUT counts as ec does');
  const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'));
  assert.equal(errors[0], '::error::vouch: 1 component of 2 could not be checked (registry or network error); no policy violation in the others');
  assert.match(errors[1]!, /^::error title=down%3A UNREACHABLE,file=components\.yaml,line=5::down: could not be checked: /);
  assert.match(
    await readFile(join(ws, 'vouch-junit.xml'), 'utf8'),
    /<testcase name="builtin\.image\.accessible" classname="down" time="0">\n\s+<error message="Image URL is not accessible: [^"]*" type="UNREACHABLE">/,
  );
  const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
  assert.match(summary, /^## vouch: ERROR\n/);
  assert.match(summary, /⚠ down — could not be checked \(UNREACHABLE\)/);
});

test('GitHub Action: strict=false reports the failure without failing the step; a configuration error sets result=ERROR and says what to fix', async () => {
  const ws = await mkdtemp(join(fx.dir, 'gh-'));
  const lenient = await runEntry(await actionEnv({ image: fx.unsigned.ref, 'public-key': fx.key.pub, 'ignore-rekor': 'true', strict: 'false' }, ws), ws);
  assert.equal(lenient.code, 0);
  assert.match(lenient.stdout, /::warning::vouch: 2 violations in 1 of 1 component/);
  const env = await actionEnv({ image: fx.happy.ref, 'public-key': fx.key.pub, policy: '{"sources": [{"policy": ["x"], "confg": {}}]}' }, ws);
  const bad = await runEntry(env, ws);
  assert.equal(bad.code, 2);
  assert.match(bad.stdout, /::error::.*policy\.sources\[0\]\.confg: unknown field; did you mean "config"\?/);
  const out = outputs(await readFile(env.GITHUB_OUTPUT!, 'utf8'));
  assert.equal(out.result, 'ERROR');
  assert.equal(out.success, 'false');
  assert.match(out.error!, /policy\.sources\[0\]\.confg: unknown field; did you mean "config"\?/);
  assert.equal((JSON.parse(out['test-output']!) as { result: unknown }).result, 'ERROR');
  const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
  assert.match(summary, /^## vouch: ERROR\n\nvouch stopped \(POLICY&#95;SCHEMA\): .*confg&#58; unknown field/);
  assert.match(summary, /Fix what the message names/);
});

async function tekton(params: Record<string, string>): Promise<{ code: number; testOutput: Record<string, unknown>; home: string; stderr: string }> {
  const home = await mkdtemp(join(fx.dir, 'tekton-'));
  const results = join(home, 'results');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    VOUCH_FACE: 'tekton',
    HOME: home,
    HOMEDIR: home,
    VOUCH_TEKTON_RESULTS_DIR: results,
    VOUCH_REPORTS_DIR: '',
    VOUCH_CACHE_DIR: join(home, 'cache'),
    ...params,
  };
  const run = await runEntry(env, home);
  const testOutput = JSON.parse(await readFile(join(results, 'TEST_OUTPUT'), 'utf8')) as Record<string, unknown>;
  return { code: run.code, testOutput, home, stderr: run.stderr };
}

const TEST_OUTPUT_KEYS = ['timestamp', 'namespace', 'successes', 'failures', 'warnings', 'result'];

test('Tekton: pass, fail (STRICT decides the exit), warning-only and hard-error runs all write a valid TEST_OUTPUT', async () => {
  const images = JSON.stringify({ components: [{ name: 'happy', containerImage: fx.happy.ref }] });
  const pass = await tekton({ IMAGES: images, PUBLIC_KEY: fx.key.pub, IGNORE_REKOR: 'true' });
  assert.equal(pass.code, 0);
  assert.deepEqual(Object.keys(pass.testOutput), TEST_OUTPUT_KEYS);
  assert.equal(pass.testOutput.result, 'SUCCESS');
  assert.match(pass.testOutput.timestamp as string, /^\d{10}$/);
  assert.equal((JSON.parse(await readFile(join(pass.home, 'report-json.json'), 'utf8')) as { success: boolean }).success, true);
  assert.match(await readFile(join(pass.home, 'text-report.txt'), 'utf8'), /^Success: true/);
  assert.match(await readFile(join(pass.home, 'junit.xml'), 'utf8'), /<testsuites/);

  const failImages = JSON.stringify({ components: [{ name: 'bad', containerImage: fx.unsigned.ref }] });
  const fail = await tekton({ IMAGES: failImages, PUBLIC_KEY: fx.key.pub, IGNORE_REKOR: 'true', STRICT: 'true' });
  assert.equal(fail.code, 1);
  assert.equal(fail.testOutput.result, 'FAILURE');
  const lenient = await tekton({ IMAGES: failImages, PUBLIC_KEY: fx.key.pub, IGNORE_REKOR: 'true', STRICT: 'false' });
  assert.equal(lenient.code, 0);
  assert.equal(lenient.testOutput.result, 'FAILURE');

  const policies = join(root, 'examples', 'policies');
  const warnPolicy = JSON.stringify({
    sources: [{ policy: [policies], config: { include: ['labels'] }, ruleData: { required_labels: ['com.example.absent'] } }],
  });
  const warn = await tekton({ IMAGES: images, PUBLIC_KEY: fx.key.pub, IGNORE_REKOR: 'true', POLICY_CONFIGURATION: warnPolicy });
  assert.equal(warn.code, 0, warn.stderr);
  assert.equal(warn.testOutput.result, 'WARNING');
  assert.equal(warn.testOutput.warnings, 1);

  const broken = await tekton({ IMAGES: images, PUBLIC_KEY: fx.key.pub, POLICY_CONFIGURATION: '{"sources": 3}' });
  assert.equal(broken.code, 2);
  assert.deepEqual(Object.keys(broken.testOutput), [...TEST_OUTPUT_KEYS, 'note']);
  assert.equal(broken.testOutput.result, 'ERROR');
  assert.match(broken.testOutput.note as string, /^Error: .*policy\.sources: must be a list/s);
});
