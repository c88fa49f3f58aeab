// Tokens → simple commands, for the shell reader (shell-words.ts): reserved words, for-lists, case patterns,
// function names and redirection targets are not commands; a [[ … ]] test is one command of its own.
import { RESERVED_BEFORE_COMMAND, type SimpleCommand, type Token, type Word } from './shell-syntax.js';

export /** Tokens → simple commands. Reserved words and the words that are not commands (for-lists, case patterns,
 *  function names, redirection targets) are left out of `words`; a [[ … ]] test is a command '[[' of its own. */
function group(tokens: Token[]): SimpleCommand[] {
  const out: SimpleCommand[] = [];
  let current: SimpleCommand = { words: [], redirects: [], pipedIn: false };
  let skipUntil: string | undefined;  // a reserved word that ends a non-command stretch
  let test: Word[] | undefined;       // the words of a [[ … ]] being read: one command, operators and all
  let casePatterns = false;
  let pipe = false;
  const end = (op?: string) => {
    if (current.words.length || current.redirects.length) out.push(current);
    pipe = op === '|' || op === '|&';
    current = { words: [], redirects: [], pipedIn: pipe };
  };
  for (let k = 0; k < tokens.length; k++) {
    const tok = tokens[k]!;
    if (test) {
      // Inside [[ … ]], && || ( ) < > are the test's own operators, and every word is an operand bash may
      // evaluate (-v, -eq): the lint reads them as the arguments of a command '[['.
      if (tok.t === 'word') {
        test.push(tok.w);
        if (!tok.w.quoted && tok.w.text === ']]') { current.words = test; test = undefined; end(); }
      }
      continue;
    }
    if (tok.t === 'op') {
      if (tok.redirect) {
        const next = tokens[k + 1];
        if (next?.t === 'word' && tok.redirect.target === undefined) { tok.redirect.target = next.w; k++; }
        else if (next?.t === 'word' && tok.redirect.target === next.w) k++;
        current.redirects.push(tok.redirect);
        continue;
      }
      if (casePatterns) { if (tok.op === ')') casePatterns = false; continue; }
      if (tok.op === ';;' || tok.op === ';&' || tok.op === ';;&') { end(); casePatterns = true; continue; }
      if (tok.op === '(' && current.words.length === 1 && tokens[k + 1]?.t === 'op' && (tokens[k + 1] as { op: string }).op === ')') {
        current.words = []; k++; continue; // name() — a function definition
      }
      end(tok.op);
      continue;
    }
    const w = tok.w;
    const bare = w.quoted ? undefined : w.text;
    if (skipUntil) { if (bare === skipUntil) skipUntil = undefined; continue; }
    if (casePatterns) { if (bare === 'esac') casePatterns = false; continue; }
    if (current.words.length === 0 && bare !== undefined) {
      if (bare === 'time' && tokens[k + 1]?.t === 'word' && /^(-p|--)$/.test((tokens[k + 1] as { w: Word }).w.text)) { k++; continue; }
      if (RESERVED_BEFORE_COMMAND.has(bare) || ['fi', 'done', 'esac', '}'].includes(bare)) continue;
      if (bare === 'for' || bare === 'select') { skipUntil = 'do'; continue; }
      if (bare === 'case') { skipUntil = 'in'; casePatterns = true; continue; }
      if (bare === '[[') { test = [w]; continue; }
      if (bare === 'function') { k++; continue; }
    }
    current.words.push(w);
  }
  if (test) current.words = test; // a [[ never closed: still read
  end();
  return out;
}
