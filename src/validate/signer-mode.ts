// Who must have signed, as the signature layer and the policy's sigstore builtins are told it.
import type { RunConfig } from '../config/types.ts';
import type { SigstoreOpts } from '../policy/types.ts';
import type { VerificationMode } from '../sigstore/types.ts';

/** A key (with or without Rekor), or a keyless identity with Fulcio or an organisation CA. */
export function verificationMode(config: RunConfig): VerificationMode {
  if (config.publicKey) return { kind: 'key', publicKey: config.publicKey, ignoreTlog: config.ignoreRekor };
  return { kind: 'keyless', identity: config.identity ?? {}, ...(config.pki ? { pki: config.pki } : {}), ...(config.ignoreSct ? { ignoreSct: true } : {}) };
}

/** `data.config.default_sigstore_opts` (conforma/cli a18338416237 internal/evaluator/conftest_evaluator.go). */
export function sigstoreOpts(config: RunConfig): SigstoreOpts {
  const id = config.identity ?? {};
  return {
    certificate_identity: id.subject ?? '',
    certificate_identity_regexp: id.subjectRegExp ?? '',
    certificate_oidc_issuer: id.issuer ?? '',
    certificate_oidc_issuer_regexp: id.issuerRegExp ?? '',
    ignore_rekor: config.ignoreRekor,
    public_key: config.publicKey ?? '',
    rekor_url: config.rekorUrl ?? '',
  };
}
