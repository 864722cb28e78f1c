// The Task's params (the step's environment) → `vouch validate image` flags, as the validate step
// of ec's verify-enterprise-contract Task maps them (conforma/cli
// tasks/verify-enterprise-contract/0.1/verify-enterprise-contract.yaml, commit
// a18338416237ca7c5154a0af499f81d4b821ea46). Pure: what the step prepared (the snapshot, the TUF
// root) comes in `StepInputs`.
import { join } from 'node:path';
import { InputError, VouchError } from '../../errors.ts';

/** strconv.ParseBool's spellings: ec passes `--info="$(params.INFO)"` and pflag parses it so. */
const GO_BOOL: ReadonlyMap<string, boolean> = new Map([
  ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((k) => [k, true] as const),
  ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((k) => [k, false] as const),
]);

/**
 * A boolean param as ec's CLI reads it; unset (a step started without the Task, as in tests) is the
 * Task's default. Anything else, `""` included, is an error naming the param, as it is in ec.
 */
function boolParam(env: NodeJS.ProcessEnv, name: string, taskDefault: boolean): boolean {
  const value = env[name];
  if (value === undefined) return taskDefault;
  const b = GO_BOOL.get(value);
  if (b === undefined) throw new InputError('INVALID_PARAM', `${name}=${JSON.stringify(value)}: expected true or false`, { value: name });
  return b;
}

/** Which param each flag comes from, to name the param when a flag's value is refused. */
const PARAM_OF_FLAG: ReadonlyMap<string, string> = new Map([
  ['--images', 'IMAGES'],
  ['--policy', 'POLICY_CONFIGURATION'],
  ['--public-key', 'PUBLIC_KEY'],
  ['--rekor-url', 'REKOR_HOST'],
  ['--certificate-identity', 'CERTIFICATE_IDENTITY'],
  ['--certificate-identity-regexp', 'CERTIFICATE_IDENTITY_REGEXP'],
  ['--certificate-oidc-issuer', 'CERTIFICATE_OIDC_ISSUER'],
  ['--certificate-oidc-issuer-regexp', 'CERTIFICATE_OIDC_ISSUER_REGEXP'],
  ['--tuf-mirror', 'TUF_MIRROR'],
  ['--tuf-root', 'TUF_ROOT_JSON'],
  ['--effective-time', 'EFFECTIVE_TIME'],
  ['--extra-rule-data', 'EXTRA_RULE_DATA'],
  ['--workers', 'WORKERS'],
  ['--retry-duration', 'RETRY_DURATION'],
  ['--retry-factor', 'RETRY_FACTOR'],
  ['--retry-jitter', 'RETRY_JITTER'],
  ['--retry-max-retry', 'RETRY_MAX_RETRY'],
  ['--retry-max-wait', 'RETRY_MAX_WAIT'],
  ['--attestation-format', 'ATTESTATION_FORMAT'],
  ['--vsa-signing-key', 'VSA_SIGNING_KEY'],
  ['--vsa-upload', 'VSA_UPLOAD'],
  ['--vsa-expiration', 'VSA_EXPIRATION'],
  ['--vsa-public-key', 'VSA_PUBLIC_KEY'],
  ['--vsa-certificate-identity', 'VSA_CERTIFICATE_IDENTITY'],
  ['--vsa-certificate-identity-regexp', 'VSA_CERTIFICATE_IDENTITY_REGEXP'],
  ['--vsa-certificate-oidc-issuer', 'VSA_CERTIFICATE_OIDC_ISSUER'],
  ['--vsa-certificate-oidc-issuer-regexp', 'VSA_CERTIFICATE_OIDC_ISSUER_REGEXP'],
]);

/** An error about a flag the step set from a param, told as an error about the param. */
export function asParamError(err: unknown): unknown {
  if (!(err instanceof VouchError)) return err;
  for (const [flag, param] of PARAM_OF_FLAG) {
    const aboutFlag = err.value === flag || err.message.startsWith(`${flag} `) || err.message.startsWith(`${flag}:`) || err.message.startsWith(`${flag}=`);
    if (aboutFlag) return new VouchError(err.code, `${param}: ${err.message}`, { value: param, cause: err, exitCode: err.exitCode });
  }
  return err;
}

