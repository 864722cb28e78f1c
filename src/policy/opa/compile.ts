// Rego → WebAssembly with the real `opa build -t wasm`: one entrypoint per deny/warn/violation rule,
// with ec's capabilities (network builtins removed, the `ec.*` builtins declared: capabilities.ts),
// cached by sources + opa version + capabilities.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, constants, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError, InputError, errorMessage } from '../../errors.ts';
import { readTar } from '../../util/tar.ts';
import { parseRegoModule, ruleKind } from '../rules/annotations.ts';
import { AGGREGATE_ENTRYPOINT, aggregateModule } from './aggregate.ts';
import { REMOVED_BUILTINS, ecCapabilities, type Capabilities } from './capabilities.ts';
import { parseModules, type ModuleOutline } from './parse.ts';
import { rewriteWithChains } from './with-rewrite.ts';

const run = promisify(execFile);

export interface CompiledPolicy {
  wasm: Uint8Array;
  /** `pkg/path/rule` entrypoints in the module. */
  entrypoints: string[];
  opaVersion: string;
  key: string;
}

export interface RegoFile {
  path: string;
  text: string;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `opa` from --opa, then OPA_PATH, then PATH. */
async function findOpa(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
  for (const candidate of [explicit, env.OPA_PATH]) {
    if (!candidate) continue;
    if (await executable(candidate)) return candidate;
    throw new EnvironmentError('OPA_NOT_FOUND', `opa not found at ${candidate} (from ${candidate === explicit ? '--opa' : 'OPA_PATH'})`, { value: candidate });
  }
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir && (await executable(join(dir, 'opa')))) return join(dir, 'opa');
  }
  throw new EnvironmentError(
    'OPA_NOT_FOUND',
    'compiling Rego needs the opa CLI, which is not on PATH: install it (go install github.com/open-policy-agent/opa@v1.22.2, or bash scripts/install-tools.sh), pass --opa PATH, or use a pre-compiled bundle (vouch policy build) as the policy source',
    { value: 'opa' },
  );
}

const versions = new Map<string, Promise<string>>();
const capabilities = new Map<string, Promise<string>>();

function opaVersion(opa: string): Promise<string> {
  let v = versions.get(opa);
  if (!v) {
    v = run(opa, ['version']).then(({ stdout }) => /Version:\s*(\S+)/.exec(stdout)?.[1] ?? 'unknown');
    versions.set(opa, v);
  }
  return v;
}

/** ec's capabilities over this opa's current ones; merged, never replaced (a replacement drops rego_v1 etc.). */
function restrictedCapabilities(opa: string): Promise<string> {
  let c = capabilities.get(opa);
  if (!c) {
    c = run(opa, ['capabilities', '--current'], { maxBuffer: 64 * 1024 * 1024 }).then(({ stdout }) =>
      JSON.stringify(ecCapabilities(JSON.parse(stdout) as Capabilities)),
    );
    capabilities.set(opa, c);
  }
  return c;
}

/**
 * Entrypoints and rule-shape checks from the original modules (conforma/cli a18338416237
 * internal/opa/inspect.go checkRules).
 */
function entrypointsOf(files: RegoFile[]): string[] {
  const entries = new Set<string>();
  for (const f of files) {
    if (f.path.endsWith('_test.rego')) continue;
    const mod = parseRegoModule(f.path, f.text);
    for (const r of mod.rules) {
      const kind = ruleKind(r.name);
      if (kind === 'other' && r.name !== 'exception') continue;
      if (kind !== 'other' && (new RegExp(`^${r.name}\\s+if\\b`).test(r.head) || /^\w+\s*:?=\s*(true|false)\b/.test(r.head) || r.head === r.name)) {
        throw new InputError(
          'UNSUPPORTED_RULE_VALUE',
          `the rule "${r.head}" returns an unsupported value, at ${f.path}:${r.line} (deny/warn rules must produce strings or objects with "msg")`,
          {
            value: `${f.path}:${r.line}`,
          },
        );
      }
      entries.add(`${mod.package.replace(/\./g, '/')}/${r.name}`);
    }
  }
  return [...entries].sort();
}

