// Loaded with `node --import` in benchmark runs: at exit, writes the process's CPU time and peak RSS
// to the file named by VOUCH_BENCH_PROBE, and the CPU time of the child processes it waited for
// (opa, git): /proc/self/stat cutime + cstime, in USER_HZ (100 per second on Linux); absent elsewhere.
import { readFileSync, writeFileSync } from 'node:fs';

const out = process.env.VOUCH_BENCH_PROBE;

function childrenMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    return undefined;
  }
}

if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKiB: u.maxRSS, childrenMs: childrenMs() }));
  });
}
