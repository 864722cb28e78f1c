// `vouch validate image` flags → one typed RunConfig, in named steps: where the run writes, the
// snapshot, the policy, the signer (key / keyless / organisation CA) and the runtime options. Every
// face (CLI, GitHub, Tekton) goes through here, so a flag means the same thing everywhere.
import { resolve } from 'node:path';
import { InputError } from '../errors.ts';
import type { PolicySpec } from '../model/policy-spec.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { parseFlags } from './flags.ts';
import { assertOutputsWritable, parseOutputTarget } from './outputs.ts';
import { parseExtraRuleData } from './policy.ts';
import { runtimeOptions, trustFlags, usableCacheDir } from './run-options.ts';
import { signerConfig, withSignerOverrides } from './signer.ts';
import { loadSnapshot, mergeSnapshots } from './snapshot.ts';
import { vsaTrustConfig } from './vsa-trust.ts';
import type { OutputTarget, PolicyResolver, ResolveOptions, RunConfig } from './types.ts';
import { VALIDATE_IMAGE_FLAGS, type ValidateImageFlags } from './validate-image-flags.ts';
import { vsaConfig } from './vsa.ts';

/** Knobs of the faces, not of the run's semantics. */
interface RunExtras {
  color?: boolean;
  snapshotText?: string;
  debug: boolean;
  /** `--quiet`: no progress on stderr. */
  quiet?: boolean;
}

export interface ValidateInvocation {
  config: RunConfig;
  extras: RunExtras;
}

export async function buildRunConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string, resolvePolicy: PolicyResolver): Promise<ValidateInvocation> {
  return runConfigFromFlags(validateImageFlags(argv), env, cwd, resolvePolicy);
}

/**
 * The RunConfig of parsed flags. `imagesOptional`: `vouch validate vsa`, which needs the run's
 * policy and signer (for the policy digest) but may have no image, gets an empty snapshot.
 */
export async function runConfigFromFlags(
  flags: ValidateImageFlags,
  env: NodeJS.ProcessEnv,
  cwd: string,
  resolvePolicy: PolicyResolver,
  opts: { imagesOptional?: boolean } = {},
): Promise<ValidateInvocation> {
  // Where the run writes is checked first: a run must not verify for minutes, then fail to write.
  const cacheDir = await usableCacheDir(flags['cache-dir'], env, cwd);
  const outputs = await outputTargets(flags, cwd);
  const vsa = await vsaConfig(flags, env, cwd);
  const trust = trustFlags(flags, cwd);
  const { snapshot, snapshotFile, snapshotText } =
    opts.imagesOptional && flags.image === '' && flags.images === ''
      ? { snapshot: { components: [] }, snapshotFile: undefined, snapshotText: undefined }
      : await snapshotFromFlags(flags, cwd);
  const resolveOpts: ResolveOptions = { baseDir: cwd, cacheDir, env };
  const { spec: policy, downloadedFrom } = await policyFromFlags(flags, resolveOpts, resolvePolicy);
  const signer = await signerConfig(policy, flags, cwd, downloadedFrom);
  const extraRuleData = await parseExtraRuleData(flags['extra-rule-data'], resolveOpts);
  const vsaTrust = await vsaTrustConfig(flags, cwd);
  const config: RunConfig = {
    snapshot,
    ...(snapshotFile ? { snapshotFile } : {}),
    policy,
    ...signer,
    ...(policy.rekorUrl ? { rekorUrl: policy.rekorUrl } : {}),
    trust,
    outputs,
    ...runtimeOptions(flags),
    extraRuleData,
    cacheDir,
    baseDir: cwd,
    ...(vsa ? { vsa } : {}),
    ...(vsaTrust ? { vsaTrust } : {}),
  };
  return { config, extras: runExtras(flags, snapshotText) };
}

