// The faces run from source as the GitHub runner and a Tekton pod run them (a child process, the
// environment they give), against real images in a loopback registry signed by the real cosign
// and a policy compiled by the real opa:
// - STRICT (Tekton) and `strict` (Action): every value but `false` fails a failed policy;
// - text a registry, a policy or a snapshot controls never becomes a workflow command on stdout or
//   stderr, nor markup in the job summary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { jsonText } from '../../src/util/json-shapes.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startProxy, type LoopbackProxy } from '../support/proxy.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { runnerCommands } from '../support/runner-commands.ts';
import { vouch } from '../support/run-cli.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entry = join(root, 'src', 'faces', 'main.ts');

let dir: string;
let reg: TestRegistry;
let proxy: LoopbackProxy;
let key: KeyPair;
let signed: PushedImage;
let unsigned: PushedImage;

// Hand-made hostile text (no real registry or policy writes these on purpose): runner commands in
// both syntaxes, after a newline, a lone carriage return and leading spaces, and HTML/Markdown.
const REGO_MSG =
  'benign start\n::error::pwned\n  ::add-mask::secret-value\r::set-output name=x::y\nmid ##[error]legacy-pwned <img src=x onerror=alert(1)> | </details> # heading';
const REGO_TERM = '::warning::from-term\n::stop-commands::evil';
const REGO_SOLUTION = '<img src=x onerror=alert(2)> [click](javascript:alert(3)) `code` | ::warning::from-solution';
const REGISTRY_TEXT = '::error::registry-pwned\n##[add-mask]registry-secret <script>alert(4)</script>';
// The registry client turns control characters of an error body into spaces: the rest reaches the report.
const REGISTRY_SEEN = REGISTRY_TEXT.replace('\n', ' ');
const NAME = 'web\n::notice::name-pwned <b onmouseover=alert(5)>bold</b> | ##[group]x';

const rego = `# METADATA
# title: Hostile text
# description: Messages that try to drive the runner and the job summary.
package hostile

import rego.v1

# METADATA
# title: Injects
# custom:
#   short_name: inject
#   solution: ${JSON.stringify(REGO_SOLUTION)}
deny contains result if {
	result := {"code": "hostile.inject", "msg": ${JSON.stringify(REGO_MSG)}, "term": ${JSON.stringify(REGO_TERM)}}
}
`;
import { withCompileCache } from '../support/node-env.ts';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-faces-hostile-'));
  reg = await startRegistry();
  // The registry answers one repository with a hostile error body (hand-made: a real registry does not).
  proxy = await startProxy(reg.host, (req, res) => {
    if (!(req.url ?? '').includes('/regerr/')) return false;
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ errors: [{ code: 'MANIFEST_UNKNOWN', message: REGISTRY_TEXT }] }));
    return true;
  });
  key = await generateKeyPair(dir, 'cosign');
  [signed, unsigned] = await Promise.all([pushImage(`${reg.host}/signed:v1`), pushImage(`${reg.host}/unsigned:v1`)]);
  await sign(dir, signed.pinned, key);
  await attest(dir, signed.pinned, key, slsaV02(), 'slsaprovenance');
  await mkdir(join(dir, 'policy'));
  await writeFile(join(dir, 'policy', 'hostile.rego'), rego);
});

after(async () => {
  // before() may have failed before assigning these.
  (proxy as LoopbackProxy | undefined)?.close();
  await (reg as TestRegistry | undefined)?.stop();
});

function runEntry(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry], { env: withCompileCache(env), cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const baseEnv = (home: string): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, VOUCH_CACHE_DIR: join(dir, 'cache') });

/** INPUT_* as the runner sets them: action.yml defaults, then `with:`; `undefined` leaves an input out. */
async function actionEnv(withInputs: Record<string, string | undefined>, ws: string): Promise<NodeJS.ProcessEnv> {
  const action = yaml.load(await readFile(join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, { default?: string }> };
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(ws),
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: ws,
    GITHUB_OUTPUT: join(ws, 'output.txt'),
    GITHUB_STEP_SUMMARY: join(ws, 'summary.md'),
  };
  for (const [name, def] of Object.entries(action.inputs)) {
    const value = name in withInputs ? withInputs[name] : (def.default ?? '');
    if (value !== undefined) env[`INPUT_${name.toUpperCase()}`] = value;
  }
  await writeFile(env.GITHUB_OUTPUT!, '');
  await writeFile(env.GITHUB_STEP_SUMMARY!, '');
  return env;
}

