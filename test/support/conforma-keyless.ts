// The image Conforma's own tests sign keylessly, kept in test/fixtures/conforma-keyless-image (origin
// and licence in test/fixtures/README.md): its OCI layout reference and the arguments that verify it.
import { fileURLToPath } from 'node:url';

export const CONFORMA_KEYLESS_DIR = fileURLToPath(new URL('../fixtures/conforma-keyless-image', import.meta.url));
export const CONFORMA_KEYLESS_IMAGE = `oci:${CONFORMA_KEYLESS_DIR}/oci-layout@sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee`;
/** The signer's identity and issuer, as `validate image` flags. */
export const CONFORMA_KEYLESS_IDENTITY = [
  '--certificate-identity',
  'https://kubernetes.io/namespaces/default/serviceaccounts/default',
  '--certificate-oidc-issuer',
  'https://kubernetes.default.svc.cluster.local',
];
/** The identity and the trust root that was current when it was signed. */
export const CONFORMA_KEYLESS_ARGS = ['--trusted-root', `${CONFORMA_KEYLESS_DIR}/trusted_root.json`, ...CONFORMA_KEYLESS_IDENTITY];
