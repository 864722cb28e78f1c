// scripts/install-tools.sh's grouped Go builds, run for real by the real go command on hand-made
// modules served from a file:// module proxy (offline): a tool whose requirements would raise a
// dependency of its build's anchor (cosign, opa) fails the build naming the module and both versions;
// a tool raised above its own pinned version fails naming it; tools that agree build in one module,
// with progress lines, and are linked. The modules are hand-made because the checks are about version
// conflicts no real release pair is guaranteed to keep showing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, copyFile, mkdir, mkdtemp, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';

const run = promisify(execFile);
const script = new URL('../../../scripts/install-tools.sh', import.meta.url).pathname;
const skip = await run('go', ['version']).then(
  () => false,
  () => 'needs the go command',
);

/** A zip of stored (uncompressed) entries: the module zip format the go command reads. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

interface Mod {
  path: string;
  version: string;
  requires: string[];
  files: Record<string, string>;
}

/** Serves the modules as a GOPROXY=file:// directory. */
async function proxy(dir: string, mods: Mod[]): Promise<void> {
  for (const m of mods) {
    const at = join(dir, m.path, '@v');
    await mkdir(at, { recursive: true });
    const gomod = `module ${m.path}\n\ngo 1.22\n${m.requires.map((r) => `\nrequire ${r}\n`).join('')}`;
    await writeFile(join(at, `${m.version}.info`), JSON.stringify({ Version: m.version, Time: '2025-01-01T00:00:00Z' }));
    await writeFile(join(at, `${m.version}.mod`), gomod);
    const files = Object.fromEntries(Object.entries({ 'go.mod': gomod, ...m.files }).map(([f, t]) => [`${m.path}@${m.version}/${f}`, t]));
    await writeFile(join(at, `${m.version}.zip`), zip(files));
    const list = join(at, 'list');
    await writeFile(list, `${await readFile(list, 'utf8').catch(() => '')}${m.version}\n`);
  }
}

const main = (imports: string[]): string =>
  `package main\n\nimport (\n\t"os"\n${imports.map((i) => `\t"${i}"\n`).join('')})\n\nfunc main() { os.Stdout.WriteString(${imports.map((i) => `${i.split('/').at(-1)!}.V`).join(' + " " + ')} + "\\n") }\n`;
const lib = (name: string, v: string): Record<string, string> => ({ [`${name}.go`]: `package ${name}\n\nconst V = "${name} ${v}"\n` });

/**
 * A copy of the installer beside a tools.env naming the hand-made modules: cosign (the anchor of the
 * first build) is example.com/anchor, rekor-tiles example.com/raiser, olareg example.com/other, and the
 * rest of the first build the anchor's module again. The second build's tools and tekton-validate are
 * already installed, so only the first build runs.
 */
interface Deeper {
  anchorRequires: string[];
  raiserImports: string[];
  mods: Mod[];
}

