// The policy engine the validate pipeline calls: every source fetched, compiled (or read from a
// pre-compiled bundle) and loaded once into a pool of evaluation workers, then evaluated per
// component with ec's semantics.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { applyExtraRuleData } from '../config/policy.ts';
import type { PolicySource, PolicySpec } from '../model/policy-spec.ts';
import { InputError } from '../errors.ts';
import { isPolicyBundle, readBundle, readBundleDir, type PolicyBundle } from './bundle.ts';
import { configData, loadDataTree, mergeData } from './data.ts';
import { policyDigest, sourceDigest } from './digest.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import { compilePolicy, policyEntrypoints, type RegoFile } from './opa/compile.ts';
import { stripMetadata } from './rules/order.ts';
import { ruleInfosFromModules } from './rules/annotations.ts';
import { mergeOutcomes, processSourceResults } from './rules/process.ts';
import { fetchSource } from './sources/fetch.ts';
import type { EvaluationContext, PolicyEvaluator, PolicyLoadOptions, PolicyOutcome, RuleInfo } from './types.ts';
import { policyProgram } from './wasm/evaluate.ts';
import type { SourceProgram } from './wasm/worker.ts';
import { evaluationPoolSize, startEvaluationPool, type EvaluationPool } from './wasm/workers.ts';

interface LoadedSource {
  source: PolicySource;
  name: string;
  rules: RuleInfo[];
  /** src/policy/digest.ts sourceDigest. */
  digest: string;
}

async function regoFiles(root: string): Promise<RegoFile[]> {
  const out: RegoFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    const info = await stat(dir);
    if (info.isFile()) {
      if (dir.endsWith('.rego')) out.push({ path: dir, text: await readFile(dir, 'utf8') });
      return;
    }
    for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.rego') && !e.name.endsWith('_test.rego')) out.push({ path: relative(root, p) || p, text: await readFile(p, 'utf8') });
    }
  };
  await walk(root);
  return out.map((f) => ({ ...f, path: f.path.startsWith('/') ? f.path : join(root, f.path) }));
}

/** Fetches a source's policy URLs; returns the pinned URLs and either modules or a pre-compiled bundle. */
async function gatherPolicy(urls: string[], opts: PolicyLoadOptions): Promise<{ pinned: string[]; files: RegoFile[]; bundles: PolicyBundle[] }> {
  const pinned: string[] = [];
  const files: RegoFile[] = [];
  const bundles: PolicyBundle[] = [];
  for (const url of urls) {
    const fetched = await fetchSource(url, opts);
    pinned.push(fetched.pinned);
    if (await isPolicyBundle(fetched.dir)) bundles.push(await readBundle(fetched.dir));
    else {
      const unpacked = (await stat(fetched.dir)).isDirectory() ? await readBundleDir(fetched.dir) : undefined;
      if (unpacked) bundles.push(unpacked);
      else files.push(...(await regoFiles(fetched.dir)));
    }
  }
  return { pinned, files, bundles };
}

/**
 * A policy fetched, read and identified by its content digest, nothing compiled yet: a run whose
 * components are all reported from VSAs needs only the digest, and neither opa nor a worker.
 */
export interface PreparedPolicy {
  /** The spec after pre-processing (pinned source URLs, CLI overrides), echoed as report.policy. */
  readonly spec: PolicySpec;
  /** src/policy/digest.ts policyDigest: the same as the loaded evaluator's. */
  readonly digest: string;
  /** Compiles the sources (opa, or the pre-compiled bundles) and starts the workers; once. */
  load(): Promise<PolicyEvaluator>;
}

/** A source as gathered: what its digest was taken from, and what compiling it needs. */
interface GatheredSource extends LoadedSource {
  files: RegoFile[];
  bundle?: PolicyBundle;
  /** The data tree with `data.config`, as every instance gets it. */
  data: Record<string, unknown>;
}

/** Fetches and reads every source and takes the content digest; compiles nothing, runs no opa. */
export async function preparePolicy(options: PolicyLoadOptions): Promise<PreparedPolicy> {
  const spec: PolicySpec = structuredClone(applyExtraRuleData(options.spec, options.extraRuleData));
  const sources = await gatherSources(spec, options);
  const digest = policyDigest(
    spec,
    sources.map((s) => s.digest),
    options.sigstoreOpts,
  );
  let loading: Promise<PolicyEvaluator> | undefined;
  return {
    spec,
    digest,
    load: () => (loading ??= compileSources(spec, digest, sources, options)),
  };
}

/** The policy fetched, compiled and loaded into its evaluation workers. */
export async function loadPolicy(options: PolicyLoadOptions): Promise<PolicyEvaluator> {
  return (await preparePolicy(options)).load();
}

