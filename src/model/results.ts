// One rule's result (a violation, warning or success), as ec reports it. Shared by every layer.

/** Rule result metadata. Keys are emitted alphabetically (ec's Go map order). */
export interface ResultMetadata {
  code?: string;
  collections?: string[];
  depends_on?: string[];
  description?: string;
  effective_on?: string;
  severity?: string;
  solution?: string;
  term?: string | string[];
  title?: string;
  [key: string]: unknown;
}

export interface RuleResult {
  msg: string;
  metadata?: ResultMetadata;
  outputs?: string[];
}
