// The snapshot: the components (images) of one validation run, as ec's input document and reports
// carry them (konflux-ci/application-api Snapshot spec). Shared by every layer.

export interface SnapshotComponentSource {
  git?: {
    url?: string;
    revision?: string;
    context?: string;
    dockerfileUrl?: string;
    devfileUrl?: string;
  };
  [key: string]: unknown;
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
