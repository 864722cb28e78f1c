// Error codes of VSA signing and attaching: the signing key, the OIDC identity, the services that
// certify and log a signature, and the stores a VSA is written to.
type SignErrorCode =
  | 'VSA_KEY_INVALID'
  | 'VSA_KEY_COSIGN_FORMAT'
  | 'VSA_KEY_PASSWORD'
  | 'VSA_KEY_UNSUPPORTED'
  | 'VSA_IDENTITY_TOKEN_MISSING'
  | 'VSA_IDENTITY_TOKEN_FAILED'
  | 'VSA_SIGNING_FAILED'
  | 'VSA_ATTACH_FAILED'
  | 'VSA_WRITE_FAILED';

declare module '../errors.ts' {
  interface ErrorCodes {
    sign: SignErrorCode;
  }
}

export {};
