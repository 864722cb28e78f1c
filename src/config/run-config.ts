// `vouch validate image` flags (ec's names and defaults) → one typed RunConfig. Every face (CLI,
// GitHub, Tekton) goes through here, so a flag means the same thing everywhere.
import { X509Certificate } from 'node:crypto';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFile } from 'node:fs/promises';
import { EnvironmentError, InputError, errorMessage } from '../errors.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { assertOutputsWritable, parseOutputTarget } from './outputs.ts';
import { makeDirectory } from '../util/files.ts';
import { parseDuration } from './duration.ts';
import { parseEffectiveTime } from './effective-time.ts';
import { assertEffectiveTimeAllowed } from './past-effective-time.ts';
import { parseRetryFlags } from './retry.ts';
import { getBool, getSlice, getString, parseFlags, type FlagSpec } from './flags.ts';
import { parseExtraRuleData } from './policy.ts';
import type { PolicySpec } from '../model/policy-spec.ts';
import { resolvePublicKey } from './public-key.ts';
import { loadSnapshot, mergeSnapshots } from './snapshot.ts';
import type { IdentityConfig, OutputTarget, PolicyResolver, RunConfig } from './types.ts';

export const VALIDATE_IMAGE_FLAGS: FlagSpec[] = [
  { name: 'image', short: 'i', kind: 'string', help: 'OCI image reference (becomes a component named "Unnamed")' },
  { name: 'images', kind: 'string', help: 'Snapshot: a components file, or the JSON/YAML text itself' },
  { name: 'file-path', short: 'f', kind: 'string', help: 'DEPRECATED: use --images' },
  { name: 'json-input', short: 'j', kind: 'string', help: 'DEPRECATED: use --images' },
  { name: 'policy', short: 'p', kind: 'string', help: 'Policy configuration: a file, a git/https URL, or inline JSON/YAML' },
  { name: 'public-key', short: 'k', kind: 'string', help: 'Public key (PEM text or file) the signatures must verify with' },
  { name: 'rekor-url', short: 'r', kind: 'string', help: 'Rekor URL (overrides the policy rekorUrl)' },
  { name: 'ignore-rekor', kind: 'bool', help: 'Skip transparency-log verification (key mode only)', default: false },
  { name: 'insecure-ignore-sct', kind: 'bool', help: 'Keyless: accept certificates without a CT log SCT (private Fulcio without CT)', default: false },
  { name: 'certificate-identity', kind: 'string', help: 'Keyless: expected certificate identity (exact)' },
  { name: 'certificate-identity-regexp', kind: 'string', help: 'Keyless: certificate identity regular expression' },
  { name: 'certificate-oidc-issuer', kind: 'string', help: 'Keyless: expected OIDC issuer (exact)' },
  { name: 'certificate-oidc-issuer-regexp', kind: 'string', help: 'Keyless: OIDC issuer regular expression' },
  { name: 'tuf-mirror', kind: 'string', help: 'TUF mirror URL for the Sigstore trust root (with --tuf-root)' },
  { name: 'tuf-root', kind: 'string', help: 'Initial root.json for --tuf-mirror' },
  { name: 'trusted-root', kind: 'string', help: 'A Sigstore trusted_root.json file (offline trust root)' },
  { name: 'ca-roots', kind: 'string', help: 'PEM file of organisation root CA certificates (instead of Fulcio)' },
  { name: 'ca-intermediates', kind: 'string', help: 'PEM file of organisation intermediate CA certificates' },
  { name: 'certificate-chain', kind: 'string', help: 'PEM file: intermediates then the root of an organisation CA' },
  { name: 'output', kind: 'slice', help: 'FORMAT[=PATH][?show-successes=..&show-warnings=..&warnings-as-passes=..(junit)], repeatable; formats: json, yaml, text, summary, summary-markdown, appstudio, junit, attestation, policy-input' },
  { name: 'output-file', short: 'o', kind: 'string', help: 'DEPRECATED: use --output json=PATH' },
  { name: 'strict', short: 's', kind: 'bool', help: 'Exit non-zero when the policy fails', default: true },
  { name: 'effective-time', kind: 'string', help: 'now, attestation, RFC3339 time or YYYY-MM-DD', default: 'now' },
  { name: 'allow-past-effective-time', kind: 'bool', help: 'Accept an --effective-time in the past (refused by default, as ec does)', default: false },
  { name: 'extra-rule-data', kind: 'slice', help: 'key=value added to every source\'s ruleData, repeatable' },
  { name: 'info', kind: 'bool', help: 'Keep full rule metadata (title, description, solution, …) in results', default: false },
  { name: 'show-successes', kind: 'bool', help: 'Include successes in the report', default: false },
  { name: 'show-warnings', kind: 'bool', help: 'Include warnings in the text report', default: true },
  { name: 'show-policy-docs-link', kind: 'bool', help: 'Append a policy documentation link to the text report', default: false },
  { name: 'color', kind: 'bool', help: 'Force colour in the text report', default: false },
  { name: 'no-color', kind: 'bool', help: 'Disable colour in the text report', default: false },
  { name: 'workers', kind: 'string', help: 'Components validated in parallel (components waiting on a rate-limited registry lend their worker to others, up to 32 per worker in flight)', default: '5' },
  { name: 'shard', kind: 'string', help: 'I/N: validate the I-th of N deterministic slices of the snapshot (join with vouch merge-reports)' },
  { name: 'retry-duration', kind: 'string', help: 'Registry retries: first wait of the exponential backoff (Go duration)', default: '1s' },
  { name: 'retry-factor', kind: 'string', help: 'Registry retries: backoff multiplier, 1 to 100', default: '2' },
  { name: 'retry-jitter', kind: 'string', help: 'Registry retries: each wait moves by up to this share of itself, 0.0-1.0', default: '0.1' },
  { name: 'retry-max-retry', kind: 'string', help: 'Registry retries after a 5xx or a failed connection (429s wait as told, apart)', default: '3' },
  { name: 'retry-max-wait', kind: 'string', help: 'Registry retries: longest wait, Retry-After included (Go duration)', default: '3s' },
  { name: 'timeout', kind: 'string', help: 'Give up after this long (Go duration; 0 = no limit)', default: '5m' },
  { name: 'opa', kind: 'string', help: 'Path of the opa binary used to compile Rego (else OPA_PATH, then PATH)' },
  { name: 'cache-dir', kind: 'string', help: 'Cache directory (else VOUCH_CACHE_DIR, then ~/.cache/vouch)' },
  { name: 'debug', kind: 'bool', help: 'Debug logging to stderr', default: false },
  { name: 'verbose', kind: 'bool', help: 'Verbose logging to stderr', default: false },
  { name: 'quiet', kind: 'bool', help: 'Less logging', default: false },
];

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

