// Shard reports carry what a merge needs, and merge-reports takes exactly the shards of one run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { render } from '../../../src/report/render.ts';
import { mergeShards, parseShardReport, snapshotDigest, SHARD_FIELD } from '../../../src/report/merge.ts';
import { locationKey } from '../../../src/report/locations.ts';
import type { ComponentsFile } from '../../../src/model/output.ts';
import type { Report } from '../../../src/model/report.ts';
import { renderContext, sampleReport } from './sample.ts';

const SNAPSHOT = {
  components: [
    { name: 'web', containerImage: 'quay.io/acme/web:v1' },
    { name: 'api', containerImage: 'quay.io/acme/api:v1' },
    { name: 'worker', containerImage: 'quay.io/acme/worker:v1' },
  ],
};

/** The sample as a single run reports it: components by containerImage, descending; successes collected but hidden. */
function singleRun(): { report: Report; file: ComponentsFile } {
  const report = sampleReport();
  report.components.sort((a, b) => (a.containerImage < b.containerImage ? 1 : -1));
  const lines: Record<string, number> = {};
  report.components.forEach((c, i) => (lines[locationKey(c)] = 3 + 2 * i));
  return { report, file: { path: 'components.yaml', lines } };
}

const ctx = renderContext;

/** Shard I of N's JSON report, as `--shard I/N --output json=…` writes it. */
function shardJson(whole: { report: Report; file: ComponentsFile }, index: number, count: number, snapshot: unknown = SNAPSHOT): string {
  const part: Report = { ...whole.report, components: whole.report.components.filter((_, i) => i % count === index - 1) };
  part.success = part.components.every((c) => c.success);
  return render('json', ctx(part, { componentsFile: whole.file, shard: { index, count, snapshotDigest: snapshotDigest(snapshot as typeof SNAPSHOT) } }));
}

test("a shard report is ec's JSON plus a vouch-shard field: index, count, snapshot digest, successes counted, infrastructure errors, lines", () => {
  const doc = JSON.parse(shardJson(singleRun(), 2, 2)) as Record<string, unknown>;
  assert.deepEqual(Object.keys(doc), ['success', 'components', 'key', 'policy', 'ec-version', 'effective-time', SHARD_FIELD]);
  const stamp = doc[SHARD_FIELD] as Record<string, unknown>;
  assert.deepEqual(stamp, {
    index: 2,
    count: 2,
    snapshotDigest: snapshotDigest(SNAPSHOT),
    showSuccesses: false,
    file: 'components.yaml',
    components: [{ successCount: 5, line: 5 }],
  });
  const first = (JSON.parse(shardJson(singleRun(), 1, 2)) as Record<string, { components: unknown[] }>)[SHARD_FIELD]!;
  assert.deepEqual(first.components, [
    { successCount: 3, line: 3 },
    { successCount: 0, infrastructureError: { code: 'UNREACHABLE', message: 'GET https://quay.io/v2/acme/api/manifests/v1: UNREACHABLE' }, line: 7 },
  ]);
  assert.equal(
    snapshotDigest({ components: [...SNAPSHOT.components] }),
    snapshotDigest(JSON.parse(JSON.stringify(SNAPSHOT)) as typeof SNAPSHOT),
    'key order does not matter',
  );
  assert.notEqual(snapshotDigest({ components: SNAPSHOT.components.slice(1) }), snapshotDigest(SNAPSHOT));
});

test('joined shards render as the single run: JSON, JUnit and TEST_OUTPUT', () => {
  const whole = singleRun();
  const shards = [2, 1, 3].map((i) => parseShardReport(shardJson(whole, i, 3), `shard-${i}.json`));
  const { report, componentsFile, showSuccesses } = mergeShards(shards);
  const single = ctx(whole.report, { componentsFile: whole.file });
  const joined = ctx(report, { showSuccesses, ...(componentsFile ? { componentsFile } : {}) });
  // A single run without --show-successes writes no successes in JSON; the shards carry them for JUnit.
  const withoutSuccesses = (r: Report): Report => ({ ...r, components: r.components.map(({ successes: _s, ...c }) => c) });
  assert.equal(render('json', ctx(withoutSuccesses(report))), render('json', ctx(withoutSuccesses(whole.report))));
  assert.equal(render('junit', joined), render('junit', single));
  assert.equal(render('appstudio', joined), render('appstudio', single));
  assert.deepEqual(JSON.parse(render('appstudio', joined)), {
    timestamp: '1795168800',
    namespace: '',
    successes: 8,
    failures: 3,
    warnings: 1,
    result: 'FAILURE',
  });
});

