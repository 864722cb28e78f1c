// A small XML writer for the JUnit reports: elements, attributes and text, written either as vouch
// writes XML (indented, text escaped) or byte for byte as Go's encoding/xml writes it (ec's JUnit:
// xml.Marshal, compact, attributes and CDATA escaped as in go1.26 src/encoding/xml/xml.go,
// EscapeString and emitCDATA). Untrusted text never breaks the document: characters XML 1.0 does
// not allow become U+FFFD. Pure.
//
// Not junit-report-builder (5.1.2, over xmlbuilder 15.1.1): it cannot write ec's bytes (Go's `&#34;`
// escapes, no declaration, `id` and `time` as go-junit-report sets them), always puts `skipped` on
// <testsuites> (junit-10.xsd refuses it), writes <skipped/> without the warning's message, drops the
// characters XML cannot hold, and splits only the first `]]>` of a CDATA body, so a message holding
// two forges elements (xmlbuilder lib/XMLStringifier.js `cdata`).

export interface XmlElement {
  tag: string;
  /** In order; an undefined value leaves the attribute out. */
  attrs: [string, string | undefined][];
  children: XmlElement[];
  text?: string;
}

export function element(tag: string, attrs: [string, string | undefined][] = [], children: XmlElement[] = [], text?: string): XmlElement {
  return text === undefined ? { tag, attrs, children } : { tag, attrs, children, text };
}

/** Everything outside XML 1.0's Char production (lone surrogates included). */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu;

const xmlChars = (s: string): string => s.replace(NOT_XML_CHAR, '\ufffd');

/** Attribute value: also tab and line breaks as references, which attribute normalisation would turn into spaces. */
function attribute(s: string): string {
  return xmlChars(s).replace(
    /[&<>"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' })[c]!,
  );
}

/** Character data: a carriage return as a reference, which line-end normalisation would drop. */
function text(s: string): string {
  return xmlChars(s).replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' })[c]!);
}

function attrs(list: [string, string | undefined][], escape: (s: string) => string): string {
  return list
    .filter((a): a is [string, string] => a[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escape(v)}"`)
    .join('');
}

/** vouch's XML: a declaration, two-space indentation, empty elements closed in their start tag. */
export function writeXml(root: XmlElement): string {
  const lines: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const walk = (e: XmlElement, depth: number): void => {
    const pad = '  '.repeat(depth);
    const open = `${pad}<${e.tag}${attrs(e.attrs, attribute)}`;
    if (e.children.length === 0 && (e.text === undefined || e.text === '')) lines.push(`${open}/>`);
    else if (e.children.length === 0) lines.push(`${open}>${text(e.text!)}</${e.tag}>`);
    else {
      lines.push(`${open}>`);
      for (const c of e.children) walk(c, depth + 1);
      lines.push(`${pad}</${e.tag}>`);
    }
  };
  walk(root, 0);
  return lines.join('\n');
}

/** Go's EscapeString: quotes, apostrophes, tab and line breaks as numeric references. */
function goEscape(s: string): string {
  return xmlChars(s).replace(
    /["'&<>\t\n\r]/g,
    (c) => ({ '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!,
  );
}

/** Go's emitCDATA: nothing for empty text, a nested `]]>` split across two sections. */
function goCdata(s: string): string {
  return s === '' ? '' : `<![CDATA[${xmlChars(s).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** Go's xml.Marshal: no declaration, no whitespace, every element with an end tag, text as CDATA. */
export function writeGoXml(e: XmlElement): string {
  return `<${e.tag}${attrs(e.attrs, goEscape)}>${e.children.map(writeGoXml).join('')}${goCdata(e.text ?? '')}</${e.tag}>`;
}
