// Messages logged at most once per document: an internal error or a "not analysed" note would
// otherwise be repeated on every keystroke. A document's record is forgotten when it is closed,
// so reopening it logs again.

export interface LogSink {
  error(message: string): void;
  info(message: string): void;
}

/** Distinct messages remembered per document; past this, further ones are dropped silently. */
const MAX_KEYS_PER_DOCUMENT = 64;
/**
 * Documents remembered (the one logged longest ago forgotten first): a client that sends
 * malformed notifications for ever new URIs, never closed, must not grow the server's memory
 * without bound. A forgotten document may log its message again.
 */
export const MAX_DOCUMENTS = 2_000;

export class OnceLog {
  private readonly seen = new Map<string, Set<string>>();

  constructor(private readonly sink: LogSink) {}

  /** Logs `message` as an error unless `key` was already logged for `uri`; true if it logged. */
  error(uri: string, key: string, message: string): boolean {
    return this.once(uri, key) && (this.sink.error(message), true);
  }

  /** Logs `message` as information unless `key` was already logged for `uri`; true if it logged. */
  info(uri: string, key: string, message: string): boolean {
    return this.once(uri, key) && (this.sink.info(message), true);
  }

  /** Whether `key` would be logged for `uri` (without recording it). */
  isNew(uri: string, key: string): boolean {
    return !this.seen.get(uri)?.has(key);
  }

  forget(uri: string): void {
    this.seen.delete(uri);
  }

  private once(uri: string, key: string): boolean {
    let keys = this.seen.get(uri);
    if (!keys) {
      if (this.seen.size >= MAX_DOCUMENTS) this.seen.delete(this.seen.keys().next().value as string);
      this.seen.set(uri, (keys = new Set()));
    }
    if (keys.has(key) || keys.size >= MAX_KEYS_PER_DOCUMENT) return false;
    keys.add(key);
    return true;
  }
}

/** The first line of an error's message: what identifies "the same error" across edits. */
export function errorSummary(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return text.split(/\r?\n/, 1)[0];
}

/** The whole error, with its stack when there is one. */
export function errorDetails(e: unknown): string {
  if (e instanceof Error) return e.stack ?? `${e.name}: ${e.message}`;
  return String(e);
}
