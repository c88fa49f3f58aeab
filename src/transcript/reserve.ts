// Room kept for the last lines of a run. A full disk usually shows itself at a step's output, while the step
// still runs: the run then stops, and the step's finish (it may well complete: a script that shields its
// critical section exits 0) and the run's end must still be written, or a resume would take an act that
// completed for one in flight and run it again. So a small hidden file beside the transcript holds the room;
// the first write that finds the disk full frees it, and the lines that matter after that fit.
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Enough for the few small lines after a failed write (finish lines name their output: output-refs.ts). */
export const RESERVE_BYTES = 64 * 1024;

export class SpaceReserve {
  private file: string | undefined;

  /** Held beside `transcript`; nothing when it cannot be made (the disk is full already: then nothing is held).
   *  The name is made afresh, never opened through: a link planted there (a probe of stop 71, in a sticky
   *  directory after a full disk had freed the name) had `run` and `resume` write 64 KiB of zeros over root's
   *  file. Whatever is at the name first is unlinked (that removes a name, never what it points to); a name this
   *  account may not remove means no reserve. */
  hold(transcript: string): void {
    const file = join(dirname(transcript), `.${basename(transcript)}.reserve`);
    try { unlinkSync(file); } catch (e) { if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return; }
    let fd: number;
    try { fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600); } catch { return; }
    try {
      writeSync(fd, Buffer.alloc(RESERVE_BYTES)); // written, not sparse: the blocks are really taken
      this.file = file;
    } catch {
      try { unlinkSync(file); } catch { /* made by this open (O_EXCL): ours to remove */ }
    } finally {
      closeSync(fd);
    }
  }

  /** Frees the room (a write found the disk full); true when there was some to free. */
  release(): boolean {
    const file = this.file;
    this.file = undefined;
    if (!file) return false;
    try { unlinkSync(file); return true; } catch { return false; }
  }
}
