// The VSA statement shapes vouch's tests check every produced form against: JSON schemas written
// by hand next to this file (their $comment names the spec they follow), run by vouch's draft-07
// validator (the one behind the json.match_schema builtin).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { matchSchema } from '../../../src/policy/builtins/json-schema.ts';

const schema = (file: string): unknown => JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));

const SCHEMAS = {
  slsa: schema('./slsa-vsa-v1.statement.schema.json'),
  conforma: schema('./conforma-vsa-v1.statement.schema.json'),
};

/** The schema's errors for a statement ([] when it conforms). */
export function vsaShapeErrors(statement: unknown, kind: keyof typeof SCHEMAS): string[] {
  const result = matchSchema(statement, SCHEMAS[kind]);
  assert.ok(result, 'the schema compiles');
  return result[1].map((e) => `${e.field}: ${e.desc}`);
}

export function assertVsaShape(statement: unknown, kind: keyof typeof SCHEMAS): void {
  assert.deepEqual(vsaShapeErrors(statement, kind), [], JSON.stringify(statement));
}
