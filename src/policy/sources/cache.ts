// The content-addressed source cache: entries are built in a private temporary directory and
// published with one rename, so a reader never sees half an entry.
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** Builds `dir` with `fill(tmp)` unless it exists; another process winning the race is fine. */
export async function publish(dir: string, fill: (tmp: string) => Promise<void>): Promise<void> {
  if (await exists(dir)) return;
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(tmp, { recursive: true });
  try {
    await fill(tmp);
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!(await exists(dir))) throw err;
  }
}
