// Registry failures, classified so the pipeline can tell "the image is not there" from "the
// registry could not be reached" (an infrastructure error, never cached as a verdict).
import { ExitCode, VouchError } from '../errors.ts';

export type RegistryErrorCode =
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'UNREACHABLE'
  | 'TIMEOUT'
  | 'DIGEST_MISMATCH'
  | 'TOO_LARGE'
  | 'BAD_RESPONSE'
  | 'RATE_LIMITED'
  /** A tag read again in the run names another manifest than it first did (src/oci/client.ts). */
  | 'TAG_MOVED'
  /** The registry asked for something vouch will not do: credentials to a foreign or plain-http realm, an https→http redirect. */
  | 'REFUSED';

/** Bad input met by the OCI layer: an image reference, a registry credentials file. */
export type OciErrorCode = 'INVALID_IMAGE_REFERENCE' | 'INVALID_REGISTRY_AUTH_FILE';

declare module '../errors.ts' {
  interface ErrorCodes {
    registry: RegistryErrorCode;
    oci: OciErrorCode;
  }
}

const TRANSIENT: ReadonlySet<RegistryErrorCode> = new Set(['UNREACHABLE', 'TIMEOUT', 'RATE_LIMITED']);

export class RegistryError extends VouchError {
  declare readonly code: RegistryErrorCode;
  /** Caused by the network or the registry's health, not by the image: retry later, never cache. */
  readonly transient: boolean;
  readonly status: number | undefined;

  constructor(code: RegistryErrorCode, message: string, options: { value?: unknown; status?: number; cause?: unknown; transient?: boolean } = {}) {
    // Escaping a run (a policy bundle's registry; an image's failures are violations), it is the environment's: exit 3.
    super(code, message, { value: options.value, cause: options.cause, exitCode: ExitCode.Environment });
    this.name = 'RegistryError';
    this.status = options.status;
    this.transient = options.transient ?? (TRANSIENT.has(code) || (options.status !== undefined && options.status >= 500));
  }
}
