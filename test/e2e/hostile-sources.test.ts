// Hostile policy sources through every entry point of the CLI: `--policy` inline, a policy.yaml file,
// a remote policy configuration (loopback http and a git repository), and `vouch policy build`. A
// git ref that would run a command is refused with exit 2 naming the source, and the marker file the
// payload would create stays absent. Also: downgrading redirects, gzip bombs and YAML alias bombs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { vouch } from '../support/run-cli.ts';
import { billionLaughsUnder } from '../support/yaml-bombs.ts';

const run = promisify(execFile);
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
let dir: string;
let marker: string;
let hostile: string;
let pub: string;
let server: Server;
let base: string;
let env: NodeJS.ProcessEnv;
const served = new Map<string, Buffer>();
// Nothing listens on port 1: the image is never reached, the policy is what is judged.
const IMAGE = ['--image', `127.0.0.1:1/none@sha256:${'a'.repeat(64)}`];

async function gitRepo(path: string, files: Record<string, string>): Promise<void> {
  await run('git', ['init', '-q', '-b', 'main', path]);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(path, name, '..'), { recursive: true });
    await writeFile(join(path, name), text);
  }
  await run('git', ['-C', path, 'add', '.'], { env: gitEnv });
  await run('git', ['-C', path, 'commit', '-qm', 'x'], { env: gitEnv });
}

const validate = (policy: string, extra: string[] = []): ReturnType<typeof vouch> =>
  vouch(['validate', 'image', ...IMAGE, '--public-key', pub, '--ignore-rekor', '--policy', policy, ...extra], env, dir);

async function assertRefused(r: { code: number; stderr: string }, ...fragments: string[]): Promise<void> {
  assert.equal(r.code, 2, r.stderr);
  for (const f of fragments) assert.ok(r.stderr.includes(f), `${JSON.stringify(f)} not in ${r.stderr}`);
  assert.ok(!/\n\s+at /.test(r.stderr), 'no stack trace');
  await assert.rejects(access(marker), 'the payload ran: the marker file exists');
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-hostile-'));
  marker = join(dir, 'pwned');
  await gitRepo(join(dir, 'repo'), { 'policy/a.rego': 'package a\n' });
  // --upload-pack runs its value through the shell for local and ssh transports.
  hostile = `git::file://${join(dir, 'repo')}//policy?ref=${encodeURIComponent(`--upload-pack=touch ${marker};git-upload-pack`)}`;
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  pub = join(dir, 'key.pub');
  await writeFile(pub, publicKey.export({ type: 'spki', format: 'pem' }));
  env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/downgrade.tar.gz') res.writeHead(302, { location: 'http://policies.example.com/p.tar.gz' }).end();
    else if (served.has(url)) res.writeHead(200).end(served.get(url));
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  server.close();
  await rm(dir, { recursive: true, force: true });
});

test('--policy inline JSON with a command-running git ref: exit 2 naming the source, nothing runs', async () => {
  await assertRefused(await validate(JSON.stringify({ sources: [{ policy: [hostile] }] })), 'is not a git branch, tag or commit name');
});

test('a policy.yaml file naming that source: exit 2 naming the file and the source', async () => {
  const file = join(dir, 'policy.yaml');
  await writeFile(file, `sources:\n  - name: release\n    policy:\n      - ${JSON.stringify(hostile)}\n`);
  await assertRefused(await validate(file), file, hostile);
});

test('a remote policy configuration (loopback http, and a git repository) naming that source', async () => {
  const cfg = join(dir, 'cfg');
  await mkdir(join(cfg, '.ec'), { recursive: true });
  await writeFile(join(cfg, '.ec', 'policy.yaml'), `sources:\n  - policy:\n      - ${JSON.stringify(hostile)}\n`);
  await run('tar', ['-C', cfg, '-czf', join(dir, 'cfg.tar.gz'), '.ec']);
  served.set('/cfg.tar.gz', await readFile(join(dir, 'cfg.tar.gz')));
  await assertRefused(await validate(`${base}/cfg.tar.gz`), `${base}/cfg.tar.gz .ec/policy.yaml`, hostile);
  await gitRepo(join(dir, 'cfg-repo'), { 'policy.yaml': `sources:\n  - data:\n      - ${JSON.stringify(hostile)}\n` });
  await assertRefused(await validate(`git::file://${join(dir, 'cfg-repo')}`), 'policy.yaml: sources[0].data', hostile);
});

