// The parser's work bound is a count of tree-sitter's progress reports, not a time: the same text
// gets the same answer on a fast and a slow machine. The clock is frozen here to show that the
// time guard plays no part.
import { afterEach, beforeAll, expect, it, vi } from 'vitest';
import { Analyzer } from '../../server/src/analysis';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';

const generate = generateKerasFile as (lines: number, seed?: number) => string;

function repeated(chars: number): string {
  const unit = generate(2_000, 5);
  let text = '';
  while (text.length < chars) text += unit;
  return text;
}

let analyzer: Analyzer;
beforeAll(async () => {
  analyzer = await Analyzer.create();
});
afterEach(() => vi.restoreAllMocks());

it('gives up on 5 MB of Keras code and parses 1 MB, with the clock standing still', () => {
  vi.spyOn(performance, 'now').mockReturnValue(0);
  expect(analyzer.parse(repeated(5_000_000))).toBeNull();
  const tree = analyzer.parse(repeated(1_000_000));
  expect(tree).not.toBeNull();
  expect(tree?.rootNode.hasError).toBe(false);
  tree?.delete();
}, 60_000);
