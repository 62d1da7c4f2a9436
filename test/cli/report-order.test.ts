// The report's order when worker threads finish files in any order: the same as sorting every
// report by path (what the checker did before it wrote files as they were done), and each file
// written as soon as the files before it are.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeByPath, OrderedWriter } from '../../server/src/cli/report-order';
import type { FileReport } from '../../server/src/cli/types';

const report = (path: string, error?: string): FileReport => ({ path, kind: 'python', layers: [], diagnostics: [], ...(error ? { error } : {}) });

/** Sorted, distinct paths from a small alphabet (so problems and files interleave). */
const sortedPaths = fc.uniqueArray(fc.stringMatching(/^[ab/]{1,4}$/), { maxLength: 12 }).map((xs) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));

describe('mergeByPath', () => {
  it('orders problems and files as a stable sort by path of the problems followed by the files', () => {
    fc.assert(
      fc.property(sortedPaths, sortedPaths, (problemPaths, filePaths) => {
        const problems = problemPaths.map((p) => report(p, 'cannot read'));
        const files = filePaths.map((display) => ({ display }));
        const merged = mergeByPath(problems, files).map((slot) => (typeof slot === 'number' ? report(files[slot].display) : slot));
        const sorted = [...problems, ...files.map((f) => report(f.display))].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
        expect(merged).toEqual(sorted);
      }),
    );
  });

  it('puts a problem before a file of the same path', () => {
    const problem = report('a.py', 'cannot read');
    expect(mergeByPath([problem], [{ display: 'a.py' }])).toEqual([problem, 0]);
  });
});

describe('OrderedWriter', () => {
  it('writes every report once, in order, each as soon as all before it have arrived', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { maxLength: 15 }).chain((isProblem) => {
          const files = isProblem.filter((p) => !p).length;
          return fc.tuple(fc.constant(isProblem), fc.shuffledSubarray([...Array(files).keys()], { minLength: files, maxLength: files }));
        }),
        ([isProblem, arrival]) => {
          let f = 0;
          const order = isProblem.map((p, i) => (p ? report(`slot${i}`, 'missing') : f++));
          const expected = order.map((slot, i) => (typeof slot === 'number' ? `file${slot}` : `slot${i}`));
          const written: string[] = [];
          let ended = false;
          const writer = new OrderedWriter(order, {
            file: (r) => written.push(r.path),
            end: () => (ended = true),
          });
          const arrived = new Set<number>();
          for (const index of arrival) {
            writer.add(index, report(`file${index}`));
            arrived.add(index);
            // Everything up to the first file still to come, problems included, is out.
            const blocked = order.findIndex((slot) => typeof slot === 'number' && !arrived.has(slot));
            expect(written).toEqual(expected.slice(0, blocked < 0 ? expected.length : blocked));
          }
          expect(ended).toBe(false);
          writer.end();
          expect(ended).toBe(true);
          expect(written).toEqual(expected);
        },
      ),
    );
  });
});
