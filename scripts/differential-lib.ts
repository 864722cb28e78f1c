// The `validate image` differential (scripts/differential.ts): ec's and vouch's JSON reports on the
// same images and policy, compared by component: the codes of violations, warnings and successes
// (as multisets: ec appends a result once per unreported dependency) and, for equal codes, the
// messages. Pure.

export interface ReportResult {
  msg: string;
  metadata?: Record<string, unknown>;
}

export interface ReportComponent {
  name: string;
  violations?: ReportResult[];
  warnings?: ReportResult[];
  successes?: ReportResult[];
}

export type Kind = 'violations' | 'warnings' | 'successes';
export const KINDS: Kind[] = ['violations', 'warnings', 'successes'];

/** `code` of a result, or `(no code) msg` for results without one (unmatched-include warnings). */
export function codeOf(r: ReportResult): string {
  const code = r.metadata?.code;
  return typeof code === 'string' ? code : `(no code) ${r.msg}`;
}

export interface ComponentComparison {
  component: string;
  /** Rules with a result in either report (distinct codes, every kind). */
  rules: number;
  /** Codes with the same kind and count in both. */
  equal: number;
  /** `kind code: ec n, vouch m` for each code whose count differs in a kind. */
  codeDifferences: string[];
  /** For codes equal in kind and count: messages that differ (`code: ec «…» vouch «…»`). */
  messageDifferences: string[];
}

function counts(list: ReportResult[] | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of list ?? []) m.set(codeOf(r), (m.get(codeOf(r)) ?? 0) + 1);
  return m;
}

function messages(list: ReportResult[] | undefined, code: string): string[] {
  return (list ?? [])
    .filter((r) => codeOf(r) === code)
    .map((r) => r.msg)
    .sort();
}

export function compareComponent(ec: ReportComponent, vouch: ReportComponent): ComponentComparison {
  const codeDifferences: string[] = [];
  const messageDifferences: string[] = [];
  const all = new Set<string>();
  const differing = new Set<string>();
  for (const kind of KINDS) {
    const e = counts(ec[kind]);
    const v = counts(vouch[kind]);
    for (const code of [...new Set([...e.keys(), ...v.keys()])].sort()) {
      all.add(code);
      const a = e.get(code) ?? 0;
      const b = v.get(code) ?? 0;
      if (a !== b) {
        differing.add(code);
        codeDifferences.push(`${kind} ${code}: ec ${a}, vouch ${b}`);
        continue;
      }
      if (kind === 'successes') continue;
      const em = messages(ec[kind], code);
      const vm = messages(vouch[kind], code);
      em.forEach((m, i) => {
        if (m !== vm[i]) messageDifferences.push(`${code}: ec «${m}» vouch «${vm[i] ?? ''}»`);
      });
    }
  }
  return { component: ec.name, rules: all.size, equal: all.size - differing.size, codeDifferences, messageDifferences };
}

/** Components of both reports, paired by name; a component in one report only is a difference. */
export function compareReports(ec: { components?: ReportComponent[] }, vouch: { components?: ReportComponent[] }): ComponentComparison[] {
  const v = new Map((vouch.components ?? []).map((c) => [c.name, c]));
  const names = new Set([...(ec.components ?? []).map((c) => c.name), ...v.keys()]);
  return [...names].sort().map((name) => {
    const a = (ec.components ?? []).find((c) => c.name === name) ?? { name };
    const b = v.get(name) ?? { name };
    const missing = !(ec.components ?? []).some((c) => c.name === name) ? ['component missing in ec'] : !v.has(name) ? ['component missing in vouch'] : [];
    const cmp = compareComponent(a, b);
    return { ...cmp, component: name, codeDifferences: [...missing, ...cmp.codeDifferences] };
  });
}

/** One markdown table row per collection and component. */
export function table(rows: { collection: string; comparison: ComponentComparison }[]): string {
  const lines = ['| Collection | Component | Rules with a result | Equal codes | Differing codes | Differing messages |', '|---|---|---|---|---|---|'];
  for (const { collection, comparison: c } of rows) {
    const diff = c.codeDifferences.length > 0 ? c.codeDifferences.join('; ') : '—';
    lines.push(`| ${collection} | ${c.component} | ${c.rules} | ${c.equal} | ${diff} | ${c.messageDifferences.length} |`);
  }
  return `${lines.join('\n')}\n`;
}
