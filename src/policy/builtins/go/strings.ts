// Go's path.Join/Clean and strings.ToLower/Trim as packageurl-go uses them (go1.26 src/path/path.go,
// src/strings/strings.go, unicode.ToLower). Pure.

/** path.Clean: the shortest equivalent slash path ("." for nothing). */
function goPathClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const out: string[] = [];
  let dotdot = 0; // elements of `out` that are "..": they cannot be backtracked over
  for (const elem of path.split('/')) {
    if (elem === '' || elem === '.') continue;
    if (elem === '..') {
      if (out.length > dotdot) out.pop();
      else if (!rooted) {
        out.push('..');
        dotdot = out.length;
      }
    } else out.push(elem);
  }
  const joined = out.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** path.Join: the non-empty elements joined by "/" and cleaned; "" when all are empty. */
export function goPathJoin(...elems: string[]): string {
  const kept = elems.filter((e) => e !== '');
  return kept.length === 0 ? '' : goPathClean(kept.join('/'));
}

/** strings.Trim(s, cutset) for a one-character cutset. */
export function goTrim(s: string, c: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === c) start++;
  while (end > start && s[end - 1] === c) end--;
  return s.slice(start, end);
}

/**
 * strings.ToLower: unicode.ToLower on each code point, the simple mapping without context (so
 * "İ" becomes "i", and a final "Σ" becomes "σ", unlike JavaScript's toLowerCase).
 */
export function goToLower(s: string): string {
  if (/^[\x00-\x7f]*$/.test(s)) return s.toLowerCase();
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') out += 'i';
    else {
      const lower = ch.toLowerCase();
      out += [...lower].length === 1 ? lower : ch;
    }
  }
  return out;
}
