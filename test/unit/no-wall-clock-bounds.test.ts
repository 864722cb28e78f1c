// No test bounds elapsed wall-clock time from above: on a loaded machine (a busy CI runner, two
// suites at once) waiting for a core counts as elapsed time, and such a test flakes. Complexity
// guards bound CPU time or growth (test/support/cpu-time.ts); waits are proven by order, by a typed
// outcome that only the deadline or abort can produce, or by a lower bound ("waited at least the
// Retry-After"), which load cannot break. The patterns are built from pieces so this file does not
// match itself.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

const NOW = ['(?:performance|Date)', 'now\\(\\)'].join('\\.');
/** `now() - start < n` (also divided, or in parentheses), or `n > now() - start`. */
const DIRECT = [new RegExp(`${NOW}\\s*-\\s*[\\w.]+\\)?(?:\\s*\\/\\s*\\d+)?\\s*<(?!<)`), new RegExp(`>\\s*\\(?\\s*${NOW}\\s*-`)];
/** A name given to an elapsed time: `elapsed = now() - start`, `{ ms: now() - start }`, `seconds: (now() - start) / 1000`. */
const ELAPSED_NAME = new RegExp(`\\b(\\w+)\\s*[:=]\\s*\\(?\\s*${NOW}\\s*-\\s*\\w`, 'g');

/** `path:line: text` for every line of a test file that bounds an elapsed wall-clock time from above. */
export function wallClockUpperBounds(path: string, text: string): string[] {
  const names = [...text.matchAll(ELAPSED_NAME)].map((m) => m[1] ?? '').filter((n) => n !== '');
  const indirect = names.flatMap((n) => [new RegExp(`\\b${n}\\s*<(?!<)`), new RegExp(`>\\s*(?:\\w+\\.)?${n}\\b`)]);
  const found: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (DIRECT.some((re) => re.test(line)) || (/\bassert/.test(line) && indirect.some((re) => re.test(line)))) found.push(`${path}:${i + 1}: ${line.trim()}`);
  });
  return found;
}

test('the check finds upper bounds on elapsed wall time, direct or through a name, and lets lower bounds pass', () => {
  const now = ['Date', 'now()'].join('.');
  const perf = ['performance', 'now()'].join('.');
  for (const bad of [
    `assert.ok(${perf} - start < 250, 'bounded time');`,
    `assert.ok(${now} - started < 10_000);`,
    `assert.ok((${perf} - started) / 1000 < 6);`,
    `assert.ok(1000 > ${now} - started);`,
    `const elapsed = ${now} - started;\nassert.ok(elapsed < 5000);`,
    `return { ms: ${now} - start };\nassert.ok(ms < 1500, 'x');`,
    `resolve({ seconds: (${perf} - started) / 1000 });\nassert.ok(run.seconds < 6);`,
  ]) {
    assert.notDeepEqual(wallClockUpperBounds('t.ts', bad), [], bad);
  }
  for (const fine of [
    `assert.ok(${now} - start >= 950, 'waited for Retry-After');`,
    `return { ms: ${now} - start };\nassert.ok(ms >= 750);`,
    `timeVerified: new Date(${now} - HOUR).toISOString(),`,
    `assert.ok(ms < budgetMs, 'CPU time');`,
    `for (let i = 0; i < n; i++) x.push(${now});`,
  ]) {
    assert.deepEqual(wallClockUpperBounds('t.ts', fine), [], fine);
  }
});

test('no test or test support file bounds elapsed wall-clock time from above', async () => {
  const files = (await readdir(root, { recursive: true })).filter((p) => p.endsWith('.ts') && !p.startsWith('fixtures/'));
  assert.ok(files.includes(join('unit', 'no-wall-clock-bounds.test.ts')), 'readdir did not list the tests');
  const found: string[] = [];
  for (const path of files) found.push(...wallClockUpperBounds(`test/${path}`, await readFile(join(root, path), 'utf8')));
  assert.deepEqual(found, [], 'bound CPU time (test/support/cpu-time.ts) or prove the wait by order or a lower bound');
});
