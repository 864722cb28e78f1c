// The Tekton step face: the Task's params arrive as environment variables; TEST_OUTPUT is always
// written (also on a hard error, as ERROR with a note), the full reports go to $HOMEDIR, and STRICT
// decides the step's exit (every value but `false` fails a failed policy: see strict.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError, ExitCode, errorMessage, exitCodeOf } from '../errors.ts';
import { renderTestOutputError } from '../report/formats/appstudio.ts';
import { makeDirectory } from '../util/files.ts';
import { strictSetting } from './strict.ts';
import { parseValidateArgs, validateAndReport } from '../validate/entry.ts';

const truthy = (v: string | undefined): boolean => (v ?? '').trim().toLowerCase() === 'true';

/** Task params (env) → `vouch validate image` flags, as ec's verify-enterprise-contract task maps them. */
export function tektonArgs(env: NodeJS.ProcessEnv, resultsDir: string, reportsDir: string): string[] {
  const args: string[] = [];
  const str = (name: string, flag: string): void => {
    const v = (env[name] ?? '').trim();
    if (v !== '') args.push(`--${flag}`, v);
  };
  str('IMAGES', 'images');
  str('POLICY_CONFIGURATION', 'policy');
  const keyless = ['CERTIFICATE_IDENTITY', 'CERTIFICATE_IDENTITY_REGEXP', 'CERTIFICATE_OIDC_ISSUER', 'CERTIFICATE_OIDC_ISSUER_REGEXP'].some((k) => (env[k] ?? '') !== '');
  // Like ec's task: the public key only when no keyless identity is given; exact identity wins over regexp.
  if (!keyless) str('PUBLIC_KEY', 'public-key');
  if (env.CERTIFICATE_IDENTITY) str('CERTIFICATE_IDENTITY', 'certificate-identity');
  else str('CERTIFICATE_IDENTITY_REGEXP', 'certificate-identity-regexp');
  if (env.CERTIFICATE_OIDC_ISSUER) str('CERTIFICATE_OIDC_ISSUER', 'certificate-oidc-issuer');
  else str('CERTIFICATE_OIDC_ISSUER_REGEXP', 'certificate-oidc-issuer-regexp');
  str('REKOR_HOST', 'rekor-url');
  if (truthy(env.IGNORE_REKOR) && !keyless) args.push('--ignore-rekor');
  str('TUF_MIRROR', 'tuf-mirror');
  str('TUF_ROOT_JSON', 'tuf-root');
  str('EFFECTIVE_TIME', 'effective-time');
  for (const item of (env.EXTRA_RULE_DATA ?? '').split(',').map((s) => s.trim()).filter(Boolean)) args.push('--extra-rule-data', item);
  str('WORKERS', 'workers');
  if (env.INFO === undefined || truthy(env.INFO)) args.push('--info');
  // ec runs non-strict and lets the assert step decide; vouch decides in the same step from STRICT.
  args.push('--strict=false', '--show-successes', '--timeout', '0');
  args.push('--output', `text=${join(reportsDir, 'text-report.txt')}?show-successes=false`);
  args.push('--output', `json=${join(reportsDir, 'report-json.json')}`);
  args.push('--output', `junit=${join(reportsDir, 'junit.xml')}`);
  args.push('--output', `appstudio=${join(resultsDir, 'TEST_OUTPUT')}`);
  args.push('--output', 'text?show-successes=false');
  return args;
}

export async function runTektonStep(env: NodeJS.ProcessEnv): Promise<number> {
  const resultsDir = env.VOUCH_TEKTON_RESULTS_DIR || '/tekton/results';
  const homeDir = env.HOMEDIR || env.HOME || '/tekton/home';
  // The reports workspace when bound (Tekton substitutes an unbound optional workspace with "").
  const reportsDir = env.VOUCH_REPORTS_DIR || homeDir;
  const { strict, note } = strictSetting(env.STRICT, 'STRICT');
  if (note) process.stderr.write(`Warning: ${note}\n`);
  try {
    await makeDirectory(reportsDir).catch((err: unknown) => {
      const origin = env.VOUCH_REPORTS_DIR ? 'the reports workspace' : 'HOMEDIR';
      throw new EnvironmentError('REPORTS_DIR_UNUSABLE', `${origin} ${reportsDir}: cannot create it: ${errorMessage(err)}`, { value: reportsDir, cause: err });
    });
    const inv = await parseValidateArgs(tektonArgs(env, resultsDir, reportsDir), env, process.cwd());
    const result = await validateAndReport(inv, { stdout: process.stdout }, env, () => undefined);
    if (!result.report.success) process.stderr.write('Error: success criteria not met\n');
    return result.report.success || !strict ? ExitCode.Ok : ExitCode.PolicyFailed;
  } catch (err) {
    process.stderr.write(`Error: ${errorMessage(err)}\n`);
    try {
      await makeDirectory(resultsDir);
      await writeFile(join(resultsDir, 'TEST_OUTPUT'), `${renderTestOutputError(errorMessage(err), new Date())}\n`);
    } catch (writeErr) {
      process.stderr.write(`Error: could not write TEST_OUTPUT: ${errorMessage(writeErr)}\n`);
    }
    return exitCodeOf(err);
  }
}
