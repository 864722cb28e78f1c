// SLSA provenance predicates shaped like Tekton Chains output (v0.2 and v1).

export function slsaV02(opts: { gitUrl?: string; commit?: string; finishedOn?: string; builderId?: string } = {}): Record<string, unknown> {
  const commit = opts.commit ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  return {
    builder: { id: opts.builderId ?? 'https://tekton.dev/chains/v2' },
    buildType: 'tekton.dev/v1beta1/PipelineRun',
    invocation: {
      configSource: { uri: opts.gitUrl ?? 'git+https://example.com/acme/widget.git', digest: { sha1: commit }, entryPoint: '.tekton/build.yaml' },
      parameters: { 'git-url': 'https://example.com/acme/widget', revision: commit },
      environment: { labels: { 'tekton.dev/pipeline': 'docker-build' } },
    },
    buildConfig: {
      tasks: [
        {
          name: 'clone',
          ref: { kind: 'Task', name: 'git-clone' },
          startedOn: '2026-11-01T10:00:00Z',
          finishedOn: '2026-11-01T10:01:00Z',
          status: 'Succeeded',
          results: [{ name: 'commit', value: commit }],
        },
        {
          name: 'build',
          ref: { kind: 'Task', name: 'buildah' },
          startedOn: '2026-11-01T10:01:00Z',
          finishedOn: '2026-11-01T10:05:00Z',
          status: 'Succeeded',
          results: [],
        },
      ],
    },
    metadata: {
      buildStartedOn: '2026-11-01T10:00:00Z',
      buildFinishedOn: opts.finishedOn ?? '2026-11-01T10:05:00Z',
      completeness: { parameters: false, environment: false, materials: false },
      reproducible: false,
    },
    materials: [{ uri: opts.gitUrl ?? 'git+https://example.com/acme/widget.git', digest: { sha1: commit } }],
  };
}

export function slsaV1(opts: { gitUrl?: string; commit?: string } = {}): Record<string, unknown> {
  const commit = opts.commit ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
  return {
    buildDefinition: {
      buildType: 'https://tekton.dev/chains/v2/slsa',
      externalParameters: { runSpec: { pipelineRef: { name: 'docker-build' } } },
      internalParameters: { tekton: { serviceAccountName: 'pipeline' } },
      resolvedDependencies: [{ uri: opts.gitUrl ?? 'git+https://example.com/acme/widget.git', digest: { sha1: commit }, name: 'inputs/result' }],
    },
    runDetails: {
      builder: { id: 'https://tekton.dev/chains/v2' },
      metadata: { invocationId: 'pipelinerun-uid-1', startedOn: '2026-11-01T10:00:00Z', finishedOn: '2026-11-01T10:05:00Z' },
    },
  };
}