test('a missing, duplicate or foreign shard is refused, naming it', () => {
  const whole = singleRun();
  const s = (i: number, n = 3, snapshot: unknown = SNAPSHOT, origin = `shard-${i}.json`) => parseShardReport(shardJson(whole, i, n, snapshot), origin);
  const refused = (shards: ReturnType<typeof s>[], code: string, message: RegExp): void => {
    assert.throws(
      () => mergeShards(shards),
      (err: Error & { code?: string; exitCode?: number }) => {
        assert.equal(err.code, code);
        assert.equal(err.exitCode, 2);
        assert.match(err.message, message);
        return true;
      },
    );
  };
  refused([s(1), s(3)], 'MERGE_MISSING_SHARD', /shard\(s\) 2\/3 missing/);
  refused([s(1), s(2), s(2, 3, SNAPSHOT, 'again.json'), s(3)], 'MERGE_DUPLICATE_SHARD', /again\.json and shard-2\.json are both shard 2\/3/);
  refused(
    [s(1), s(2), s(3, 3, { components: SNAPSHOT.components.slice(0, 2) })],
    'MERGE_FOREIGN_SHARD',
    /shard-3\.json: cut from another snapshot than shard-1\.json/,
  );
  refused([s(1), s(2), s(2, 2)], 'MERGE_FOREIGN_SHARD', /one of 2 shards, not of 3/);
  const otherKey = JSON.parse(shardJson(whole, 3, 3)) as Record<string, unknown>;
  otherKey.key = 'another key';
  refused([s(1), s(2), parseShardReport(JSON.stringify(otherKey), 'k.json')], 'MERGE_FOREIGN_SHARD', /k\.json: made with another key or policy/);
  const otherVersion = JSON.parse(shardJson(whole, 3, 3)) as Record<string, unknown>;
  otherVersion['ec-version'] = 'v9';
  refused([s(1), s(2), parseShardReport(JSON.stringify(otherVersion), 'v.json')], 'MERGE_FOREIGN_SHARD', /made by another vouch version/);
  refused([], 'MERGE_NOTHING', /needs the JSON reports of every shard/);
});

test("what is not a shard report of vouch is refused before any merge: ec's report, a tampered or garbled stamp, not JSON", () => {
  const whole = singleRun();
  const notShard = (text: string, message: RegExp): void =>
    assert.throws(
      () => parseShardReport(text, 'x.json'),
      (err: Error & { code?: string }) => err.code === 'MERGE_NOT_A_SHARD' && message.test(err.message) && err.message.startsWith('x.json: '),
    );
  notShard(render('json', ctx(whole.report)), /no "vouch-shard" field/);
  const doc = JSON.parse(shardJson(whole, 1, 2)) as Record<string, Record<string, unknown>>;
  for (const [field, value] of [
    ['index', 0],
    ['index', 3],
    ['count', '2'],
    ['snapshotDigest', 1],
    ['showSuccesses', 'no'],
    ['components', []],
    ['components', [{ successCount: -1 }, { successCount: 1 }]],
    ['components', [{ successCount: 1, line: 0 }, { successCount: 1 }]],
    ['components', [{ successCount: 1, infrastructureError: { code: 1 } }, { successCount: 1 }]],
  ] as const) {
    const bad = structuredClone(doc);
    bad[SHARD_FIELD]![field] = value;
    notShard(JSON.stringify(bad), /vouch-shard/);
  }
  notShard('{"components": [', /not JSON/);
  notShard(`{"components": [], "components": [], "key": "", "policy": {}, "success": true, "${SHARD_FIELD}": {}}`, /not JSON .*duplicate/i);
  notShard('{"components": [{"name": 1}], "key": "", "policy": {}, "success": true}', /not a vouch JSON report/);
});
