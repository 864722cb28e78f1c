// Pre-compiled policy bundles (`vouch policy build`): the wasm module, its data and our rule index,
// so runs need no `opa` at all.
import { readFile, writeFile } from 'node:fs/promises';
import { InputError } from '../errors.ts';
import { readTar, writeTar } from '../util/tar.ts';
import type { CompiledPolicy } from './opa/compile.ts';
import type { RuleInfo } from './types.ts';

const INDEX = 'vouch-index.json';
const FORMAT = 'vouch-policy-bundle/v1';

export interface PolicyBundle {
  compiled: CompiledPolicy;
  data: Record<string, unknown>;
  rules: RuleInfo[];
}

export async function writeBundle(bundle: PolicyBundle, file: string): Promise<void> {
  const index = { format: FORMAT, entrypoints: bundle.compiled.entrypoints, opaVersion: bundle.compiled.opaVersion, key: bundle.compiled.key, rules: bundle.rules };
  await writeFile(
    file,
    writeTar([
      { path: INDEX, data: Buffer.from(JSON.stringify(index)) },
      { path: 'policy.wasm', data: bundle.compiled.wasm },
      { path: 'data.json', data: Buffer.from(JSON.stringify(bundle.data)) },
    ]),
  );
}

export function parseBundle(bytes: Uint8Array, origin: string): PolicyBundle {
  const entries = new Map(readTar(bytes).map((e) => [e.path.replace(/^\.?\//, ''), e.data]));
  const indexBytes = entries.get(INDEX);
  const wasm = entries.get('policy.wasm');
  if (!indexBytes || !wasm) throw new InputError('POLICY_BUNDLE_INVALID', `${origin}: not a vouch policy bundle (no ${INDEX} or policy.wasm)`, { value: origin });
  const index = JSON.parse(Buffer.from(indexBytes).toString('utf8')) as { format?: string; entrypoints: string[]; opaVersion: string; key: string; rules: RuleInfo[] };
  if (index.format !== FORMAT) throw new InputError('POLICY_BUNDLE_VERSION', `${origin}: bundle format ${index.format} is not ${FORMAT}; rebuild it with this vouch`, { value: origin });
  const data = entries.get('data.json');
  return {
    compiled: { wasm, entrypoints: index.entrypoints, opaVersion: index.opaVersion, key: index.key },
    data: data ? (JSON.parse(Buffer.from(data).toString('utf8')) as Record<string, unknown>) : {},
    rules: index.rules,
  };
}

export async function readBundle(file: string): Promise<PolicyBundle> {
  return parseBundle(await readFile(file), file);
}

/** True for a .tar.gz that carries our index (cheap: reads the archive once). */
export async function isPolicyBundle(path: string): Promise<boolean> {
  if (!/\.(tar\.gz|tgz)$/i.test(path)) return false;
  try {
    return readTar(await readFile(path)).some((e) => e.path.replace(/^\.?\//, '') === INDEX);
  } catch {
    return false;
  }
}

/** A bundle already unpacked (https and OCI sources expand archives): the directory holds its files. */
export async function readBundleDir(dir: string): Promise<PolicyBundle | undefined> {
  let indexBytes: Buffer;
  try {
    indexBytes = await readFile(`${dir}/${INDEX}`);
  } catch {
    return undefined;
  }
  const wasm = await readFile(`${dir}/policy.wasm`);
  const data = await readFile(`${dir}/data.json`).catch(() => Buffer.from('{}'));
  return parseBundle(writeTar([{ path: INDEX, data: indexBytes }, { path: 'policy.wasm', data: wasm }, { path: 'data.json', data }]), dir);
}
