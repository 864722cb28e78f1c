// Error codes of the configuration layer: flags, documents (snapshot, policy, extra rule data),
// keys, outputs, the cache directory. Most are bad input (exit 2).
export type ConfigErrorCode =
  // flags
  | 'UNKNOWN_FLAG'
  | 'MISSING_FLAG_VALUE'
  | 'INVALID_FLAG_VALUE'
  | 'UNEXPECTED_ARGUMENT'
  | 'INVALID_DURATION'
  | 'INVALID_EFFECTIVE_TIME'
  | 'INVALID_SHARD'
  | 'INVALID_WORKERS'
  | 'REMOTE_POLICY_LOCAL_KEY'
  | 'EFFECTIVE_TIME_IN_PAST'
  | 'INVALID_RETRY'
  | 'TRUST_FLAGS'
  | 'TUF_MIRROR_INVALID'
  // documents
  | 'DOCUMENT_TOO_LARGE'
  | 'DOCUMENT_ALIAS_LIMIT'
  | 'DOCUMENT_CYCLE'
  | 'NO_IMAGES'
  | 'SNAPSHOT_NOT_FOUND'
  | 'SNAPSHOT_SHAPE'
  | 'SNAPSHOT_SYNTAX'
  | 'POLICY_SCHEMA'
  | 'POLICY_SYNTAX'
  | 'EXTRA_RULE_DATA_FILE'
  | 'EXTRA_RULE_DATA_SYNTAX'
  // signer
  | 'PUBLIC_KEY_INVALID'
  | 'PUBLIC_KEY_UNREADABLE'
  | 'PUBLIC_KEY_UNSUPPORTED'
  | 'PRIVATE_KEY_GIVEN'
  | 'UNSUPPORTED_KEY_REFERENCE'
  | 'KEYLESS_ISSUER_MISSING'
  | 'KEYLESS_IDENTITY_MISSING'
  | 'INVALID_IDENTITY_REGEXP'
  | 'UNSUPPORTED_IDENTITY_REGEXP'
  | 'PKI_FLAGS'
  | 'PKI_INVALID'
  | 'PKI_UNREADABLE'
  | 'PKI_WITH_KEY'
  | 'VSA_SIGNER_FLAGS'
  | 'VSA_SIGNER_INCOMPLETE'
  | 'VSA_TRUST_FLAGS'
  // where the run writes
  | 'CACHE_DIR_UNUSABLE'
  | 'OUTPUT_UNWRITABLE'
  | 'UNKNOWN_OUTPUT_FORMAT'
  | 'INVALID_OUTPUT_OPTION';

declare module '../errors.ts' {
  interface ErrorCodes {
    config: ConfigErrorCode;
  }
}
