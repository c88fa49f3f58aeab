// `matches` runs an author's pattern over step output, which a database or a remote host controls: with a
// backtracking engine a harmless-looking pattern (`(\w+\s?)+$`) can take exponential time on hostile output and
// freeze the run. So patterns are compiled for V8's linear-time engine (the `l` flag): every match is linear in
// the text, by construction. That engine has no backreferences, lookaround or large counted repeats (the limit
// is on the expanded size: a{1,16} compiles, a{1,20} does not); a pattern using them is refused with that reason
// (by `validate` where it is a literal, else when the branch is read, which fails the run).
import { linearEngineOn } from '../../common/v8-flags.js';

/** The pattern compiled for linear-time matching; throws a SyntaxError naming why it cannot be. */
export function linearRegExp(pattern: string, flags = ''): RegExp {
  linearEngineOn();
  try {
    return new RegExp(pattern, `${flags}l`);
  } catch (e) {
    const message = (e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '');
    if (/linear time/.test(message)) {
      throw new SyntaxError('it uses a backreference (\\1), a lookaround ((?=…), (?<=…)) or a large counted repeat ({1,100}), which cannot be matched in linear time, and so not safely on any output');
    }
    throw new SyntaxError(message);
  }
}
