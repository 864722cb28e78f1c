// Snapshot planning: the components to validate (parsed, sharded), each image index expanded, the
// snapshot the policy input shows, and the order components are reported in (ec's).
import type { RunConfig } from '../config/types.ts';
import type { ComponentReport } from '../model/report.ts';
import type { Snapshot, SnapshotComponent } from '../model/snapshot.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';
import type { PlannedComponent } from './component.ts';
import { expandIndex, parseComponents, shardComponents } from './expand.ts';
import { inCompletionOrder } from './pool.ts';

/** A component after index expansion, with its place in the snapshot (for a stable report order). */
export interface Ordered {
  item: PlannedComponent;
  /** Index of the snapshot component it came from. */
  order: number;
  /** 0 for the component itself, 1… for the platforms of an index. */
  child: number;
}

export interface SnapshotPlan {
  /** Components as their index lookups finish (all lookups start at once). */
  arrivals(): AsyncGenerator<Ordered>;
  /** The policy input's snapshot: every component after expansion. Waits for every lookup. */
  snapshot: Promise<Snapshot>;
}

/** Parses and shards the snapshot's components (a bad reference is bad input), and starts every index lookup. */
export function planSnapshot(
  config: Pick<RunConfig, 'snapshot' | 'snapshotFile' | 'shard'>,
  sourceFor: (ref: ImageReference) => ImageSource,
  log: (msg: string) => void,
): SnapshotPlan {
  const planned = shardComponents(parseComponents(config.snapshot, config.snapshotFile ?? '--images'), config.shard);
  const expansions = planned.map((p, order) => expandIndex(p, sourceFor, log).then((list) => list.map((item, child): Ordered => ({ item, order, child }))));
  return {
    async *arrivals() {
      for await (const list of inCompletionOrder(expansions)) yield* list;
    },
    snapshot: Promise.all(expansions).then((lists) => policySnapshot(config.snapshot, lists.flat())),
  };
}

const byImage = (a: Ordered, b: Ordered): number => {
  const x = a.item.component.containerImage;
  const y = b.item.component.containerImage;
  return x < y ? -1 : x > y ? 1 : a.order - b.order || a.child - b.child;
};

/** A snapshot component as ec's input shows it: its `source` struct is always there (`{}` when empty). */
const withSource = (c: SnapshotComponent): SnapshotComponent => ({ ...c, source: c.source ?? {} });

/**
 * The snapshot as the policy input shows it, made once per run and shown to every component as this
 * one object: ec processes components in ascending containerImage order, and its components' source
 * is a Go struct (`{}` when empty). Pure.
 */
export function policySnapshot(snapshot: Snapshot, expanded: Ordered[]): Snapshot {
  return {
    application: snapshot.application ?? '',
    ...(snapshot.displayName ? { displayName: snapshot.displayName } : {}),
    ...(snapshot.displayDescription ? { displayDescription: snapshot.displayDescription } : {}),
    components: [...expanded].sort(byImage).map((o) => withSource(o.item.component)),
    artifacts: snapshot.artifacts ?? {},
  };
}

/** ec reports components in descending containerImage order; ties keep the snapshot's order. Pure. */
export function inReportOrder<T extends { outcome: { report: ComponentReport }; at: Ordered }>(outcomes: T[]): T[] {
  const descending = (a: ComponentReport, b: ComponentReport): number =>
    a.containerImage < b.containerImage ? 1 : a.containerImage > b.containerImage ? -1 : 0;
  return [...outcomes].sort((a, b) => descending(a.outcome.report, b.outcome.report) || a.at.order - b.at.order || a.at.child - b.at.child);
}
