// --timeout stops the run whatever it is doing: a policy stuck in a long evaluation (which runs in
// an evaluation worker, so the timer fires and the worker is terminated) or a registry that never
// answers (requests in flight are aborted). The CLI runs in a child process: the process itself
// must exit promptly with exit 4 and ec's message, and no report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTufRepository } from '../support/sigstore-stack/tuf.ts';
import { vouch } from '../support/run-cli.ts';

const main = fileURLToPath(new URL('../../src/faces/main.ts', import.meta.url));
const image = CONFORMA_KEYLESS_IMAGE;
const keyless = CONFORMA_KEYLESS_ARGS;
const TIMEOUT_MESSAGE = /^Error: exceeded allowed execution time of 2s, the timeout can be adjusted using the --timeout command line argument\n$/;

// With rule data `spin`, a billion iterations with nothing kept: minutes of evaluation, no memory
// growth. Without it the policy passes at once (a run that compiles it for the others).
const LOOP = `package loop

import rego.v1

# METADATA
# title: Spins
# custom:
#   short_name: spins
deny contains result if {
\tdata.rule_data__configuration__.spin
\tn := count([1 | some a in numbers.range(1, 1000); some b in numbers.range(1, 1000); some c in numbers.range(1, 1000); a + b + c == 0])
\tn >= 0
\tresult := {"code": "loop.spins", "msg": "never reached"}
}
`;
import { CONFORMA_KEYLESS_ARGS, CONFORMA_KEYLESS_IMAGE } from '../support/conforma-keyless.ts';

interface Exited {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The CLI as a process; killed (and the test failed) if it has not exited after `limitMs`. */
async function cli(args: string[], env: NodeJS.ProcessEnv, limitMs = 300_000): Promise<Exited> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [main, ...args], { env, timeout: limitMs }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: number | string; killed?: boolean }) | null;
      if (e?.killed) return reject(new Error(`vouch had not exited after ${limitMs / 1000} s: ${stderr}`));
      resolve({ code: e ? Number(e.code) : 0, stdout, stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

let prepared: Promise<{ policy: string; env: NodeJS.ProcessEnv }> | undefined;

/**
 * The looping policy, compiled into a cache directory shared by the tests by a first run that does
 * not spin: the measured runs time out while evaluating, not while compiling.
 */
function loopPolicy(): Promise<{ policy: string; env: NodeJS.ProcessEnv }> {
  prepared ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vouch-timeout-'));
    await writeFile(join(dir, 'loop.rego'), LOOP);
    const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
    const compiling = await cli(
      ['validate', 'image', '--image', image, ...keyless, '--policy', JSON.stringify({ sources: [{ policy: [dir], ruleData: { spin: false } }] })],
      env,
    );
    assert.equal(compiling.code, 0, compiling.stderr);
    return { policy: JSON.stringify({ sources: [{ policy: [dir], ruleData: { spin: true } }] }), env };
  })();
  return prepared;
}

test("a policy evaluating for minutes: --timeout 2s ends the process with exit 4 and ec's message, no report", async () => {
  const { policy, env } = await loopPolicy();
  const run = await cli(['validate', 'image', '--image', image, ...keyless, '--policy', policy, '--timeout', '2s', '--output', 'json'], env);
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, TIMEOUT_MESSAGE);
  assert.equal(run.stdout, '');
  assert.ok(run.seconds >= 2, `exited after ${run.seconds.toFixed(1)} s, before --timeout 2s`);
});

test('in-process (as the GitHub and Tekton faces run it): exit 4, and the evaluation workers are gone', async () => {
  const { policy, env } = await loopPolicy();
  const started = performance.now();
  const run = await vouch(['validate', 'image', '--image', image, ...keyless, '--policy', policy, '--timeout', '2s', '--output', 'json'], env);
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, TIMEOUT_MESSAGE);
  assert.ok(performance.now() - started >= 2000, 'ended no earlier than --timeout 2s');
  // A worker still running would keep this test process alive; the runner would then time out.
});

const stalled: Socket[] = [];
const silent = createServer((socket) => stalled.push(socket));
after(() => {
  for (const s of stalled) s.destroy();
  silent.close();
});

test('a registry that accepts connections and never answers: --timeout 2s aborts the requests and the process exits', async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const dir = await mkdtemp(join(tmpdir(), 'vouch-timeout-'));
  // Any key: verification is never reached.
  await writeFile(join(dir, 'key.pub'), generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }));
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const run = await cli(
    ['validate', 'image', '--image', `127.0.0.1:${port}/acme/app:v1`, '--public-key', join(dir, 'key.pub'), '--ignore-rekor', '--timeout', '2s'],
    env,
    90_000,
  );
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, TIMEOUT_MESSAGE);
  assert.ok(run.seconds >= 2, `exited after ${run.seconds.toFixed(1)} s, before --timeout 2s`);
  assert.ok(stalled.length > 0, 'the registry was reached');
});

test('a TUF mirror that never answers: the trust root is loaded inside --timeout, exit 4 at the limit', async () => {
  if (!silent.listening) await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const dir = await mkdtemp(join(tmpdir(), 'vouch-timeout-'));
  // A real TUF root.json (its repository stopped at once): the mirror asked is the silent one.
  const repo = await startTufRepository(join(dir, 'repo'), { 'trusted_root.json': Buffer.from('{}') });
  await repo.stop();
  const before = stalled.length;
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const started = performance.now();
  // In-process: @sigstore/tuf takes no abort signal, so its request lingers (until its own 5 s
  // timeout and retries) after the run has ended with the timeout.
  const run = await vouch(
    ['validate', 'image', '--image', image, ...keyless.slice(2), '--tuf-mirror', `http://127.0.0.1:${port}`, '--tuf-root', repo.rootPath, '--timeout', '2s'],
    env,
  );
  assert.equal(run.code, 4, run.stderr);
  assert.match(run.stderr, TIMEOUT_MESSAGE);
  assert.ok(performance.now() - started >= 2000, 'ended no earlier than --timeout 2s');
  assert.ok(stalled.length > before, 'the mirror was asked');
});
