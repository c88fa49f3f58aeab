// Lines → records: one error as its program printed it, with the lines that continue it (a Java stack trace and
// its "Caused by" chain, a Python traceback through its "The above exception…" chain, libpq's indented hint,
// PostgreSQL's DETAIL/HINT lines). A line that starts with a timestamp, or a new traceback, starts a record.
// Streaming: a record is handed on when the next one starts (or at the end), and is cut at MAX_LINES lines.
const MAX_LINES = 200;
const MAX_CHARS = 64 * 1024;

/** Lines that go on with the record before them. */
const CONTINUES = /^(?:\s|Caused by:|Either provide the file or change sslmode|\.\.\. \d+ more|The above exception|During handling of the above|DETAIL:|HINT:|CONTEXT:|STATEMENT:|Is the server running|connection to server .* failed:|[\w.]+(?:Error|Exception)\b.*:|\^|\)|\}|\{\s*$|$)/;
/** Lines that start a record of their own whatever came before: a timestamped log line, a new traceback. */
const STARTS = /^(?:\d{4}-\d\d-\d\d[ T]\d{1,2}:\d\d|Traceback \(most recent call last\):|\[\d{4}-\d\d-\d\d|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\{"timestamp")/;

/** Ruby's uncaught exception: `file.rb:83:in `method': message (ActiveRecord::ConnectionNotEstablished)`. Ruby (3.1+)
 *  prints each cause the same way after the backtrace's `from` lines. */
const RUBY_HEADER = /^\S+\.rb:\d+:in [`'][^']*': .* \([A-Z][\w:]*\)$/;

/** A Java exception's header: the uncaught one's, a cause's, or a logged one's fully qualified name. */
const JAVA_HEADER = /^(?:Exception in thread "[^"]*" |Caused by: )?(?:java|javax|org|com)\.[\w.$]+(?:Exception|Error)\b/;

/** Node's uncaught exception: the throwing file and line, its source line and a caret, then the error itself. The
 *  source line can hold the message too (pg's `new Error('The server does not support SSL connections')`). */
const NODE_HEADER = /^(?:file:\/\/)?\/\S+\.[cm]?[jt]s:\d+$/;

export interface TextRecord { line: number; text: string }

export class RecordSplitter {
  private current: string[] = [];
  private chars = 0;
  private startLine = 0;
  private lineNo = 0;

  constructor(private readonly emit: (r: TextRecord) => void) {}

  push(line: string): void {
    this.lineNo++;
    const text = line.length > MAX_CHARS ? line.slice(0, MAX_CHARS) : line;
    const continues = this.current.length > 0 && (this.chained(text) || this.rubyCause(text) || this.nodeError(text) || this.closedAfterFatal(text) || (!STARTS.test(text) && (CONTINUES.test(text) || this.javaMessageGoesOn(text))))
      && this.current.length < MAX_LINES && this.chars < MAX_CHARS;
    if (!continues) this.flush();
    if (this.current.length === 0) this.startLine = this.lineNo;
    this.current.push(text);
    this.chars += text.length;
  }

  /** A Java exception's message may span lines (MariaDB Connector/J adds "Current charset is …"): a line right after
   *  the exception's header that is neither a frame nor another exception is its message going on. */
  private javaMessageGoesOn(text: string): boolean {
    const last = this.current[this.current.length - 1] ?? '';
    return JAVA_HEADER.test(last) && !JAVA_HEADER.test(text) && !/^\s*at /.test(text);
  }

  /** libpq's account of a connection the server (or PgBouncer) closed, on lines of its own under the message it
   *  goes with: psql's "FATAL:  …", Ruby pg's `PQconsumeInput() FATAL:  …`, psycopg 3's "consuming input failed:
   *  …". Never the first line of an error of its own: the same error. */
  private closedAfterFatal(text: string): boolean {
    return /^(?:server closed the connection unexpectedly|connection to server was lost)/.test(text)
      && (this.current[this.current.length - 1] ?? '').trim() !== '';
  }

  /** The error line after Node's header, source line and caret is the same error. */
  private nodeError(text: string): boolean {
    return /^\w*Error(?: \[\w+\])?: /.test(text) && NODE_HEADER.test(this.current[0] ?? '') && this.current.some((l) => /^\s*\^+\s*$/.test(l));
  }

  /** Ruby's chained exceptions: a cause's header right after the backtrace of a Ruby exception is the same error. */
  private rubyCause(text: string): boolean {
    return RUBY_HEADER.test(text) && RUBY_HEADER.test(this.current[0] ?? '') && /^\s+from /.test(this.current[this.current.length - 1] ?? '');
  }

  /** Python's chained exceptions: the next traceback belongs to the same error. */
  private chained(text: string): boolean {
    if (!text.startsWith('Traceback (')) return false;
    const last = [...this.current].reverse().find((l) => l.trim() !== '');
    return last !== undefined && /^(?:The above exception|During handling of the above)/.test(last);
  }

  flush(): void {
    if (this.current.length === 0) return;
    const text = this.current.join('\n');
    this.current = [];
    this.chars = 0;
    if (text.trim()) this.emit({ line: this.startLine, text });
  }
}
