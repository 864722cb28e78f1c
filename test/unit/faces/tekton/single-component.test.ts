// SINGLE_COMPONENT from the pod's labels (the downward API file the kubelet writes), as ec's
// reduce-snapshot.sh decides from the PipelineRun's labels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.ts';
import { componentToKeep, parseLabelsFile, reduceToComponent } from '../../../../src/faces/tekton/single-component.ts';

const pod = (labels: Record<string, string>, namespace?: string) => ({ labels: new Map(Object.entries(labels)), ...(namespace ? { namespace } : {}) });

test('the downward API labels file: key="value" lines; anything else is refused naming the line', () => {
  const labels = parseLabelsFile('app.kubernetes.io/managed-by="tekton-pipelines"\ntekton.dev/pipelineRun="it-run-1"\nempty=""\n', '/etc/vouch/podinfo/labels');
  assert.deepEqual(
    [...labels],
    [
      ['app.kubernetes.io/managed-by', 'tekton-pipelines'],
      ['tekton.dev/pipelineRun', 'it-run-1'],
      ['empty', ''],
    ],
  );
  for (const bad of ['key=value', 'key="unterminated', '="x"', 'k="a"b"', 'k="\\x41"']) {
    assert.throws(
      () => parseLabelsFile(bad, 'labels'),
      (err: unknown) => err instanceof InputError && err.code === 'POD_LABELS_INVALID' && /labels:1: not a label line/.test(err.message),
      bad,
    );
  }
});

test('the resource must be this PipelineRun; a component snapshot names the component, any other validates all', () => {
  const labels = { 'tekton.dev/pipelineRun': 'it-run-1', 'test.appstudio.openshift.io/type': 'component', 'appstudio.openshift.io/component': 'api' };
  for (const resource of ['pr/it-run-1', 'PipelineRun/it-run-1', 'pipelineruns.tekton.dev/it-run-1']) {
    assert.equal(componentToKeep({ resource, namespace: '' }, pod(labels)).component, 'api', resource);
  }
  assert.equal(componentToKeep({ resource: 'pr/it-run-1', namespace: 'team' }, pod(labels, 'team')).component, 'api');
  const group = componentToKeep({ resource: 'pr/it-run-1', namespace: '' }, pod({ ...labels, 'test.appstudio.openshift.io/type': 'group' }));
  assert.equal(group.component, undefined);
  assert.match(group.reason, /not labelled as a single component's \(test\.appstudio\.openshift\.io\/type="group"/);
  assert.equal(componentToKeep({ resource: 'pr/it-run-1', namespace: '' }, pod({ ...labels, 'appstudio.openshift.io/component': '' })).component, undefined);
  const refused: [string, string, Record<string, string>, string | undefined, RegExp][] = [
    ['unknown', '', labels, undefined, /SINGLE_COMPONENT_CUSTOM_RESOURCE "unknown": vouch reads no cluster.*this step runs in PipelineRun it-run-1/],
    ['snapshot/it-run-1', '', labels, undefined, /SINGLE_COMPONENT_CUSTOM_RESOURCE "snapshot\/it-run-1"/],
    ['pr/other-run', '', labels, undefined, /SINGLE_COMPONENT_CUSTOM_RESOURCE "pr\/other-run"/],
    ['pr/', '', { ...labels, 'tekton.dev/pipelineRun': '' }, undefined, /this step runs in no PipelineRun/],
    ['pr/it-run-1', 'other', labels, 'team', /SINGLE_COMPONENT_CUSTOM_RESOURCE_NS "other": this step runs in namespace team/],
  ];
  for (const [resource, namespace, l, ns, message] of refused) {
    assert.throws(
      () => componentToKeep({ resource, namespace }, pod(l, ns)),
      (err: unknown) => err instanceof InputError && message.test(err.message),
      resource,
    );
  }
});

test('the reduced snapshot keeps exactly the one component, and the rest of the snapshot', () => {
  const snapshot = {
    application: 'app',
    components: [
      { name: 'api', containerImage: 'r/api:1' },
      { name: 'web', containerImage: 'r/web:1' },
    ],
  };
  assert.deepEqual(reduceToComponent(snapshot, 'web'), { application: 'app', components: [{ name: 'web', containerImage: 'r/web:1' }] });
  assert.throws(() => reduceToComponent(snapshot, 'db'), /the snapshot has 0 components named "db"; it must have exactly one/);
  assert.throws(
    () => reduceToComponent({ components: [...snapshot.components, { name: 'api', containerImage: 'r/api:2' }] }, 'api'),
    /has 2 components named "api"/,
  );
});
