// `vouch policy build --policy P --output bundle.tar.gz`: pre-compiles every source of a policy.
import { resolve } from 'node:path';
import { defaultCacheDir } from '../config/run-options.ts';
import { parseFlags, type FlagTable } from '../config/flags.ts';
import { ExitCode, InputError } from '../errors.ts';
import { buildPolicyBundle } from '../policy/build.ts';

const FLAGS = {
  policy: { short: 'p', kind: 'string', help: 'Policy configuration (file, URL or inline) or a single source URL' },
  output: { short: 'o', kind: 'string', help: 'Where to write the bundle (.tar.gz)' },
  opa: { kind: 'string', help: 'Path of the opa binary' },
  'cache-dir': { kind: 'string', help: 'Cache directory' },
} as const satisfies FlagTable;

export async function runPolicyBuild(argv: string[], io: { stdout: { write(text: string): unknown }; cwd: string }, env: NodeJS.ProcessEnv): Promise<number> {
  const { policy, output, opa, 'cache-dir': cacheDir } = parseFlags(argv, FLAGS).values;
  if (policy === '' || output === '') {
    throw new InputError('POLICY_BUILD_USAGE', 'vouch policy build needs --policy and --output (e.g. --output bundle.tar.gz)', { value: argv.join(' ') });
  }
  const out = resolve(io.cwd, output);
  await buildPolicyBundle(policy, out, {
    baseDir: io.cwd,
    cacheDir: cacheDir || defaultCacheDir(env),
    env,
    ...(opa ? { opaPath: opa } : {}),
  });
  io.stdout.write(`wrote ${out}\n`);
  return ExitCode.Ok;
}
