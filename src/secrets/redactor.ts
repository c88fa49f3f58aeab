// Secrets are redacted by value: whatever path a secret takes (URL, env, output, error), its bytes never leave.
export const MASK = '****';

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret and the forms it takes when URL-encoded. Values shorter than 3 chars are too common to mask. */
  add(secret: string | undefined | null): void {
    if (!secret || secret.length < 3) return;
    for (const form of [secret, encodeURIComponent(secret), encodeURI(secret), safeDecode(secret)]) {
      if (form && form.length >= 3) this.secrets.add(form);
    }
  }

  /** Registers the password of a connection URL, if it has one. */
  addUrl(url: string): void {
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^/@]*?:([^@/]*)@/i.exec(url) ?? /^[a-z][a-z0-9+.-]*:\/\/[^/]*?:(.*)@[^@]*$/i.exec(url);
    if (match?.[1]) this.add(safeDecode(match[1]));
    // Passwords can also ride in the query string (mysql2 and libpq both accept them there).
    for (const m of url.matchAll(/[?&](?:password|sslpassword|pass)=([^&#]*)/gi)) this.add(safeDecode(m[1] ?? ''));
  }

  mask(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(MASK);
    return out;
  }

  /** Masks every string inside a JSON-like value. */
  maskDeep<T>(value: T): T {
    if (typeof value === 'string') return this.mask(value) as T;
    if (Array.isArray(value)) return value.map((v) => this.maskDeep(v)) as T;
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.maskDeep(v)])) as T;
    }
    return value;
  }

  get size(): number { return this.secrets.size; }

  /** Length of the longest secret: how much of a stream's tail could still be the start of one. */
  get longest(): number { return Math.max(0, ...[...this.secrets].map((s) => s.length)); }
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s); } catch { return s; }
}
