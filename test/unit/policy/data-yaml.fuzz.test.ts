// Data files come from any git, https or OCI source: whatever their text, loading one either yields
// JSON data (nothing JSON cannot carry: no NaN, no infinity, no undefined) or fails with a typed
// input error naming the file.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { loadDataTree } from '../../../src/policy/data.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const scalar = fc.oneof(
  fc.constantFrom(
    'yes',
    'No',
    'ON',
    '~',
    '',
    '.nan',
    '-.inf',
    '0777',
    '0x1F',
    '-0b101',
    '+12',
    '1_000',
    '08',
    '1e999',
    '.5',
    '2024-01-01',
    '1:30',
    '<<',
    '"q"',
    "'s'",
    '!!str 1',
    '!!int x',
    '&a 1',
    '*a',
  ),
  fc.stringMatching(/^[-+.0-9a-zA-Z_:~]{0,8}$/),
);
const yamlText = fc.oneof(
  fc.string(),
  fc.array(fc.tuple(scalar, scalar), { maxLength: 6 }).map((pairs) => pairs.map(([k, v]) => `${k}: ${v}`).join('\n')),
  fc
    .array(fc.tuple(scalar, fc.array(scalar, { maxLength: 3 })), { maxLength: 4 })
    .map((pairs) => pairs.map(([k, vs]) => `${k}:\n${vs.map((v) => `  - ${v}`).join('\n')}`).join('\n')),
);

/** Whether a value holds only what JSON carries. */
function jsonOnly(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(jsonOnly);
  if (typeof v === 'object') return Object.values(v).every(jsonOnly);
  return false;
}

test('any YAML data file: JSON data or a typed error naming the file', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-data-fuzz-'));
  try {
    await fuzz(
      fc.asyncProperty(yamlText, async (text) => {
        const file = join(dir, 'd.yml');
        await writeFile(file, text);
        try {
          assert.ok(jsonOnly(await loadDataTree([dir])), text);
        } catch (err) {
          assert.ok(err instanceof InputError && err.message.includes(file), `untyped or unnamed: ${String(err)} for ${JSON.stringify(text)}`);
        }
      }),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
