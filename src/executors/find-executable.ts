// `which`, for the few programs the executors look up once (bash, bwrap, ssh, kubectl, docker). zx's `which`
// did this, but importing zx/core for it cost ~8 ms of every cold run (issue #32).
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable file named `name` on $PATH (or `name` itself when it holds a slash), else undefined. */
export function findExecutable(name: string, path: string | undefined = process.env.PATH): string | undefined {
  const candidates = name.includes('/') ? [name] : (path ?? '').split(delimiter).map((dir) => join(dir || '.', name));
  return candidates.find(isExecutableFile);
}

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