/** A PEM certificate file named by a flag: every certificate in it must parse (a garbled one would fail every image). */
async function pemFile(path: string, flag: string, cwd: string): Promise<string[]> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new InputError('PKI_UNREADABLE', `${flag} ${full}: ${errorMessage(err)}`, { value: flag });
  }
  const certs = text.match(PEM_CERT) ?? [];
  if (certs.length === 0) throw new InputError('PKI_UNREADABLE', `${flag} ${full}: no PEM certificates`, { value: flag });
  certs.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new InputError('PKI_INVALID', `${flag} ${full}: certificate ${i + 1} does not parse (${errorMessage(err)})`, { value: flag });
    }
  });
  return certs;
}

/** Where the Sigstore trust root comes from: one source, each flag meaningful. Files are read (and checked) by the trust root's loader before the run. */
function trustFlags(trustedRoot: string, tufMirror: string, tufRoot: string, cwd: string): RunConfig['trust'] {
  if (trustedRoot !== '' && tufMirror !== '') {
    throw new InputError('TRUST_FLAGS', 'pass either --trusted-root or --tuf-mirror (with --tuf-root), not both', { value: '--trusted-root' });
  }
  if (tufRoot !== '' && tufMirror === '') {
    throw new InputError('TRUST_FLAGS', '--tuf-root needs --tuf-mirror (the TUF repository the root.json belongs to)', { value: '--tuf-root' });
  }
  if (tufMirror !== '') {
    let url: URL | undefined;
    try {
      url = new URL(tufMirror);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' && url?.protocol !== 'http:') {
      throw new InputError('TUF_MIRROR_INVALID', `--tuf-mirror ${JSON.stringify(tufMirror)}: not an http(s) URL`, { value: '--tuf-mirror' });
    }
  }
  return {
    ...(trustedRoot ? { trustedRootFile: resolve(cwd, trustedRoot) } : {}),
    ...(tufMirror ? { tufMirror } : {}),
    ...(tufRoot ? { tufRoot: resolve(cwd, tufRoot) } : {}),
  };
}

