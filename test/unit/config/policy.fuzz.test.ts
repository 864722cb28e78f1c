// Policy configurations are attacker-reachable (remote policy configs): any document is accepted as
// a spec that matches the schema, or refused with an input error naming the origin; the schema check
// itself never throws, stays bounded, and bounds its error list; YAML text with aliases is bounded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { parseYamlDocument } from '../../../src/config/document.ts';
import { specFromDocument } from '../../../src/config/policy.ts';
import { policySpecErrors } from '../../../src/config/policy-schema.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { withinCpu } from '../../support/cpu-time.ts';

const criterion = fc.record(
  {
    value: fc.string(),
    effectiveOn: fc.oneof(
      fc.string(),
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
    ),
    imageRef: fc.string(),
    imageUrl: fc.string(),
    componentNames: fc.array(fc.string()),
    junk: fc.anything(),
  },
  { requiredKeys: [] },
);
const source = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer()),
    policy: fc.oneof(fc.array(fc.string()), fc.string()),
    data: fc.array(fc.string()),
    ruleData: fc.oneof(fc.object(), fc.array(fc.anything())),
    config: fc.record({ include: fc.array(fc.string()), exclude: fc.anything(), inclde: fc.anything() }, { requiredKeys: [] }),
    volatileConfig: fc.record({ include: fc.array(criterion), exclude: fc.oneof(fc.array(criterion), fc.anything()) }, { requiredKeys: [] }),
  },
  { requiredKeys: [] },
);
const spec = fc.record(
  {
    name: fc.string(),
    sources: fc.oneof(fc.array(source, { maxLength: 3 }), fc.anything()),
    configuration: fc.anything(),
    publicKey: fc.anything(),
    identity: fc.object(),
  },
  { requiredKeys: [] },
);
const doc = fc.oneof(spec, fc.record({ apiVersion: fc.string(), spec: fc.oneof(spec, fc.anything()) }), fc.record({ spec }), fc.anything());

test('any policy document is a schema-valid spec or a typed error naming the origin', () => {
  fuzz(
    fc.property(doc, (d) => {
      assert.ok(Array.isArray(policySpecErrors(d)));
      try {
        const s = specFromDocument(d, 'p.yaml');
        assert.deepEqual(policySpecErrors(s), []);
      } catch (err) {
        assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
        assert.ok(err.message.startsWith('p.yaml: '), err.message);
        assert.ok(err.message.split('\n').length <= 52, 'error list bounded');
      }
    }),
  );
});

test('policy YAML text, with anchors and aliases spliced in, parses within the limits or is refused', () => {
  const text = fc.oneof(
    doc.map((d) => yaml.dump(d, { skipInvalid: true })),
    fc.tuple(fc.nat(6), fc.nat(10), fc.boolean()).map(([levels, width, merge]) => {
      let t = 'x0: &x0 {k: v}\n';
      for (let i = 1; i <= levels + 3; i++)
        t += merge
          ? `x${i}: &x${i} {<<: [*x${i - 1}], k${i}: ${'v'.repeat(width)}}\n`
          : `x${i}: &x${i} [${Array.from({ length: width + 2 }, () => `*x${i - 1}`).join(', ')}]\n`;
      return `${t}description: ok\n`;
    }),
    fc.string(),
  );
  fuzz(
    fc.property(text, (t) => {
      withinCpu(1000, JSON.stringify(t).slice(0, 200), () => {
        try {
          specFromDocument(parseYamlDocument(t, 'p.yaml', { syntaxCode: 'POLICY_SYNTAX' }), 'p.yaml');
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped error: ${String(err)}`);
          assert.ok(err.message.startsWith('p.yaml'), err.message);
        }
      });
    }),
  );
});
