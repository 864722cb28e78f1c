// One rule's result (a violation, warning or success), as ec reports it. Shared by every layer.

/** Rule result metadata. Keys are emitted alphabetically (ec's Go map order). */
export interface ResultMetadata {
  /** Whatever the policy (or a merged report) gave: not checked to be a string; print with jsonText. */
  code?: unknown;
  collections?: string[];
  depends_on?: string[];
  description?: string;
  effective_on?: string;
  severity?: string;
  /** As `code`: unchecked. */
  solution?: unknown;
  term?: string | string[];
  title?: string;
  [key: string]: unknown;
}

export interface RuleResult {
  msg: string;
  metadata?: ResultMetadata;
  outputs?: string[];
}
