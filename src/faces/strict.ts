// The Tekton `STRICT` param and the Action's `strict` input: the step fails on a failed policy
// unless the value says false. ec's task decides in its `assert` step with
// `jq --argjson strict "$(params.STRICT)" -e '.result == "SUCCESS" or .result == "WARNING" or ($strict | not)'`
// (conforma/cli a18338416237 tasks/verify-enterprise-contract/0.1/verify-enterprise-contract.yaml):
// `false` (JSON, so lowercase, surrounding JSON whitespace allowed) lets a failure
// through; `true`, `1` and `0` (JSON numbers are truthy) fail it; `TRUE`, `yes` and `""` are not
// JSON and break the step. vouch reads the same table, fails closed on everything but `false`, and
// says so when the value is neither `true` nor `false`. (`null`, lenient in ec, is strict here.)

export interface StrictSetting {
  strict: boolean;
  /** Set when the value is not exactly `true` or `false`: what vouch made of it. */
  note?: string;
}

/** JSON's whitespace only: a no-break space or other Unicode space is not trimmed (jq would reject it too). */
const JSON_SPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;

export function strictSetting(value: string | undefined, name: string): StrictSetting {
  if (value === undefined) return { strict: true };
  const v = value.replace(JSON_SPACE, '');
  if (v === 'false') return { strict: false };
  if (v === 'true') return { strict: true };
  return {
    strict: true,
    note: `${name}=${JSON.stringify(value)} is not "true" or "false": the step fails when the policy fails (only "false" turns that off)`,
  };
}
