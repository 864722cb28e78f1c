// POLICY_BUNDLE_DIGEST: the Konflux release policy's floating tag pinned in whatever the policy
// resolves to, as ec's pin-konflux-policy-bundle.sh pins it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.ts';
import { KONFLUX_BUNDLE, bundleDigest, pinKonfluxBundle, pinningResolver } from '../../../../src/faces/tekton/policy-pin.ts';

const HEX = 'f904979d405a39a3cc492439b379b4b117c622bbe7126a0e1ba76527ec3ce6a2';
const PINNED = `oci::quay.io/conforma/release-policy@sha256:${HEX}`;

test('the digest: sha256:<hex> or the hex alone; empty means no pinning; anything else is refused', () => {
  assert.equal(bundleDigest(`sha256:${HEX}`), `sha256:${HEX}`);
  assert.equal(bundleDigest(` ${HEX} `), `sha256:${HEX}`);
  assert.equal(bundleDigest(''), undefined);
  assert.equal(bundleDigest(undefined), undefined);
  for (const bad of ['latest', `sha512:${HEX}`, HEX.toUpperCase(), HEX.slice(1), `sha256:${HEX}0`, `${HEX}/../x`]) {
    assert.throws(
      () => bundleDigest(bad),
      (err: unknown) => err instanceof InputError && /^POLICY_BUNDLE_DIGEST /.test(err.message),
      bad,
    );
  }
});

test('only whole source URLs equal to the Konflux tag are pinned, in policy and data; a policy that pins it itself is kept', () => {
  const spec = {
    name: 'release',
    sources: [
      { name: 'a', policy: [KONFLUX_BUNDLE, 'oci::quay.io/conforma/release-policy:latest'], data: ['git::github.com/org/data'] },
      { name: 'b', data: [KONFLUX_BUNDLE], ruleData: { note: KONFLUX_BUNDLE } },
      { name: 'c', policy: [`${KONFLUX_BUNDLE}-next`, `oci://quay.io/conforma/release-policy:konflux`] },
    ],
  };
  const out = pinKonfluxBundle(spec, `sha256:${HEX}`);
  assert.equal(out.replaced, 2);
  assert.deepEqual(out.spec.sources![0]!.policy, [PINNED, 'oci::quay.io/conforma/release-policy:latest']);
  assert.deepEqual(out.spec.sources![1]!.data, [PINNED]);
  assert.equal(out.spec.sources![1]!.ruleData!.note, KONFLUX_BUNDLE, 'rule data is not a source');
  assert.deepEqual(out.spec.sources![2]!.policy, spec.sources[2]?.policy);
  assert.equal(spec.sources[0]?.policy?.[0], KONFLUX_BUNDLE, 'the input is not changed');
  const own = pinKonfluxBundle({ sources: [{ policy: [`${KONFLUX_BUNDLE}@sha256:${'1'.repeat(64)}`, KONFLUX_BUNDLE] }] }, `sha256:${HEX}`);
  assert.equal(own.alreadyPinned, true);
  assert.equal(own.replaced, 0);
  assert.deepEqual(pinKonfluxBundle({}, `sha256:${HEX}`), { spec: {}, replaced: 0, alreadyPinned: false });
});

test('the resolver wrapper pins what the policy layer resolved, and says what it did', async () => {
  const lines: string[] = [];
  const inner = async (value: string) => ({ spec: { sources: [{ policy: [value] }] }, pinnedFrom: 'git::example' });
  const resolve = pinningResolver(inner, `sha256:${HEX}`, (l) => lines.push(l));
  const opts = { baseDir: '/', cacheDir: '/tmp', env: {} };
  assert.deepEqual(await resolve(KONFLUX_BUNDLE, opts), { spec: { sources: [{ policy: [PINNED] }] }, pinnedFrom: 'git::example' });
  await resolve('oci::quay.io/acme/policy:v1', opts);
  assert.deepEqual(lines, [
    `Note: POLICY_BUNDLE_DIGEST: ${KONFLUX_BUNDLE} → ${PINNED}`,
    `Note: POLICY_BUNDLE_DIGEST: the policy does not use ${KONFLUX_BUNDLE}; nothing to pin`,
  ]);
  assert.equal(
    pinningResolver(inner, undefined, () => undefined),
    inner,
  );
});
