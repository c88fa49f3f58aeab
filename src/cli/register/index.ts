// Every command registers its options and help in its own function and loads its code lazily. Only the
// command being run is registered (building all of them with their help costs start-up time); an unknown
// name, `help` or a bare `--help` registers them all, so listings and "did you mean" see every command.
import type { Command } from 'commander';
import { registerGraph, registerList, registerNew, registerRun, registerSchema, registerShow, registerValidate } from './core.js';
import { registerDemo } from './demo.js';
import { registerDiagnose, registerExplain } from './diagnose.js';
import { registerReplay } from './replay.js';
import { registerReport } from './report.js';
import { registerResume } from './resume.js';
import { registerTest } from './test.js';
import { registerApprove, registerFollow, registerRuns, registerStore } from './team.js';

import type { Lazy, Registrar } from './types.js';
export type { Lazy, Registrar };

/** In the order `runbook --help` lists them. */
const REGISTRARS: Record<string, Registrar> = {
  run: registerRun, list: registerList, show: registerShow, validate: registerValidate, graph: registerGraph,
  schema: registerSchema, new: registerNew, test: registerTest, report: registerReport, resume: registerResume,
  replay: registerReplay, diagnose: registerDiagnose, explain: registerExplain, demo: registerDemo,
  store: registerStore, runs: registerRuns, follow: registerFollow, approve: registerApprove,
};

export function registerCommands(program: Command, lazy: Lazy, invoked?: string): void {
  const only = invoked !== undefined && Object.hasOwn(REGISTRARS, invoked) ? invoked : undefined;
  for (const [name, register] of Object.entries(REGISTRARS)) if (!only || name === only) register(program, lazy);
}
