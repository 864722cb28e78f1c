// `vouch policy test`: a policy's unit tests (its `test_` rules) on vouch's own wasm path. The
// modules are parsed by opa, their large constants moved to data (constants.ts), their `with` chains
// reordered (opa/with-rewrite.ts), and compiled once per test package with that package's tests as
// entrypoints: packages apart compile in parallel, bounded in memory, each cached on its own.
import { buildWasm, cachedBuild, compileKey, opaToolchain, withOriginalPaths, type OpaToolchain, type RegoFile } from '../opa/compile.ts';
import { parseModules } from '../opa/parse.ts';
import { rewriteScope, rewriteWithOrder } from '../opa/with-rewrite.ts';
import { mergeData } from '../data.ts';
import { CONSTANTS_KEY, hoistConstants } from './constants.ts';
import { discoverTests, type TestCase } from './discover.ts';
import { instantiateTests, runTest, type TestResult } from './evaluate.ts';
import { loadTestSources } from './load.ts';
import { modulesFor, nameIndex } from './prune.ts';
import { mapLimited } from '../../util/map-limited.ts';

export interface PolicyTestOptions {
  /** Paths as `opa test` takes them: directories and .rego/.json/.yaml files. */
  paths: string[];
  /** Data read as `validate image` reads a source's data. */
  dataPaths: string[];
  /** What relative paths are relative to. */
  cwd: string;
  /** Only tests whose `data.pkg.name` matches (Go/RE2 syntax). */
  run?: string;
  opaPath?: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  /** Packages compiled at once (each opa build is a process of its own). */
  parallel: number;
  now?: Date;
  signal?: AbortSignal;
  /** Progress notes (compiling, cache hits), for --verbose. */
  log?: (message: string) => void;
}

/** Compiles and runs one package's tests. */
async function runPackage(
  toolchain: OpaToolchain,
  modules: RegoFile[],
  tests: TestCase[],
  data: Record<string, unknown>,
  now: Date,
  opts: PolicyTestOptions,
): Promise<TestResult[]> {
  const entrypoints = tests.map((t) => t.entrypoint!);
  const key = compileKey(toolchain, `vouch-test-v1\n${JSON.stringify(entrypoints)}`, modules).digest('hex');
  const started = Date.now();
  const built = await cachedBuild(opts.cacheDir, key, async () => ({
    wasm: await buildWasm(toolchain, modules, entrypoints, opts.signal ? { signal: opts.signal } : {}),
    entrypoints,
  }));
  opts.log?.(`${tests[0]!.package}: ${tests.length} tests compiled in ${Date.now() - started} ms`);
  const instance = await instantiateTests(built.wasm, built.entrypoints, data, now);
  return tests.map((t) => {
    const r = runTest(instance, t);
    return r.error === undefined ? r : { ...r, error: withOriginalPaths(r.error, modules) };
  });
}

/** Every test's result, in module and rule order. */
export async function runPolicyTests(opts: PolicyTestOptions): Promise<TestResult[]> {
  const sources = await loadTestSources(opts.paths, opts.dataPaths, opts.cwd);
  if (sources.modules.length === 0) return [];
  const toolchain = await opaToolchain(opts);
  const outlines = await parseModules(sources.modules, {
    opa: toolchain.opa,
    opaVersion: toolchain.version,
    cacheDir: opts.cacheDir,
    concurrency: opts.parallel,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  const scope = rewriteScope(outlines);
  // Each step edits text the previous one left in place (rows are kept; no two touch one row).
  const hoisted = hoistConstants(outlines);
  mergeData(sources.data, { [CONSTANTS_KEY]: hoisted.constants }, "the policy's constants", new Map());
  const { tests, modules } = discoverTests(
    hoisted.modules.map((m) => ({ ...m, text: rewriteWithOrder(m, scope) })),
    opts.run,
  );
  const byPackage = new Map<string, { pkg: string[]; tests: TestCase[] }>();
  for (const t of tests) {
    if (!t.entrypoint) continue;
    const group = byPackage.get(t.package) ?? { pkg: modules.find((m) => m.path === t.file)!.package, tests: [] };
    group.tests.push(t);
    byPackage.set(t.package, group);
  }
  const names = nameIndex(modules);
  const now = opts.now ?? new Date();
  const results = new Map<TestCase, TestResult>();
  const batches = await mapLimited([...byPackage.values()], opts.parallel, ({ pkg, tests: group }) => {
    const files = modulesFor(pkg, modules, names).map((m) => ({ path: m.path, text: m.text }));
    return runPackage(toolchain, files, group, sources.data, now, opts);
  });
  for (const r of batches.flat()) results.set(r.test, r);
  return tests.map((t) => results.get(t) ?? runTest({ evaluate: () => undefined }, t));
}
