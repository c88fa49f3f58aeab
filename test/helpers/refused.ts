// What a step that opened a file refused to it shows: the error on the screen, or, where the file is one the
// system keeps from others (engine/kept-files.ts), the step withheld (since stop 80 its record says nothing of what
// it printed, not even a size).
export const refusedOrWithheld = (error: string): RegExp =>
  new RegExp(`${error}|withheld \\w+: given a secret \\(a file others may not read [^\\n]*\\): its output, exit code, counts and sizes are withheld`);
