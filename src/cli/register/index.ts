// Commands beyond the core set: each registers its options in its own file and loads its code lazily.
import type { Command } from 'commander';

export type Lazy = <M>(load: () => Promise<M>, name: keyof M & string) => (...args: unknown[]) => Promise<void>;
export type Registrar = (program: Command, lazy: Lazy) => void;

const registrars: Registrar[] = [];

export function registerMoreCommands(program: Command, lazy: Lazy): void {
  for (const register of registrars) register(program, lazy);
}
