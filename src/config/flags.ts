// A small cobra-compatible flag parser: `--flag=value`, `--flag value`, `-f value`, boolean
// `--flag` / `--flag=false`, repeatable string slices split on commas. Pure.
//
// A command declares its flags in one table keyed by name; the parsed values are a record typed by
// that table, so reading an undeclared flag is a compile error and each value has its kind's type.
import { InputError } from '../errors.ts';
import { closest } from '../util/suggest.ts';

/** A flag's kind and the type its parsed value has. */
interface FlagKinds {
  /** `''` when not given and without a default. */
  string: string;
  bool: boolean;
  /** Repeatable, comma-separated; `[]` when not given. */
  slice: string[];
}
type FlagKind = keyof FlagKinds;

interface FlagSpecOf<K extends FlagKind> {
  kind: K;
  short?: string;
  /** Help text; "DEPRECATED" flags still parse. */
  help: string;
  default?: FlagKinds[K];
}
type FlagSpec = { [K in FlagKind]: FlagSpecOf<K> }[FlagKind];

/** A command's flags by name (`--name`); the key order is the `--help` order. */
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** Parsed values of a table: one per declared flag, typed by its kind. */
export type FlagValues<T extends FlagTable> = { readonly [N in keyof T]: FlagKinds[T[N]['kind']] };

export interface ParsedFlags<T extends FlagTable> {
  values: FlagValues<T>;
  /** Flags the user actually gave (for precedence rules such as keyless clearing publicKey). */
  given: ReadonlySet<keyof T & string>;
  positionals: string[];
}

type AnyValue = FlagKinds[FlagKind];

/** strconv.ParseBool's spellings, as pflag reads `--flag=VALUE`. A Map: `--strict=constructor` must not find Object.prototype. */
const BOOL_TEXT: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((k) => [k, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((k) => [k, false] as const),
]);

function initialValue(spec: FlagSpec): AnyValue {
  if (spec.default !== undefined) return spec.default;
  return spec.kind === 'bool' ? false : spec.kind === 'slice' ? [] : '';
}

export function parseFlags<T extends FlagTable>(argv: string[], table: T): ParsedFlags<T> {
  const entries = Object.entries(table);
  const byName = new Map(entries);
  const byShort = new Map(entries.flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])));
  const values = new Map<string, AnyValue>(entries.map(([name, s]) => [name, initialValue(s)]));
  const given = new Set<string>();
  const positionals: string[] = [];

  const args = [...argv];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      positionals.push(...args.slice(i + 1));
      break;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq === -1 ? undefined : arg.slice(eq + 1);
      if (!byName.has(name)) throw unknownFlag(arg, Object.keys(table));
    } else if (arg.startsWith('-') && arg.length > 1) {
      const short = byShort.get(arg.slice(1, 2));
      if (short === undefined) throw unknownFlag(arg, Object.keys(table));
      name = short;
      const rest = arg.slice(2);
      inline = rest === '' ? undefined : rest.startsWith('=') ? rest.slice(1) : rest;
      // pflag: `-sk` after a boolean shorthand is more shorthands (`-s -k`), never `-s=k`.
      if (byName.get(name)!.kind === 'bool' && rest !== '' && !rest.startsWith('=')) {
        inline = undefined;
        args.splice(i + 1, 0, `-${rest}`);
      }
    } else {
      positionals.push(arg);
      continue;
    }
    const spec = byName.get(name)!;
    if (spec.kind === 'bool') {
      values.set(name, parseBool(name, inline));
      given.add(name);
      continue;
    }
    let value = inline;
    if (value === undefined) {
      if (i + 1 >= args.length) {
        throw new InputError('MISSING_FLAG_VALUE', `--${name} needs a value`, { value: `--${name}` });
      }
      value = args[++i]!;
    }
    if (spec.kind === 'slice') {
      const prev = values.get(name);
      const list = Array.isArray(prev) && given.has(name) ? prev : [];
      values.set(name, [...list, ...splitSlice(value)]);
    } else {
      values.set(name, value);
    }
    given.add(name);
  }
  // The one place the table's types meet the parsed values: each was set from its own spec's kind.
  const record = Object.assign(Object.create(null) as object, Object.fromEntries(values)) as FlagValues<T>;
  return { values: record, given: given as ReadonlySet<keyof T & string>, positionals };
}

function parseBool(name: string, inline: string | undefined): boolean {
  if (inline === undefined) return true;
  const b = BOOL_TEXT.get(inline);
  if (b === undefined) throw new InputError('INVALID_FLAG_VALUE', `--${name}=${inline}: expected true or false`, { value: `--${name}` });
  return b;
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

function unknownFlag(arg: string, names: string[]): InputError {
  const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
  const close = closest(name, names);
  const hint = close ? ` Did you mean --${close}?` : ' Run with --help to list the flags.';
  return new InputError('UNKNOWN_FLAG', `unknown flag: ${arg.split('=')[0]}.${hint}`, { value: arg.split('=')[0] });
}

/** `--help` text for a flag table. */
export function formatFlagHelp(table: FlagTable): string {
  const rows = Object.entries(table).map(([name, s]) => {
    const left = `${s.short ? `-${s.short}, ` : '    '}--${name}${s.kind === 'bool' ? '' : ' string'}`;
    const def = s.default !== undefined && s.default !== '' && s.default !== false ? ` (default ${JSON.stringify(s.default)})` : '';
    return `  ${left.padEnd(42)} ${s.help}${def}`;
  });
  return rows.join('\n');
}
