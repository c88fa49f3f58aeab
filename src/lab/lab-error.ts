/** Errors raised by the lab itself (missing binaries, servers that will not start). */
export class LabError extends Error {
  override name = 'LabError';
}
