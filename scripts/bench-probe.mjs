// Loaded with `node --import` in benchmark runs: at exit, writes the process's CPU time and peak RSS
// to the file named by VOUCH_BENCH_PROBE.
import { writeFileSync } from 'node:fs';

const out = process.env.VOUCH_BENCH_PROBE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ userMs: u.userCPUTime / 1000, systemMs: u.systemCPUTime / 1000, maxRssKiB: u.maxRSS }));
  });
}
