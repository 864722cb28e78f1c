// `--policy` resolution on hostile input: every source URL is checked before anything is fetched
// (whichever way the policy arrives), a remote policy may not point at local files, and alias bombs
// or oversized documents are refused quickly, naming the file.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { resolvePolicy } from '../../../src/policy/resolve-config.ts';
import { DOCUMENT_LIMITS } from '../../../src/config/document.ts';
import { InputError } from '../../../src/errors.ts';
import { billionLaughsUnder } from '../../support/yaml-bombs.ts';
import { withinCpuAsync } from '../../support/cpu-time.ts';

const run = promisify(execFile);
let dir: string;
let server: Server;
let base: string;
const archives = new Map<string, Buffer>();
const opts = (): { baseDir: string; cacheDir: string; env: NodeJS.ProcessEnv } => ({ baseDir: dir, cacheDir: join(dir, 'cache'), env: process.env });
const hostileRef = (): string => `git::file://${dir}/repo?ref=${encodeURIComponent(`--upload-pack=touch ${dir}/pwned;false`)}`;
const refused =
  (code: string, ...fragments: string[]) =>
  (e: unknown) =>
    e instanceof InputError && e.code === code && e.exitCode === 2 && fragments.every((f) => e.message.includes(f));

/** A tar.gz made by the real tar holding one policy.yaml, served at /<name>.tar.gz. */
async function serveConfig(name: string, yaml: string): Promise<string> {
  const src = join(dir, `cfg-${name}`);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'policy.yaml'), yaml);
  await run('tar', ['-C', src, '-czf', join(dir, `${name}.tar.gz`), 'policy.yaml']);
  archives.set(`/${name}.tar.gz`, await (await import('node:fs/promises')).readFile(join(dir, `${name}.tar.gz`)));
  return `${base}/${name}.tar.gz`;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-policy-'));
  server = createServer((req, res) => {
    const body = archives.get(req.url ?? '');
    if (body) res.writeHead(200).end(body);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('a hostile git ref is refused at resolution, inline JSON or a policy.yaml, naming the policy and the source', async () => {
  const url = hostileRef();
  const inline = JSON.stringify({ sources: [{ policy: ['./ok'], data: [url] }] });
  await assert.rejects(resolvePolicy(inline, opts()), refused('GIT_REF_INVALID', '--policy: sources[0].data', url));
  const file = join(dir, 'policy.yaml');
  await writeFile(file, `sources:\n  - policy:\n      - ${JSON.stringify(url)}\n`);
  await assert.rejects(resolvePolicy(file, opts()), refused('GIT_REF_INVALID', `${file}: sources[0].policy`, url));
  await assert.rejects(
    resolvePolicy(`sources: [{policy: [${JSON.stringify(`git::https://h.example/r.git?depth=-1`)}]}]`, opts()),
    refused('GIT_DEPTH_INVALID', '--policy'),
  );
});

test('plain-http variants are refused: upper case, blanks, and --policy itself', async () => {
  await assert.rejects(resolvePolicy(JSON.stringify({ sources: [{ policy: ['HTTP://policies.example.com/p.tar.gz'] }] }), opts()), refused('INSECURE_SOURCE'));
  await assert.rejects(
    resolvePolicy(JSON.stringify({ sources: [{ policy: [' http://policies.example.com/p.tar.gz'] }] }), opts()),
    refused('SOURCE_URL_INVALID'),
  );
  await assert.rejects(resolvePolicy(' HTTP://policies.example.com/policy.tar.gz ', opts()), refused('INSECURE_SOURCE'));
});

test('a remote policy configuration may not name local files or repositories, nor hostile refs', async () => {
  for (const [name, source, code] of [
    ['abs', '/etc', 'REMOTE_POLICY_LOCAL_SOURCE'],
    ['rel', './policies', 'REMOTE_POLICY_LOCAL_SOURCE'],
    ['filegit', `git::file://${dir}/repo`, 'REMOTE_POLICY_LOCAL_SOURCE'],
    ['hostile', hostileRef(), 'GIT_REF_INVALID'],
  ] as const) {
    const url = await serveConfig(name, `sources:\n  - data:\n      - ${JSON.stringify(source)}\n`);
    await assert.rejects(resolvePolicy(url, opts()), refused(code, `${url} policy.yaml: sources[0].data`, source), name);
  }
  const fine = await serveConfig('fine', 'sources:\n  - policy:\n      - oci::quay.io/conforma/release-policy:konflux\n');
  assert.deepEqual((await resolvePolicy(fine, opts())).spec, { sources: [{ policy: ['oci::quay.io/conforma/release-policy:konflux'] }] });
});

test('a billion-laughs policy.yaml is refused quickly, naming the file; local or remote', async () => {
  const file = join(dir, 'bomb.yaml');
  await writeFile(file, billionLaughsUnder('description'));
  await withinCpuAsync(1000, 'a local billion-laughs policy.yaml', () =>
    assert.rejects(resolvePolicy(file, opts()), (e: unknown) => refused('DOCUMENT_TOO_LARGE', `${file}:`, 'alias bomb')(e)),
  );
  const url = await serveConfig('bomb', billionLaughsUnder('description'));
  await withinCpuAsync(2000, 'a remote billion-laughs policy.yaml (this process serves it too)', () =>
    assert.rejects(resolvePolicy(url, opts()), refused('DOCUMENT_TOO_LARGE', `${url} policy.yaml:`)),
  );
});

test('inline JSON nested past the limit is refused; schema errors are capped', async () => {
  const deep = `{"sources":[{"ruleData":${'{"a":'.repeat(DOCUMENT_LIMITS.maxDepth + 1)}1${'}'.repeat(DOCUMENT_LIMITS.maxDepth + 1)}}]}`;
  await assert.rejects(resolvePolicy(deep, opts()), refused('DOCUMENT_TOO_LARGE', '--policy (inline JSON)'));
  const many = JSON.stringify(Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, 1])));
  await assert.rejects(
    resolvePolicy(many, opts()),
    (e: unknown) => e instanceof InputError && e.code === 'POLICY_SCHEMA' && e.message.split('\n').length < 60 && e.message.includes('more errors not shown'),
  );
});
