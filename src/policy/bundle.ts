// Pre-compiled policy bundles (`vouch policy build`): the wasm module, its data and our rule index,
// so runs need no `opa` at all.
import { readFile, writeFile } from 'node:fs/promises';
import { InputError, errorMessage } from '../errors.ts';
import { isRecord, isString, isStringList } from '../util/json-shapes.ts';
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
  const index = {
    format: FORMAT,
    entrypoints: bundle.compiled.entrypoints,
    opaVersion: bundle.compiled.opaVersion,
    key: bundle.compiled.key,
    rules: bundle.rules,
  };
  await writeFile(
    file,
    writeTar([
      { path: INDEX, data: Buffer.from(JSON.stringify(index)) },
      { path: 'policy.wasm', data: bundle.compiled.wasm },
      { path: 'data.json', data: Buffer.from(JSON.stringify(bundle.data)) },
    ]),
  );
}

/** A RuleInfo as the index holds it, or the reason it is not one. */
function ruleProblem(r: unknown): string | undefined {
  if (!isRecord(r)) return 'not an object';
  for (const key of ['code', 'package', 'rule'] as const) if (!isString(r[key])) return `${key} is not a string`;
  if (!['deny', 'warn', 'other'].includes(r.kind as string)) return 'kind is not deny, warn or other';
  if (typeof r.annotated !== 'boolean') return 'annotated is not a boolean';
  for (const key of ['shortName', 'title', 'description', 'solution', 'effectiveOn'] as const)
    if (r[key] !== undefined && !isString(r[key])) return `${key} is not a string`;
  for (const key of ['collections', 'dependsOn', 'pipelineIntention'] as const)
    if (r[key] !== undefined && !isStringList(r[key])) return `${key} is not a list of strings`;
  return undefined;
}

/** JSON of a bundle member; a bundle may come from a remote source, so nothing in it is trusted. */
function bundleJson(bytes: Uint8Array, member: string, origin: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new InputError('POLICY_BUNDLE_INVALID', `${origin}: ${member} is not JSON (${errorMessage(err)})`, { value: origin });
  }
}

export function parseBundle(bytes: Uint8Array, origin: string): PolicyBundle {
  const entries = new Map(readTar(bytes).map((e) => [e.path.replace(/^\.?\//, ''), e.data]));
  const indexBytes = entries.get(INDEX);
  const wasm = entries.get('policy.wasm');
  if (!indexBytes || !wasm)
    throw new InputError('POLICY_BUNDLE_INVALID', `${origin}: not a vouch policy bundle (no ${INDEX} or policy.wasm)`, { value: origin });
  const index = bundleJson(indexBytes, INDEX, origin);
  const invalid = (why: string): InputError => new InputError('POLICY_BUNDLE_INVALID', `${origin}: ${INDEX}: ${why}`, { value: origin });
  if (!isRecord(index)) throw invalid('not an object');
  if (index.format !== FORMAT)
    throw new InputError('POLICY_BUNDLE_VERSION', `${origin}: bundle format ${JSON.stringify(index.format)} is not ${FORMAT}; rebuild it with this vouch`, {
      value: origin,
    });
  if (!isStringList(index.entrypoints) || !isString(index.opaVersion) || !isString(index.key) || !Array.isArray(index.rules)) {
    throw invalid('entrypoints, opaVersion, key or rules missing or of the wrong type');
  }
  index.rules.forEach((r, i) => {
    const problem = ruleProblem(r);
    if (problem) throw invalid(`rules[${i}]: ${problem}`);
  });
  const dataBytes = entries.get('data.json');
  const data = dataBytes ? bundleJson(dataBytes, 'data.json', origin) : {};
  if (!isRecord(data)) throw new InputError('POLICY_BUNDLE_INVALID', `${origin}: data.json is not an object`, { value: origin });
  return {
    compiled: { wasm, entrypoints: index.entrypoints, opaVersion: index.opaVersion, key: index.key },
    data,
    rules: index.rules as RuleInfo[],
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
  return parseBundle(
    writeTar([
      { path: INDEX, data: indexBytes },
      { path: 'policy.wasm', data: wasm },
      { path: 'data.json', data },
    ]),
    dir,
  );
}
