// Untrusted text (component names, Rego messages, terms, registry errors) inside Markdown that
// GitHub renders (the job summary). Pure.

/** Bidirectional controls: they reorder what a reader sees around them. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Every ASCII punctuation character: each can be Markdown or HTML syntax somewhere. */
const PUNCTUATION = /[!-/:-@[-`{-~]/g;

/**
 * Text that renders as itself and never as markup: ASCII punctuation becomes numeric character
 * references (decoded as plain text in Markdown text, table cells and HTML alike, never parsed as
 * syntax, `|` included), line breaks and tabs become spaces (a cell stays one line; no new block
 * can start), other control and bidi characters become U+FFFD.
 */
export function markdownText(text: string): string {
  return text
    .replace(/[\t\n\r]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd')
    .replace(BIDI, '\ufffd')
    .replace(PUNCTUATION, (c) => `&#${c.charCodeAt(0)};`);
}
