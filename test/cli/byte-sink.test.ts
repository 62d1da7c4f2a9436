// ByteSink writes what JSON text would be, as UTF-8, however small its first buffer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteSink, utf8 } from '../../server/src/cli/reporters/byte-sink';

const piece = fc.oneof(
  fc.integer({ min: -1e6, max: Number.MAX_SAFE_INTEGER }).map((n) => ({ number: n })),
  fc.double().map((n) => ({ number: n })),
  fc.constantFrom(0, -0, 2 ** 53, 1e21, 1e-7).map((n) => ({ number: n })),
  fc.string({ unit: 'binary' }).map((text) => ({ text })),
  fc.string().map((s) => ({ bytes: s })),
);

describe('ByteSink', () => {
  it('gives the UTF-8 of the pieces joined, numbers as JSON writes them, from a 16-byte start', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 60 }), (pieces) => {
        const sink = new ByteSink(1);
        let expected = '';
        for (const p of pieces) {
          if ('number' in p) {
            sink.number(p.number);
            expected += JSON.stringify(p.number);
          } else if ('text' in p) {
            sink.text(p.text);
            expected += p.text;
          } else {
            sink.bytes(utf8(p.bytes));
            expected += p.bytes;
          }
        }
        const out = sink.take();
        expect(Buffer.from(out).equals(Buffer.from(expected, 'utf8'))).toBe(true);
        expect(out.byteLength).toBe(out.buffer.byteLength);
      }),
      { numRuns: 2000 },
    );
  });
});
