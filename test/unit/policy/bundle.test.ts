// Pre-compiled policy bundles may come from a remote source (an https download, an OCI artifact):
// their index and data are checked, and a malformed one is an input error naming the source —
// never a crash, never rules of the wrong shape reaching the evaluator. The archives are
// hand-made (tar bytes written here): no tool produces broken bundles.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { parseBundle } from '../../../src/policy/bundle.ts';
import { writeTar } from '../../../src/util/tar.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const WASM = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const RULE = { code: 'a.b', package: 'a', rule: 'deny', kind: 'deny', annotated: true };
const INDEX = { format: 'vouch-policy-bundle/v1', entrypoints: ['a/deny'], opaVersion: '1.22.2', key: 'k', rules: [RULE] };

function bundle(index: unknown, data = '{}'): Uint8Array {
  return writeTar([
    { path: 'vouch-index.json', data: Buffer.from(typeof index === 'string' ? index : JSON.stringify(index)) },
    { path: 'policy.wasm', data: WASM },
    { path: 'data.json', data: Buffer.from(data) },
  ]);
}

const refused = (code: string, fragment: string) => (e: unknown) =>
  e instanceof InputError && e.code === code && e.message.includes('remote.tar.gz') && e.message.includes(fragment);

test('a well-formed bundle reads back', () => {
  const b = parseBundle(bundle(INDEX, '{"rule_data": {"x": 1}}'), 'remote.tar.gz');
  assert.deepEqual(b.rules, [RULE]);
  assert.deepEqual(b.data, { rule_data: { x: 1 } });
  assert.deepEqual(b.compiled.entrypoints, ['a/deny']);
});

test('malformed indexes and data are input errors naming the bundle', () => {
  assert.throws(() => parseBundle(bundle('{not json'), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'vouch-index.json is not JSON'));
  assert.throws(() => parseBundle(bundle('[]'), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'not an object'));
  assert.throws(() => parseBundle(bundle({ ...INDEX, format: 'other' }), 'remote.tar.gz'), refused('POLICY_BUNDLE_VERSION', 'is not vouch-policy-bundle/v1'));
  assert.throws(() => parseBundle(bundle({ ...INDEX, rules: null }), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'wrong type'));
  assert.throws(() => parseBundle(bundle({ ...INDEX, entrypoints: [1] }), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'wrong type'));
  assert.throws(
    () => parseBundle(bundle({ ...INDEX, rules: [{ ...RULE, kind: 'allow' }] }), 'remote.tar.gz'),
    refused('POLICY_BUNDLE_INVALID', 'rules[0]: kind'),
  );
  assert.throws(
    () => parseBundle(bundle({ ...INDEX, rules: [{ ...RULE, collections: 'minimal' }] }), 'remote.tar.gz'),
    refused('POLICY_BUNDLE_INVALID', 'rules[0]: collections'),
  );
  assert.throws(() => parseBundle(bundle(INDEX, '{"a":'), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'data.json is not JSON'));
  assert.throws(() => parseBundle(bundle(INDEX, '[1]'), 'remote.tar.gz'), refused('POLICY_BUNDLE_INVALID', 'data.json is not an object'));
});

test('any index text is a bundle or a typed input error', () => {
  fuzz(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.json(),
        fc.jsonValue().map((v) => JSON.stringify({ ...INDEX, rules: [v] })),
      ),
      (text) => {
        try {
          parseBundle(bundle(text), 'remote.tar.gz');
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped: ${String(err)}`);
        }
      },
    ),
  );
});
