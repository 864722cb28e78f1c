// ec's builtin checks: codes, titles, descriptions and messages exactly as ec reports them
// (conforma/cli a18338416237 internal/output/output.go). Pure constructors; the pipeline decides
// when each applies.
import type { RuleResult } from '../model/results.ts';

interface BuiltinInfo {
  code: string;
  title: string;
  description: string;
}

const IMAGE_ACCESSIBLE: BuiltinInfo = {
  code: 'builtin.image.accessible',
  title: 'Image URL is accessible',
  description: 'The image URL is available and accessible.',
};
export const IMAGE_SIGNATURE: BuiltinInfo = {
  code: 'builtin.image.signature_check',
  title: 'Image signature check passed',
  description: 'The image signature matches available signing materials.',
};
export const ATTESTATION_SIGNATURE: BuiltinInfo = {
  code: 'builtin.attestation.signature_check',
  title: 'Attestation signature check passed',
  description: 'The attestation signature matches available signing materials.',
};
export const ATTESTATION_SYNTAX: BuiltinInfo = {
  code: 'builtin.attestation.syntax_check',
  title: 'Attestation syntax check passed',
  description: 'The attestation has correct syntax.',
};

/** Without --info only `code` survives on builtin results, as on every other result. */
function result(info: BuiltinInfo, msg: string, detailed: boolean): RuleResult {
  return {
    msg,
    metadata: detailed ? { code: info.code, description: info.description, title: info.title } : { code: info.code },
  };
}

export const builtinPass = (info: BuiltinInfo, detailed: boolean): RuleResult => result(info, 'Pass', detailed);

export function imageInaccessible(err: string, detailed: boolean): RuleResult {
  return result(IMAGE_ACCESSIBLE, `Image URL is not accessible: ${err}`, detailed);
}

/**
 * A component whose processing failed outright (a registry answer that is not what it claims to be,
 * an internal error): ec ends the whole run without a report; vouch fails this component only.
 */
export function componentFailed(err: string, detailed: boolean): RuleResult {
  return result(IMAGE_ACCESSIBLE, `Image could not be validated: ${err}`, detailed);
}

/**
 * cosign's error text, wrapped as ec wraps it: in key mode a "no matching signatures" error gets the
 * friendlier hint about the public key.
 */
export function imageSignatureFailed(cosignError: string, keyMode: boolean, noMatch: boolean, detailed: boolean): RuleResult {
  const msg =
    keyMode && noMatch
      ? `No image signatures found matching the given public key. Verify the correct public key was provided, and a signature was created. Error: ${cosignError}`
      : `Image signature check failed: ${cosignError}`;
  return result(IMAGE_SIGNATURE, msg, detailed);
}

export function attestationSignatureFailed(cosignError: string, keyMode: boolean, noMatch: boolean, detailed: boolean): RuleResult {
  const msg =
    keyMode && noMatch
      ? `No image attestations found matching the given public key. Verify the correct public key was provided, and one or more attestations were created. Error: ${cosignError}`
      : `Image attestation check failed: ${cosignError}`;
  return result(ATTESTATION_SIGNATURE, msg, detailed);
}

export function attestationSyntaxFailed(err: string, detailed: boolean): RuleResult {
  return result(ATTESTATION_SYNTAX, `Attestation syntax check failed: ${err}`, detailed);
}

/** ec's code-less failure when no attestation is bound to the image. */
export const NO_MATCHING_ATTESTATIONS: RuleResult = { msg: 'No attestations contain a subject that match the given image.' };
