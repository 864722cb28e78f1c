// `WWW-Authenticate` challenges (RFC 9110 §11.6.1), as a registry sends them with a 401. The header
// is the registry's to write, so the parser is strict and linear: a malformed header, or a challenge
// naming one parameter twice, gives no challenge at all (the 401 then stands). Pure.

export interface Challenge {
  /** Lower-cased: `bearer` or `basic` (the only schemes a registry client answers). */
  scheme: 'bearer' | 'basic';
  realm?: string;
  service?: string;
  scope?: string;
}

interface Parsed {
  scheme: string;
  params: Map<string, string>;
}

const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y;
const TOKEN68 = /[A-Za-z0-9._~+/-]+=*/y;
const OWS = /[ \t]*/y;

class Scanner {
  private readonly text: string;
  at = 0;
  constructor(text: string) {
    this.text = text;
  }

  match(re: RegExp): string | undefined {
    re.lastIndex = this.at;
    const m = re.exec(this.text);
    if (!m || m[0] === '') return undefined;
    this.at = re.lastIndex;
    return m[0];
  }

  skipSpace(): void {
    this.match(OWS);
  }

  peek(): string | undefined {
    return this.text[this.at];
  }

  done(): boolean {
    return this.at >= this.text.length;
  }

  /** A quoted-string with `\` escapes; undefined when it never closes. */
  quoted(): string | undefined {
    let out = '';
    for (let i = this.at + 1; i < this.text.length; i++) {
      const c = this.text[i]!;
      if (c === '"') {
        this.at = i + 1;
        return out;
      }
      if (c === '\\') i++;
      if (i < this.text.length) out += this.text[i]!;
    }
    return undefined;
  }
}

/** Every challenge in the header, or `[]` when any part of it is malformed. */
function parseChallenges(header: string): Parsed[] {
  const s = new Scanner(header);
  const out: Parsed[] = [];
  const skipSeparators = (): void => {
    for (;;) {
      s.skipSpace();
      if (s.peek() !== ',') return;
      s.at++;
    }
  };
  skipSeparators();
  while (!s.done()) {
    const start = s.at;
    const name = s.match(TOKEN);
    if (!name) return [];
    s.skipSpace();
    if (s.peek() === '=' && out.length > 0) {
      // `name = value`: a parameter of the current challenge.
      s.at++;
      s.skipSpace();
      const value = s.peek() === '"' ? s.quoted() : s.match(TOKEN);
      if (value === undefined) return [];
      const params = out[out.length - 1]!.params;
      const key = name.toLowerCase();
      if (params.has(key)) return [];
      params.set(key, value);
    } else {
      if (s.at === start + name.length && s.peek() !== undefined && s.peek() !== ',') return [];
      out.push({ scheme: name.toLowerCase(), params: new Map() });
      // A token68 after the scheme (`Basic abc==`) carries nothing a registry client uses.
      const mark = s.at;
      const token68 = s.match(TOKEN68);
      s.skipSpace();
      if (!token68 || !(s.done() || s.peek() === ',')) s.at = mark;
    }
    skipSeparators();
  }
  return out;
}

/** The first challenge vouch can answer (go-containerregistry's pickFromMultipleChallenges). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  for (const c of parseChallenges(header)) {
    if (c.scheme !== 'bearer' && c.scheme !== 'basic') continue;
    const realm = c.params.get('realm');
    const service = c.params.get('service');
    const scope = c.params.get('scope');
    return {
      scheme: c.scheme,
      ...(realm !== undefined ? { realm } : {}),
      ...(service !== undefined ? { service } : {}),
      ...(scope !== undefined ? { scope } : {}),
    };
  }
  return undefined;
}
