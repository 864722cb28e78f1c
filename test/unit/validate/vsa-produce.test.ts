// The VSA producer on a finished report, unsigned predicates to a directory (signing and attaching
// are proven with the real cosign in test/e2e/vsa*.test.ts): one VSA per image, made from a failed
// component when the same image failed under another name; an unpinned image gets none, and says so.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ComponentReport } from '../../../src/model/report.ts';
import { produceVsas } from '../../../src/validate/vsa/produce.ts';

const dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-produce-'));
after(() => rm(dir, { recursive: true, force: true }));

const HEX = 'ef'.repeat(32);
const image = `registry.local/app@sha256:${HEX}`;
const component = (name: string, success: boolean, containerImage = image): ComponentReport => ({ name, containerImage, source: {}, success });

test('one VSA per image, FAILED when any component of that image failed; an unpinned image is logged, not attested', async () => {
  const logs: string[] = [];
  const produced = await produceVsas(
    { config: { format: 'predicate', predicate: 'slsa', uploads: [], outputDir: dir } },
    {
      components: [component('a', true), component('b', false), component('c', false, 'registry.local/other:latest')],
      attestations: [[], [], []],
      policy: { spec: {}, digest: `sha256:${'12'.repeat(32)}`, source: 'inline', publicKey: '' },
      time: new Date('2026-12-03T00:00:00Z'),
      env: {},
      log: (m) => logs.push(m),
    },
  );
  assert.deepEqual(
    produced.map((p) => [p.component, p.verificationResult]),
    [['b', 'FAILED']],
  );
  assert.deepEqual(await readdir(dir), [`sha256-${HEX}.predicate.json`]);
  const predicate = JSON.parse(await readFile(join(dir, `sha256-${HEX}.predicate.json`), 'utf8')) as { verificationResult: string; policy: { uri: string } };
  assert.equal(predicate.verificationResult, 'FAILED');
  assert.equal(predicate.policy.uri, 'inline');
  assert.ok(
    logs.some((l) => l.includes('no VSA for c')),
    logs.join('\n'),
  );
});
