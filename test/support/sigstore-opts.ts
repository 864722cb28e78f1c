// The `data.config.policy` signer settings of a run with no signer flags and --ignore-rekor: what
// tests and benchmarks that load a policy directly hand to configData.
import type { SigstoreOpts } from '../../src/policy/types.ts';

export const NO_SIGNER: SigstoreOpts = {
  certificate_identity: '',
  certificate_identity_regexp: '',
  certificate_oidc_issuer: '',
  certificate_oidc_issuer_regexp: '',
  ignore_rekor: true,
  public_key: '',
  rekor_url: '',
};
