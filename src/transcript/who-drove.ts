// Who drove a run (its header) or a resume of it, as the team knows them: the store role, with the OS user as a
// detail (issue #47: on a shared host every driver is `root`); the OS user alone for a run without a store.

export function whoDrove(line: { operator: string; storeRole?: string | undefined }): string {
  return line.storeRole ? `${line.storeRole} (store role; OS user ${line.operator})` : line.operator;
}
