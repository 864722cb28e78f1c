// "Did you mean …?" for a mistyped name (a flag, a policy field): the one rule every message uses.
// A candidate is close when, ignoring case, it is at most two edits away or starts with what was
// typed — the rule cobra applies to mistyped commands (spf13/cobra command.go SuggestionsFor). Pure.

/** Longer typed names get no suggestion: the edit distance costs the product of the two lengths. */
const MAX_TYPED = 64;
const MAX_EDITS = 2;

/** The closest candidate to `typed` (fewest edits; the first listed on a tie), or undefined. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  if (typed.length < 2 || typed.length > MAX_TYPED) return undefined;
  const t = typed.toLowerCase();
  let best: { name: string; edits: number } | undefined;
  for (const name of candidates) {
    const c = name.toLowerCase();
    const edits = c.startsWith(t) ? 0 : editDistance(t, c);
    if (edits <= MAX_EDITS && (best === undefined || edits < best.edits)) best = { name, edits };
  }
  return best?.name;
}

/** Levenshtein distance (insertions, deletions, substitutions), in two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}
