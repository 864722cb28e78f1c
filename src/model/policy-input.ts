// The policy input document, one per component, as ec builds it: Rego written against ec's input
// runs unchanged on this (docs/compatibility.md lists the differences). Shared by every layer.
import type { PolicySpec } from './policy-spec.ts';
import type { EntitySignature } from './signature.ts';
import type { Snapshot, SnapshotComponentSource } from './snapshot.ts';
import type { InTotoStatement } from './statement.ts';

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

export interface PolicyInput {
  attestations: InputAttestation[];
  image: InputImage;
  snapshot: Snapshot;
  component_name?: string;
  policy_spec: PolicySpec;
}
