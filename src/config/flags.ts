// A small cobra-compatible flag parser: `--flag=value`, `--flag value`, `-f value`, boolean
// `--flag` / `--flag=false`, repeatable string slices split on commas. Pure.
import { InputError } from '../errors.ts';

export interface FlagSpec {
  name: string;
  short?: string;
  kind: 'string' | 'bool' | 'slice';
  /** Help text; "DEPRECATED" flags still parse. */
  help: string;
  default?: string | boolean;
}

export type FlagValues = Map<string, string | boolean | string[]>;

export interface ParsedFlags {
  values: FlagValues;
  /** Flags the user actually gave (for precedence rules such as keyless clearing publicKey). */
  given: Set<string>;
  positionals: string[];
}

/** strconv.ParseBool's spellings, as pflag reads `--flag=VALUE`. A Map: `--strict=constructor` must not find Object.prototype. */
const BOOL_TEXT: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((k) => [k, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((k) => [k, false] as const),
]);

export function parseFlags(argv: string[], specs: FlagSpec[]): ParsedFlags {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const values: FlagValues = new Map();
  const given = new Set<string>();
  const positionals: string[] = [];
  for (const s of specs) if (s.default !== undefined) values.set(s.name, s.default);

  const args = [...argv];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let spec: FlagSpec | undefined;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      spec = byName.get(name);
      if (!spec) throw unknownFlag(arg, specs);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const name = arg.slice(1, 2);
      spec = byShort.get(name);
      if (!spec) throw unknownFlag(arg, specs);
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
      // pflag: `-sk` after a boolean shorthand is more shorthands (`-s -k`), never `-s=k`.
      if (spec.kind === 'bool' && rest !== '' && !rest.startsWith('=')) {
        inline = undefined;
        args.splice(i + 1, 0, `-${rest}`);
      }
    } else {
      positionals.push(arg);
      continue;
    }
    given.add(spec.name);
    if (spec.kind === 'bool') {
      if (inline === undefined) {
        values.set(spec.name, true);
      } else {
        const b = BOOL_TEXT.get(inline);
        if (b === undefined) {
          throw new InputError('INVALID_FLAG_VALUE', `--${spec.name}=${inline}: expected true or false`, { value: `--${spec.name}` });
        }
        values.set(spec.name, b);
      }
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) {
        throw new InputError('MISSING_FLAG_VALUE', `--${spec.name} needs a value`, { value: `--${spec.name}` });
      }
      value = args[++i]!;
    }
    if (spec.kind === 'slice') {
      const prev = values.get(spec.name);
      const list = Array.isArray(prev) && given.has(spec.name) ? prev : [];
      values.set(spec.name, [...list, ...splitSlice(value)]);
    } else {
      values.set(spec.name, value);
    }
  }
  return { values, given, positionals };
}

/** cobra's StringSlice splits on commas (CSV rules: quotes keep commas). */
export function splitSlice(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.filter((s) => s !== '');
}

function unknownFlag(arg: string, specs: FlagSpec[]): InputError {
  const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
  const close = name.length < 2 ? undefined : specs.find((s) => s.name.includes(name) || name.includes(s.name));
  const hint = close ? ` Did you mean --${close.name}?` : ' Run with --help to list the flags.';
  return new InputError('UNKNOWN_FLAG', `unknown flag: ${arg.split('=')[0]}.${hint}`, { value: arg.split('=')[0] });
}

export function getString(p: ParsedFlags, name: string): string {
  const v = p.values.get(name);
  return typeof v === 'string' ? v : '';
}

export function getBool(p: ParsedFlags, name: string): boolean {
  return p.values.get(name) === true;
}

export function getSlice(p: ParsedFlags, name: string): string[] {
  const v = p.values.get(name);
  return Array.isArray(v) ? v : [];
}

/** `--help` text for a flag table. */
export function formatFlagHelp(specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${s.name}${s.kind === 'bool' ? '' : ' string'}`;
    const def = s.default !== undefined && s.default !== '' && s.default !== false ? ` (default ${JSON.stringify(s.default)})` : '';
    return `  ${left.padEnd(42)} ${s.help}${def}`;
  });
  return rows.join('\n');
}
