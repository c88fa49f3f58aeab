// zx 8 appends every output chunk to `store.stdout/stderr/stdall` arrays so that ProcessOutput
// can join them later: a step printing 200 MB would keep 400 MB. Handing zx a store whose arrays
// keep nothing, and pass each chunk on, is the supported way to consume the streams ourselves.
import type { Options } from 'zx/core';

type Store = NonNullable<Options['store']>;
type Chunks = Store['stdout'];

export function discardingStore(sinks: { stdout: (chunk: Buffer) => void; stderr: (chunk: Buffer) => void }): Store {
  return { stdout: discarding(sinks.stdout), stderr: discarding(sinks.stderr), stdall: discarding() };
}

function discarding(sink?: (chunk: Buffer) => void): Chunks {
  const chunks = {
    length: 0, // zx's end handler reads the last chunk only when length > 0
    push(...items: (string | Buffer)[]): number {
      for (const item of items) sink?.(typeof item === 'string' ? Buffer.from(item) : item);
      return 0;
    },
    join: (): string => '',
    reduce: <U>(_fn: unknown, init: U): U => init,
    *[Symbol.iterator](): Iterator<string | Buffer> {},
  };
  return chunks as unknown as Chunks;
}
