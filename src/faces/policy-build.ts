// `vouch policy build --policy P --output bundle.tar.gz`: pre-compiles every source of a policy.
import { resolve } from 'node:path';
import { defaultCacheDir } from '../config/run-config.ts';
import { getString, parseFlags, type FlagSpec } from '../config/flags.ts';
import { ExitCode, InputError } from '../errors.ts';
import { buildPolicyBundle } from '../policy/build.ts';

const FLAGS: FlagSpec[] = [
  { name: 'policy', short: 'p', kind: 'string', help: 'Policy configuration (file, URL or inline) or a single source URL' },
  { name: 'output', short: 'o', kind: 'string', help: 'Where to write the bundle (.tar.gz)' },
  { name: 'opa', kind: 'string', help: 'Path of the opa binary' },
  { name: 'cache-dir', kind: 'string', help: 'Cache directory' },
];

export async function runPolicyBuild(argv: string[], io: { stdout: { write(text: string): unknown }; cwd: string }, env: NodeJS.ProcessEnv): Promise<number> {
  const flags = parseFlags(argv, FLAGS);
  const policy = getString(flags, 'policy');
  const output = getString(flags, 'output');
  if (policy === '' || output === '') {
    throw new InputError('POLICY_BUILD_USAGE', 'vouch policy build needs --policy and --output (e.g. --output bundle.tar.gz)', { value: argv.join(' ') });
  }
  const out = resolve(io.cwd, output);
  await buildPolicyBundle(policy, out, {
    baseDir: io.cwd,
    cacheDir: getString(flags, 'cache-dir') || defaultCacheDir(env),
    env,
    ...(getString(flags, 'opa') ? { opaPath: getString(flags, 'opa') } : {}),
  });
  io.stdout.write(`wrote ${out}\n`);
  return ExitCode.Ok;
}