export interface StepInputs {
  /** The `--images` value: IMAGES, or the snapshot reduced to one component. */
  images: string;
  /** The TUF root: TUF_ROOT_JSON, or the mirror's own root.json fetched by the step. */
  tufRoot?: string;
  resultsDir: string;
  reportsDir: string;
}

const KEYLESS_PARAMS = ['CERTIFICATE_IDENTITY', 'CERTIFICATE_IDENTITY_REGEXP', 'CERTIFICATE_OIDC_ISSUER', 'CERTIFICATE_OIDC_ISSUER_REGEXP'];

/** Whether the params ask for keyless verification (any CERTIFICATE_* set, as in ec's task). */
function keylessParams(env: NodeJS.ProcessEnv): boolean {
  return KEYLESS_PARAMS.some((k) => (env[k] ?? '') !== '');
}

/**
 * ENABLE_VSA and its params, as ec's trusted-artifacts Task passes them (conforma/cli a1833841
 * tasks/verify-conforma-konflux-ta/0.1: `--vsa --attestation-format`, and for dsse
 * `--vsa-signing-key --vsa-upload`). ec compares ENABLE_VSA with "true" exactly. ec's `k8s://`
 * key references read a cluster Secret; vouch reads no cluster: mount the Secret and name the file.
 * For predicates ec copies its output into VSA_UPLOAD's local directory: vouch writes there.
 */
export function vsaArgs(env: NodeJS.ProcessEnv): string[] {
  if ((env.ENABLE_VSA ?? '') !== 'true') return [];
  const format = (env.ATTESTATION_FORMAT ?? '').trim() || 'dsse';
  const args = ['--vsa', `--attestation-format=${format}`];
  const uploads = (env.VSA_UPLOAD ?? '').trim();
  if (format !== 'dsse') {
    const local = uploads
      .split(',')
      .map((u) => u.trim())
      .filter((u) => u.startsWith('local@'));
    return local.length > 0 ? [...args, `--vsa-upload=${local.join(',')}`] : args;
  }
  const key = (env.VSA_SIGNING_KEY ?? '').trim();
  if (key === '') {
    throw new InputError(
      'VSA_SIGNING_KEY_PARAM',
      'VSA_SIGNING_KEY: ENABLE_VSA=true with ATTESTATION_FORMAT=dsse signs each VSA: name the key file (a Secret mounted into the step)',
      { value: 'VSA_SIGNING_KEY' },
    );
  }
  if (/^k8s:\/\//i.test(key)) {
    throw new InputError(
      'VSA_SIGNING_KEY_PARAM',
      `VSA_SIGNING_KEY ${JSON.stringify(key)}: vouch reads no cluster Secret; mount the Secret as a volume and name the key file`,
      { value: 'VSA_SIGNING_KEY' },
    );
  }
  args.push(`--vsa-signing-key=${key.replace(/^file:\/\//i, '')}`);
  if (uploads !== '') args.push(`--vsa-upload=${uploads}`);
  return args;
}

/**
 * Trusting VSAs on a re-run (issue 14 item 4): ec's Tasks have no such params (its trusted-artifacts
 * Task passes `--vsa-expiration=0`), so they are named after the image signer's: VSA_PUBLIC_KEY as
 * PUBLIC_KEY, VSA_CERTIFICATE_* as CERTIFICATE_* (the exact value wins over the regexp, as ec's
 * Task does), VSA_EXPIRATION as the flag. Unlike the image signer, a VSA key and a VSA identity
 * together are not resolved by precedence: the CLI refuses the pair, naming the param.
 */
