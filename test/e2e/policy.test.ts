// The policy engine end to end: Rego compiled by the real opa, evaluated in-process, compared with
// `opa eval` on the same input; sources from files, git over loopback, and OCI; pre-compiled bundles.
import { NO_SIGNER } from '../support/sigstore-opts.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseReference } from '../../src/oci/reference.ts';
import { MediaType } from '../../src/oci/types.ts';
import { configData, loadDataTree } from '../../src/policy/data.ts';
import { compilePolicy } from '../../src/policy/opa/compile.ts';
import { loadCompiledPolicy } from '../../src/policy/wasm/evaluate.ts';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson, vouch } from '../support/run-cli.ts';
import { billionLaughsUnder } from '../support/yaml-bombs.ts';
import { toolPath } from '../support/tools.ts';
import { pushBlob, pushManifest } from '../support/push.ts';
import { withCompileCache } from '../support/node-env.ts';

const run = promisify(execFile);
const policies = fileURLToPath(new URL('../../examples/policies', import.meta.url));
let reg: TestRegistry;
let fx: Fixtures;
let env: NodeJS.ProcessEnv;

before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
  env = { ...process.env, VOUCH_CACHE_DIR: join(fx.dir, 'cache') };
});
after(async () => {
  await reg.stop();
});

type Result = { msg: string; metadata?: Record<string, unknown> };
const keyArgs = (): string[] => ['--public-key', fx.key.pub, '--ignore-rekor'];

test('the seed example: include slsa_source_version_controlled with --info gives successes with code, title, description and collections', async () => {
  const policy = JSON.stringify({ sources: [{ name: 'policies', policy: [policies] }], configuration: { include: ['slsa_source_version_controlled'] } });
  const { code, report } = await validateJson(['--image', fx.happy.ref, ...keyArgs(), '--policy', policy, '--info', '--show-successes'], env);
  assert.equal(code, 0);
  const successes = (report.components[0]!.successes as Result[]).filter((s) => String(s.metadata?.code).startsWith('slsa_source'));
  assert.deepEqual(
    successes.map((s) => s.metadata),
    [
      {
        code: 'slsa_source_version_controlled.material_non_git_uri',
        collections: ['minimal', 'slsa2', 'slsa3'],
        description: 'Each entry in the predicate.materials array of the attestation uses a git URI.',
        title: 'Material from a git repository',
      },
      {
        code: 'slsa_source_version_controlled.material_without_git_commit',
        collections: ['minimal', 'slsa2', 'slsa3'],
        description: 'Each entry in the predicate.materials array of the attestation includes a SHA1 digest which corresponds to a git commit.',
        title: 'Material with git commit digest',
      },
      {
        code: 'slsa_source_version_controlled.missing_materials',
        collections: ['minimal', 'slsa2', 'slsa3'],
        description: 'At least one entry in the predicate.materials array of the attestation contains the expected attributes: uri and digest.sha1.',
        title: 'Material format',
      },
    ],
  );
  assert.deepEqual((report.policy as { configuration: unknown }).configuration, { include: ['slsa_source_version_controlled'] });
});

test('rule data, a failing rule with a term, a future rule as a warning, and ec-style messages from Go sprintf', async () => {
  const policy = JSON.stringify({
    sources: [
      {
        name: 'release',
        policy: [policies],
        ruleData: { allowed_builder_ids: ['https://builder.example/only'], required_labels: ['com.example.team', 'com.example.missing'] },
      },
    ],
  });
  const { code, report } = await validateJson(['--image', fx.happy.ref, ...keyArgs(), '--policy', policy], env);
  assert.equal(code, 1);
  const c = report.components[0]!;
  assert.deepEqual(c.violations, [
    {
      msg: 'Builder ID "https://tekton.dev/chains/v2" is not in the allowed list ["https://builder.example/only"]',
      metadata: { code: 'builder.allowed', term: 'https://tekton.dev/chains/v2' },
    },
  ]);
  assert.deepEqual(
    (c.warnings as Result[]).map((w) => w.msg),
    [
      'The image has SLSA provenance v0.2; SLSA v1 provenance is expected',
      'The image has no org.opencontainers.image.source label. This will become a failure starting on 2099-01-01T00:00:00Z',
      'The image has no "com.example.missing" label',
      'The image is signed only with long-lived keys; a certificate-backed signature is recommended',
    ],
  );
});

