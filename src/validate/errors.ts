// Error codes of the validation run: a snapshot component whose reference does not parse, --timeout.
export type ValidateErrorCode = 'INVALID_COMPONENT_IMAGE' | 'TIMEOUT';

declare module '../errors.ts' {
  interface ErrorCodes {
    validate: ValidateErrorCode;
  }
}
