// Who must have signed: a public key, or a keyless identity whose certificate chains to Fulcio or
// to an organisation's own CA (--ca-roots/--ca-intermediates, --certificate-chain). The flags
// override the policy's publicKey, identity and rekorUrl (conforma/cli a18338416237
// internal/policy/policy.go NewPolicy).
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../errors.ts';
import type { PolicySpec } from '../model/policy-spec.ts';
import { pemCertificateBlocks } from '../util/pem.ts';
import { compileIdentityPattern } from './identity-pattern.ts';
import { resolvePublicKey } from './public-key.ts';
import type { IdentityConfig, RunConfig } from './types.ts';
import type { ValidateImageFlags } from './validate-image-flags.ts';

/** The signer part of a RunConfig: a key, or an identity (with an organisation CA or not). */
export type SignerConfig = Pick<RunConfig, 'publicKey' | 'identity' | 'pki'>;

const IDENTITY_FLAGS = [
  ['certificate-identity', 'subject'],
  ['certificate-identity-regexp', 'subjectRegExp'],
  ['certificate-oidc-issuer', 'issuer'],
  ['certificate-oidc-issuer-regexp', 'issuerRegExp'],
] as const;

/** The keyless identity given by flags; undefined when no identity flag was given. Pure. */
function identityFromFlags(flags: ValidateImageFlags): IdentityConfig | undefined {
  const identity: IdentityConfig = {};
  for (const [flag, field] of IDENTITY_FLAGS) if (flags[flag] !== '') identity[field] = flags[flag];
  return Object.keys(identity).length > 0 ? identity : undefined;
}

/**
 * The policy spec after the flags' overrides: --public-key replaces the policy's key, keyless flags
 * remove it (EC-1740), --rekor-url replaces its rekorUrl. Pure: the resolved spec is not changed.
 */
export function withSignerOverrides(resolved: PolicySpec, flags: ValidateImageFlags): PolicySpec {
  const spec: PolicySpec = structuredClone(resolved);
  if (flags['public-key'] !== '') spec.publicKey = flags['public-key'];
  else if (identityFromFlags(flags)) delete spec.publicKey;
  if (flags['rekor-url'] !== '') spec.rekorUrl = flags['rekor-url'];
  return spec;
}

/**
 * The key (read and checked) or the keyless identity (complete) the signatures must match, and the
 * organisation CA. `downloadedFrom`: the policy configuration came from there, so its key must be
 * PEM text, never a local file it chose.
 */
export async function signerConfig(spec: PolicySpec, flags: ValidateImageFlags, cwd: string, downloadedFrom?: string): Promise<SignerConfig> {
  const fromFlag = flags['public-key'] !== '';
  const signer: SignerConfig = spec.publicKey
    ? { publicKey: await resolvePublicKey(spec.publicKey, cwd, fromFlag ? '--public-key' : 'policy publicKey', fromFlag ? undefined : downloadedFrom) }
    : { identity: keylessIdentity(identityFromFlags(flags) ?? spec.identity ?? {}) };
  const pki = await loadPki(flags['ca-roots'], flags['ca-intermediates'], flags['certificate-chain'], cwd);
  if (pki && signer.publicKey) {
    throw new InputError('PKI_WITH_KEY', '--ca-roots/--ca-intermediates/--certificate-chain verify certificates; they cannot be combined with --public-key', {
      value: '--public-key',
    });
  }
  return pki ? { ...signer, pki } : signer;
}

/** A keyless identity needs an issuer and a subject (exact or regexp), as cosign does; a regexp must compile. */
function keylessIdentity(identity: IdentityConfig): IdentityConfig {
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
  // As the matcher reads them: an exact value wins over its regexp.
  if (identity.subject === undefined && identity.subjectRegExp !== undefined) compileIdentityPattern(identity.subjectRegExp, '--certificate-identity-regexp');
  if (identity.issuer === undefined && identity.issuerRegExp !== undefined) compileIdentityPattern(identity.issuerRegExp, '--certificate-oidc-issuer-regexp');
  return identity;
}

/** A PEM certificate file named by a flag: every certificate in it must parse (a garbled one would fail every image). */
async function pemFile(path: string, flag: string, cwd: string): Promise<string[]> {
  const full = resolve(cwd, path);
  let text: string;
  try {
    text = await readFile(full, 'utf8');
  } catch (err) {
    throw new InputError('PKI_UNREADABLE', `${flag} ${full}: ${errorMessage(err)}`, { value: flag, cause: err });
  }
  const certs = pemCertificateBlocks(text);
  if (certs.length === 0) throw new InputError('PKI_UNREADABLE', `${flag} ${full}: no PEM certificates`, { value: flag });
  certs.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (err) {
      throw new InputError('PKI_INVALID', `${flag} ${full}: certificate ${i + 1} does not parse (${errorMessage(err)})`, { value: flag, cause: err });
    }
  });
  return certs;
}

/** cosign's custom-PKI flags: a chain file is intermediates then the root (its last certificate). */
async function loadPki(roots: string, intermediates: string, chain: string, cwd: string): Promise<RunConfig['pki']> {
  if (chain !== '') {
    if (roots !== '' || intermediates !== '')
      throw new InputError('PKI_FLAGS', 'pass either --certificate-chain or --ca-roots/--ca-intermediates, not both', { value: '--certificate-chain' });
    const certs = await pemFile(chain, '--certificate-chain', cwd);
    return { roots: certs.slice(-1), intermediates: certs.slice(0, -1) };
  }
  if (roots === '') {
    if (intermediates !== '') throw new InputError('PKI_FLAGS', '--ca-intermediates needs --ca-roots', { value: '--ca-intermediates' });
    return undefined;
  }
  return { roots: await pemFile(roots, '--ca-roots', cwd), intermediates: intermediates === '' ? [] : await pemFile(intermediates, '--ca-intermediates', cwd) };
}
