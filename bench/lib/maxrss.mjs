// Preloaded into a measured node process (`node --import ./maxrss.mjs …`): at exit, writes the
// process's peak resident set size in bytes to $BENCH_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.BENCH_MAXRSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)));
