// Commands beyond the core set: each registers its options in its own file and loads its code lazily.
import type { Command } from 'commander';
import { registerDemo } from './demo.js';
import { registerDiagnose } from './diagnose.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerResume } from './resume.js';
import { registerTest } from './test.js';

export type Lazy = <M>(load: () => Promise<M>, name: keyof M & string) => (...args: unknown[]) => Promise<void>;
export type Registrar = (program: Command, lazy: Lazy) => void;

const registrars: Registrar[] = [registerTest, registerReport, registerResume, registerReplay, registerDiagnose, registerDemo];

export function registerMoreCommands(program: Command, lazy: Lazy): void {
  for (const register of registrars) register(program, lazy);
}
