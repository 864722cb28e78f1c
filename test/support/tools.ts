// Locates the real tools installed by scripts/install-tools.sh (versions pinned in scripts/tools.env).
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Absolute path of a tool: VOUCH_TOOLS_BIN first, then PATH. Throws with the fix when missing. */
export function toolPath(name: string): string {
  const dirs = [process.env.VOUCH_TOOLS_BIN, ...(process.env.PATH ?? '').split(delimiter)].filter((d): d is string => typeof d === 'string' && d !== '');
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found: run 'bash scripts/install-tools.sh' (npm test does) or set VOUCH_TOOLS_BIN`);
}