function explainBuildError(stderr: string): InputError {
  const undefinedFns = [...stderr.matchAll(/undefined function ([\w.]+)/g)].map((m) => m[1]!);
  const network = undefinedFns.filter((f) => REMOVED_BUILTINS.has(f));
  if (network.length > 0) {
    return new InputError(
      'POLICY_CAPABILITY',
      `policy compilation error: the policy references Rego built-in functions not available in this context (${network.join(', ')}): network access from policies is not allowed\n${stderr.trim()}`,
      { value: network },
    );
  }
  return new InputError('POLICY_COMPILE', `policy compilation error:\n${stderr.trim()}`, { value: 'rego' });
}

const outputOf = (err: unknown): string => {
  const e = err as { stderr?: string; stdout?: string };
  return `${e.stderr ?? ''}${e.stdout ?? ''}`.trim();
};

/**
 * `opa build` stops at its first ten errors and has no flag to go on; `opa check` (same parser,
 * compiler and capabilities) lists them all. Undefined when check finds nothing: the error is then
 * one of the wasm planner's, which build reported in full.
 */
async function everyCompileError(opa: string, caps: string, src: string, cwd: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    await run(opa, ['check', '--max-errors=-1', '--capabilities', caps, src], { cwd, maxBuffer: 64 * 1024 * 1024, ...(signal ? { signal } : {}) });
    return undefined;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return outputOf(err) || undefined;
  }
}

/** The opa that compiles, its version and the capabilities it compiles with (keys of every cache). */
export interface OpaToolchain {
  opa: string;
  version: string;
  capabilities: string;
}

export async function opaToolchain(opts: { opaPath?: string; env: NodeJS.ProcessEnv }): Promise<OpaToolchain> {
  const opa = await findOpa(opts.opaPath, opts.env);
  const [version, caps] = await Promise.all([opaVersion(opa), restrictedCapabilities(opa)]);
  return { opa, version, capabilities: caps };
}

