// Which face the single entrypoint serves, from how it was started.
export type Face = 'github' | 'tekton' | 'cli';

/**
 * Arguments mean the CLI (also inside a workflow's `run:` step). Without any: the GitHub runner
 * (GITHUB_ACTIONS=true) or the Tekton task (which sets VOUCH_FACE=tekton), else the CLI's help.
 */
export function detectFace(env: NodeJS.ProcessEnv, argv: string[]): Face {
  if (argv.length > 0) return 'cli';
  if (env.VOUCH_FACE === 'tekton') return 'tekton';
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  return 'cli';
}
