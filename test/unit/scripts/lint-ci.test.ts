// The repository's CI definition and example workflows pass actionlint (pinned in scripts/tools.env),
// which also runs shellcheck on every `run:` script; the shell scripts pass shellcheck.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { toolPath } from '../../support/tools.ts';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;

async function yamlFiles(dir: string): Promise<string[]> {
  return (await readdir(join(root, dir))).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(dir, f));
}

/** actionlint with shellcheck on `run:` scripts and no pyflakes (no Python in this project). */
function actionlint(files: string[], cwd = root): Promise<{ stdout: string }> {
  return run(toolPath('actionlint'), ['-no-color', `-shellcheck=${toolPath('shellcheck')}`, '-pyflakes=', ...files], { cwd });
}

test('actionlint accepts .github/workflows and examples/github', async () => {
  const files = [...(await yamlFiles('.github/workflows')), ...(await yamlFiles('examples/github'))];
  assert.ok(files.includes('.github/workflows/ci.yml'));
  await actionlint(files).catch((e: unknown) => assert.fail(`actionlint:\n${(e as { stdout?: string }).stdout ?? String(e)}`));
});

test('actionlint rejects a workflow with a broken expression and an unquoted shell variable', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-actionlint-'));
  try {
    await mkdir(join(dir, '.github', 'workflows'), { recursive: true });
    await writeFile(
      join(dir, '.github', 'workflows', 'bad.yml'),
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo ${{ steps.nope.outputs.x }} $HOME/$1\n',
    );
    await assert.rejects(
      actionlint(['.github/workflows/bad.yml'], dir),
      (e: { stdout?: string }) => /property "nope" is not defined/.test(e.stdout ?? '') && /SC2086/.test(e.stdout ?? ''),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('shellcheck accepts the shell scripts (scripts/*.sh, .ci/run)', async () => {
  const scripts = [...(await readdir(join(root, 'scripts'))).filter((f) => f.endsWith('.sh')).map((f) => join('scripts', f)), '.ci/run'];
  await run(toolPath('shellcheck'), ['-x', '-P', 'SCRIPTDIR', ...scripts], { cwd: root }).catch((e: unknown) =>
    assert.fail(`shellcheck:\n${(e as { stdout?: string }).stdout ?? String(e)}`),
  );
});