test('a remote policy configuration naming a local file as its public key: exit 2, the file is never read', async () => {
  const cfg = join(dir, 'cfg-key');
  await mkdir(cfg, { recursive: true });
  // /proc/self/environ would hand the key parser this process's secrets; any local path is refused.
  await writeFile(join(cfg, 'policy.yaml'), 'publicKey: /proc/self/environ\nsources: []\n');
  await run('tar', ['-C', cfg, '-czf', join(dir, 'cfg-key.tar.gz'), 'policy.yaml']);
  served.set('/cfg-key.tar.gz', await readFile(join(dir, 'cfg-key.tar.gz')));
  const r = await vouch(['validate', 'image', ...IMAGE, '--ignore-rekor', '--policy', `${base}/cfg-key.tar.gz`], env, dir);
  await assertRefused(r, 'policy publicKey in the policy configuration from', 'must give its public key as PEM text');
  // The same file named on the command line is the user's choice, and is read (and refused as no key).
  const local = await vouch(['validate', 'image', ...IMAGE, '--ignore-rekor', '--public-key', join(cfg, 'policy.yaml')], env, dir);
  assert.equal(local.code, 2, local.stderr);
  assert.match(local.stderr, /not a PEM public key/);
});

test('vouch policy build: a hostile source URL, or a config naming one', async () => {
  const out = join(dir, 'bundle.tar.gz');
  await assertRefused(await vouch(['policy', 'build', '--policy', hostile, '--output', out], env, dir), hostile);
  const file = join(dir, 'build.yaml');
  await writeFile(file, `sources:\n  - policy:\n      - ${JSON.stringify(hostile)}\n`);
  await assertRefused(await vouch(['policy', 'build', '--policy', file, '--output', out], env, dir), file, hostile);
  await assertRefused(
    await vouch(['policy', 'build', '--policy', `git::https://host.example/r.git?depth=0`, '--output', out], env, dir),
    'depth "0" must be a positive integer',
  );
  await assertRefused(await vouch(['policy', 'build', '--policy', `git::ext::sh -c touch% ${marker}`, '--output', out], env, dir), 'ext:: is not allowed');
});

test('an https source redirecting to plain http elsewhere is refused before connecting (exit 2)', async () => {
  const url = `${base}/downgrade.tar.gz`;
  await assertRefused(
    await validate(JSON.stringify({ sources: [{ policy: [url] }] })),
    'attempting to download from insecure source: http://policies.example.com/p.tar.gz',
    url,
  );
});

test('a gzip bomb served as a policy archive is refused at the limit, naming the source (exit 2)', async () => {
  const src = join(dir, 'bomb');
  await mkdir(src);
  await writeFile(join(src, 'zeros.rego'), '');
  await truncate(join(src, 'zeros.rego'), 160 * 1024 * 1024); // sparse
  await run('sh', ['-c', `tar -C ${src} -cf - zeros.rego | gzip -1 > ${join(dir, 'bomb.tar.gz')}`]);
  await rm(src, { recursive: true });
  served.set('/bomb.tar.gz', await readFile(join(dir, 'bomb.tar.gz')));
  const url = `${base}/bomb.tar.gz`;
  await assertRefused(
    await validate(JSON.stringify({ sources: [{ policy: [url] }] })),
    `policy source ${url}: the archive expands to more than 134217728 bytes`,
  );
});

test('YAML alias bombs in components.yaml and policy.yaml: exit 2 naming the file, well under a second', async () => {
  const components = join(dir, 'components.yaml');
  await writeFile(components, billionLaughsUnder('artifacts', `components:\n  - name: a\n    containerImage: 127.0.0.1:1/none@sha256:${'a'.repeat(64)}\n`));
  // Expanded, the bomb would take minutes or all memory: exit 2 naming the alias bomb proves it was refused unexpanded.
  const snap = await vouch(['validate', 'image', '--images', components, '--public-key', pub, '--ignore-rekor'], env, dir);
  await assertRefused(snap, components, 'alias bomb');
  const policy = join(dir, 'bomb-policy.yaml');
  await writeFile(policy, billionLaughsUnder('description'));
  const pol = await validate(policy);
  await assertRefused(pol, policy, 'alias bomb');
});