async function policyInput(): Promise<unknown> {
  const r = await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--output', 'policy-input'], env);
  return JSON.parse(r.stdout);
}

test('differential: deny/warn sets from wasm equal `opa eval` on the same input and data', async () => {
  const input = await policyInput();
  const dir = await mkdtemp(join(fx.dir, 'diff-'));
  await writeFile(join(dir, 'input.json'), JSON.stringify(input));
  const ruleData = { rule_data__configuration__: { allowed_builder_ids: ['https://x.example'], required_labels: ['a', 'com.example.team'] } };
  const data = {
    ...(await loadDataTree([])),
    ...ruleData,
    ...configData(0, NO_SIGNER),
  };
  await writeFile(join(dir, 'data.json'), JSON.stringify(data));
  const files = await Promise.all(
    [
      'lib/lib.rego',
      'builder/builder.rego',
      'labels/labels.rego',
      'future/future.rego',
      'slsa_source_version_controlled/slsa_source_version_controlled.rego',
      'slsa_provenance_available/slsa_provenance_available.rego',
    ].map(async (p) => ({ path: join(policies, p), text: await readFile(join(policies, p), 'utf8') })),
  );
  const compiled = await compilePolicy(files, { cacheDir: join(fx.dir, 'cache'), env: process.env });
  const loaded = await loadCompiledPolicy(compiled, data);
  const ours = loaded.evaluate(input);
  for (const outcome of ours) {
    const { stdout } = await run(toolPath('opa'), [
      'eval',
      '-d',
      policies,
      '-d',
      join(dir, 'data.json'),
      '-i',
      join(dir, 'input.json'),
      '--format',
      'json',
      `data.${outcome.namespace}.${outcome.rule}`,
    ]);
    const theirs = ((JSON.parse(stdout) as { result?: { expressions: { value: unknown[] }[] }[] }).result?.[0]?.expressions[0]?.value ?? []) as Record<
      string,
      unknown
    >[];
    const sorted = (o: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
    const norm = (list: Record<string, unknown>[]): string[] => list.map((r) => JSON.stringify(sorted(r))).sort();
    assert.deepEqual(
      norm(outcome.results.map((r) => ({ ...r.metadata, msg: r.msg }))),
      norm(theirs.map((r) => (typeof r === 'string' ? { msg: r } : r))),
      `${outcome.namespace}.${outcome.rule}`,
    );
  }
  assert.ok(
    ours.some((o) => o.results.length > 0),
    'the comparison covered failing rules',
  );
});

/** Runs vouch as its own process, so PATH really lacks opa. */
async function vouchProcess(args: string[], childEnv: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const main = fileURLToPath(new URL('../../src/faces/main.ts', import.meta.url));
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: withCompileCache(childEnv), maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('a pre-compiled bundle gives the same report with opa absent from PATH', async () => {
  const bundle = join(fx.dir, 'bundle.tar.gz');
  const build = await vouch(['policy', 'build', '--policy', policies, '--output', bundle], env);
  assert.equal(build.code, 0, build.stderr);
  const withOpa = await validateJson(
    ['--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [policies] }] }), '--show-successes'],
    env,
  );
  const noOpaEnv = { HOME: fx.dir, PATH: dirname(process.execPath), VOUCH_CACHE_DIR: join(fx.dir, 'no-opa-cache') };
  const args = ['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--show-successes', '--output', 'json'];
  const withBundle = await vouchProcess([...args, '--policy', JSON.stringify({ sources: [{ policy: [bundle] }] })], noOpaEnv);
  assert.equal(withBundle.code, 0, withBundle.stderr);
  assert.deepEqual((JSON.parse(withBundle.stdout) as { components: unknown }).components, withOpa.report.components);
  const compileWithoutOpa = await vouchProcess([...args, '--policy', JSON.stringify({ sources: [{ policy: [policies] }] })], noOpaEnv);
  assert.equal(compileWithoutOpa.code, 3, compileWithoutOpa.stderr);
  assert.match(compileWithoutOpa.stderr, /needs the opa CLI.*pre-compiled bundle/);
});

test('network builtins are refused at compile time; boolean deny rules are refused', async () => {
  const dir = await mkdtemp(join(fx.dir, 'bad-'));
  await mkdir(join(dir, 'net'));
  await writeFile(
    join(dir, 'net', 'net.rego'),
    'package net\nimport rego.v1\ndeny contains msg if {\n  r := http.send({"method": "get", "url": "http://127.0.0.1:1"})\n  msg := sprintf("%v", [r])\n}\n',
  );
  const net = await vouch(
    ['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [join(dir, 'net')] }] })],
    env,
  );
  assert.equal(net.code, 2);
  assert.match(net.stderr, /policy compilation error: the policy references Rego built-in functions not available in this context \(http\.send\)/);
  await mkdir(join(dir, 'bool'));
  await writeFile(join(dir, 'bool', 'main.rego'), 'package main\nimport rego.v1\n\ndeny if {\n  true\n}\n');
  const bool = await vouch(
    ['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [join(dir, 'bool')] }] })],
    env,
  );
  assert.equal(bool.code, 2);
  assert.match(bool.stderr, /the rule "deny if" returns an unsupported value, at .*main\.rego:4/);
});

test('an unknown policy field is rejected with its JSON path', async () => {
  const r = await vouch(
    ['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [policies], config: { inclde: ['x'] } }] })],
    env,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /policy\.sources\[0\]\.config\.inclde: unknown field; did you mean "include"\?/);
});

test('git sources over loopback (git daemon): //subdir and ?ref=, pinned to the commit in the report', async () => {
  const base = await mkdtemp(join(fx.dir, 'git-'));
  const repo = join(base, 'policies.git');
  await mkdir(repo);
  const g = (...args: string[]): Promise<{ stdout: string }> =>
    run('git', ['-C', repo, ...args], {
      env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' },
    });
  await g('init', '-q', '-b', 'main');
  await cp(policies, join(repo, 'policy'), { recursive: true });
  await g('add', '.');
  await g('commit', '-qm', 'policies');
  const sha = (await g('rev-parse', 'HEAD')).stdout.trim();
  const port = await freePort();
  const daemon: ChildProcess = spawn('git', ['daemon', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, '--reuseaddr', base], {
    stdio: 'ignore',
  });
  try {
    // Wait until the daemon answers rather than sleeping a fixed time.
    for (let tries = 0; ; tries++) {
      const up = await run('git', ['ls-remote', `git://127.0.0.1:${port}/policies.git`]).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (tries > 100) throw new Error('git daemon did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = `git::git://127.0.0.1:${port}/policies.git//policy?ref=main`;
    const { code, report } = await validateJson(
      ['--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ name: 'git', policy: [url] }] })],
      env,
    );
    assert.equal(code, 0);
    assert.deepEqual((report.policy as { sources: { policy: string[] }[] }).sources[0]!.policy, [
      `git::git://127.0.0.1:${port}/policies.git//policy?ref=${sha}`,
    ]);
  } finally {
    daemon.kill();
  }
});

test('an OCI policy bundle (a vouch bundle pushed as an ORAS-style layer) is pulled, pinned by digest and evaluated', async () => {
  const bundle = join(fx.dir, 'oci-bundle.tar.gz');
  assert.equal((await vouch(['policy', 'build', '--policy', policies, '--output', bundle], env)).code, 0);
  const ref = parseReference(`${reg.host}/policy-bundle:v1`);
  const layer = await pushBlob(ref, await readFile(bundle));
  const config = await pushBlob(ref, Buffer.from('{}'));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config.digest, size: config.size },
      layers: [
        {
          mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip',
          digest: layer.digest,
          size: layer.size,
          annotations: { 'org.opencontainers.image.title': 'bundle.tar.gz' },
        },
      ],
    }),
  );
  const pushed = await pushManifest(ref, 'v1', manifest, MediaType.OciManifest);
  const { code, report } = await validateJson(
    ['--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [`oci::${reg.host}/policy-bundle:v1`] }] }), '--show-successes'],
    env,
  );
  assert.equal(code, 0);
  assert.deepEqual((report.policy as { sources: { policy: string[] }[] }).sources[0]!.policy, [`oci::${reg.host}/policy-bundle:v1@${pushed.digest}`]);
  assert.ok((report.components[0]!.successes as Result[]).some((s) => s.metadata?.code === 'builder.allowed'));
});

test('https sources: a policy archive served on loopback is downloaded and expanded; plain http elsewhere is refused', async () => {
  const { createServer } = await import('node:http');
  const archive = join(fx.dir, 'policies.tar.gz');
  await run('tar', ['-czf', archive, '-C', dirname(policies), 'policies']);
  const bytes = await readFile(archive);
  const server = createServer((req, res) => {
    if (req.url === '/policies.tar.gz') res.writeHead(200, { 'content-type': 'application/gzip' }).end(bytes);
    else res.writeHead(404).end();
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${port}/policies.tar.gz`;
    const { code, report } = await validateJson(
      ['--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [url] }] }), '--show-successes'],
      env,
    );
    assert.equal(code, 0);
    assert.ok((report.components[0]!.successes as Result[]).some((s) => s.metadata?.code === 'builder.allowed'));
    const insecure = await vouch(
      [
        'validate',
        'image',
        '--image',
        fx.happy.ref,
        ...keyArgs(),
        '--policy',
        JSON.stringify({ sources: [{ policy: ['http://policies.example.com/p.tar.gz'] }] }),
      ],
      env,
    );
    assert.equal(insecure.code, 2);
    assert.match(insecure.stderr, /attempting to download from insecure source: http:\/\/policies\.example\.com\/p\.tar\.gz/);
  } finally {
    server.close();
  }
});

test('--extra-rule-data adds string values to every source ruleData (echoed in the report); a bad item is an error', async () => {
  const policy = JSON.stringify({
    sources: [
      { name: 'a', policy: [join(policies, 'lib'), join(policies, 'builder')] },
      { name: 'b', policy: [join(policies, 'lib'), join(policies, 'labels')], ruleData: { x: 1 } },
    ],
  });
  const { report } = await validateJson(['--image', fx.happy.ref, ...keyArgs(), '--policy', policy, '--extra-rule-data', 'team=release,level=3'], env);
  const sources = (report.policy as { sources?: { ruleData?: Record<string, unknown> }[] }).sources ?? [];
  assert.deepEqual(
    sources.map((s) => s.ruleData),
    [
      { team: 'release', level: '3' },
      { x: 1, team: 'release', level: '3' },
    ],
  );
  const bad = await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--extra-rule-data', 'novalue'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /incorrect syntax for --extra-rule-data 0/);
});

test('a billion-laughs rule data file in a data source: exit 2 naming the file, quickly', async () => {
  const data = await mkdtemp(join(fx.dir, 'bomb-data-'));
  const file = join(data, 'rule_data.yml');
  await writeFile(file, billionLaughsUnder('rule_data'));
  const policy = JSON.stringify({ sources: [{ policy: [policies], data: [data] }] });
  // The same sources as the tests above: the compiled policy comes from the cache.
  await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--policy', JSON.stringify({ sources: [{ policy: [policies] }] })], env);
  // Expanded, the bomb would take minutes or all memory: the refusal naming it proves it was not expanded.
  const r = await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--policy', policy], env);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`${file}: with its aliases expanded`), r.stderr);
});
