// strings.any_prefix_match and strings.any_suffix_match as OPA v1.15.2 answers them
// (v1/topdown/strings.go): a string or an array (a set reaches the host as an array) of strings on
// each side; any non-string element is an error, hence undefined. Pure.

function stringList(x: unknown): string[] | undefined {
  if (typeof x === 'string') return [x];
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) return undefined;
  return x;
}

function anyMatch(search: unknown, base: unknown, matches: (s: string, affix: string) => boolean): boolean | undefined {
  const strs = stringList(search);
  const affixes = stringList(base);
  if (!strs || !affixes) return undefined;
  return strs.some((s) => affixes.some((a) => matches(s, a)));
}

export const stringsBuiltins = {
  anyPrefixMatch: (search: unknown, base: unknown): boolean | undefined => anyMatch(search, base, (s, p) => s.startsWith(p)),
  // Go compares the rune-reversed strings; on valid UTF-8 that is a suffix test.
  anySuffixMatch: (search: unknown, base: unknown): boolean | undefined => anyMatch(search, base, (s, p) => s.endsWith(p)),
};
