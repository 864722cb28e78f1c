// The evaluation worker's own build (scripts/bundle.ts), as dist/index.js embeds it: it holds the
// evaluation code only (no CLI, registry, Sigstore or HTTP client), started as the bundled pool
// starts it (src/policy/wasm/worker-launch.ts) it evaluates as an instance in this thread does,
// and dist/index.js's workers run it, not the whole bundle again.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BUILTIN_NAMESPACE, bundleEvaluationWorker } from '../../../../scripts/bundle.ts';
import type { CpuProfile } from '../../../../scripts/bench-lib.ts';
import { compilePolicy } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy, policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { EVALUATION_WORKER, type FromWorker, type ToWorker } from '../../../../src/policy/wasm/worker.ts';
import { WORKER_FILENAME, startEvaluationWorker } from '../../../../src/policy/wasm/worker-launch.ts';
import { profiledDemo } from '../../../support/run-cli.ts';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const built = bundleEvaluationWorker(root);

// What only the main thread may hold: the faces, the run, the registry and Sigstore clients, the
// compiler (opa, tar, YAML), and Node's network and process modules.
const MAIN_ONLY_SOURCES = /^src\/(faces|validate|oci|sigstore|report|config)\/|^src\/policy\/(opa\/compile|opa\/parse|sources\/|engine)/;
const MAIN_ONLY_BUILTINS = /^(node:)?(http|https|http2|net|tls|dgram|dns|child_process|zlib)$/;
const MAIN_ONLY_MODULES = /^NativeModule (http|https|http2|net|tls|child_process|zlib|internal\/deps\/undici\/undici)$/;

test("the worker's build holds the evaluation code, and no module only the main thread needs", async () => {
  const { metafile, code } = await built;
  const inputs = Object.keys(metafile.inputs).map((p) => p.replace(/^(\.\.\/)+[^/]+\//, ''));
  assert.ok(inputs.includes('src/policy/wasm/worker.ts') && inputs.some((p) => p.endsWith('@open-policy-agent/opa-wasm/src/opa.js')), inputs.join('\n'));
  assert.deepEqual(
    inputs.filter((p) => MAIN_ONLY_SOURCES.test(p)),
    [],
  );
  // Node's built-ins are inputs of their own namespace (scripts/bundle.ts lazyNodeBuiltins), or external.
  const builtins = [
    ...Object.keys(metafile.inputs).flatMap((p) => (p.startsWith(`${BUILTIN_NAMESPACE}:`) ? [`node:${p.slice(BUILTIN_NAMESPACE.length + 1)}`] : [])),
    ...Object.values(metafile.inputs).flatMap((i) => i.imports.filter((m) => m.external).map((m) => m.path)),
  ];
  assert.ok(builtins.includes('node:worker_threads'), builtins.join(' '));
  assert.deepEqual(
    builtins.filter((m) => MAIN_ONLY_BUILTINS.test(m)),
    [],
  );
  // The CLI's own text (its usage) is not in it: the worker is not the whole bundle again.
  assert.doesNotMatch(code, /validate image --demo/);
});

/** Runs `code` in a worker as the bundled pool does, with `workerData`; resolves with its messages until `until` says stop. */
async function exchange(code: string, workerData: Record<string, unknown>, send: ToWorker[], until: (m: FromWorker[]) => boolean): Promise<FromWorker[]> {
  const worker = startEvaluationWorker(workerData, [], code);
  const got: FromWorker[] = [];
  try {
    return await new Promise((resolve, reject) => {
      worker.on('message', (m: FromWorker) => {
        got.push(m);
        if (until(got)) resolve(got);
      });
      worker.on('error', reject);
      worker.on('exit', (c) => reject(new Error(`worker exited (${c}) after ${JSON.stringify(got)}`)));
      for (const m of send) worker.postMessage(m);
    });
  } finally {
    await worker.terminate();
  }
}

test('started as the bundled pool starts it, the built worker evaluates a real policy as an instance here does', async () => {
  const { code } = await built;
  const compiled = await compilePolicy(
    [
      {
        path: 'p.rego',
        text: 'package p\n\nimport rego.v1\n\ndeny contains msg if {\n\tinput.n > data.limit\n\tmsg := sprintf("%d is over %d", [input.n, data.limit])\n}\n',
      },
    ],
    { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-launch-')), env: process.env },
  );
  const data = { limit: 3 };
  const now = new Date('2026-11-23T00:00:00Z');
  const here = await loadCompiledPolicy(compiled, data, { now });
  const inputs = [{ n: 1 }, { n: 7 }];
  const got = await exchange(
    code,
    { vouchWorker: EVALUATION_WORKER },
    [
      { kind: 'load', sources: [{ ...(await policyProgram(compiled)), data }], nowMs: now.getTime() },
      ...inputs.map((input, id) => ({ kind: 'evaluate' as const, id, input: JSON.stringify(input) })),
    ],
    (m) => m.length === 1 + inputs.length || m.some((x) => x.kind === 'failed'),
  );
  assert.deepEqual(got, [{ kind: 'loaded' }, ...inputs.map((input, id) => ({ kind: 'outcomes', id, outcomes: [here.evaluate(input)] }))]);
  assert.equal(here.evaluate({ n: 7 })[0]!.results.length, 1, 'the policy denies something');
});

test('once its code has run, the built worker has loaded no network, process or HTTP module of Node', async () => {
  const { code } = await built;
  // Without `vouchWorker` it does not serve; the appended line reports what its top level loaded.
  const report = `${code}\nrequire('node:worker_threads').parentPort.postMessage({ kind: 'modules', list: process.moduleLoadList });`;
  const worker = startEvaluationWorker({}, [], report);
  const list = await new Promise<string[]>((resolve, reject) => {
    worker.once('message', (m: { list: string[] }) => resolve(m.list));
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.ok(list.includes('NativeModule worker_threads') && list.includes('NativeModule v8'), 'the list is the worker’s own');
  assert.deepEqual(
    list.filter((m) => MAIN_ONLY_MODULES.test(m)),
    [],
  );
});

test("dist/index.js's evaluation workers run the embedded worker code, not the bundle", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-launch-prof-'));
  // Sampled every 100 µs: each thread's profile then certainly shows the code it ran.
  const { stdout } = await profiledDemo(dir, 'json', ['--cpu-prof-interval', '100']);
  assert.equal((JSON.parse(stdout) as { success: boolean }).success, true);
  // Node names a profile CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; thread 0 is the main one.
  const files = await readdir(dir);
  const workers = files.filter((f) => /^CPU\.\d+\.\d+\.\d+\.[1-9]\d*\.\d+\.cpuprofile$/.test(f));
  assert.ok(workers.length >= 1 && workers.length < files.length, files.join(' '));
  for (const f of workers) {
    const profile = JSON.parse(await readFile(join(dir, f), 'utf8')) as CpuProfile;
    const scripts = new Set(profile.nodes.map((n) => n.callFrame.url.split('/').pop()));
    assert.ok(scripts.has(WORKER_FILENAME), `${f}: ${[...scripts].join(' ')}`);
    assert.ok(!scripts.has('index.js'), `${f} ran dist/index.js`);
  }
});
