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
      values.set(name, [...list, ...splitSlice(value, name)]);
    } else {
      values.set(name, value);
    }
    given.add(name);
  }
  // The one place the table's types meet the parsed values: each was set from its own spec's kind.
  const record = Object.assign(Object.create(null) as object, Object.fromEntries(values)) as FlagValues<T>;
  return { values: record, given, positionals };
}

function parseBool(name: string, inline: string | undefined): boolean {
  if (inline === undefined) return true;
  const b = BOOL_TEXT.get(inline);
  if (b === undefined) throw new InputError('INVALID_FLAG_VALUE', `--${name}=${inline}: expected true or false`, { value: `--${name}` });
  return b;
}

/** A CSV parse error as Go's encoding/csv words it (`parse error on line 1, column 3: bare " in non-quoted-field`). */
class CsvError extends Error {}

const utf8Length = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Lines as Go's csv.Reader reads them: each with its `\n`, `\r\n` made `\n`, a final `\r` dropped. */
function csvLines(value: string): string[] {
  const lines = value.split(/(?<=\n)/).map((l) => l.replace(/\r\n$/, '\n'));
  const last = lines.length - 1;
  if (lines[last]!.endsWith('\r')) lines[last] = lines[last]!.slice(0, -1);
  return lines;
}

/**
 * The first record of `value` as Go's encoding/csv reads it with pflag's settings (readAsCSV: `,`,
 * strict quotes, no space trimming): a field in quotes keeps commas, `""` is a quote and a line
 * break; a quote inside an unquoted field, or text after a closing quote, is an error; empty
 * fields are fields; lines after the record are ignored.
 */
function readCsvRecord(value: string): string[] {
  const lines = csvLines(value);
  let index = lines.findIndex((l) => l !== '\n' && l !== '');
  if (index < 0) throw new CsvError('EOF');
  const startLine = index + 1;
  let line = lines[index]!;
  let col = 1;
  const fail = (column: number, what: string): CsvError => {
    const at = index + 1 === startLine ? '' : `record on line ${startLine}; `;
    return new CsvError(`${at}parse error on line ${index + 1}, column ${column}: ${what}`);
  };
  const fields: string[] = [];
  for (;;) {
    if (!line.startsWith('"')) {
      const comma = line.indexOf(',');
      const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, '');
      const quote = field.indexOf('"');
      if (quote >= 0) throw fail(col + utf8Length(field.slice(0, quote)), 'bare " in non-quoted-field');
      fields.push(field);
      if (comma < 0) return fields;
      col += utf8Length(line.slice(0, comma + 1));
      line = line.slice(comma + 1);
      continue;
    }
    line = line.slice(1);
    col += 1;
    let field = '';
    for (;;) {
      const quote = line.indexOf('"');
      if (quote >= 0) {
        field += line.slice(0, quote);
        col += utf8Length(line.slice(0, quote)) + 1;
        line = line.slice(quote + 1);
        if (line.startsWith('"')) {
          field += '"';
          line = line.slice(1);
          col += 1;
        } else if (line.startsWith(',')) {
          line = line.slice(1);
          col += 1;
          break;
        } else if (line === '' || line === '\n') {
          fields.push(field);
          return fields;
        } else throw fail(col - 1, 'extraneous or missing " in quoted-field');
      } else if (line !== '') {
        field += line;
        col += utf8Length(line);
        line = lines[index + 1] ?? '';
        if (line !== '') {
          index++;
          col = 1;
        }
      } else throw fail(col, 'extraneous or missing " in quoted-field');
    }
    fields.push(field);
  }
}

/**
 * The values of one string-slice flag, as cobra's StringSlice (pflag readAsCSV) reads them: an
 * empty value is none, otherwise the first CSV record, empty fields included; a malformed record
 * is pflag's error, exit 2.
 */
export function splitSlice(value: string, flag = 'flag'): string[] {
  if (value === '') return [];
  try {
    return readCsvRecord(value);
  } catch (err) {
    if (!(err instanceof CsvError)) throw err;
    throw new InputError('INVALID_FLAG_VALUE', `invalid argument ${JSON.stringify(value)} for "--${flag}" flag: ${err.message}`, { value: `--${flag}` });
  }
}

function unknownFlag(arg: string, names: string[]): InputError {
  const name = arg.replace(/^-+/, '').split('=')[0] ?? '';
  const close = closest(name, names);
  const hint = close ? ` Did you mean --${close}?` : ' Run with --help to list the flags.';
  return new InputError('UNKNOWN_FLAG', `unknown flag: ${arg.split('=')[0]!}.${hint}`, { value: arg.split('=')[0] });
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
