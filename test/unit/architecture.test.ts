// The layer rules of .dependency-cruiser.cjs hold on src/, and they do catch what they forbid: a
// hand-made tree with an upward import (a type-only one), a face importing another, and a cycle is
// refused, rule by rule.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../', import.meta.url));
const depcruise = join(repo, 'node_modules', '.bin', 'depcruise');
const config = join(repo, '.dependency-cruiser.cjs');

interface Cruise {
  summary: { error: number; violations: { rule: { name: string }; from: string; to: string }[] };
}

async function cruise(cwd: string): Promise<Cruise> {
  // depcruise exits non-zero when it finds violations; the JSON is on stdout either way.
  const result = await run(depcruise, ['src', '--config', config, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 }).catch(
    (err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }),
  );
  return JSON.parse(result.stdout) as Cruise;
}

test('src/ imports only down the layers, with no cycle and no face importing another', async () => {
  const { summary } = await cruise(repo);
  assert.deepEqual(
    summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`),
    [],
  );
});

test('an upward import (type-only too), a face importing a face and a cycle are each refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-layers-'));
  try {
    await copyFile(join(repo, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    const files: Record<string, string> = {
      'src/config/flags.ts': "import type { Rule } from '../policy/rule.ts';\nexport const f = (r: Rule): Rule => r;\n",
      'src/policy/rule.ts': 'export interface Rule { code: string }\n',
      'src/model/shape.ts': "import { f } from '../config/flags.ts';\nexport const g = f;\n",
      'src/faces/github.ts': "import { runCli } from './cli.ts';\nexport const runGitHub = runCli;\n",
      'src/faces/cli.ts': 'export const runCli = (): number => 0;\n',
      'src/report/a.ts': "import { b } from './b.ts';\nexport const a = (): number => b();\n",
      'src/report/b.ts': "import { a } from './a.ts';\nexport const b = (): number => a();\n",
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    const { summary } = await cruise(dir);
    const seen = new Set(summary.violations.map((v) => `${v.rule.name}: ${v.from}`));
    for (const expected of [
      'no-upward-from-config: src/config/flags.ts',
      'leaves-import-no-layer: src/model/shape.ts',
      'no-face-imports-another: src/faces/github.ts',
      'no-circular: src/report/a.ts',
    ]) {
      assert.ok(seen.has(expected), `${expected} not reported; got ${[...seen].join('; ')}`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
