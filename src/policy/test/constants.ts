// Large constant rules (`schema := {…500 KB of JSON schema…}`) moved into the data document for the
// test build: the rule becomes `schema := data.<key>.<id>` and the value is given as data. The value
// is the same; what changes is the planner's work. Every `with` that mocks a function makes OPA's
// wasm planner re-plan each rule the expression reaches (internal/planner/planner.go, planWith:
// `shadowing := … || len(mocks) > 0`), and a literal is planned as code that builds it element by
// element: a test package whose 55 tests each mock a builtin above three CycloneDX schemas took 11
// minutes and 1.3 GB to compile, 36 s once the schemas were data. Only values that are plain JSON
// move (see parse.ts, literalJson), so the data holds exactly the literal. The replacement keeps the
// value's line count, so every later row (test locations) stays where it was. Pure.
import { createHash } from 'node:crypto';
import type { ModuleOutline } from '../opa/parse.ts';
import { rowStarts, spanOf } from '../opa/with-rewrite.ts';
import { refString } from './discover.ts';

/** The data key the constants live under; a policy's own data using it is a merge conflict, reported. */
export const CONSTANTS_KEY = '__vouch_test_constants__';

export interface Hoisted {
  modules: ModuleOutline[];
  constants: Record<string, unknown>;
}

export function hoistConstants(modules: ModuleOutline[]): Hoisted {
  const constants: Record<string, unknown> = {};
  const out = modules.map((m) => {
    const rules = m.rules.filter((r) => r.constant);
    if (rules.length === 0) return m;
    const starts = rowStarts(m.text);
    const edits = rules
      .map((r) => {
        // Named by content: another module's constants never shift this one's name (or its build's cache key).
        const id = `c${createHash('sha256').update(r.constant!.json).digest('hex').slice(0, 32)}`;
        constants[id] = JSON.parse(r.constant!.json) as unknown;
        const span = spanOf(m.text, starts, r.constant!.at, m.path);
        const lines = r.constant!.at.text.split('\n').length - 1;
        return { ...span, to: `${refString(['data', CONSTANTS_KEY, id])}${'\n'.repeat(lines)}` };
      })
      .sort((a, b) => b.start - a.start);
    return { ...m, text: edits.reduce((text, e) => text.slice(0, e.start) + e.to + text.slice(e.end), m.text) };
  });
  return { modules: out, constants };
}