export function vsaTrustArgs(env: NodeJS.ProcessEnv): string[] {
  const args: string[] = [];
  const str = (name: string, flag: string): void => {
    const v = (env[name] ?? '').trim();
    if (v !== '') args.push(`--${flag}=${v}`);
  };
  str('VSA_EXPIRATION', 'vsa-expiration');
  str('VSA_PUBLIC_KEY', 'vsa-public-key');
  if ((env.VSA_CERTIFICATE_IDENTITY ?? '').trim() !== '') str('VSA_CERTIFICATE_IDENTITY', 'vsa-certificate-identity');
  else str('VSA_CERTIFICATE_IDENTITY_REGEXP', 'vsa-certificate-identity-regexp');
  if ((env.VSA_CERTIFICATE_OIDC_ISSUER ?? '').trim() !== '') str('VSA_CERTIFICATE_OIDC_ISSUER', 'vsa-certificate-oidc-issuer');
  else str('VSA_CERTIFICATE_OIDC_ISSUER_REGEXP', 'vsa-certificate-oidc-issuer-regexp');
  return args;
}

export function tektonArgs(env: NodeJS.ProcessEnv, step: StepInputs): string[] {
  const args: string[] = ['--images', step.images];
  const str = (name: string, flag: string): void => {
    const v = (env[name] ?? '').trim();
    if (v !== '') args.push(`--${flag}=${v}`);
  };
  str('POLICY_CONFIGURATION', 'policy');
  // ec's task: keyless when any CERTIFICATE_* is set — the exact value wins over the regexp, the
  // public key is not passed and Rekor is never ignored; else the key and IGNORE_REKOR.
  if (keylessParams(env)) {
    if (env.CERTIFICATE_IDENTITY) str('CERTIFICATE_IDENTITY', 'certificate-identity');
    else str('CERTIFICATE_IDENTITY_REGEXP', 'certificate-identity-regexp');
    if (env.CERTIFICATE_OIDC_ISSUER) str('CERTIFICATE_OIDC_ISSUER', 'certificate-oidc-issuer');
    else str('CERTIFICATE_OIDC_ISSUER_REGEXP', 'certificate-oidc-issuer-regexp');
  } else {
    str('PUBLIC_KEY', 'public-key');
    args.push(`--ignore-rekor=${String(boolParam(env, 'IGNORE_REKOR', false))}`);
  }
  str('REKOR_HOST', 'rekor-url');
  str('TUF_MIRROR', 'tuf-mirror');
  if (step.tufRoot) args.push(`--tuf-root=${step.tufRoot}`);
  str('EFFECTIVE_TIME', 'effective-time');
  args.push(`--allow-past-effective-time=${String(boolParam(env, 'ALLOW_PAST_EFFECTIVE_TIME', false))}`);
  // One value, split by the flag parser as cobra's StringSlice splits ec's (CSV: quotes keep commas).
  str('EXTRA_RULE_DATA', 'extra-rule-data');
  str('WORKERS', 'workers');
  str('RETRY_DURATION', 'retry-duration');
  str('RETRY_FACTOR', 'retry-factor');
  str('RETRY_JITTER', 'retry-jitter');
  str('RETRY_MAX_RETRY', 'retry-max-retry');
  str('RETRY_MAX_WAIT', 'retry-max-wait');
  args.push(`--info=${String(boolParam(env, 'INFO', true))}`);
  // ec runs non-strict and lets its assert step decide; vouch decides in this step from STRICT.
  args.push('--strict=false', '--show-successes', '--timeout', '0');
  args.push('--output', `text=${join(step.reportsDir, 'text-report.txt')}?show-successes=false`);
  args.push('--output', `json=${join(step.reportsDir, 'report-json.json')}`);
  args.push('--output', `junit=${join(step.reportsDir, 'junit.xml')}`);
  args.push('--output', `appstudio=${join(step.resultsDir, 'TEST_OUTPUT')}`);
  args.push('--output', 'text?show-successes=false');
  args.push(...vsaArgs(env), ...vsaTrustArgs(env));
  return args;
}
