// Who may vouch for an image on a re-run (issue 14 item 4): `--vsa-expiration` with a VSA signer,
// `--vsa-public-key` or a keyless identity (`--vsa-certificate-*`, vouch's own flags: ec has only
// the key, conforma/cli a18338416237 cmd/validate/image.go). ec's default expiration (168h) is
// kept, but VSAs are consulted only when a signer is configured: an unsigned or unchecked VSA never
// replaces a validation.
import { InputError } from '../errors.ts';
import { parseDurationSpan } from './duration.ts';
import { compileIdentityPattern } from './identity-pattern.ts';
import { resolvePublicKey } from './public-key.ts';
import type { IdentityConfig, VsaTrustConfig } from './types.ts';
import type { ValidateImageFlags } from './validate-image-flags.ts';

const VSA_IDENTITY_FLAGS = [
  ['vsa-certificate-identity', 'subject'],
  ['vsa-certificate-identity-regexp', 'subjectRegExp'],
  ['vsa-certificate-oidc-issuer', 'issuer'],
  ['vsa-certificate-oidc-issuer-regexp', 'issuerRegExp'],
] as const;

type VsaFlags = Pick<ValidateImageFlags, 'vsa-expiration' | 'vsa-public-key' | (typeof VSA_IDENTITY_FLAGS)[number][0]>;

/** `-x`, `--name`: the next flag taken as this one's value (PEM text, `-----BEGIN`, is not one). */
const OPTION_LIKE = /^--?[A-Za-z]/;

/**
 * A value that is a flag (`--vsa-public-key --image x`, a CI input set to `--vsa-expiration=0`) is a
 * missing value: refused naming the flag, never read as a file name, identity or pattern.
 */
function assertValues(flags: VsaFlags): void {
  for (const flag of ['vsa-expiration', 'vsa-public-key', ...VSA_IDENTITY_FLAGS.map(([f]) => f)] as const) {
    const value = flags[flag];
    if (OPTION_LIKE.test(value)) {
      throw new InputError(
        'VSA_TRUST_FLAGS',
        `--${flag} ${JSON.stringify(value)} looks like a flag, not a value (write ./${value} for a key file of that name)`,
        { value: `--${flag}` },
      );
    }
  }
}

/** The keyless VSA signer given by flags; undefined when none was given. Pure. */
function vsaIdentity(flags: VsaFlags): IdentityConfig | undefined {
  const identity: IdentityConfig = {};
  for (const [flag, field] of VSA_IDENTITY_FLAGS) if (flags[flag] !== '') identity[field] = flags[flag];
  if (Object.keys(identity).length === 0) return undefined;
  if (!identity.issuer && !identity.issuerRegExp) {
    throw new InputError('VSA_SIGNER_INCOMPLETE', 'a keyless VSA signer needs an OIDC issuer: pass --vsa-certificate-oidc-issuer[-regexp]', {
      value: '--vsa-certificate-oidc-issuer',
    });
  }
  if (!identity.subject && !identity.subjectRegExp) {
    throw new InputError('VSA_SIGNER_INCOMPLETE', 'a keyless VSA signer needs an identity: pass --vsa-certificate-identity[-regexp]', {
      value: '--vsa-certificate-identity',
    });
  }
  if (identity.subject === undefined && identity.subjectRegExp !== undefined)
    compileIdentityPattern(identity.subjectRegExp, '--vsa-certificate-identity-regexp');
  if (identity.issuer === undefined && identity.issuerRegExp !== undefined)
    compileIdentityPattern(identity.issuerRegExp, '--vsa-certificate-oidc-issuer-regexp');
  return identity;
}

/**
 * The VSA trust of a run, or undefined when VSAs are not consulted (no signer, or an expiration of
 * 0). A key file is read and checked now, so a bad one is bad input naming the flag.
 */
export async function vsaTrustConfig(flags: VsaFlags, cwd: string): Promise<VsaTrustConfig | undefined> {
  assertValues(flags);
  const maxAgeMs = parseDurationSpan(flags['vsa-expiration'], '--vsa-expiration');
  const identity = vsaIdentity(flags);
  const keyText = flags['vsa-public-key'];
  if (keyText !== '' && identity) {
    throw new InputError('VSA_SIGNER_FLAGS', 'pass either --vsa-public-key or --vsa-certificate-identity/--vsa-certificate-oidc-issuer, not both', {
      value: '--vsa-public-key',
    });
  }
  if (keyText === '' && !identity) return undefined;
  if (maxAgeMs === 0) return undefined;
  if (keyText !== '') return { publicKey: await resolvePublicKey(keyText, cwd, '--vsa-public-key'), maxAgeMs };
  return { identity: identity!, maxAgeMs };
}