/** The flags, with no positional argument (images come by flag). */
function validateImageFlags(argv: string[]): ValidateImageFlags {
  const { values, positionals } = parseFlags(argv, VALIDATE_IMAGE_FLAGS);
  if (positionals.length > 0) {
    throw new InputError('UNEXPECTED_ARGUMENT', `unexpected argument ${JSON.stringify(positionals[0])}: pass images with --image or --images`, {
      value: positionals[0],
    });
  }
  return values;
}

/** A target's file as an absolute path: relative paths mean the run's directory, whatever the process's. */
function absoluteTarget(target: OutputTarget, cwd: string): OutputTarget {
  return target.path ? { ...target, path: resolve(cwd, target.path) } : target;
}

/** Every --output (and the deprecated --output-file), each checked writable now. */
export async function outputTargets(flags: ValidateImageFlags, cwd: string): Promise<OutputTarget[]> {
  const outputs = flags.output.map((t) => absoluteTarget(parseOutputTarget(t), cwd));
  await assertOutputsWritable(outputs, cwd);
  if (flags['output-file'] === '') return outputs;
  const legacy = absoluteTarget(parseOutputTarget(`json=${flags['output-file']}`), cwd);
  await assertOutputsWritable([legacy], cwd, '--output-file');
  return [...outputs, legacy];
}

export interface SnapshotFromFlags {
  snapshot: Snapshot;
  /** The first snapshot file read (for annotations pointing at components' lines). */
  snapshotFile?: string;
  snapshotText?: string;
}

/** Snapshot: --images, --file-path, --json-input, then --image (ec's merge order); never empty. */
export async function snapshotFromFlags(flags: ValidateImageFlags, cwd: string): Promise<SnapshotFromFlags> {
  const parts: Snapshot[] = [];
  let snapshotFile: string | undefined;
  let snapshotText: string | undefined;
  for (const name of ['images', 'file-path', 'json-input'] as const) {
    if (flags[name] === '') continue;
    const loaded = await loadSnapshot(flags[name], cwd);
    parts.push(loaded.snapshot);
    snapshotFile ??= loaded.file;
    snapshotText ??= loaded.text;
  }
  if (flags.image !== '') parts.push({ components: [{ name: 'Unnamed', containerImage: flags.image }] });
  if (parts.length === 0) {
    throw new InputError('NO_IMAGES', 'neither Snapshot nor image reference provided to validate: pass --image REF or --images FILE', {
      value: '--images',
    });
  }
  const snapshot = mergeSnapshots(parts);
  if (snapshot.components.length === 0) {
    throw new InputError('NO_IMAGES', `${snapshotFile ?? '--images'}: the snapshot lists no components`, { value: snapshotFile });
  }
  return { snapshot, ...(snapshotFile ? { snapshotFile } : {}), ...(snapshotText !== undefined ? { snapshotText } : {}) };
}

/**
 * --policy resolved by the policy layer, then the flags' overrides of its key, identity and Rekor
 * URL (conforma/cli a18338416237 internal/policy/policy.go NewPolicy); `downloadedFrom`: where a
 * remote configuration came from.
 */
export async function policyFromFlags(
  flags: ValidateImageFlags,
  opts: ResolveOptions,
  resolvePolicy: PolicyResolver,
): Promise<{ spec: PolicySpec; downloadedFrom?: string }> {
  const { spec, pinnedFrom } = await resolvePolicy(flags.policy, opts);
  return { spec: withSignerOverrides(spec, flags), ...(pinnedFrom !== undefined ? { downloadedFrom: pinnedFrom } : {}) };
}

function runExtras(flags: ValidateImageFlags, snapshotText: string | undefined): RunExtras {
  const color = flags['no-color'] ? false : flags.color ? true : undefined;
  return {
    ...(color !== undefined ? { color } : {}),
    ...(snapshotText !== undefined ? { snapshotText } : {}),
    debug: flags.debug || flags.verbose,
    quiet: flags.quiet,
  };
}