/** A compile-cache key: the toolchain, a purpose tag and the modules (sorted by path). */
export function compileKey(toolchain: OpaToolchain, tag: string, modules: RegoFile[]): ReturnType<typeof createHash> {
  const hash = createHash('sha256').update(`${tag}\n${toolchain.version}\n${createHash('sha256').update(toolchain.capabilities).digest('hex')}\n`);
  for (const f of [...modules].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${f.path}\n${f.text.length}\n${f.text}`);
  return hash;
}

/** A module and its entrypoints from the compile cache, or built and stored there. */
export async function cachedBuild(
  cacheDir: string,
  key: string,
  build: () => Promise<{ wasm: Uint8Array; entrypoints: string[] }>,
): Promise<{ wasm: Uint8Array; entrypoints: string[] }> {
  const dir = join(cacheDir, 'compiled', key);
  try {
    const wasm = await readFile(join(dir, 'policy.wasm'));
    const entrypoints = JSON.parse(await readFile(join(dir, 'entrypoints.json'), 'utf8')) as string[];
    return { wasm, entrypoints };
  } catch {
    // not compiled yet
  }
  const built = await build();
  const tmp = `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await mkdir(tmp, { recursive: true });
  await writeFile(join(tmp, 'policy.wasm'), built.wasm);
  await writeFile(join(tmp, 'entrypoints.json'), JSON.stringify(built.entrypoints));
  await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  return built;
}

/** The name a module is compiled under: short, unique, and stable across builds (wasm messages carry it). */
function compiledName(index: number, path: string): string {
  return `src/${String(index).padStart(4, '0')}-${path.replace(/[^\w.-]+/g, '_').slice(-80)}`;
}

/** Text from opa or from a compiled module (an abort names `file:row:col`) with the modules' own paths. */
export function withOriginalPaths(text: string, modules: { path: string }[]): string {
  return text.replace(/src\/(\d{4})-[\w.-]+/g, (name, index: string) => {
    const m = modules[Number(index)];
    return m && compiledName(Number(index), m.path) === name ? m.path : name;
  });
}

/**
 * `opa build -t wasm` over these modules with these entrypoints. The modules go to opa as written
 * (their `with` chains already put in an order the wasm planner gets right: see with-rewrite.ts).
 */
export async function buildWasm(toolchain: OpaToolchain, modules: RegoFile[], entrypoints: string[], opts: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
  const work = await mkdtemp(join(tmpdir(), 'vouch-opa-'));
  try {
    await mkdir(join(work, 'src'));
    await Promise.all(modules.map((m, i) => writeFile(join(work, compiledName(i, m.path)), m.text)));
    await writeFile(join(work, 'caps.json'), toolchain.capabilities);
    try {
      // Relative paths: the names compiled into the module do not depend on where it was built.
      await run(toolchain.opa, ['build', '-t', 'wasm', '--capabilities', 'caps.json', ...entrypoints.flatMap((e) => ['-e', e]), '-o', 'bundle.tar.gz', 'src'], {
        cwd: work,
        maxBuffer: 64 * 1024 * 1024,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const every = await everyCompileError(toolchain.opa, 'caps.json', 'src', work, opts.signal);
      throw explainBuildError(withOriginalPaths(every ?? (outputOf(err) || errorMessage(err)), modules));
    }
    const wasm = readTar(await readFile(join(work, 'bundle.tar.gz'))).find((e) => e.path.replace(/^\/+/, '') === 'policy.wasm')?.data;
    if (!wasm) throw new EnvironmentError('OPA_BUILD_OUTPUT', 'opa build produced no policy.wasm', { value: work });
    return wasm;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const compiledModules = (files: RegoFile[]): RegoFile[] => files.filter((f) => f.path.endsWith('.rego') && !f.path.endsWith('_test.rego'));

/**
 * The rule entrypoints the modules compile to, without opa: a policy with none, or with a rule
 * whose value ec cannot read, is bad input whether or not it is ever compiled.
 */
export function policyEntrypoints(files: RegoFile[]): string[] {
  const modules = compiledModules(files);
  const entrypoints = entrypointsOf(modules);
  if (entrypoints.length === 0) {
    throw new InputError('POLICY_NO_RULES', `the policy has no deny, violation or warn rules (${modules.map((m) => m.path).join(', ') || 'no .rego files'})`, {
      value: modules.map((m) => m.path),
    });
  }
  return entrypoints;
}

export async function compilePolicy(
  files: RegoFile[],
  opts: { opaPath?: string; cacheDir: string; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<CompiledPolicy> {
  const modules = compiledModules(files);
  const entrypoints = policyEntrypoints(modules);
  const toolchain = await opaToolchain(opts);
  const key = compileKey(toolchain, 'vouch-compile-v3', modules).digest('hex');
  const built = await cachedBuild(opts.cacheDir, key, async () => {
    // Only the .rego modules go to opa: data files are merged by vouch (ec's data rules).
    const parse = (some: RegoFile[]): Promise<ModuleOutline[]> =>
      parseModules(some, { opa: toolchain.opa, opaVersion: toolchain.version, cacheDir: opts.cacheDir, ...(opts.signal ? { signal: opts.signal } : {}) });
    const rewritten = await rewriteWithChains(modules, parse);
    const all = [...entrypoints, AGGREGATE_ENTRYPOINT];
    const aggregate = { path: 'zzzz-vouch-aggregate.rego', text: aggregateModule(entrypoints) };
    return { wasm: await buildWasm(toolchain, [...rewritten, aggregate], all, opts), entrypoints: all };
  });
  return { ...built, opaVersion: toolchain.version, key };
}
