// semver.is_valid and semver.compare as OPA v1.15.2 (the version ec pins) answers them:
// internal/semver/semver.go and v1/topdown/semver.go. That parser takes a leading "v", leading
// zeros and an empty pre-release or build part; OPA v1.22 refuses the last two
// (docs/compatibility.md). Pure.

const META = /^[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*$/;
const INT64_MAX = 2n ** 63n - 1n;

interface Version {
  major: bigint;
  minor: bigint;
  patch: bigint;
  pre: string;
}

/** Go's strconv.ParseInt(s, 10, 64): optional sign, digits, within int64. */
function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  return n >= -INT64_MAX - 1n && n <= INT64_MAX ? n : undefined;
}

const cut = (s: string, sep: string): [string, string] => {
  const i = s.indexOf(sep);
  return i === -1 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
};

function parse(text: string): Version | undefined {
  const [rest, meta] = cut(text.startsWith('v') ? text.slice(1) : text, '+');
  if (meta !== '' && !META.test(meta)) return undefined;
  const [version, pre] = cut(rest, '-');
  if (pre !== '' && !META.test(pre)) return undefined;
  if (version.split('.').length !== 3) return undefined;
  const [major, minor, patch] = version.split('.').map(parseInt64);
  if (major === undefined || minor === undefined || patch === undefined) return undefined;
  return { major, minor, patch, pre };
}

const allDecimals = (s: string): boolean => /^\d+$/.test(s);
/** Go's strconv.Atoi on digits: saturates at MaxInt64 as Go's does on overflow. */
const atoi = (s: string): bigint => (BigInt(s) > INT64_MAX ? INT64_MAX : BigInt(s));
const sign = (a: bigint | string, b: bigint | string): number => (a > b ? 1 : a < b ? -1 : 0);

/** Version.Compare; undefined where Go's loop never ends (01 against 1 in a pre-release). */
function compare(v: Version, o: Version): number | undefined {
  const c = sign(v.major, o.major) || sign(v.minor, o.minor) || sign(v.patch, o.patch);
  if (c !== 0) return c;
  if (v.pre === o.pre) return 0;
  if (v.pre === '') return 1;
  if (o.pre === '') return -1;
  let [a, afterA] = cut(v.pre, '.');
  let [b, afterB] = cut(o.pre, '.');
  for (;;) {
    if (a === '' && b !== '') return -1;
    if (a !== '' && b === '') return 1;
    // Both exhausted with equal identifiers: OPA v1.15.2 spins here forever.
    if (a === '' && b === '') return undefined;
    const aInt = allDecimals(a);
    const bInt = allDecimals(b);
    if (aInt !== bInt) return aInt ? -1 : 1;
    // Identifiers are ASCII (META), so string order is Go's byte order.
    const d = aInt ? sign(atoi(a), atoi(b)) : sign(a, b);
    if (d !== 0) return d;
    if (afterA !== '' && afterB === '') return 1;
    if (afterA === '' && afterB !== '') return -1;
    [a, afterA] = cut(afterA, '.');
    [b, afterB] = cut(afterB, '.');
  }
}

export const semverBuiltins = {
  isValid: (v: unknown): boolean => typeof v === 'string' && parse(v) !== undefined,
  compare: (a: unknown, b: unknown): number | undefined => {
    if (typeof a !== 'string' || typeof b !== 'string') return undefined;
    const x = parse(a);
    const y = parse(b);
    return x && y ? compare(x, y) : undefined;
  },
};
