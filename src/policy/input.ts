// The policy input document, one per component (ec-cli.md §4.4). Rego written against ec's input
// runs unchanged on this.
import type { PolicySpec } from '../config/policy-spec.ts';
import type { EntitySignature, SnapshotComponentSource } from '../report/model.ts';

export interface InTotoStatement {
  _type: string;
  subject: { name?: string; digest: Record<string, string>; [key: string]: unknown }[];
  predicateType: string;
  predicate?: unknown;
  [key: string]: unknown;
}

export interface InputAttestation {
  statement: InTotoStatement;
  signatures: EntitySignature[];
}

export interface InputImage {
  /** repo@sha256:…, no tag. */
  ref: string;
  signatures?: EntitySignature[];
  /** OCI image config's `config` object. */
  config?: Record<string, unknown>;
  parent?: { ref: string; config?: Record<string, unknown> };
  files?: Record<string, unknown>;
  source?: SnapshotComponentSource;
}

export interface SnapshotComponent {
  name: string;
  containerImage: string;
  source?: SnapshotComponentSource;
  [key: string]: unknown;
}

export interface Snapshot {
  application?: string;
  displayName?: string;
  displayDescription?: string;
  components: SnapshotComponent[];
  artifacts?: Record<string, unknown>;
}

export interface PolicyInput {
  attestations: InputAttestation[];
  image: InputImage;
  snapshot: Snapshot;
  component_name?: string;
  policy_spec: PolicySpec;
}
