// FrameCheck follows frames however the stream is cut into chunks: quiet on good frames (bodies
// holding blank lines and CR LF CR LF included), and it finds the faults the library's reader
// waits on for ever.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameCheck } from '../../server/src/lsp/frame-check';

const frame = (body: string, header = (n: number) => `Content-Length: ${n}\r\n\r\n`) => {
  const b = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(header(b.length), 'ascii'), b]);
};

/** `bytes` cut at `cuts` (fractions of its length), pushed in order; the faults seen. */
function pushCut(bytes: Buffer, cuts: number[]): (string | undefined)[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].sort((a, b) => a - b);
  const check = new FrameCheck();
  const faults: (string | undefined)[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    if (to > from) faults.push(check.push(bytes.subarray(from, to)));
    from = to;
  }
  return faults.filter((f) => f !== undefined);
}

const body = fc.oneof(fc.json(), fc.constant('{"a":"x\\r\\n\\r\\ny\\n\\nz"}'), fc.string({ unit: 'binary' }).map((s) => JSON.stringify({ s })));
const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 });

describe('FrameCheck', () => {
  it('finds nothing wrong in good frames, however they are cut (also with other headers, any case, spaces)', () => {
    const headers = [(n: number) => `Content-Length: ${n}\r\n\r\n`, (n: number) => `content-length:${n}  \r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n`];
    fc.assert(
      fc.property(fc.array(fc.tuple(body, fc.nat(1)), { minLength: 1, maxLength: 8 }), cuts, (frames, at) => {
        const bytes = Buffer.concat(frames.map(([b, h]) => frame(b, headers[h])));
        expect(pushCut(bytes, at)).toEqual([]);
      }),
      { numRuns: 500 },
    );
  });

  it('finds a negative Content-Length after good frames, and headers ending in bare line feeds, once', () => {
    fc.assert(
      fc.property(fc.array(body, { maxLength: 4 }), cuts, fc.boolean(), (good, at, negative) => {
        const bad = negative ? Buffer.from('Content-Length: -5\r\n\r\n{}', 'ascii') : Buffer.from('Content-Length: 2\n\n{}', 'ascii');
        const bytes = Buffer.concat([...good.map((b) => frame(b)), bad, frame('{}')]);
        expect(pushCut(bytes, at)).toEqual([negative ? 'negative length' : 'bare line feeds']);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves to the library what it reports itself (no Content-Length, not a number, a line without a colon)', () => {
    for (const h of ['Content-Type: x\r\n\r\n{}', 'Content-Length: abc\r\n\r\n{}', 'Content-Length 5\r\n\r\n{}']) {
      expect(pushCut(Buffer.from(h + 'Content-Length: -1\r\n\r\n', 'ascii'), [])).toEqual([]);
    }
  });
});