/** cosign's custom-PKI flags: a chain file is intermediates then the root (its last certificate). */
async function loadPki(roots: string, intermediates: string, chain: string, cwd: string): Promise<{ roots: string[]; intermediates: string[] } | undefined> {
  if (chain !== '') {
    if (roots !== '' || intermediates !== '') throw new InputError('PKI_FLAGS', 'pass either --certificate-chain or --ca-roots/--ca-intermediates, not both', { value: '--certificate-chain' });
    const certs = await pemFile(chain, '--certificate-chain', cwd);
    return { roots: certs.slice(-1), intermediates: certs.slice(0, -1) };
  }
  if (roots === '') {
    if (intermediates !== '') throw new InputError('PKI_FLAGS', '--ca-intermediates needs --ca-roots', { value: '--ca-intermediates' });
    return undefined;
  }
  return { roots: await pemFile(roots, '--ca-roots', cwd), intermediates: intermediates === '' ? [] : await pemFile(intermediates, '--ca-intermediates', cwd) };
}

/** A target's file as an absolute path: relative paths mean the run's directory, whatever the process's. */
function absoluteTarget(target: OutputTarget, cwd: string): OutputTarget {
  return target.path ? { ...target, path: resolve(cwd, target.path) } : target;
}

/** The cache directory, made now: a flag's value that cannot be made is bad input, a derived one the environment's. */
async function usableCacheDir(flagValue: string, env: NodeJS.ProcessEnv, cwd: string): Promise<string> {
  const dir = flagValue ? resolve(cwd, flagValue) : defaultCacheDir(env);
  try {
    await makeDirectory(dir);
  } catch (err) {
    const origin = flagValue ? '--cache-dir' : env.VOUCH_CACHE_DIR ? 'VOUCH_CACHE_DIR' : env.XDG_CACHE_HOME ? 'XDG_CACHE_HOME' : 'HOME';
    const message = `${origin}: cannot create the cache directory ${dir}: ${errorMessage(err)}`;
    throw flagValue ? new InputError('CACHE_DIR_UNUSABLE', message, { value: dir }) : new EnvironmentError('CACHE_DIR_UNUSABLE', message, { value: dir });
  }
  return dir;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.VOUCH_CACHE_DIR) return env.VOUCH_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache');
  return join(base, 'vouch');
}

/** Knobs of the faces, not of the run's semantics. */
export interface RunExtras {
  color?: boolean;
  snapshotText?: string;
  debug: boolean;
}

export interface ValidateInvocation {
  config: RunConfig;
  extras: RunExtras;
}

