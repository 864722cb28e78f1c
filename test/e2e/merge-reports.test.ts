// Sharded runs joined by `vouch merge-reports` equal a single run — JSON, JUnit and TEST_OUTPUT —
// for a passing, a failing and an infrastructure-error snapshot; a missing, duplicate or foreign
// shard is refused. Real registry, images signed by the real cosign.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { runCli } from '../../src/faces/cli.ts';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { vouch } from '../support/run-cli.ts';

let reg: TestRegistry;
let fx: Fixtures;
const env = (ws: string): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_CACHE_DIR: join(ws, 'cache') });

before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
});
after(async () => {
  await reg.stop();
});

const keyArgs = (): string[] => ['--public-key', fx.key.pub, '--ignore-rekor'];
/** The run's time is in the JUnit timestamps and TEST_OUTPUT's timestamp; everything else must be equal. */
const untimed = (text: string): string => text.replace(/timestamp="[^"]*"/g, 'timestamp="T"').replace(/"timestamp":"\d+"/, '"timestamp":"T"');

async function singleAndMerged(
  name: string,
  images: string[],
  shards: number,
): Promise<{ ws: string; single: Record<string, string>; merged: Record<string, string>; mergeCode: number; singleCode: number }> {
  const ws = await mkdtemp(join(fx.dir, `merge-${name}-`));
  await writeFile(
    join(ws, 'components.yaml'),
    `# ${name}\ncomponents:\n${images.map((ref, i) => `  - name: ${name}-${i}\n    containerImage: ${ref}\n`).join('')}`,
  );
  const common = [
    'validate',
    'image',
    '--images',
    'components.yaml',
    ...keyArgs(),
    '--effective-time',
    '2026-11-01T00:00:00Z',
    '--allow-past-effective-time',
    '--strict=false',
  ];
  const outs = (prefix: string): string[] => [
    '--output',
    `json=${prefix}.json`,
    '--output',
    `junit=${prefix}.xml`,
    '--output',
    `appstudio=${prefix}.test-output`,
  ];
  const single = await vouch([...common, ...outs('single')], env(ws), ws);
  assert.equal(single.code, 0, single.stderr);
  for (let i = 1; i <= shards; i++) {
    const run = await vouch([...common, '--shard', `${i}/${shards}`, '--output', `json=shard-${i}.json`], env(ws), ws);
    assert.equal(run.code, 0, run.stderr);
  }
  const merged = await vouch(['merge-reports', ...outs('merged'), ...Array.from({ length: shards }, (_, i) => `shard-${i + 1}.json`)], env(ws), ws);
  const read = async (prefix: string): Promise<Record<string, string>> => ({
    json: await readFile(join(ws, `${prefix}.json`), 'utf8'),
    junit: await readFile(join(ws, `${prefix}.xml`), 'utf8'),
    testOutput: await readFile(join(ws, `${prefix}.test-output`), 'utf8'),
  });
  const singleStrict = await vouch([...common.filter((a) => a !== '--strict=false'), '--output', 'json=strict.json'], env(ws), ws);
  return { ws, single: await read('single'), merged: await read('merged'), mergeCode: merged.code, singleCode: singleStrict.code };
}

function assertSameReports(r: Awaited<ReturnType<typeof singleAndMerged>>): void {
  assert.equal(r.merged.json, r.single.json, 'JSON');
  assert.equal(untimed(r.merged.junit!), untimed(r.single.junit!), 'JUnit');
  assert.equal(untimed(r.merged.testOutput!), untimed(r.single.testOutput!), 'TEST_OUTPUT');
  assert.equal(r.mergeCode, r.singleCode, 'the joined report passes or fails as the single (strict) run');
}

test("a passing snapshot in 3 shards: the joined JSON, JUnit and TEST_OUTPUT are the single run's", async () => {
  const r = await singleAndMerged('pass', [fx.happy.ref, ...fx.snapshot.map((s) => s.ref)], 3);
  assertSameReports(r);
  assert.equal((JSON.parse(r.merged.testOutput!) as { result: unknown }).result, 'SUCCESS');
  assert.match(r.merged.junit!, /<testcase name="builtin\.image\.signature_check" classname="pass-0" time="0"\/>/, 'the checks are listed');
  assert.match(r.merged.junit!, /file="components\.yaml"/);
  assert.doesNotMatch(r.merged.json!, /"successes"/, 'successes shown as the single run shows them: not asked for, not written');
});

test('a failing snapshot in 2 shards: the same failures, lines and counts as the single run', async () => {
  const r = await singleAndMerged('fail', [fx.happy.ref, fx.unsigned.ref, fx.wrongKey.ref, fx.snapshot[0]!.ref], 2);
  assertSameReports(r);
  assert.equal(r.mergeCode, 1);
  assert.equal((JSON.parse(r.merged.testOutput!) as { result: unknown }).result, 'FAILURE');
  assert.match(r.merged.junit!, /at fail-1 \(components\.yaml:6:1\)<\/failure>/);
});

