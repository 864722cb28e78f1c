// Differential testing of regular expressions against the real `opa eval` (Go's regexp, which ec's
// OPA and cosign run): OPA's answers for a batch of cases from one process, and vouch's in the same shape.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Re2, Re2SyntaxError, Re2UnsupportedError } from '../../src/util/re2.ts';
import { toolPath } from './tools.ts';

const run = promisify(execFile);

export interface RegexCase {
  p: string;
  s: string;
  t: string;
}

export interface OpaAnswer {
  valid: boolean;
  match: boolean | null;
  find: string[] | null;
  replace: string | null;
  split: string[] | null;
}

// Each field on its own line: an invalid pattern makes a builtin fail, which `else` turns into null.
const DIFF_MODULE = `package t

import rego.v1

results := [r | some c in input.cases; r := answer(c)]

answer(c) := {"valid": regex.is_valid(c.p), "match": m(c), "find": f(c), "replace": rp(c), "split": sp(c)}

m(c) := x if { x := regex.match(c.p, c.s) } else := null
f(c) := x if { x := regex.find_n(c.p, c.s, -1) } else := null
rp(c) := x if { x := regex.replace(c.s, c.p, c.t) } else := null
sp(c) := x if { x := regex.split(c.p, c.s) } else := null
`;

/** OPA's answers (Go regexp in topdown) for every case, from one `opa eval`. */
export async function opaAnswers(cases: RegexCase[]): Promise<OpaAnswer[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-re2-'));
  await writeFile(join(dir, 't.rego'), DIFF_MODULE);
  await writeFile(join(dir, 'input.json'), JSON.stringify({ cases }));
  const { stdout } = await run(toolPath('opa'), ['eval', '--format', 'json', '-d', join(dir, 't.rego'), '-i', join(dir, 'input.json'), 'data.t.results'], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return (JSON.parse(stdout) as { result: { expressions: { value: OpaAnswer[] }[] }[] }).result[0]!.expressions[0]!.value;
}

/** Ours, in OPA's shape; undefined when vouch refuses the pattern as unsupported. */
export function ourAnswer(c: RegexCase): OpaAnswer | undefined {
  let re: Re2;
  try {
    re = new Re2(c.p);
  } catch (err) {
    if (err instanceof Re2SyntaxError) return { valid: false, match: null, find: null, replace: null, split: null };
    if (err instanceof Re2UnsupportedError) return undefined;
    throw err;
  }
  let replace: string | null;
  try {
    replace = re.replaceAll(c.s, c.t);
  } catch (err) {
    if (!(err instanceof Re2UnsupportedError)) throw err;
    replace = null;
  }
  return { valid: true, match: re.test(c.s), find: re.findAll(c.s, -1).map((m) => c.s.slice(m.start, m.end)), replace, split: re.split(c.s, -1) };
}
