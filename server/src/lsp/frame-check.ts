// Follows the frames on the client's stream beside the library's reader, for the two faults that
// reader waits on for ever without a word: headers that end in bare line feeds (it waits for
// CR LF CR LF), and a negative Content-Length (it waits for a body of minus N bytes). Frames are
// cut where that reader cuts them (parseInt of the value); the others faults it reports itself.

/** What is wrong with the stream, or undefined while it can be followed. */
export type FrameFault = 'bare line feeds' | 'negative length';

const CRLFCRLF = Buffer.from('\r\n\r\n');
/** A header longer than this without its end is left to the library (it stops following then). */
const MAX_HEADER_BYTES = 64 * 1024;

export class FrameCheck {
  private header: Buffer = Buffer.alloc(0);
  /** Body bytes still to come of the current frame. */
  private body = 0;
  private stopped = false;

  /** The next bytes of the stream; the first fault found (once), then nothing more. */
  push(chunk: Buffer): FrameFault | undefined {
    let rest: Buffer = chunk;
    while (!this.stopped && rest.length > 0) {
      if (this.body > 0) {
        const n = Math.min(this.body, rest.length);
        this.body -= n;
        rest = rest.subarray(n);
        continue;
      }
      this.header = this.header.length === 0 ? rest : Buffer.concat([this.header, rest]);
      rest = Buffer.alloc(0);
      const end = this.header.indexOf(CRLFCRLF);
      // A blank line of bare line feeds before the header's end: the library would take the
      // body, and the next frame's header, as this header (a message lost without a word).
      const lf = this.header.indexOf('\n\n');
      if (lf >= 0 && (end < 0 || lf < end) && !this.header.subarray(0, lf).includes('\r')) return this.fault('bare line feeds');
      if (end < 0) {
        if (this.header.length > MAX_HEADER_BYTES) this.stopped = true;
        return undefined;
      }
      const length = contentLength(this.header.subarray(0, end).toString('ascii'));
      rest = this.header.subarray(end + 4);
      this.header = Buffer.alloc(0);
      // No Content-Length, or not a number: the library reports it.
      if (length === undefined) {
        this.stopped = true;
        return undefined;
      }
      if (length < 0) return this.fault('negative length');
      this.body = length;
    }
    return undefined;
  }

  private fault(f: FrameFault): FrameFault {
    this.stopped = true;
    return f;
  }
}

/**
 * The Content-Length as the library reads it (its header parsing: keys as written, lower-cased,
 * the last one kept; values trimmed; parseInt without a radix), undefined when it cannot.
 */
function contentLength(header: string): number | undefined {
  let value: string | undefined;
  for (const line of header.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) return undefined;
    if (line.slice(0, colon).toLowerCase() === 'content-length') value = line.slice(colon + 1).trim();
  }
  if (value === undefined) return undefined;
  // No radix, as the library reads it ("0x10" is 16 there).
  const n = parseInt(value);
  return Number.isNaN(n) ? undefined : n;
}