test('an infrastructure-error snapshot in 2 shards: the unreachable registry stays an error, not a failure', async () => {
  // Port 1 on loopback: nothing listens, the connection is refused.
  const r = await singleAndMerged('infra', [fx.happy.ref, '127.0.0.1:1/acme/down:v1', fx.snapshot[1]!.ref], 2);
  assertSameReports(r);
  assert.match(r.merged.junit!, /<error message="Image URL is not accessible: [^"]*" type="UNREACHABLE">/);
  assert.match(r.merged.junit!, /<testsuites name="vouch" tests="\d+" failures="0" errors="1" time="0">/);
});

test('merge-reports refuses a missing, a duplicate or a foreign shard, and a report that is no shard, with exit 2 naming it', async () => {
  const a = await mkdtemp(join(fx.dir, 'refuse-a-'));
  const b = await mkdtemp(join(fx.dir, 'refuse-b-'));
  for (const [ws, images] of [
    [a, [fx.happy.ref, fx.snapshot[0]!.ref]],
    [b, [fx.happy.ref, fx.snapshot[2]!.ref]],
  ] as const) {
    await writeFile(join(ws, 'components.yaml'), `components:\n${images.map((ref, i) => `  - name: c${i}\n    containerImage: ${ref}\n`).join('')}`);
    for (const shard of ['1/2', '2/2']) {
      const run = await vouch(
        ['validate', 'image', '--images', 'components.yaml', ...keyArgs(), '--shard', shard, '--output', `json=shard-${shard[0]!}.json`],
        env(ws),
        ws,
      );
      assert.equal(run.code, 0, run.stderr);
    }
    const whole = await vouch(['validate', 'image', '--images', 'components.yaml', ...keyArgs(), '--output', 'json=whole.json'], env(ws), ws);
    assert.equal(whole.code, 0, whole.stderr);
  }
  const merge = (...files: string[]) => vouch(['merge-reports', '--output', 'json', ...files], env(a), a);
  const refused = async (files: string[], message: RegExp): Promise<void> => {
    const run = await merge(...files);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.stdout, '', 'no report from a refused merge');
    assert.match(run.stderr, message);
  };
  await refused([join(a, 'shard-1.json')], /^Error: shard\(s\) 2\/2 missing/);
  await refused([join(a, 'shard-1.json'), join(a, 'shard-2.json'), join(a, 'shard-2.json')], /are both shard 2\/2/);
  await refused(
    [join(a, 'shard-1.json'), join(b, 'shard-2.json')],
    new RegExp(`${join(b, 'shard-2.json').replace(/[/.]/g, '\\$&')}: cut from another snapshot`),
  );
  await refused([join(a, 'shard-1.json'), join(a, 'whole.json')], /whole\.json: no "vouch-shard" field/);
  const ok = await merge(join(a, 'shard-2.json'), join(a, 'shard-1.json'));
  assert.equal(ok.code, 0, ok.stderr);
});

/** A writer standing for a terminal (isTTY), keeping what is written. */
function terminal(): Writable & { text: string; isTTY: boolean } {
  const w = new Writable({
    write(chunk: Buffer, _enc, cb) {
      w.text += chunk.toString();
      cb();
    },
  }) as Writable & { text: string; isTTY: boolean };
  w.text = '';
  w.isTTY = true;
  return w;
}

test('progress goes to stderr only: a report on stdout stays the report; --quiet prints no progress', async () => {
  const ws = await mkdtemp(join(fx.dir, 'progress-'));
  const images = JSON.stringify({ components: [fx.happy, ...fx.snapshot, fx.unsigned].map((s, i) => ({ name: `p${i}`, containerImage: s.ref })) });
  for (const quiet of [false, true]) {
    const stdout = terminal();
    const stderr = terminal();
    // A terminal, not a CI log (whatever runs this test).
    const terminalEnv = { ...env(ws), CI: '', GITHUB_ACTIONS: '' };
    const code = await runCli(['validate', 'image', '--images', images, ...keyArgs(), '--output', 'json', ...(quiet ? ['--quiet'] : [])], terminalEnv, {
      stdout,
      stderr,
      cwd: ws,
    });
    assert.equal(code, 1);
    assert.equal((JSON.parse(stdout.text) as { components: unknown[] }).components.length, 5, 'stdout is the JSON report alone');
    const rest = stderr.text.replace(/\r\x1b\[2K(vouch: \d+\/5 components \(\d+%\), \d+ failing, [\d.]+\/s(, ~\w+ left)?)?/g, '');
    assert.equal(rest, 'Error: success criteria not met\n', 'stderr: progress lines (a terminal may show them) and the verdict');
    if (quiet) assert.doesNotMatch(stderr.text, /\x1b|vouch: \d/);
  }
});