async function installer(raiser: string[], deeper?: Deeper): Promise<{ root: string; home: string; env: NodeJS.ProcessEnv }> {
  const root = await mkdtemp(join(tmpdir(), 'vouch-install-builds-'));
  const home = join(root, 'home');
  await mkdir(join(root, 'scripts'), { recursive: true });
  await copyFile(script, join(root, 'scripts', 'install-tools.sh'));
  const anchor = (prefix: string): string => `${prefix}_MODULE=example.com/anchor\n${prefix}_PACKAGE=example.com/anchor/cmd/anchor\n${prefix}_VERSION=v1.0.0\n`;
  await writeFile(
    join(root, 'scripts', 'tools.env'),
    [
      'GO_VERSION=1.22.0',
      anchor('COSIGN_V3'),
      'REKOR_TILES_MODULE=example.com/raiser\nREKOR_TILES_PACKAGE=example.com/raiser/cmd/raiser\nREKOR_TILES_VERSION=v1.0.0',
      'TRILLIAN_MODULE=example.com/anchor\nTRILLIAN_VERSION=v1.0.0',
      ...['SERVER', 'SIGNER', 'CREATETREE'].map((t) => `TRILLIAN_${t}_PACKAGE=example.com/anchor/cmd/anchor`),
      'OLAREG_MODULE=example.com/other\nOLAREG_PACKAGE=example.com/other/cmd/other\nOLAREG_VERSION=v1.0.0',
      ...['ACTIONLINT', 'OPA', 'REKOR', 'FULCIO', 'TSA', 'CT_SERVER', 'CRANE'].map(anchor),
      'DEBIAN_PACKAGES=""',
      '',
    ].join('\n'),
  );
  for (const name of ['opa', 'rekor-server', 'fulcio', 'timestamp-server', 'ct_server', 'crane']) {
    await mkdir(join(home, `${name}-v1.0.0`), { recursive: true });
    await writeFile(join(home, `${name}-v1.0.0`, 'anchor'), '#!/bin/sh\n');
    await chmod(join(home, `${name}-v1.0.0`, 'anchor'), 0o755);
  }
  const tv = join(root, 'test', 'tekton-validate');
  await mkdir(tv, { recursive: true });
  for (const f of ['go.mod', 'go.sum', 'main.go']) await writeFile(join(tv, f), `${f}\n`);
  const tvBin = join(home, `tekton-validate-${createHash('sha256').update('go.mod\ngo.sum\nmain.go\n').digest('hex').slice(0, 12)}`, 'tekton-validate');
  await mkdir(dirname(tvBin), { recursive: true });
  await writeFile(tvBin, '#!/bin/sh\n');
  await chmod(tvBin, 0o755);
  await proxy(join(root, 'proxy'), [
    { path: 'example.com/dep', version: 'v1.0.0', requires: [], files: lib('dep', 'v1.0.0') },
    { path: 'example.com/dep', version: 'v1.1.0', requires: [], files: lib('dep', 'v1.1.0') },
    { path: 'example.com/other', version: 'v1.0.0', requires: [], files: { ...lib('other', 'v1.0.0'), 'cmd/other/main.go': main(['example.com/other']) } },
    { path: 'example.com/other', version: 'v1.1.0', requires: [], files: { ...lib('other', 'v1.1.0'), 'cmd/other/main.go': main(['example.com/other']) } },
    {
      path: 'example.com/anchor',
      version: 'v1.0.0',
      requires: ['example.com/dep v1.0.0', ...(deeper?.anchorRequires ?? [])],
      files: { 'cmd/anchor/main.go': main(['example.com/dep']), 'storage/mysql/schema/storage.sql': '-- schema\n' },
    },
    {
      path: 'example.com/raiser',
      version: 'v1.0.0',
      requires: raiser,
      files: { 'cmd/raiser/main.go': main(['example.com/dep', ...(deeper?.raiserImports ?? [])]) },
    },
    ...(deeper?.mods ?? []),
  ]);
  const env = {
    ...process.env,
    VOUCH_TOOLS_HOME: home,
    VOUCH_TOOLS_HEARTBEAT: '1',
    GOPROXY: `file://${join(root, 'proxy')}`,
    GOSUMDB: 'off',
    GOMODCACHE: join(root, 'gomodcache'),
    GOFLAGS: '-modcacherw',
    GOTOOLCHAIN: 'local',
    GOWORK: 'off',
  };
  return { root, home, env };
}

