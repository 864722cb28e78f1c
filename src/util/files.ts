// Directories and output files, made and checked without `mkdir(…, { recursive: true })`: Node's
// recursive mkdir spins forever at full CPU when a parent exists but cannot hold children (under
// /proc, or a dangling symlink): the child's ENOENT makes it re-create the existing parent, then
// retry the child (the loop described in oven-sh/bun#40600 for Bun's copy of the same walk).
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

function code(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | null)?.code;
}

class NotADirectory extends Error {
  readonly code = 'ENOTDIR';
  constructor(path: string) {
    super(`${path} exists and is not a directory`);
  }
}

/** Whether `path` is a directory; undefined when nothing (or a dangling link) is there. */
async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (err) {
    if (code(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * `mkdir -p`: walks up to the nearest existing directory, then creates each missing one once.
 * Every failure is final (at most one mkdir per path component), so it always ends.
 */
export async function makeDirectory(path: string): Promise<void> {
  const missing: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    const dir = await isDirectory(p);
    if (dir === true) break;
    if (dir === false) throw new NotADirectory(p);
    missing.push(p);
    if (dirname(p) === p) break;
  }
  for (const p of missing.reverse()) {
    try {
      await mkdir(p);
    } catch (err) {
      // Someone else made it meanwhile: fine if it is a directory now, else the first error stands.
      if (code(err) !== 'EEXIST' || (await isDirectory(p).catch(() => false)) !== true) throw err;
    }
  }
}

/**
 * Checks that `file` can be written: its directory is made, then the file is opened for append
 * (an existing one is left as it is) or created and removed again. Devices, pipes and sockets
 * (`/dev/stdout`) are taken as they are: opening a pipe could block.
 */
export async function assertWritableFile(file: string): Promise<void> {
  const path = resolve(file);
  await makeDirectory(dirname(path));
  const existing = await lstat(path).then(
    (s) => s,
    (err: unknown) => {
      if (code(err) === 'ENOENT') return undefined;
      throw err;
    },
  );
  if (existing && !existing.isFile() && !existing.isSymbolicLink()) {
    if (existing.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
    return;
  }
  if (existing?.isSymbolicLink()) {
    const target = await stat(path).catch(() => undefined);
    if (target && !target.isFile()) {
      if (target.isDirectory()) throw Object.assign(new Error(`${path} is a directory`), { code: 'EISDIR' });
      return;
    }
  }
  const created = existing === undefined;
  const handle = await open(path, created ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL : constants.O_WRONLY | constants.O_APPEND);
  await handle.close();
  if (created) await unlink(path);
}

/** A file name of one path component that no reader mistakes for something else: no separator, no leading dot. */
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,200}$/;

/**
 * Writes `name` inside `dir` and nowhere else: the name is one safe path component, the bytes go to
 * a fresh temporary file (O_EXCL, never through a link planted there) that is renamed over the
 * name, so a symlink at the name is replaced, not followed, and readers never see half a file.
 */
export async function writeFileInside(dir: string, name: string, data: Uint8Array | string, mode = 0o644): Promise<string> {
  if (!SAFE_NAME.test(name) || name.includes('..')) throw Object.assign(new Error(`${JSON.stringify(name)} is not a plain file name`), { code: 'EINVAL' });
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    await handle.writeFile(data);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return target;
}
