// Hostile YAML documents (hand-made: no tool writes these on purpose). Each is a few hundred bytes
// that js-yaml loads as a small shared graph and that expands to billions of nodes when walked.

/** The classic "billion laughs": 9 levels of 10 aliases each, 10^9 strings once expanded. */
export function billionLaughs(levels = 9): string {
  let text = 'lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n';
  for (let i = 1; i <= levels; i++) text += `lol${i}: &lol${i} [${Array.from({ length: 10 }, () => `*lol${i - 1}`).join(', ')}]\n`;
  return text;
}

/** The same bomb hung under `key` of a document that is otherwise valid. */
export function billionLaughsUnder(key: string, rest = ''): string {
  const indent = (text: string): string => text.replace(/^/gm, '  ');
  return `${rest}${key}:\n${indent(billionLaughs().trimEnd())}\n  bomb: *lol9\n`;
}

/** `<<` merges that each copy every key so far: quadratic work while js-yaml loads. */
export function mergeKeyBomb(n = 5000): string {
  let text = 'm0: &m0 {k0: 1}\n';
  for (let i = 1; i < n; i++) text += `m${i}: &m${i} {<<: *m${i - 1}, k${i}: 1}\n`;
  return text;
}
