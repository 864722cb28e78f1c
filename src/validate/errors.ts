// Error codes of the validation run: a snapshot component whose reference does not parse, --timeout,
// a VSA file (vouch validate vsa) that cannot be read.
export type ValidateErrorCode = 'INVALID_COMPONENT_IMAGE' | 'TIMEOUT' | 'VSA_FILE_UNREADABLE';

declare module '../errors.ts' {
  interface ErrorCodes {
    validate: ValidateErrorCode;
  }
}
