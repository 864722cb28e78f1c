// Differential testing against the real `opa eval` (Go topdown): each case calls one builtin with
// arguments taken from `input` (so no compile-time type check stands in for the builtin), and the
// same arguments reach vouch's host builtin as the opa-wasm SDK hands them over: JSON-parsed, numbers
// as doubles. Results compare exactly, integers above 2^53 included.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { decodeExactJson, encodeExactJson } from '../../../../src/policy/builtins/value.ts';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);

export interface Case {
  builtin: string;
  args: unknown[];
}

/** What `opa eval` answers for each case: the value, or undefined. */
export async function opaAnswers(cases: Case[]): Promise<unknown[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-opa-diff-'));
  try {
    const rules = cases.map((c, i) => `r${i} := ${c.builtin}(${c.args.map((_, j) => `input[${i}][${j}]`).join(', ')})`);
    await writeFile(join(dir, 'cases.rego'), `package cases\n\n${rules.join('\n')}\n`);
    await writeFile(join(dir, 'input.json'), encodeExactJson(cases.map((c) => c.args)));
    const { stdout } = await run(toolPath('opa'), ['eval', '-f', 'json', '-d', join(dir, 'cases.rego'), '-i', join(dir, 'input.json'), 'data.cases'], {
      maxBuffer: 256 * 1024 * 1024,
      // Some Go builtins never return on some inputs (semver.compare); a table must not hang the suite.
      timeout: 120_000,
    });
    const out = decodeExactJson(stdout) as { result?: { expressions: { value: Record<string, unknown> }[] }[] };
    const values = out.result?.[0]?.expressions[0]?.value ?? {};
    return cases.map((_, i) => values[`r${i}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** What vouch's host builtin answers, given the arguments as the SDK passes them. */
export function hostAnswer(c: Case, now = new Date('2026-01-01T00:00:00Z')): unknown {
  const fn = hostBuiltins(now)[c.builtin];
  if (!fn) throw new Error(`no host builtin ${c.builtin}`);
  const args = JSON.parse(encodeExactJson(c.args)) as unknown[];
  const result = fn(...args);
  // The module reads an ArrayBuffer as JSON text, any other value as its JSON.stringify.
  if (result === undefined) return undefined;
  return decodeExactJson(result instanceof ArrayBuffer ? new TextDecoder().decode(result) : JSON.stringify(result));
}

/** The value with object keys in order, so that equal values print the same. */
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.entries(v)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, x]) => [k, sortKeys(x)]),
  );
}

/**
 * Every case where vouch and opa disagree, described; empty when they all agree. `fromOpa` maps the
 * test opa's answer to what ec's OPA gives where their versions are known to differ.
 */
export async function disagreements(cases: Case[], fromOpa: (answer: unknown) => unknown = (a) => a): Promise<string[]> {
  const theirs = (await opaAnswers(cases)).map(fromOpa);
  const show = (v: unknown): string => (v === undefined ? 'undefined' : encodeExactJson(sortKeys(v)));
  return cases.flatMap((c, i) => {
    const ours = show(hostAnswer(c));
    const opa = show(theirs[i]);
    return ours === opa ? [] : [`${c.builtin}(${encodeExactJson(c.args).slice(1, -1)}): vouch ${ours}, opa ${opa}`];
  });
}
