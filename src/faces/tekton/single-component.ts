// SINGLE_COMPONENT: validate only the component whose build made the snapshot (ec: hack/reduce-
// snapshot.sh, conforma/cli commit a18338416237ca7c5154a0af499f81d4b821ea46). ec asks the cluster for
// the labels of SINGLE_COMPONENT_CUSTOM_RESOURCE (`pr/<pipelinerun>` in Konflux integration tests):
// when `test.appstudio.openshift.io/type` is `component`, only the component named by
// `appstudio.openshift.io/component` is kept. vouch reads no cluster: Tekton copies a PipelineRun's
// labels onto its TaskRuns' pods, and the Task hands the step its own pod's labels (a downward API
// file), so the resource must be the PipelineRun the step runs in. Pure.
import { InputError } from '../../errors.ts';
import type { Snapshot } from '../../model/snapshot.ts';

const TYPE_LABEL = 'test.appstudio.openshift.io/type';
const COMPONENT_LABEL = 'appstudio.openshift.io/component';
/** Set by Tekton on every pod of a PipelineRun. */
const PIPELINERUN_LABEL = 'tekton.dev/pipelineRun';
/** kubectl's names for the PipelineRun kind. */
const PIPELINERUN_KINDS = new Set(['pr', 'prs', 'pipelinerun', 'pipelineruns', 'pipelinerun.tekton.dev', 'pipelineruns.tekton.dev']);

/** A label line as the kubelet writes the downward API file: `key="value"` (Go's %q). */
const LABEL_LINE = /^([A-Za-z0-9][A-Za-z0-9._/-]*)="((?:[^"\\]|\\.)*)"$/;

export function parseLabelsFile(text: string, origin: string): Map<string, string> {
  const labels = new Map<string, string>();
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    const m = LABEL_LINE.exec(line);
    let value: unknown;
    try {
      // Label values are [A-Za-z0-9._-]: %q and JSON quote them alike; anything else is not a label.
      value = m ? JSON.parse(`"${m[2]!}"`) : undefined;
    } catch {
      value = undefined;
    }
    if (typeof value !== 'string') throw new InputError('POD_LABELS_INVALID', `${origin}:${i + 1}: not a label line (key="value")`, { value: origin });
    labels.set(m![1]!, value);
  });
  return labels;
}

export interface PodInfo {
  labels: Map<string, string>;
  /** The pod's namespace (downward API), when the Task gives it. */
  namespace?: string;
}

export interface SingleComponentParams {
  resource: string;
  namespace: string;
}

/** The component to keep, or undefined (with why) when the snapshot is not a single component's. */
export function componentToKeep(params: SingleComponentParams, pod: PodInfo): { component?: string; reason: string } {
  const slash = params.resource.indexOf('/');
  const kind = slash === -1 ? '' : params.resource.slice(0, slash).toLowerCase();
  const name = slash === -1 ? '' : params.resource.slice(slash + 1);
  const own = pod.labels.get(PIPELINERUN_LABEL);
  if (!PIPELINERUN_KINDS.has(kind) || name === '' || name !== own) {
    const where = own ? `this step runs in PipelineRun ${own}` : 'this step runs in no PipelineRun';
    throw new InputError(
      'SINGLE_COMPONENT_RESOURCE',
      `SINGLE_COMPONENT_CUSTOM_RESOURCE ${JSON.stringify(params.resource)}: vouch reads no cluster, only the labels Tekton copies from the PipelineRun onto the step's pod; name that PipelineRun (pr/$(context.pipelineRun.name)) — ${where}`,
      { value: 'SINGLE_COMPONENT_CUSTOM_RESOURCE' },
    );
  }
  if (params.namespace !== '' && pod.namespace !== undefined && params.namespace !== pod.namespace) {
    throw new InputError(
      'SINGLE_COMPONENT_RESOURCE',
      `SINGLE_COMPONENT_CUSTOM_RESOURCE_NS ${JSON.stringify(params.namespace)}: this step runs in namespace ${pod.namespace}, and vouch reads no other`,
      { value: 'SINGLE_COMPONENT_CUSTOM_RESOURCE_NS' },
    );
  }
  const type = pod.labels.get(TYPE_LABEL) ?? '';
  const component = pod.labels.get(COMPONENT_LABEL) ?? '';
  if (type === 'component' && component !== '')
    return { component, reason: `PipelineRun ${own} is labelled ${TYPE_LABEL}=component, ${COMPONENT_LABEL}=${component}` };
  return {
    reason: `PipelineRun ${own} is not labelled as a single component's (${TYPE_LABEL}=${JSON.stringify(type)}, ${COMPONENT_LABEL}=${JSON.stringify(component)})`,
  };
}

/** The snapshot with only `component`: exactly one component must bear that name, as in ec. */
export function reduceToComponent(snapshot: Snapshot, component: string): Snapshot {
  const kept = snapshot.components.filter((c) => c.name === component);
  if (kept.length !== 1) {
    throw new InputError(
      'SINGLE_COMPONENT_NOT_FOUND',
      `SINGLE_COMPONENT: the snapshot has ${kept.length} components named ${JSON.stringify(component)}; it must have exactly one (the component whose build made the snapshot)`,
      { value: 'SINGLE_COMPONENT' },
    );
  }
  return { ...snapshot, components: kept };
}
