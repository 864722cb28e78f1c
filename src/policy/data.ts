// The data tree Rego sees, as ec builds it: data files merged by top-level key, rule data, and
// `data.config` (conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go,
// internal/policy/source/source.go).
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import yaml from 'js-yaml';
import { parseYamlDocument, readTextFile } from '../config/document.ts';
import { InputError } from '../errors.ts';
import type { SigstoreOpts } from './types.ts';

type Tree = Record<string, unknown>;

function isRecord(v: unknown): v is Tree {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep-merges objects; a clash of non-objects is an error naming both origins. */
export function mergeData(into: Tree, from: Tree, origin: string, origins: Map<string, string>, path = ''): void {
  for (const [k, v] of Object.entries(from)) {
    const at = path ? `${path}.${k}` : k;
    const existing = into[k];
    if (existing === undefined) {
      into[k] = v;
      origins.set(at, origin);
    } else if (isRecord(existing) && isRecord(v)) {
      mergeData(existing, v, origin, origins, at);
    } else {
      throw new InputError('DATA_MERGE_CONFLICT', `merge error: data key "${at}" is set by both ${origins.get(at) ?? 'another file'} and ${origin}`, { value: at });
    }
  }
}

export async function dataFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      if (/\.(json|ya?ml)$/i.test(d)) out.push(d);
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (/\.(json|ya?ml)$/i.test(e.name)) out.push(p);
    }
  };
  await walk(dir);
  return out;
}

/** Top-level keys of every data file become top-level data keys. */
export async function loadDataTree(dirs: string[]): Promise<Tree> {
  const tree: Tree = {};
  const origins = new Map<string, string>();
  for (const dir of dirs) {
    for (const file of await dataFiles(dir)) {
      const doc = parseYamlDocument(await readTextFile(file), file, { syntaxCode: 'DATA_SYNTAX', schema: yaml.CORE_SCHEMA });
      if (doc === undefined || doc === null) continue;
      if (!isRecord(doc)) throw new InputError('DATA_SHAPE', `${file}: a data file must hold an object (its keys become data keys)`, { value: file });
      mergeData(tree, doc, relative(dir, file) || file, origins);
    }
  }
  return tree;
}

export function configData(whenNs: number, sigstore: SigstoreOpts): Tree {
  return { config: { policy: { when_ns: whenNs }, default_sigstore_opts: sigstore } };
}
