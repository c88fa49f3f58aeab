// Preloaded into a measured node process (`node --import ./maxrss.mjs …`): at exit, writes the
// process's peak resident set size in bytes to $BENCH_MAXRSS_FILE, and its CPU time (user + system, in
// microseconds) to $BENCH_CPU_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAXRSS_FILE;
const cpuFile = process.env.BENCH_CPU_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
if (cpuFile) process.on('exit', () => { const u = process.resourceUsage(); writeFileSync(cpuFile, String(u.userCPUTime + u.systemCPUTime)); });
