// Preloaded into a measured node process (`node --import ./cpu-at-line.mjs …`): the first time its stdout is
// about to carry text matching $BENCH_CPU_AT_PATTERN (a regular expression), writes the process's CPU time so
// far (user + system, in microseconds) to $BENCH_CPU_AT_FILE, before the text goes out: whoever sees the text
// finds the file. Finer than /proc's 10 ms ticks.
import { writeFileSync } from 'node:fs';

const pattern = process.env.BENCH_CPU_AT_PATTERN ? new RegExp(process.env.BENCH_CPU_AT_PATTERN, 'm') : undefined;
const file = process.env.BENCH_CPU_AT_FILE;
if (pattern && file) {
  const write = process.stdout.write.bind(process.stdout);
  let seen = '';
  let done = false;
  process.stdout.write = (chunk, ...rest) => {
    if (!done) {
      seen += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      if (pattern.test(seen)) {
        done = true;
        const u = process.cpuUsage();
        writeFileSync(file, String(u.user + u.system));
      }
    }
    return write(chunk, ...rest);
  };
}
