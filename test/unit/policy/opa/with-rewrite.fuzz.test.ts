// The `with` rewrite over generated chains (no opa: outlines are built from the generated text, as
// opa places nodes): the output is the same modifiers, data/input targets first in their order, each
// separator where it was, the same line count; over arbitrary outlines that do not match the text it
// refuses with its typed error, never an untyped one, in bounded time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VouchError } from '../../../../src/errors.ts';
import type { ModuleOutline, WithOutline } from '../../../../src/policy/opa/parse.ts';
import { rewriteScope, rewriteWithOrder } from '../../../../src/policy/opa/with-rewrite.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';
import { withinCpu } from '../../../support/cpu-time.ts';

const TARGETS: { text: string; path: string[]; document: boolean }[] = [
  { text: 'data.cfg', path: ['data', 'cfg'], document: true },
  { text: 'data.rule_data.x', path: ['data', 'rule_data', 'x'], document: true },
  { text: 'input.image.ref', path: ['input', 'image', 'ref'], document: true },
  { text: 'input', path: ['input'], document: true },
  { text: 'upper', path: ['upper'], document: false },
  { text: 'ec.oci.blob', path: ['ec', 'oci', 'blob'], document: false },
  { text: 'time.now_ns', path: ['time', 'now_ns'], document: false },
];
const VALUES = ['1', '"é😀"', '{"k": [1,\n\t\t2]}', '_mock', '[]'];
const SEPARATORS = [' ', '\n\t\t', ' # a comment\n\t\t', '\r\n\t'];

/** Row and code-point column of a JS string index, as opa reports them. */
function place(text: string, index: number): { row: number; col: number } {
  const before = text.slice(0, index);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  return { row, col: [...text.slice(lineStart, index)].length + 1 };
}

const chainArb = fc.array(fc.record({ target: fc.nat(TARGETS.length - 1), value: fc.nat(VALUES.length - 1), sep: fc.nat(SEPARATORS.length - 1) }), {
  minLength: 1,
  maxLength: 6,
});

test('generated chains: same modifiers, data/input first in their order, separators and line count kept', () => {
  fuzz(
    fc.property(
      fc.string({ maxLength: 20 }).filter((s) => !s.includes('\n')),
      chainArb,
      (lead, chain) => {
        let text = `package p\n\nimport rego.v1\n\nr if {\n\t${lead.replaceAll('\r', '')}x := 1 `;
        const mods: { text: string; document: boolean; start: number }[] = [];
        chain.forEach((c, i) => {
          const t = TARGETS[c.target]!;
          const mod = `with ${t.text} as ${VALUES[c.value]!}`;
          mods.push({ text: mod, document: t.document, start: text.length });
          text += mod + (i < chain.length - 1 ? SEPARATORS[c.sep]! : '');
        });
        text += '\n}\n';
        const withs: WithOutline[] = mods.map((m, i) => ({
          at: { ...place(text, m.start), text: m.text },
          target: TARGETS[chain[i]!.target]!.path,
          value: undefined,
        }));
        const outline: ModuleOutline = { path: 'p.rego', text, package: ['p'], imports: {}, rules: [], chains: [withs] };
        const out = rewriteWithOrder(outline, rewriteScope([outline]));
        const expected = [...mods.filter((m) => m.document), ...mods.filter((m) => !m.document)].map((m) => m.text);
        let rebuilt = text.slice(0, mods[0]!.start);
        expected.forEach((m, i) => {
          rebuilt += m + (i < mods.length - 1 ? text.slice(mods[i]!.start + mods[i]!.text.length, mods[i + 1]!.start) : '');
        });
        rebuilt += text.slice(mods[mods.length - 1]!.start + mods[mods.length - 1]!.text.length);
        assert.equal(out, rebuilt);
        assert.equal(out.split('\n').length, text.split('\n').length);
      },
    ),
  );
});

test('outlines that do not match the text: the typed refusal or a result, never an untyped error, quickly', () => {
  fuzz(
    fc.property(
      fc.string({ maxLength: 200 }),
      fc.array(
        fc.array(
          fc.record({
            row: fc.integer({ min: -2, max: 1e9 }),
            col: fc.integer({ min: -2, max: 1e9 }),
            text: fc.string({ maxLength: 10 }),
            target: fc.nat(TARGETS.length - 1),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        { maxLength: 4 },
      ),
      (text, chains) => {
        const outline: ModuleOutline = {
          path: 'p.rego',
          text,
          package: ['p'],
          imports: {},
          rules: [],
          chains: chains.map((c) => c.map((w) => ({ at: { row: w.row, col: w.col, text: w.text }, target: TARGETS[w.target]!.path, value: undefined }))),
        };
        withinCpu(1000, 'a with-rewrite', () => {
          try {
            assert.equal(typeof rewriteWithOrder(outline, rewriteScope([outline])), 'string');
          } catch (err) {
            assert.ok(err instanceof VouchError && err.code === 'REGO_LOCATION_MISMATCH', String(err));
          }
        });
      },
    ),
  );
});
