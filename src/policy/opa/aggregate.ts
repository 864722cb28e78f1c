// The generated aggregate entrypoint: what compile.ts adds to a policy and what an evaluation
// (../wasm/evaluate.ts, inside a worker) queries. Pure, so the evaluation worker's bundle does not
// pull in the compiler (opa, child processes, tar, YAML).

/** The entrypoint that returns every rule's value at once (see aggregateModule). */
export const AGGREGATE_ENTRYPOINT = 'vouch__aggregate/results';

/**
 * A generated module whose `results` maps each entrypoint to its rule's value, so a component's
 * input (which holds the whole snapshot) is parsed once per component, not once per rule. Rules
 * that are undefined are simply absent, as they are when queried one by one.
 */
export function aggregateModule(entrypoints: string[]): string {
  const ref = (entry: string): string =>
    `data${entry
      .split('/')
      .map((seg) => `[${JSON.stringify(seg)}]`)
      .join('')}`;
  const lines = entrypoints.map((e) => `results[${JSON.stringify(e)}] := v if {\n\tv := ${ref(e)}\n}`);
  return `package vouch__aggregate\n\nimport rego.v1\n\n${lines.join('\n\n')}\n`;
}
