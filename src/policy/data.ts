// The data tree Rego sees, as ec builds it: data files merged by top-level key (and again under
// their sub-directories' names), rule data, and `data.config` (conforma/cli a18338416237
// internal/evaluator/conftest_evaluator.go, internal/policy/source/source.go).
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { assertBoundedDocument, parseYamlDocument, readTextFile } from '../config/document.ts';
import { InputError, errorMessage } from '../errors.ts';
import { GO_YAML_V2_SCHEMA } from '../util/go-yaml.ts';
import type { SigstoreOpts } from './types.ts';
import { isRecord } from '../util/json-shapes.ts';

type Tree = Record<string, unknown>;

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
      throw new InputError('DATA_MERGE_CONFLICT', `merge error: data key "${at}" is set by both ${origins.get(at) ?? 'another file'} and ${origin}`, {
        value: at,
      });
    }
  }
}

/** ec marks a directory by the extensions conftest loads, compared exactly (filepath.Ext). */
const isDataFile = (name: string): boolean => /\.(json|yaml|yml)$/.test(name);

/** Bounds the documents loaded: a file under n data directories is loaded n times. */
const MAX_DOCUMENTS = 100_000;

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * The directories under `dir` (itself included) that directly hold a data file: ec passes each to
 * conftest as a data path (conforma/cli a183384 internal/evaluator/conftest_evaluator.go
 * prepareDataDirs, fs.WalkDir: hidden entries included, symlinked directories not entered).
 */
async function dataDirectories(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    const entries = (await readdir(d, { withFileTypes: true })).sort(byName);
    if (entries.some((e) => !e.isDirectory() && isDataFile(e.name))) out.push(d);
    for (const e of entries) if (e.isDirectory()) await walk(join(d, e.name));
  };
  await walk(dir);
  return out;
}

/**
 * Every data file under a data path, with the directory names it nests under: OPA's loader
 * (open-policy-agent/opa v1.15.2 v1/loader/loader.go allRec) puts a file of a sub-directory under
 * that directory's name. A file in a sub-directory that holds data files itself is therefore in
 * `data` twice, at the top and nested, as in ec.
 */
async function nestedDataFiles(root: string): Promise<{ file: string; nest: string[] }[]> {
  const out: { file: string; nest: string[] }[] = [];
  const walk = async (d: string, nest: string[]): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort(byName)) {
      if (e.isDirectory()) await walk(join(d, e.name), [...nest, e.name]);
      else if (isDataFile(e.name)) out.push({ file: join(d, e.name), nest });
    }
  };
  await walk(root, []);
  return out;
}

/** One data file as OPA's loader reads it: JSON as JSON, YAML as go-yaml v2 resolves it; an object. */
async function readDataFile(file: string): Promise<Tree> {
  const text = await readTextFile(file);
  const doc = file.endsWith('.json') ? parseJsonDocument(text, file) : parseYamlDocument(text, file, { syntaxCode: 'DATA_SYNTAX', schema: GO_YAML_V2_SCHEMA });
  // ec: `document must be of type object` (an empty file too).
  if (!isRecord(doc)) throw new InputError('DATA_SHAPE', `${file}: a data file must hold an object (its keys become data keys)`, { value: file });
  return doc;
}

function parseJsonDocument(text: string, file: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError('DATA_SYNTAX', `${file}: not valid JSON: ${errorMessage(err)}`, { value: file });
  }
  assertBoundedDocument(doc, file);
  return doc;
}

/**
 * The data of a source's `data` entries, as ec builds it: every directory holding a data file is
 * a data path, and each path's files are merged with their sub-directories as keys (see above).
 * A source that is a single file is refused: ec ignores it (its directory walk marks the file's
 * parent, which is not the source), so its rules would run on data nobody meant.
 */
export async function loadDataTree(dirs: string[]): Promise<Tree> {
  const tree: Tree = {};
  const origins = new Map<string, string>();
  const parsed = new Map<string, Tree>();
  let loaded = 0;
  for (const dir of dirs) {
    if (!(await stat(dir)).isDirectory()) {
      throw new InputError(
        'DATA_SOURCE_NOT_DIRECTORY',
        `data source ${dir} is a file: name the directory that holds it (ec ignores a data source that is a single file)`,
        { value: dir },
      );
    }
    for (const root of await dataDirectories(dir)) {
      for (const { file, nest } of await nestedDataFiles(root)) {
        if (++loaded > MAX_DOCUMENTS) {
          throw new InputError(
            'DATA_TOO_MANY_FILES',
            `data source ${dir}: more than ${MAX_DOCUMENTS} data documents once nested directories are counted (the limit)`,
            { value: dir },
          );
        }
        let doc = parsed.get(file);
        if (!doc) {
          doc = await readDataFile(file);
          parsed.set(file, doc);
        }
        const nested = nest.reduceRight<Tree>((inner, key) => ({ [key]: inner }), structuredClone(doc));
        mergeData(tree, nested, relative(dir, file) || file, origins);
      }
    }
  }
  return tree;
}

export function configData(whenNs: number, sigstore: SigstoreOpts): Tree {
  return { config: { policy: { when_ns: whenNs }, default_sigstore_opts: sigstore } };
}
