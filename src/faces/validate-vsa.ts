// `vouch validate vsa [IMAGE|FILE]` (issue 14 item 5; ec's `ec validate vsa`, conforma/cli
// a18338416237 cmd/validate/vsa.go): verifies the VSAs attached to an image, or one VSA file (a
// Sigstore bundle or a DSSE envelope), with validate image's flags: `--vsa-public-key` or
// `--vsa-certificate-*` name the VSA signer, the trust-root flags the trust root, and `--policy`
// (with the image signer flags the policy digest covers) the policy the VSA must name. Exit 0 when
// a VSA is trusted, 1 when none is (0 with --strict=false), 2 for bad input, as validate image.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseFlags } from '../config/flags.ts';
import { runConfigFromFlags } from '../config/run-config.ts';
import { runtimeOptions, trustFlags, usableCacheDir } from '../config/run-options.ts';
import { VALIDATE_IMAGE_FLAGS, type ValidateImageFlags } from '../config/validate-image-flags.ts';
import { vsaTrustConfig } from '../config/vsa-trust.ts';
import { ExitCode, InputError } from '../errors.ts';
import { resolvePolicy } from '../policy/resolve-config.ts';
import { loadTrustedRoot } from '../sigstore/trust-root.ts';
import { runPolicyDigest } from '../validate/policy-load.ts';
import { withTimeout } from '../validate/timeout.ts';
import { checkVsas, type VsaCheckResult } from '../validate/vsa/check.ts';
import { vsaVerificationMode } from '../validate/vsa/trust.ts';

/** What the command writes to and where relative paths start. */
interface VsaIO {
  stdout: { write(text: string): unknown };
  cwd: string;
}

// validate image's `--vsa` (write VSAs) has no meaning here: `--vsa` names the VSA file to verify.
const { vsa: _writeVsas, ...IMAGE_FLAGS } = VALIDATE_IMAGE_FLAGS;

export const VALIDATE_VSA_FLAGS = {
  vsa: { short: 'v', kind: 'string', help: 'A VSA file: a Sigstore bundle, or a DSSE envelope (the content of a cosign .att layer)' },
  ...IMAGE_FLAGS,
} as const;

const HELP_HEAD = `Usage: vouch validate vsa [IMAGE | FILE] [flags]

Verifies the VSAs (https://slsa.dev/verification_summary/v1) attached to IMAGE, or the VSA in FILE,
as validate image trusts them on a re-run: signed by --vsa-public-key or the --vsa-certificate-*
identity, about the image digest, PASSED, verified within --vsa-expiration and, with --policy, made
for that policy's content digest (give the image signer flags too: the digest covers them).
--output json|text[=PATH] (default text). Exit 0: a VSA is trusted; 1: none is; 2: bad input.`;

/** The positional identifier: a file that exists is a VSA file, anything else an image reference. */
function target(flags: Omit<ValidateImageFlags, 'vsa'> & { vsa: string }, positionals: string[], cwd: string): { image?: string; file?: string } {
  if (positionals.length > 1)
    throw new InputError('UNEXPECTED_ARGUMENT', `unexpected argument ${JSON.stringify(positionals[1])}: pass one image or VSA file`, { value: positionals[1] });
  const [id] = positionals;
  const file = flags.vsa !== '' ? flags.vsa : id !== undefined && existsSync(resolve(cwd, id)) ? id : undefined;
  const image = flags.image !== '' ? flags.image : id !== undefined && id !== file ? id : undefined;
  if (id !== undefined && flags.vsa !== '' && flags.image !== '')
    throw new InputError('UNEXPECTED_ARGUMENT', `unexpected argument ${JSON.stringify(id)}: --vsa and --image are given`, { value: id });
  if (file === undefined && image === undefined)
    throw new InputError('NO_IMAGES', 'nothing to verify: pass an image reference or a VSA file (--vsa FILE)', { value: '--vsa' });
  return { ...(image !== undefined ? { image } : {}), ...(file !== undefined ? { file } : {}) };
}

