// What every command's registration receives: the program, and `lazy`, which loads a command's code only
// when the command runs (so --version, list and validate load nothing else).
import type { Command } from 'commander';

export type Lazy = <M>(load: () => Promise<M>, name: keyof M & string) => (...args: unknown[]) => Promise<void>;
export type Registrar = (program: Command, lazy: Lazy) => void;
