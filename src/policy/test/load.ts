// What `vouch policy test` reads, as `opa test` (and `ec opa test`) reads its path arguments: every
// .rego file is a module; every .json/.yaml/.yml file is data, placed at the path of its directory
// below the argument it was found under (a file given directly lands at the data root). Data given
// with --data is read as `validate image` reads a policy source's data (each file's top-level keys
// become top-level data keys). Hidden files and directories are read too, as opa reads them.
import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import yaml from 'js-yaml';
import { parseYamlDocument, readTextFile } from '../../config/document.ts';
import { InputError } from '../../errors.ts';
import { loadDataTree, mergeData } from '../data.ts';
import type { RegoFile } from '../opa/compile.ts';
import { isRecord } from '../../util/json-shapes.ts';

type Tree = Record<string, unknown>;

export interface TestSources {
  modules: RegoFile[];
  data: Tree;
}

const DATA_FILE = /\.(json|ya?ml)$/i;

async function kind(path: string, named: string): Promise<'file' | 'dir'> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return 'dir';
    if (info.isFile()) return 'file';
  } catch {
    // reported below
  }
  throw new InputError('TEST_PATH_MISSING', `${named}: no such file or directory`, { value: named });
}

/**
 * Every file under `dir` (sorted), as [path as the user would write it (under
 * `dir` as given), directory segments below `dir`].
 */
async function walk(dir: string, cwd: string): Promise<[string, string[]][]> {
  const out: [string, string[]][] = [];
  const root = resolve(cwd, dir);
  const visit = async (d: string): Promise<void> => {
    for (const e of (await readdir(d, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.isFile()) out.push([join(dir, relative(root, p)), relative(root, d).split(sep).filter(Boolean)]);
    }
  };
  await visit(root);
  return out;
}

async function dataDocument(file: string, cwd: string): Promise<unknown> {
  return parseYamlDocument(await readTextFile(resolve(cwd, file), file), file, { syntaxCode: 'DATA_SYNTAX', schema: yaml.CORE_SCHEMA });
}

/** `value` at `prefix` (["a", "b"] ⇒ {a: {b: value}}); at the root it must be an object. */
function placed(value: unknown, prefix: string[], file: string): Tree {
  if (prefix.length === 0) {
    if (!isRecord(value)) throw new InputError('DATA_SHAPE', `${file}: a data file at the data root must hold an object`, { value: file });
    return value;
  }
  return prefix.reduceRight<unknown>((inner, key) => ({ [key]: inner }), value) as Tree;
}

/**
 * Reads the path arguments (opa test's rules) and the --data paths (validate image's rules),
 * relative to `cwd`; files keep the names the user would write (opa test prints them so).
 */
export async function loadTestSources(paths: string[], dataPaths: string[], cwd: string): Promise<TestSources> {
  const modules: RegoFile[] = [];
  const data: Tree = {};
  const origins = new Map<string, string>();
  for (const arg of paths) {
    const isDir = (await kind(resolve(cwd, arg), arg)) === 'dir';
    if (!isDir && !arg.endsWith('.rego') && !DATA_FILE.test(arg))
      throw new InputError('TEST_PATH_TYPE', `${arg}: not a .rego, .json, .yaml or .yml file`, { value: arg });
    for (const [file, prefix] of isDir ? await walk(arg, cwd) : [[arg, []] as [string, string[]]]) {
      if (file.endsWith('.rego')) modules.push({ path: file, text: await readTextFile(resolve(cwd, file), file) });
      else if (DATA_FILE.test(file)) {
        const doc = await dataDocument(file, cwd);
        if (doc !== undefined && doc !== null) mergeData(data, placed(doc, prefix, file), file, origins);
      }
    }
  }
  const dataDirs = dataPaths.map((p) => resolve(cwd, p));
  for (const [i, p] of dataDirs.entries()) await kind(p, `--data ${dataPaths[i]!}`);
  mergeData(data, await loadDataTree(dataDirs), '--data', origins);
  return { modules, data };
}