async function tekton(params: Record<string, string | undefined>): Promise<{ code: number; stderr: string; result: string }> {
  const home = await mkdtemp(join(dir, 'tekton-'));
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(home),
    VOUCH_FACE: 'tekton',
    HOMEDIR: home,
    VOUCH_TEKTON_RESULTS_DIR: join(home, 'results'),
    VOUCH_REPORTS_DIR: '',
  };
  for (const [k, v] of Object.entries(params)) if (v !== undefined) env[k] = v;
  const run = await runEntry(env, home);
  const result = (JSON.parse(await readFile(join(home, 'results', 'TEST_OUTPUT'), 'utf8')) as { result: string }).result;
  return { code: run.code, stderr: run.stderr, result };
}

/** ec's assert step fails for all of these but `false` (jq: JSON false is the only falsy value given; non-JSON breaks the step). */
const STRICT_TABLE: [string | undefined, 0 | 1][] = [
  ['1', 1], // what Konflux release pipelines pass
  ['true', 1],
  ['TRUE', 1],
  ['yes', 1],
  ['', 1],
  ['0', 1],
  ['null', 1],
  ['False', 1],
  ['FALSE', 1],
  ['\u00a0false', 1],
  [undefined, 1],
  ['false', 0],
  [' false\n', 0],
];

test('Tekton STRICT: a failed policy fails the step for every value but "false"', async () => {
  const images = JSON.stringify({ components: [{ name: 'bad', containerImage: unsigned.ref }] });
  for (const [value, code] of STRICT_TABLE) {
    const run = await tekton({ IMAGES: images, PUBLIC_KEY: key.pub, IGNORE_REKOR: 'true', STRICT: value });
    assert.equal(run.result, 'FAILURE');
    assert.equal(run.code, code, `STRICT=${JSON.stringify(value)}: ${run.stderr}`);
    const canonical = value === undefined || value.trim() === 'true' || value.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '') === 'false';
    assert.equal(/Warning: STRICT=.* is not "true" or "false"/.test(run.stderr), !canonical, `STRICT=${JSON.stringify(value)} warns when not canonical`);
  }
  // A passing run passes whatever STRICT says.
  const pass = await tekton({
    IMAGES: JSON.stringify({ components: [{ name: 'ok', containerImage: signed.ref }] }),
    PUBLIC_KEY: key.pub,
    IGNORE_REKOR: 'true',
    STRICT: 'yes',
  });
  assert.equal(pass.code, 0, pass.stderr);
  assert.equal(pass.result, 'SUCCESS');
});

test('Action strict input: a failed policy fails the step for every value but "false"', async () => {
  for (const [value, code] of STRICT_TABLE) {
    const ws = await mkdtemp(join(dir, 'gh-strict-'));
    const run = await runEntry(await actionEnv({ image: unsigned.ref, 'public-key': key.pub, 'ignore-rekor': 'true', strict: value }, ws), ws);
    assert.equal(run.code, code, `strict=${JSON.stringify(value)}: ${run.stdout}${run.stderr}`);
    const failed = runnerCommands(run.stdout).some((c) => c.command === 'error' && /^vouch: \d+ violation/.test(c.data));
    assert.equal(failed, code === 1, `strict=${JSON.stringify(value)}: the step is marked failed`);
  }
});