async function compileSources(spec: PolicySpec, digest: string, sources: GatheredSource[], options: PolicyLoadOptions): Promise<PolicyEvaluator> {
  // The workers start while the sources compile.
  const pool =
    sources.length > 0
      ? startEvaluationPool(evaluationPoolSize(options.evaluationWorkers ?? 1), options.signal, options.ec ? { ec: options.ec } : {})
      : undefined;
  try {
    const programs: SourceProgram[] = [];
    for (const s of sources) {
      const compiled = s.bundle
        ? s.bundle.compiled
        : await compilePolicy(s.files, {
            ...(options.opaPath ? { opaPath: options.opaPath } : {}),
            cacheDir: options.cacheDir,
            env: options.env,
            ...(options.signal ? { signal: options.signal } : {}),
          });
      programs.push({ ...(await policyProgram(compiled)), data: s.data });
    }
    await pool?.load(programs, new Date());
  } catch (err) {
    await pool?.close();
    throw err;
  }
  return evaluator(spec, digest, sources, pool, options);
}

async function gatherSources(spec: PolicySpec, options: PolicyLoadOptions): Promise<GatheredSource[]> {
  const whenNs = options.effectiveTime.getTime() * 1_000_000;
  const gatheredSources: GatheredSource[] = [];
  const seenCodes = new Map<string, string>();
  for (const [i, source] of (spec.sources ?? []).entries()) {
    const name = source.name ?? `sources[${i}]`;
    const policyUrls = source.policy ?? [];
    if (policyUrls.length === 0) continue;
    const gathered = await gatherPolicy(policyUrls, options);
    source.policy = gathered.pinned;
    const dataDirs: string[] = [];
    const pinnedData: string[] = [];
    for (const url of source.data ?? []) {
      const fetched = await fetchSource(url, options);
      dataDirs.push(fetched.dir);
      pinnedData.push(fetched.pinned);
    }
    if (source.data) source.data = pinnedData;
    if (gathered.bundles.length > 1 || (gathered.bundles.length === 1 && gathered.files.length > 0)) {
      throw new InputError('POLICY_BUNDLE_MIXED', `policy source ${name}: a pre-compiled bundle must be the source's only policy entry`, { value: name });
    }
    const bundle = gathered.bundles[0];
    const rules = bundle ? bundle.rules : ruleInfosFromModules(gathered.files);
    for (const r of rules) {
      if (!r.annotated) continue;
      const other = seenCodes.get(r.code);
      if (other !== undefined && other !== name)
        throw new InputError('DUPLICATE_RULE_CODE', `found a second rule with the same code: ${r.code} (sources ${other} and ${name})`, { value: r.code });
      seenCodes.set(r.code, name);
    }
    // What opa would refuse before compiling (no rules, a boolean deny) is refused here too, compiled or not.
    if (!bundle) policyEntrypoints(gathered.files);
    const data = bundle ? structuredClone(bundle.data) : {};
    const origins = new Map<string, string>();
    mergeData(data, await loadDataTree(dataDirs), 'data sources', origins);
    // ec adds `rule_data__configuration__` only for a source with ruleData (policy/source PolicySourcesFrom).
    if (source.ruleData !== undefined) mergeData(data, { rule_data__configuration__: source.ruleData }, 'ruleData', origins);
    const digest = sourceDigest({ source, modules: gathered.files.map((f) => f.text), ...(bundle ? { wasm: bundle.compiled.wasm } : {}), rules, data });
    mergeData(data, configData(whenNs, options.sigstoreOpts), 'config', origins);
    gatheredSources.push({ source, name, rules, digest, files: gathered.files, ...(bundle ? { bundle } : {}), data });
  }
  return gatheredSources;
}

function evaluator(spec: PolicySpec, digest: string, loaded: LoadedSource[], pool: EvaluationPool | undefined, options: PolicyLoadOptions): PolicyEvaluator {
  return {
    spec,
    digest,
    async evaluate(input: PolicyInput, ctx: EvaluationContext): Promise<PolicyOutcome> {
      const raw = pool && loaded.length > 0 ? await pool.evaluate(input) : [];
      const outcomes = loaded.map((s, i) =>
        processSourceResults(raw[i]!, s.rules, s.source, spec, ctx, { showSuccesses: options.showSuccesses, sourceName: s.name }),
      );
      const merged = mergeOutcomes(outcomes);
      return {
        violations: merged.violations.map((r) => stripMetadata(r, options.info)),
        warnings: merged.warnings.map((r) => stripMetadata(r, options.info)),
        successes: merged.successes.map((r) => stripMetadata(r, options.info)),
        successCount: merged.successCount,
      };
    },
    async close() {
      await pool?.close();
    },
  };
}
