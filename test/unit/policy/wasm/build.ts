// Builds a Rego module to wasm with the real `opa build` for the wasm tests.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTar } from '../../../../src/util/tar.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);

/** policy.wasm of `opa build -t wasm` over one module, with these entrypoints. */
export async function buildWasm(rego: string, entrypoints: string[]): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-wasm-'));
  try {
    await writeFile(join(dir, 'policy.rego'), rego);
    await run(toolPath('opa'), ['build', '-t', 'wasm', ...entrypoints.flatMap((e) => ['-e', e]), '-o', join(dir, 'bundle.tar.gz'), join(dir, 'policy.rego')]);
    const wasm = readTar(await readFile(join(dir, 'bundle.tar.gz'))).find((e) => e.path.replace(/^\/+/, '') === 'policy.wasm')?.data;
    if (!wasm) throw new Error('opa build wrote no policy.wasm');
    return wasm;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
