// Typed errors: every failure carries a stable code, the offending value and the exit code it maps to.

/** Process exit codes. Distinct per class so pipelines can tell a policy failure from a broken run. */
export const ExitCode = {
  /** Everything ran and passed (or --strict=false). */
  Ok: 0,
  /** Ran to the end; the policy (builtin or Rego) failed. */
  PolicyFailed: 1,
  /** Bad input or configuration: a flag, file or field must be fixed. */
  BadInput: 2,
  /** The environment is missing something (a tool, a trust root, network to a policy source). */
  Environment: 3,
  /** --timeout expired. */
  Timeout: 4,
  /** A bug in vouch. */
  Internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * Every stable error code, by layer. Each layer declares its own union in its errors module
 * (ConfigErrorCode in src/config/errors.ts, RegistryErrorCode in src/oci/errors.ts, …) and adds it
 * here by declaration merging, so this leaf imports no layer and a code no layer declared (a typo)
 * does not compile:
 *
 *   declare module '../errors.ts' {
 *     interface ErrorCodes {
 *       config: ConfigErrorCode;
 *     }
 *   }
 *
 * @public (exported for those augmentations, which knip does not count as uses)
 */
export interface ErrorCodes {
  /** A bug: something not a VouchError was met where a code is needed. */
  internal: 'INTERNAL';
}
export type ErrorCode = ErrorCodes[keyof ErrorCodes];

export interface VouchErrorOptions {
  /** What was wrong: the file, field, flag or image at fault. Never a secret. */
  value?: unknown;
  exitCode?: ExitCode;
  cause?: unknown;
}

/** Base error. `code` is a stable SCREAMING_SNAKE identifier; `message` says what to do. */
export class VouchError extends Error {
  readonly code: ErrorCode;
  readonly value: unknown;
  readonly exitCode: ExitCode;

  constructor(code: ErrorCode, message: string, options: VouchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'VouchError';
    this.code = code;
    this.value = options.value;
    this.exitCode = options.exitCode ?? ExitCode.Internal;
  }
}

/** Bad flag, file or field: exit 2. */
export class InputError extends VouchError {
  constructor(code: ErrorCode, message: string, options: Omit<VouchErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: ExitCode.BadInput });
    this.name = 'InputError';
  }
}

/** Missing tool, unreachable policy source, unusable trust root: exit 3. */
export class EnvironmentError extends VouchError {
  constructor(code: ErrorCode, message: string, options: Omit<VouchErrorOptions, 'exitCode'> = {}) {
    super(code, message, { ...options, exitCode: ExitCode.Environment });
    this.name = 'EnvironmentError';
  }
}

/** Text of any thrown value, for messages. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** The exit code a thrown value ends the process with: a VouchError's own, else Internal (a bug). */
export function exitCodeOf(err: unknown): ExitCode {
  return err instanceof VouchError ? err.exitCode : ExitCode.Internal;
}

/** The code of any thrown value: a VouchError's own, else INTERNAL. */
export function errorCode(err: unknown): ErrorCode {
  return err instanceof VouchError ? err.code : 'INTERNAL';
}
