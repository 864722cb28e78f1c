// Go-compatible sprintf for Rego (OPA's topdown semantics): numbers become Go ints or floats,
// strings stay strings, every other value is printed in Rego syntax (`["a", "b"]`, `{"a", "b"}`
// for sets — which reach the host as arrays, see isSet — `{"k": "v"}`), then Go's fmt applies. Pure.

/** A Rego value as OPA's ast.Value.String() prints it. */
export function regoString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(regoString).join(', ')}]`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, x]) => `${JSON.stringify(k)}: ${regoString(x)}`).join(', ')}}`;
}

type GoArg = { kind: 'int'; value: bigint } | { kind: 'float'; value: number } | { kind: 'string'; value: string };

function toGo(v: unknown): GoArg {
  if (typeof v === 'number') return Number.isInteger(v) ? { kind: 'int', value: BigInt(v) } : { kind: 'float', value: v };
  if (typeof v === 'string') return { kind: 'string', value: v };
  return { kind: 'string', value: regoString(v) };
}

/** Go's %v / %g for float64 (shortest representation, exponent for large/small). */
function goFloat(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN';
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e21)) {
    const [m, e] = x.toExponential().split('e') as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(x);
}

/** Go's strconv.Quote for ASCII/UTF-8 text (what %q prints for strings). */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function pad(text: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || text.length >= width) return text;
  if (left) return text.padEnd(width, ' ');
  if (zero) {
    const sign = /^[+-]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width, ' ');
}

function badVerb(verb: string, a: GoArg): string {
  const type = a.kind === 'int' ? 'int' : a.kind === 'float' ? 'float64' : 'string';
  return `%!${verb}(${type}=${a.kind === 'float' ? goFloat(a.value) : String(a.value)})`;
}

function formatOne(verb: string, a: GoArg, flags: string, width: number | undefined, prec: number | undefined): string {
  const plus = flags.includes('+');
  let text: string;
  switch (verb) {
    case 'v':
      text = a.kind === 'float' ? goFloat(a.value) : String(a.value);
      if (plus && a.kind !== 'string' && !text.startsWith('-')) text = `+${text}`;
      break;
    case 's':
      text = a.kind === 'string' ? a.value : badVerb('s', a);
      if (prec !== undefined && a.kind === 'string') text = [...text].slice(0, prec).join('');
      break;
    case 'q':
      text = a.kind === 'string' ? goQuote(a.value) : a.kind === 'int' ? `'${String.fromCodePoint(Number(a.value))}'` : badVerb('q', a);
      break;
    case 'd':
      text = a.kind === 'int' ? String(a.value) : badVerb('d', a);
      if (plus && a.kind === 'int' && a.value >= 0n) text = `+${text}`;
      break;
    case 'x':
    case 'X': {
      const hex = a.kind === 'int' ? a.value.toString(16) : a.kind === 'string' ? Buffer.from(a.value).toString('hex') : badVerb(verb, a);
      text = verb === 'X' ? hex.toUpperCase() : hex;
      break;
    }
    case 'f':
    case 'F':
      text = a.kind === 'string' ? badVerb(verb, a) : Number(a.value).toFixed(prec ?? 6);
      break;
    case 'e':
      text = a.kind === 'string' ? badVerb(verb, a) : goFloat(Number(Number(a.value).toExponential(prec ?? 6))).replace(/^(-?\d)(e)/, '$1.000000$2');
      break;
    case 'g':
      text = a.kind === 'string' ? badVerb(verb, a) : goFloat(Number(a.value));
      break;
    case 't':
      text = a.kind === 'string' && (a.value === 'true' || a.value === 'false') ? a.value : badVerb('t', a);
      break;
    case 'T':
      text = a.kind === 'int' ? 'int' : a.kind === 'float' ? 'float64' : 'string';
      break;
    default:
      text = badVerb(verb, a);
  }
  return pad(text, width, flags.includes('-'), flags.includes('0') && verb !== 's' && verb !== 'q');
}

/** Go's fmt.Sprintf over Rego values. */
export function goSprintf(format: string, args: unknown[]): string {
  const values = args.map(toGo);
  let next = 0;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%') {
      out += ch;
      continue;
    }
    const m = /^([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/.exec(format.slice(i + 1));
    if (!m) {
      out += '%!(NOVERB)';
      continue;
    }
    i += m[0].length;
    const [, flags = '', w, p, verb = ''] = m;
    if (verb === '%') {
      out += '%';
      continue;
    }
    const a = values[next++];
    if (a === undefined) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, a, flags, w === undefined ? undefined : Number(w), p === undefined ? undefined : Number(p));
  }
  if (next < values.length) {
    out += `%!(EXTRA ${values
      .slice(next)
      .map((a) => `${a.kind === 'int' ? 'int' : a.kind === 'float' ? 'float64' : 'string'}=${a.kind === 'float' ? goFloat(a.value) : String(a.value)}`)
      .join(', ')})`;
  }
  return out;
}
