// A step's shell actions with the JSON pointer of each: its own and its wait's (each poll runs it).
import type { ShellActionDoc, StepDoc } from '../schema.js';

export const stepShells = (step: StepDoc, i: number): [string, ShellActionDoc | undefined][] =>
  [[`/steps/${i}/shell`, step.shell], [`/steps/${i}/wait/shell`, step.wait?.shell]];
