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
import { REMOVED_BUILTINS, ecCapabilities, type Capabilities } from './capabilities.ts';

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
export async function findOpa(explicit: string | undefined, env: NodeJS.ProcessEnv): Promise<string> {
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
    c = run(opa, ['capabilities', '--current'], { maxBuffer: 64 * 1024 * 1024 }).then(({ stdout }) => JSON.stringify(ecCapabilities(JSON.parse(stdout) as Capabilities)));
    capabilities.set(opa, c);
  }
  return c;
}

/**
 * Entrypoints and rule-shape checks from the original modules (conforma/cli a18338416237
 * internal/opa/inspect.go checkRules).
 */
export function entrypointsOf(files: RegoFile[]): string[] {
  const entries = new Set<string>();
  for (const f of files) {
    if (f.path.endsWith('_test.rego')) continue;
    const mod = parseRegoModule(f.path, f.text);
    for (const r of mod.rules) {
      const kind = ruleKind(r.name);
      if (kind === 'other' && r.name !== 'exception') continue;
      if (kind !== 'other' && (new RegExp(`^${r.name}\\s+if\\b`).test(r.head) || /^\w+\s*:?=\s*(true|false)\b/.test(r.head) || r.head === r.name)) {
        throw new InputError('UNSUPPORTED_RULE_VALUE', `the rule "${r.head}" returns an unsupported value, at ${f.path}:${r.line} (deny/warn rules must produce strings or objects with "msg")`, {
          value: `${f.path}:${r.line}`,
        });
      }
      entries.add(`${mod.package.replace(/\./g, '/')}/${r.name}`);
    }
  }
  return [...entries].sort();
}

/** The entrypoint that returns every rule's value at once (see aggregateModule). */
export const AGGREGATE_ENTRYPOINT = 'vouch__aggregate/results';

/**
 * A generated module whose `results` maps each entrypoint to its rule's value, so a component's
 * input (which holds the whole snapshot) is parsed once per component, not once per rule. Rules
 * that are undefined are simply absent, as they are when queried one by one.
 */
export function aggregateModule(entrypoints: string[]): string {
  const ref = (entry: string): string => `data${entry.split('/').map((seg) => `[${JSON.stringify(seg)}]`).join('')}`;
  const lines = entrypoints.map((e) => `results[${JSON.stringify(e)}] := v if {\n\tv := ${ref(e)}\n}`);
  return `package vouch__aggregate\n\nimport rego.v1\n\n${lines.join('\n\n')}\n`;
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
async function everyCompileError(opa: string, caps: string, src: string, signal: AbortSignal | undefined): Promise<string | undefined> {
  try {
    await run(opa, ['check', '--max-errors=-1', '--capabilities', caps, src], { maxBuffer: 64 * 1024 * 1024, ...(signal ? { signal } : {}) });
    return undefined;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return outputOf(err) || undefined;
  }
}

export async function compilePolicy(files: RegoFile[], opts: { opaPath?: string; cacheDir: string; env: NodeJS.ProcessEnv; signal?: AbortSignal }): Promise<CompiledPolicy> {
  const modules = files.filter((f) => f.path.endsWith('.rego') && !f.path.endsWith('_test.rego'));
  const entrypoints = entrypointsOf(modules);
  const opa = await findOpa(opts.opaPath, opts.env);
  const [version, caps] = await Promise.all([opaVersion(opa), restrictedCapabilities(opa)]);
  const hash = createHash('sha256').update(`vouch-compile-v2\n${version}\n${createHash('sha256').update(caps).digest('hex')}\n`);
  for (const f of [...modules].sort((a, b) => (a.path < b.path ? -1 : 1))) hash.update(`${f.path}\n${f.text.length}\n${f.text}`);
  const key = hash.digest('hex');
  const dir = join(opts.cacheDir, 'compiled', key);
  try {
    const wasm = await readFile(join(dir, 'policy.wasm'));
    const cachedEntrypoints = JSON.parse(await readFile(join(dir, 'entrypoints.json'), 'utf8')) as string[];
    return { wasm, entrypoints: cachedEntrypoints, opaVersion: version, key };
  } catch {
    // not compiled yet
  }
  if (entrypoints.length === 0) {
    throw new InputError('POLICY_NO_RULES', `the policy has no deny, violation or warn rules (${modules.map((m) => m.path).join(', ') || 'no .rego files'})`, {
      value: modules.map((m) => m.path),
    });
  }
  const work = await mkdtemp(join(tmpdir(), 'vouch-opa-'));
  try {
    // Only the .rego modules go to opa: data files are merged by vouch (ec's data rules).
    const src = join(work, 'src');
    await mkdir(src);
    const names = modules.map((m, i) => `${String(i).padStart(4, '0')}-${m.path.replace(/[^\w.-]+/g, '_').slice(-80)}`);
    await Promise.all(modules.map((m, i) => writeFile(join(src, names[i]!), m.text)));
    await writeFile(join(src, 'zzzz-vouch-aggregate.rego'), aggregateModule(entrypoints));
    const built = [...entrypoints, AGGREGATE_ENTRYPOINT];
    // opa's messages name our temporary copies: put the original paths back.
    const original = (text: string): string => names.reduce((t, n, i) => t.split(join(src, n)).join(modules[i]!.path), text);
    await writeFile(join(work, 'caps.json'), caps);
    const out = join(work, 'bundle.tar.gz');
    try {
      await run(opa, ['build', '-t', 'wasm', '--capabilities', join(work, 'caps.json'), ...built.flatMap((e) => ['-e', e]), '-o', out, src], {
        maxBuffer: 64 * 1024 * 1024,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
    } catch (err) {
      if (opts.signal?.aborted) throw opts.signal.reason;
      const every = await everyCompileError(opa, join(work, 'caps.json'), src, opts.signal);
      throw explainBuildError(original(every ?? (outputOf(err) || errorMessage(err))));
    }
    const wasm = readTar(await readFile(out)).find((e) => e.path.replace(/^\/+/, '') === 'policy.wasm')?.data;
    if (!wasm) throw new EnvironmentError('OPA_BUILD_OUTPUT', 'opa build produced no policy.wasm', { value: out });
    const tmp = `${dir}.tmp-${process.pid}`;
    await mkdir(tmp, { recursive: true });
    await writeFile(join(tmp, 'policy.wasm'), wasm);
    await writeFile(join(tmp, 'entrypoints.json'), JSON.stringify(built));
    await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
    return { wasm, entrypoints: built, opaVersion: version, key };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
