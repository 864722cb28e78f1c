// Shard reports are files a workflow passes from job to job (artifacts): any text either reads as a
// shard report or is refused with a typed input error, quickly; a tampered stamp never merges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { mergeShards, parseShardReport, SHARD_FIELD } from '../../../src/report/merge.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const component = fc.record({ name: fc.string(), containerImage: fc.string(), source: fc.constant({}), success: fc.boolean() });
const stampedComponent = fc.record(
  {
    successCount: fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()),
    line: fc.oneof(fc.nat(), fc.constant(0), fc.string()),
    infrastructureError: fc.anything(),
  },
  { requiredKeys: [] },
);
const shardLike = fc.record(
  {
    success: fc.oneof(fc.boolean(), fc.anything()),
    components: fc.oneof(fc.array(component, { maxLength: 3 }), fc.anything()),
    key: fc.oneof(fc.string(), fc.anything()),
    policy: fc.oneof(fc.constant({}), fc.anything()),
    'ec-version': fc.string(),
    [SHARD_FIELD]: fc.oneof(
      fc.record(
        {
          index: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.anything()),
          count: fc.oneof(fc.integer({ min: -1, max: 4 }), fc.anything()),
          snapshotDigest: fc.oneof(fc.constant('sha256:x'), fc.anything()),
          showSuccesses: fc.oneof(fc.boolean(), fc.anything()),
          file: fc.oneof(fc.string(), fc.anything()),
          components: fc.oneof(fc.array(stampedComponent, { maxLength: 3 }), fc.anything()),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    ),
  },
  { requiredKeys: [] },
);

test('any text reads as a shard report or is refused with a typed error; any set of them merges or is refused the same way', () => {
  fuzz(
    fc.property(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.json(),
          shardLike.map((d) => JSON.stringify(d)),
        ),
        { minLength: 1, maxLength: 3 },
      ),
      (texts) => {
        const shards = [];
        for (const [i, text] of texts.entries()) {
          try {
            shards.push(parseShardReport(text, `shard-${i}.json`));
          } catch (err) {
            assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(text).slice(0, 200)}: ${String(err)}`);
          }
        }
        try {
          const { report } = mergeShards(shards);
          // What merged is every shard's components, each once, of one count with every index present.
          assert.equal(
            report.components.length,
            shards.reduce((n, s) => n + s.report.components.length, 0),
          );
          assert.equal(new Set(shards.map((s) => s.stamp.index)).size, shards[0]!.stamp.count);
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped merge error: ${String(err)}`);
        }
      },
    ),
  );
});
