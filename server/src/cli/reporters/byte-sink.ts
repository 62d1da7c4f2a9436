// UTF-8 bytes written straight into one growing buffer: a JSON report of a large folder is tens of
// megabytes, nearly all of it numbers and a few repeated pieces. Building it as strings and then
// encoding them cost more than half as much as the analysis it reports.

const TEXT_ENCODER = new TextEncoder();

/** Bytes of a piece written many times (keys, punctuation, class names): encoded once. */
export function utf8(s: string): Uint8Array {
  return TEXT_ENCODER.encode(s);
}

export class ByteSink {
  private buf: Buffer;
  private length = 0;

  constructor(capacity = 1 << 16) {
    // Not from Node's shared pool: the finished buffer is moved to another thread.
    this.buf = Buffer.allocUnsafeSlow(Math.max(capacity, 16));
  }

  private reserve(n: number): void {
    const need = this.length + n;
    if (need <= this.buf.length) return;
    const bigger = Buffer.allocUnsafeSlow(Math.max(need, this.buf.length * 2));
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** Any text, as UTF-8 (lone surrogates become U+FFFD, as TextEncoder does). */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.length += this.buf.write(s, this.length, 'utf8');
  }

  /** A number as JSON writes it: integers digit by digit, others (and non-finite) as text. */
  number(n: number): void {
    if (!Number.isSafeInteger(n) || n < 0) {
      this.text(Number.isFinite(n) ? String(n) : 'null');
      return;
    }
    this.reserve(16);
    const buf = this.buf;
    let end = this.length;
    let v = n;
    do {
      end++;
      v = Math.floor(v / 10);
    } while (v > 0);
    this.length = end;
    v = n;
    do {
      buf[--end] = 48 + (v % 10);
      v = Math.floor(v / 10);
    } while (v > 0);
  }

  /** The bytes written, in a buffer of their own (exactly their length). */
  take(): Uint8Array<ArrayBuffer> {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}
