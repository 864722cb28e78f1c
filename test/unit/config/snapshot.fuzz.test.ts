// Snapshots (components.yaml / JSON, `--images` text) are attacker-reachable: any text parses to a
// snapshot whose components all carry an image, or is refused with an input error naming the origin;
// documents with aliases, cycles and deep nesting included, always quickly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import yaml from 'js-yaml';
import { parseSnapshot } from '../../../src/config/snapshot.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { withinCpu } from '../../support/cpu-time.ts';

const component = fc.record(
  {
    name: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    containerImage: fc.oneof(fc.string(), fc.constant('reg.example/a:1'), fc.integer()),
    source: fc.oneof(fc.object(), fc.string()),
  },
  { requiredKeys: [] },
);
const snapshotDoc = fc.oneof(
  fc.record(
    { components: fc.oneof(fc.array(component, { maxLength: 4 }), fc.string(), fc.object()), application: fc.string(), artifacts: fc.anything() },
    { requiredKeys: [] },
  ),
  fc.record({ spec: fc.record({ components: fc.array(component, { maxLength: 4 }) }, { requiredKeys: [] }) }),
  fc.anything(),
);
/** YAML text: dumped documents, the same with anchors and aliases spliced in, and raw strings. */
const text = fc.oneof(
  snapshotDoc.map((d) => yaml.dump(d, { skipInvalid: true })),
  snapshotDoc.map((d) => (JSON.stringify(d) as string | undefined) ?? 'null'),
  fc.tuple(fc.nat(5), fc.nat(12)).map(([levels, width]) => {
    let t = 'a0: &a0 [x]\n';
    for (let i = 1; i <= levels + 4; i++) t += `a${i}: &a${i} [${Array.from({ length: width + 2 }, () => `*a${i - 1}`).join(', ')}]\n`;
    return `${t}components: [{containerImage: r/a:1, source: {x: *a${levels + 4}}}]\n`;
  }),
  fc.constantFrom('components: &c [*c]\n', 'a: &a {b: *a}\ncomponents: []\n', `components: ${'['.repeat(500)}${']'.repeat(500)}\n`),
  fc.string(),
);

test('any snapshot text parses to components with images, or is refused with a typed error, quickly', () => {
  fuzz(
    fc.property(text, (t) => {
      withinCpu(10_000, JSON.stringify(t).slice(0, 200), () => {
        try {
          const s = parseSnapshot(t, 'c.yaml');
          for (const c of s.components) assert.ok(typeof c.containerImage === 'string' && c.containerImage !== '' && typeof c.name === 'string');
          assert.doesNotThrow(() => JSON.stringify(s));
        } catch (err) {
          assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(t).slice(0, 200)}: ${String(err)}`);
          assert.ok(err.message.startsWith('c.yaml'), err.message);
        }
      });
    }),
  );
});