export async function buildRunConfig(argv: string[], env: NodeJS.ProcessEnv, cwd: string, resolvePolicy: PolicyResolver): Promise<ValidateInvocation> {
  const flags = parseFlags(argv, VALIDATE_IMAGE_FLAGS);
  if (flags.positionals.length > 0) {
    throw new InputError('UNEXPECTED_ARGUMENT', `unexpected argument ${JSON.stringify(flags.positionals[0])}: pass images with --image or --images`, {
      value: flags.positionals[0],
    });
  }
  // Where the run writes is checked first: a run must not verify for minutes, then fail to write.
  const cacheDir = await usableCacheDir(getString(flags, 'cache-dir'), env, cwd);
  const outputs = getSlice(flags, 'output').map((t) => absoluteTarget(parseOutputTarget(t), cwd));
  await assertOutputsWritable(outputs, cwd);
  const legacyOut = getString(flags, 'output-file');
  if (legacyOut !== '') {
    const legacy = absoluteTarget(parseOutputTarget(`json=${legacyOut}`), cwd);
    await assertOutputsWritable([legacy], cwd, '--output-file');
    outputs.push(legacy);
  }
  const trust = trustFlags(getString(flags, 'trusted-root'), getString(flags, 'tuf-mirror'), getString(flags, 'tuf-root'), cwd);

  // Snapshot: --images, --file-path, --json-input, then --image (ec's merge order).
  const parts: Snapshot[] = [];
  let snapshotFile: string | undefined;
  let snapshotText: string | undefined;
  for (const name of ['images', 'file-path', 'json-input'] as const) {
    const v = getString(flags, name);
    if (v === '') continue;
    const loaded = await loadSnapshot(v, cwd);
    parts.push(loaded.snapshot);
    snapshotFile ??= loaded.file;
    snapshotText ??= loaded.text;
  }
  const image = getString(flags, 'image');
  if (image !== '') parts.push({ components: [{ name: 'Unnamed', containerImage: image }] });
  if (parts.length === 0) {
    throw new InputError('NO_IMAGES', 'neither Snapshot nor image reference provided to validate: pass --image REF or --images FILE', {
      value: '--images',
    });
  }
  const snapshot = mergeSnapshots(parts);
  if (snapshot.components.length === 0) {
    throw new InputError('NO_IMAGES', `${snapshotFile ?? '--images'}: the snapshot lists no components`, { value: snapshotFile });
  }

  // Policy, then CLI overrides (ec-cli.md §2.5).
  const policyValue = getString(flags, 'policy');
  const { spec: resolvedSpec } = await resolvePolicy(policyValue, { baseDir: cwd, cacheDir, env });
  const spec: PolicySpec = structuredClone(resolvedSpec);
  const publicKeyFlag = getString(flags, 'public-key');
  const identityFlags: IdentityConfig = {};
  const idMap = [
    ['certificate-identity', 'subject'],
    ['certificate-identity-regexp', 'subjectRegExp'],
    ['certificate-oidc-issuer', 'issuer'],
    ['certificate-oidc-issuer-regexp', 'issuerRegExp'],
  ] as const;
  for (const [flag, field] of idMap) {
    const v = getString(flags, flag);
    if (v !== '') identityFlags[field] = v;
  }
  const keylessFlags = Object.keys(identityFlags).length > 0;
  if (publicKeyFlag !== '') spec.publicKey = publicKeyFlag;
  else if (keylessFlags) delete spec.publicKey; // keyless flags win over the policy's key (EC-1740)
  const rekorFlag = getString(flags, 'rekor-url');
  if (rekorFlag !== '') spec.rekorUrl = rekorFlag;

  let publicKey: string | undefined;
  let identity: IdentityConfig | undefined;
  if (spec.publicKey) {
    publicKey = await resolvePublicKey(spec.publicKey, cwd, publicKeyFlag !== '' ? '--public-key' : 'policy publicKey');
  } else {
    identity = keylessFlags ? identityFlags : (spec.identity ?? {});
    if (!identity.issuer && !identity.issuerRegExp) {
      throw new InputError(
        'KEYLESS_ISSUER_MISSING',
        'certificate OIDC issuer must be provided for keyless workflow: pass --certificate-oidc-issuer[-regexp] (or --public-key for key-based signatures)',
        { value: '--certificate-oidc-issuer' },
      );
    }
    if (!identity.subject && !identity.subjectRegExp) {
      throw new InputError(
        'KEYLESS_IDENTITY_MISSING',
        'certificate identity must be provided for keyless workflow: pass --certificate-identity[-regexp] (or --public-key for key-based signatures)',
        { value: '--certificate-identity' },
      );
    }
  }

  const pki = await loadPki(getString(flags, 'ca-roots'), getString(flags, 'ca-intermediates'), getString(flags, 'certificate-chain'), cwd);
  if (pki && publicKey) {
    throw new InputError('PKI_WITH_KEY', '--ca-roots/--ca-intermediates/--certificate-chain verify certificates; they cannot be combined with --public-key', { value: '--public-key' });
  }
  const extraRuleData = await parseExtraRuleData(getSlice(flags, 'extra-rule-data'), { baseDir: cwd, cacheDir, env });

  const workersText = getString(flags, 'workers');
  const workers = Number(workersText);
  if (!Number.isInteger(workers) || workers < 1 || workers > 256) {
    throw new InputError('INVALID_WORKERS', `--workers ${JSON.stringify(workersText)}: expected a whole number from 1 to 256`, { value: workersText });
  }

  const shardText = getString(flags, 'shard');
  let shard: RunConfig['shard'];
  if (shardText !== '') {
    const m = /^(\d+)\/(\d+)$/.exec(shardText);
    if (!m || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) {
      throw new InputError('INVALID_SHARD', `--shard ${JSON.stringify(shardText)}: expected I/N with 1 <= I <= N, e.g. 2/4`, { value: shardText });
    }
    shard = { index: Number(m[1]), count: Number(m[2]) };
  }

  const effectiveTime = parseEffectiveTime(getString(flags, 'effective-time'));
  assertEffectiveTimeAllowed(effectiveTime, getBool(flags, 'allow-past-effective-time'), new Date());
  const retry = parseRetryFlags({
    duration: getString(flags, 'retry-duration'),
    factor: getString(flags, 'retry-factor'),
    jitter: getString(flags, 'retry-jitter'),
    maxRetry: getString(flags, 'retry-max-retry'),
    maxWait: getString(flags, 'retry-max-wait'),
  });

  const config: RunConfig = {
    snapshot,
    ...(snapshotFile ? { snapshotFile } : {}),
    policy: spec,
    ...(publicKey ? { publicKey } : {}),
    ...(identity ? { identity } : {}),
    ...(pki ? { pki } : {}),
    ...(spec.rekorUrl ? { rekorUrl: spec.rekorUrl } : {}),
    ignoreRekor: getBool(flags, 'ignore-rekor'),
    ...(getBool(flags, 'insecure-ignore-sct') ? { ignoreSct: true } : {}),
    trust,
    outputs,
    strict: getBool(flags, 'strict'),
    info: getBool(flags, 'info'),
    showSuccesses: getBool(flags, 'show-successes'),
    showWarnings: getBool(flags, 'show-warnings'),
    workers,
    ...(shard ? { shard } : {}),
    timeoutMs: parseDuration(getString(flags, 'timeout'), '--timeout'),
    effectiveTime,
    retry,
    extraRuleData,
    ...(getString(flags, 'opa') ? { opaPath: getString(flags, 'opa') } : {}),
    cacheDir,
    baseDir: cwd,
  };
  const color = getBool(flags, 'no-color') ? false : getBool(flags, 'color') ? true : undefined;
  const extras: RunExtras = {
    ...(color !== undefined ? { color } : {}),
    ...(snapshotText !== undefined ? { snapshotText } : {}),
    debug: getBool(flags, 'debug') || getBool(flags, 'verbose'),
  };
  return { config, extras };
}
