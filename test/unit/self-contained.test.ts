// The repository stands alone: no tracked file outside test/fixtures reads or cites a path outside
// it (a workspace folder beside the clone, research notes by file name) that a clone would not
// have. Comments cite upstream sources by repository, commit and path, or a document in docs/. The
// patterns are built from pieces so this file does not match itself.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));

const notes = ['ec-cli', 'ec-build', 'sigstore', 'opa-wasm', 'opa-wasm-bugs', 'peers'].join('|');
const OUTSIDE = [
  // A bare note name (`docs/…md` or any other folder of the repository is fine).
  new RegExp(`(?<![\\w./-])(?:${notes})\\.md\\b`),
  new RegExp(['\\.\\.', 'shared'].join('/')),
  new RegExp(['', 'work', 'shared'].join('/')),
  new RegExp(['shared', 'spec'].join('/')),
];

/** `path:line: text` for every line of `text` that cites a path outside the repository. */
export function outsideCitations(path: string, text: string): string[] {
  if (text.includes('\0')) return [];
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (OUTSIDE.some((re) => re.test(line))) found.push(`${path}:${i + 1}: ${line.trim()}`);
  });
  return found;
}

test('no tracked file outside test/fixtures cites a path outside the repository', async () => {
  const { stdout } = await run('git', ['ls-files', '-z'], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  const paths = stdout.split('\0').filter((p) => p !== '' && !p.startsWith('test/fixtures/'));
  assert.ok(paths.includes('src/errors.ts'), 'git ls-files did not list the repository');
  const found: string[] = [];
  for (const path of paths) {
    const text = await readFile(join(repo, path), 'utf8').catch(() => '');
    found.push(...outsideCitations(path, text));
  }
  assert.deepEqual(found, []);
});

test('each form of an outside citation is caught, and upstream or docs/ citations are not', () => {
  const cited = [
    ['ec', 'cli.md §4.1'].join('-'),
    ['(sigstore', 'md §5.6)'].join('.'),
    ['see opa', 'wasm.md'].join('-'),
    ['peers', 'md'].join('.'),
    ['..', 'shared', 'spec', 'x'].join('/'),
    ['/work', '/shared/seeds'].join(''),
    ['shared', 'spec'].join('/'),
  ];
  for (const line of cited) assert.equal(outsideCitations('x.ts', `// ${line}\n`).length, 1, line);
  const fine = [
    '// conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go',
    '// sigstore/cosign d6d86c224e58 pkg/cosign/verify.go',
    '// see docs/sigstore.md and docs/architecture.md',
    "import { loadPolicy } from '@open-policy-agent/opa-wasm';",
    '// RFC 9110 §11.6.1',
  ];
  for (const line of fine) assert.deepEqual(outsideCitations('x.ts', `${line}\n`), [], line);
});