async function refused(raiser: string[]): Promise<{ stderr: string; home: string }> {
  const { root, home, env } = await installer(raiser);
  try {
    const failed = await run('bash', [join(root, 'scripts', 'install-tools.sh')], { env }).then(
      () => assert.fail('the installer built a build whose versions disagree'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    await assert.rejects(readlink(join(home, 'bin', 'cosign')), { code: 'ENOENT' });
    return { stderr: failed.stderr, home };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test("a tool that would raise a dependency of its build's anchor fails the build, naming the module and both versions", { skip }, async () => {
  const { stderr } = await refused(['example.com/dep v1.1.0']);
  assert.match(
    stderr,
    /^install-tools: \[1\/1\] downloading cosign v1\.0\.0, rekor-posix v1\.0\.0, trillian_log_server v1\.0\.0, .*olareg v1\.0\.0, actionlint v1\.0\.0 FAILED \(exit 1\)/m,
  );
  assert.match(
    stderr,
    /^cosign v1\.0\.0 would not build with its own go\.mod's versions; .*\n {2}example\.com\/dep v1\.1\.0 instead of v1\.0\.0\nmove the tool that requires them to another build$/m,
  );
  assert.doesNotMatch(stderr, /building/);
});

test('a tool raised above its own pinned version by another tool of its build fails the build, naming it', { skip }, async () => {
  const { stderr } = await refused(['example.com/dep v1.0.0', 'example.com/other v1.1.0']);
  assert.match(stderr, /^olareg would build at example\.com\/other v1\.1\.0, not its pinned v1\.0\.0: another tool of its build requires that$/m);
});

test('tools whose versions agree build in one module, say how far they are, and are linked', { skip }, async () => {
  const { root, home, env } = await installer(['example.com/dep v1.0.0']);
  try {
    const { stdout, stderr } = await run('bash', [join(root, 'scripts', 'install-tools.sh')], { env });
    assert.equal(stdout.trim().split('\n').at(-1), join(home, 'bin'));
    assert.match(stderr, /^install-tools: Go builds: 1, one at a time, each on every core, \d+ links at a time/m);
    assert.match(stderr, /^install-tools: \[1\/1\] building cosign v1\.0\.0, rekor-posix v1\.0\.0, .*actionlint v1\.0\.0 \(\d+ packages to compile\) …$/m);
    assert.match(stderr, /^install-tools: \[1\/1\] building cosign \+6 … done in \d+ s$/m);
    const says: [string, string][] = [
      ['cosign', 'dep v1.0.0'],
      ['rekor-posix', 'dep v1.0.0'],
      ['olareg', 'other v1.0.0'],
      ['createtree', 'dep v1.0.0'],
    ];
    for (const [name, said] of says) {
      const { stdout: out } = await run(join(home, 'bin', name));
      assert.equal(out, `${said}\n`, name);
    }
    assert.equal(await readFile(join(home, 'bin', 'trillian-storage.sql'), 'utf8'), '-- schema\n');
    // A later run builds nothing.
    const again = await run('bash', [join(root, 'scripts', 'install-tools.sh')], { env });
    assert.doesNotMatch(again.stderr, /building|downloading/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test("a package imported from a module only a raised dependency requires builds at that go.mod's version, never the latest", { skip }, async () => {
  // rekor-tiles' stand-in imports lib from example.com/lib v1.0.0; the anchor's go.mod requires lib
  // v1.1.0 (its indirect requirement: it imports none of it), whose lib imports example.com/deep,
  // required at v1.0.0 by lib v1.1.0's go.mod only. The build's pruned graph does not hold deep: the
  // installer must require lib itself rather than let the go command take deep's latest, v1.2.0.
  const libAt = (v: string, imports: string[], requires: string[]): Mod => ({
    path: 'example.com/lib',
    version: v,
    requires,
    files: {
      'lib.go': `package lib\n\nimport (\n${imports.map((i) => `\t"${i}"\n`).join('')})\n\nconst V = "lib ${v}"${imports.map((i) => ` + " " + ${i.split('/').at(-1)!}.V`).join('')}\n`,
    },
  });
  const { root, home, env } = await installer(['example.com/dep v1.0.0', 'example.com/lib v1.0.0'], {
    anchorRequires: ['example.com/lib v1.1.0'],
    raiserImports: ['example.com/lib'],
    mods: [
      libAt('v1.0.0', [], []),
      libAt('v1.1.0', ['example.com/deep'], ['example.com/deep v1.0.0']),
      { path: 'example.com/deep', version: 'v1.0.0', requires: [], files: lib('deep', 'v1.0.0') },
      { path: 'example.com/deep', version: 'v1.2.0', requires: [], files: lib('deep', 'v1.2.0') },
    ],
  });
  try {
    await run('bash', [join(root, 'scripts', 'install-tools.sh')], { env });
    const { stdout } = await run(join(home, 'bin', 'rekor-posix'));
    assert.equal(stdout, 'dep v1.0.0 lib v1.1.0 deep v1.0.0\n');
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
