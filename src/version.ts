// The version, injected by the bundler from package.json (and read from it when run from source).
import { readFileSync } from 'node:fs';

declare const __VOUCH_VERSION__: string | undefined;

function sourceVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return typeof pkg === 'object' && pkg !== null && 'version' in pkg && typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

export const VERSION: string = `v${typeof __VOUCH_VERSION__ === 'string' ? __VOUCH_VERSION__ : sourceVersion()}`;
