// The def-line guesses of the syntax-error recovery (python/header-guesses.ts): each rewrites a
// part of the line in its own length; applied, the line reads as the header wanted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defHeaderGuesses, isDefLine } from '../../server/src/python/header-guesses';

const applied = (line: string, at = 0): string[] => defHeaderGuesses(line, at).map((g) => line.slice(0, g.start - at) + g.replacement + line.slice(g.end - at));

describe('defHeaderGuesses', () => {
  it('closes an open parameter list after its last whole parameters, longest first', () => {
    expect(applied('def block(x, filters, k=').map((l) => l.trimEnd())).toEqual(['def block(x, filters):', 'def block(x):']);
    expect(applied('    def call(self, x, ').map((l) => l.trimEnd())).toEqual(['    def call(self, x):', '    def call(self):']);
    expect(applied('class Head(layers.Layer, M').map((l) => l.trimEnd())).toEqual(['class Head(layers.Layer):']);
  });

  it('ends a closed list with a colon, without its spaces when there is no room, or blanks one parameter', () => {
    expect(applied('def block(x, filters) -> ')[0].trimEnd()).toBe('def block(x, filters):');
    expect(applied('def block(x, filters)')[0]).toBe('def block(x,filters):');
    expect(applied('def block(x, k=, filters):')).toContain('def block(x    , filters):');
    // A name the body uses keeps its place (a default being typed); one it does not is blanked.
    const keepIfUsed = (used: boolean) => defHeaderGuesses('def block(x, filters=):', 0, () => used).map((g) => 'def block(x, filters=):'.slice(0, g.start) + g.replacement + 'def block(x, filters=):'.slice(g.end));
    expect(keepIfUsed(true).slice(2)).toEqual(['def block(x, filters ):', 'def block(x          ):']);
    expect(keepIfUsed(false).slice(2)).toEqual(['def block(x          ):']);
  });

  it('makes none for lines that are not a def or class with its bracket', () => {
    for (const line of ['x = 1', 'define(x)', 'def block', '# def block(x):', 'class A:', 'classify(x, ']) {
      expect(isDefLine(line)).toBe(false);
      expect(defHeaderGuesses(line, 0)).toEqual([]);
    }
  });

  it('keeps every guess inside the line and in its length (offsets stay valid), for any line', () => {
    const line = fc
      .tuple(fc.constantFrom('def f(', '    async def g(', 'def h ('), fc.array(fc.constantFrom('x', ', ', '=', '(', ')', '[', ']', ':', '"a"', "'", '#', ' ', '->', 'y=1'), { maxLength: 12 }))
      .map(([head, rest]) => head + rest.join(''));
    fc.assert(
      fc.property(line, fc.nat(1000), (l, at) => {
        for (const g of defHeaderGuesses(l, at)) {
          expect(g.replacement.length).toBe(g.end - g.start);
          expect(g.start).toBeGreaterThanOrEqual(at);
          expect(g.end).toBeLessThanOrEqual(at + l.length);
          expect(g.replacement).not.toMatch(/\n/);
        }
      }),
    );
  });
});
