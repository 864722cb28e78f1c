// `vouch validate image` flags: ec's names and defaults (conforma/cli a18338416237 cmd/validate/image.go),
// one entry per flag. Every
// face (CLI, GitHub, Tekton) parses this table, so a flag means the same thing everywhere.
import type { FlagTable, FlagValues } from './flags.ts';

export const VALIDATE_IMAGE_FLAGS = {
  image: { short: 'i', kind: 'string', help: 'OCI image reference (becomes a component named "Unnamed")' },
  images: { kind: 'string', help: 'Snapshot: a components file, or the JSON/YAML text itself' },
  'file-path': { short: 'f', kind: 'string', help: 'DEPRECATED: use --images' },
  'json-input': { short: 'j', kind: 'string', help: 'DEPRECATED: use --images' },
  policy: { short: 'p', kind: 'string', help: 'Policy configuration: a file, a git/https URL, or inline JSON/YAML' },
  'public-key': { short: 'k', kind: 'string', help: 'Public key (PEM text or file) the signatures must verify with' },
  'rekor-url': { short: 'r', kind: 'string', help: 'Rekor URL (overrides the policy rekorUrl)' },
  'ignore-rekor': { kind: 'bool', help: 'Skip transparency-log verification (key mode only)', default: false },
  'insecure-ignore-sct': { kind: 'bool', help: 'Keyless: accept certificates without a CT log SCT (private Fulcio without CT)', default: false },
  'certificate-identity': { kind: 'string', help: 'Keyless: expected certificate identity (exact)' },
  'certificate-identity-regexp': { kind: 'string', help: 'Keyless: certificate identity regular expression' },
  'certificate-oidc-issuer': { kind: 'string', help: 'Keyless: expected OIDC issuer (exact)' },
  'certificate-oidc-issuer-regexp': { kind: 'string', help: 'Keyless: OIDC issuer regular expression' },
  'tuf-mirror': { kind: 'string', help: 'TUF mirror URL for the Sigstore trust root (with --tuf-root)' },
  'tuf-root': { kind: 'string', help: 'Initial root.json for --tuf-mirror' },
  'trusted-root': { kind: 'string', help: 'A Sigstore trusted_root.json file (offline trust root)' },
  'ca-roots': { kind: 'string', help: 'PEM file of organisation root CA certificates (instead of Fulcio)' },
  'ca-intermediates': { kind: 'string', help: 'PEM file of organisation intermediate CA certificates' },
  'certificate-chain': { kind: 'string', help: 'PEM file: intermediates then the root of an organisation CA' },
  output: {
    kind: 'slice',
    help: 'FORMAT[=PATH][?show-successes=..&show-warnings=..&warnings-as-passes=..&format=ec (junit)], repeatable; formats: json, yaml, text, summary, summary-markdown, appstudio, junit, attestation, policy-input',
  },
  'output-file': { short: 'o', kind: 'string', help: 'DEPRECATED: use --output json=PATH' },
  strict: { short: 's', kind: 'bool', help: 'Exit non-zero when the policy fails', default: true },
  'effective-time': { kind: 'string', help: 'now, attestation, RFC3339 time or YYYY-MM-DD', default: 'now' },
  'extra-rule-data': { kind: 'slice', help: "key=value added to every source's ruleData, repeatable" },
  info: { kind: 'bool', help: 'Keep full rule metadata (title, description, solution, …) in results', default: false },
  'show-successes': { kind: 'bool', help: 'Include successes in the report', default: false },
  'show-warnings': { kind: 'bool', help: 'Include warnings in the text report', default: true },
  'show-policy-docs-link': { kind: 'bool', help: 'Append a policy documentation link to the text report', default: false },
  color: { kind: 'bool', help: 'Force colour in the text report', default: false },
  'no-color': { kind: 'bool', help: 'Disable colour in the text report', default: false },
  workers: {
    kind: 'string',
    help: 'Components validated in parallel (components waiting on a rate-limited registry lend their worker to others, up to 32 per worker in flight)',
    default: '5',
  },
  shard: { kind: 'string', help: 'I/N: validate the I-th of N deterministic slices of the snapshot (join with vouch merge-reports)' },
  timeout: { kind: 'string', help: 'Give up after this long (Go duration; 0 = no limit)', default: '5m' },
  opa: { kind: 'string', help: 'Path of the opa binary used to compile Rego (else OPA_PATH, then PATH)' },
  'cache-dir': { kind: 'string', help: 'Cache directory (else VOUCH_CACHE_DIR, then ~/.cache/vouch)' },
  debug: { kind: 'bool', help: 'Debug logging to stderr', default: false },
  verbose: { kind: 'bool', help: 'Verbose logging to stderr', default: false },
  quiet: { kind: 'bool', help: 'No progress line on stderr', default: false },
} as const satisfies FlagTable;

/** Parsed `validate image` flags: `flags['cache-dir']` is a string, `flags.strict` a boolean. */
export type ValidateImageFlags = FlagValues<typeof VALIDATE_IMAGE_FLAGS>;