test('GitHub Action: hostile names, Rego messages and registry errors drive no runner command and render as text in the summary', async () => {
  const ws = await mkdtemp(join(dir, 'gh-hostile-'));
  const components = [
    { name: NAME, containerImage: signed.ref },
    { name: 'unsigned', containerImage: unsigned.ref },
    { name: 'regerr', containerImage: `${proxy.host}/regerr:v1` },
  ];
  await writeFile(join(ws, 'components.json'), JSON.stringify({ components }));
  const policy = JSON.stringify({ sources: [{ policy: [join(dir, 'policy')] }] });
  const env = await actionEnv({ images: 'components.json', 'public-key': key.pub, 'ignore-rekor': 'true', policy, 'show-successes': 'true' }, ws);
  const run = await runEntry(env, ws);
  assert.equal(run.code, 1, run.stdout + run.stderr);

  // What the runner would execute: our annotations and our stop/resume pairs, nothing else.
  const report = JSON.parse(await readFile(join(ws, 'vouch-report.json'), 'utf8')) as {
    components: { name: string; success: boolean; violations?: { msg: string; metadata?: { code?: string } }[] }[];
  };
  /** The Action's annotations: the headline, then per failing component what could not be checked and its policy violations. */
  const expectedErrors = (errors: string[]): string[] => {
    const out = [errors[0]!];
    let k = 1;
    for (const c of report.components.filter((x) => !x.success)) {
      const unchecked = errors[k]?.startsWith(`${c.name}: could not be checked: `) === true;
      if (unchecked) out.push(errors[k++]!);
      const policy = (c.violations ?? []).filter((v) => !(unchecked && String(v.metadata?.code).startsWith('builtin.')));
      if (policy.length > 0) {
        out.push(`${c.name}:\n${policy.map((v) => `${jsonText(v.metadata?.code, 'policy')}: ${v.msg}`).join('\n')}`);
        k++;
      }
    }
    return out;
  };
  assert.ok(
    report.components.some((c) => c.violations?.some((v) => v.msg === REGO_MSG)),
    'the Rego message reached the report',
  );
  assert.ok(
    report.components.some((c) => c.violations?.some((v) => v.msg.includes(REGISTRY_SEEN))),
    'the registry text reached the report',
  );
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    const commands = runnerCommands(text);
    for (const c of commands) {
      if (c.command === 'stop-commands') assert.match(c.data, /^vouch-[0-9a-f]{32}$/, `${stream}: a stop-commands vouch did not write: ${c.line}`);
      else if (c.command === 'resume-commands') continue;
      else assert.ok(['error', 'warning', 'notice', 'debug'].includes(c.command), `${stream}: a live ${c.command} command: ${JSON.stringify(c.line)}`);
    }
    const errors = commands.filter((c) => c.command === 'error').map((c) => c.data);
    if (stream === 'stdout') {
      assert.match(errors[0]!, /^vouch: \d+ violations? in \d of 3 components/, 'the headline comes first');
      assert.deepEqual(errors, expectedErrors(errors));
    } else assert.deepEqual(errors, []);
    assert.equal(
      commands.filter((c) => c.command === 'stop-commands').length,
      commands.filter((c) => c.command === 'resume-commands').length,
      `${stream}: every block is closed`,
    );
  }
  assert.equal(commands(run.stdout, 'warning').length, 0, 'no warning came from the hostile text');
  // The report itself is printed unchanged, inside a block.
  assert.ok(run.stdout.includes('  ::error::pwned'));
  assert.ok(run.stdout.includes('##[error]legacy-pwned'));

  const summary = await readFile(env.GITHUB_STEP_SUMMARY!, 'utf8');
  const ours = summary.replace(/<\/?(details|summary|code)>/g, '');
  assert.doesNotMatch(ours, /[<>`[\]]/, 'no tag, code span or link from untrusted text');
  for (const line of summary.split('\n')) {
    assert.match(
      line,
      /^($|## vouch: |vouch&#58; |### |\| |\|---|<details><summary>[✕⚠] |<code>|Error: |<\/details>|_)/,
      `a line untrusted text started: ${JSON.stringify(line)}`,
    );
    if (line.startsWith('| <code>')) assert.equal(line.split('|').length, 5, `one row, three cells: ${line}`);
  }
  assert.ok(summary.includes('&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;'), 'the Rego HTML shows as text');
  assert.ok(summary.includes('&#60;script&#62;alert&#40;4&#41;&#60;&#47;script&#62;'), 'the registry HTML shows as text');
  assert.ok(summary.includes('web &#58;&#58;notice&#58;&#58;name&#45;pwned &#60;b onmouseover'), 'the name shows as text on one line');
});

function commands(text: string, name: string): string[] {
  return runnerCommands(text)
    .filter((c) => c.command === name)
    .map((c) => c.data);
}

test('the CLI in a workflow run step (GITHUB_ACTIONS=true): reports on stdout drive no command; JSON stays JSON', async () => {
  const ws = await mkdtemp(join(dir, 'cli-'));
  const snapshot = JSON.stringify({
    components: [
      { name: NAME, containerImage: signed.ref },
      { name: 'regerr', containerImage: `${proxy.host}/regerr:v1` },
    ],
  });
  const policy = JSON.stringify({ sources: [{ policy: [join(dir, 'policy')] }] });
  const env = { ...baseEnv(ws), GITHUB_ACTIONS: 'true' };
  const run = await vouch(
    [
      'validate',
      'image',
      '--images',
      snapshot,
      '--policy',
      policy,
      '--public-key',
      key.pub,
      '--ignore-rekor',
      '--info',
      '--output',
      'text',
      '--output',
      'json',
      '--output',
      'yaml',
      '--output',
      'policy-input',
    ],
    env,
    ws,
  );
  assert.equal(run.code, 1, run.stderr);
  for (const [stream, text] of [
    ['stdout', run.stdout],
    ['stderr', run.stderr],
  ] as const) {
    for (const c of runnerCommands(text)) {
      assert.ok(
        c.command === 'resume-commands' || (c.command === 'stop-commands' && /^vouch-[0-9a-f]{32}$/.test(c.data)),
        `${stream}: a live ${c.command}: ${JSON.stringify(c.line)}`,
      );
    }
  }
  const json = run.stdout.split('\n').find((l) => l.startsWith('{"success"'));
  const report = JSON.parse(json!) as { components: { violations?: { msg: string }[] }[] };
  assert.ok(
    report.components.some((c) => c.violations?.some((v) => v.msg === REGO_MSG)),
    'the JSON carries the message unchanged',
  );
  assert.ok(report.components.some((c) => c.violations?.some((v) => v.msg.includes(REGISTRY_SEEN))));
});
