// An XML document as a tree, parsed by libxml2 (xmllint, the parser GitLab's Nokogiri wraps): xmllint
// checks it is well-formed and writes its canonical form (W3C Canonical XML 1.0: no declaration,
// no CDATA, every attribute in double quotes, only &amp; &lt; &gt; &quot; &#x9; &#xA; &#xD; as
// references), whose few shapes this file reads back. The tests then read the tree the way each
// JUnit reader does.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface XNode {
  tag: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** The element's own text (its text children joined), entities decoded. */
  text: string;
  /** Whether any non-whitespace text sits directly in the element (xml2js's `_`, xml-js's `_text`). */
  hasText: boolean;
}

const decode = (s: string): string =>
  s.replace(/&(amp|lt|gt|quot|#x9|#xA|#xD);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#x9': '\t', '#xA': '\n', '#xD': '\r' })[e]!);

function parseCanonical(c14n: string): XNode {
  const token = /<(\/?)([A-Za-z_][\w.-]*)((?:\s+[\w.:-]+="[^"]*")*)\s*>|([^<]+)/gy;
  const stack: XNode[] = [];
  let root: XNode | undefined;
  let read = 0;
  for (let m = token.exec(c14n); m !== null; m = token.exec(c14n)) {
    read = m.index + m[0].length;
    const [, close, tag, attrText, text] = m;
    if (text !== undefined) {
      const top = stack.at(-1);
      if (top) {
        top.text += decode(text);
        if (text.trim() !== '') top.hasText = true;
      }
      continue;
    }
    if (close) {
      const done = stack.pop();
      if (!done || done.tag !== tag) throw new Error(`unbalanced </${String(tag)}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText!.matchAll(/([\w.:-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
    const node: XNode = { tag: tag!, attrs, children: [], text: '', hasText: false };
    const parent = stack.at(-1);
    if (parent) parent.children.push(node);
    else root = node;
    stack.push(node);
  }
  if (!root || stack.length > 0 || read !== c14n.length) throw new Error('not canonical XML as xmllint writes it');
  return root;
}

/** The document parsed by xmllint (which refuses one that is not well-formed). */
export function parseXml(xml: string): XNode {
  const dir = mkdtempSync(join(tmpdir(), 'vouch-xml-'));
  try {
    const file = join(dir, 'doc.xml');
    writeFileSync(file, xml);
    return parseCanonical(execFileSync('xmllint', ['--c14n', file], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const childrenNamed = (n: XNode, tag: string): XNode[] => n.children.filter((c) => c.tag === tag);