/** The check, under --timeout. */
async function check(
  argv: string[],
  io: VsaIO,
  env: NodeJS.ProcessEnv,
  log: (m: string) => void,
): Promise<{ result: VsaCheckResult; outputs: string[]; strict: boolean }> {
  const { values: given, positionals } = parseFlags(argv, VALIDATE_VSA_FLAGS);
  const { cwd } = io;
  const what = target(given, positionals, cwd);
  // The rest reads validate image's flags; this command never writes VSAs.
  const flags: ValidateImageFlags = { ...given, vsa: false };
  const vsa = await vsaTrustConfig(flags, cwd);
  if (!vsa)
    throw new InputError(
      'VSA_SIGNER_INCOMPLETE',
      'a VSA is only checked against its signer: pass --vsa-public-key, or --vsa-certificate-identity[-regexp] with --vsa-certificate-oidc-issuer[-regexp], and a --vsa-expiration above 0',
      { value: '--vsa-public-key' },
    );
  const runtime = runtimeOptions(flags);
  const cacheDir = await usableCacheDir(flags['cache-dir'], env, cwd);
  const trust = trustFlags(flags, cwd);
  const now = runtime.effectiveTime.kind === 'fixed' ? runtime.effectiveTime.time : new Date();
  let root: Promise<unknown> | undefined;
  const trustedRoot = (): Promise<unknown> =>
    (root ??= loadTrustedRoot({ ...trust, ...(flags['rekor-url'] ? { rekorUrl: flags['rekor-url'] } : {}), cacheDir, env }));
  const result = await withTimeout(runtime.timeoutMs, async (signal) => {
    let policyDigest: string | undefined;
    if (flags.policy !== '') {
      const { config } = await runConfigFromFlags({ ...flags, image: '', images: '' }, env, cwd, resolvePolicy, { imagesOptional: true });
      policyDigest = await runPolicyDigest(config, now, env, signal);
      log(`policy digest ${policyDigest}`);
    }
    return checkVsas({
      ...what,
      cwd,
      mode: vsaVerificationMode(vsa, runtime.ignoreRekor, runtime.ignoreSct),
      trustedRoot,
      maxAgeMs: vsa.maxAgeMs,
      now,
      ...(policyDigest ? { policyDigest } : {}),
      registry: { env, signal, maxConcurrency: 4, ...(runtime.retry ? { retry: runtime.retry } : {}) },
    });
  });
  return { result, outputs: flags.output.length > 0 ? flags.output : ['text'], strict: runtime.strict };
}

/** The text report: the verdict first, then each VSA with what it says and why it counts or not. Pure. */
export function renderVsaText(r: VsaCheckResult): string {
  let out = `Success: ${r.trusted !== undefined}\n`;
  if (r.image) out += `Image: ${r.image}\n`;
  out += `Policy: ${r.policyDigest ?? 'not compared (no --policy)'}\n`;
  out += r.trusted
    ? `Result: trusted VSA ${r.trusted.digest}, signed by ${r.trusted.signer}, verified ${r.trusted.timeVerified}\n`
    : `Result: no VSA is trusted: ${r.why ?? ''}\n`;
  out += `VSAs: ${r.vsas.length}\n`;
  for (const v of r.vsas) {
    out += `- VSA: ${v.digest} (${v.source})\n  Verdict: ${v.verdict}${v.why ? `: ${v.why}` : ''}\n`;
    if (v.signer) out += `  Signed by: ${v.signer}\n`;
    if (v.subject) out += `  Subject: ${v.subject}\n`;
    if (v.timeVerified) out += `  Verified: ${v.timeVerified}\n`;
    if (v.verificationResult) out += `  Result: ${v.verificationResult}\n`;
    if (v.policyDigest) out += `  Policy: ${v.policyDigest}\n`;
  }
  return out;
}

const renderJson = (r: VsaCheckResult): string => `${JSON.stringify({ success: r.trusted !== undefined, ...r })}\n`;

async function writeOutput(spec: string, result: VsaCheckResult, io: VsaIO): Promise<void> {
  const eq = spec.indexOf('=');
  const format = eq < 0 ? spec : spec.slice(0, eq);
  const path = eq < 0 ? '' : spec.slice(eq + 1);
  if (format !== 'json' && format !== 'text')
    throw new InputError('UNKNOWN_OUTPUT_FORMAT', `--output ${JSON.stringify(spec)}: validate vsa writes json or text`, { value: spec });
  const text = format === 'json' ? renderJson(result) : renderVsaText(result);
  if (path === '') io.stdout.write(text);
  else await writeFile(resolve(io.cwd, path), text);
}

export async function runValidateVsa(argv: string[], io: VsaIO, env: NodeJS.ProcessEnv, log: (m: string) => void): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    const { formatFlagHelp } = await import('../config/flags.ts');
    io.stdout.write(`${HELP_HEAD}\n\nFlags:\n${formatFlagHelp(VALIDATE_VSA_FLAGS)}\n`);
    return ExitCode.Ok;
  }
  const { result, outputs, strict } = await check(argv, io, env, log);
  for (const o of outputs) await writeOutput(o, result, io);
  return result.trusted || !strict ? ExitCode.Ok : ExitCode.PolicyFailed;
}
