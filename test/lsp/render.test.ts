// Labels and markdown, on hand-made layer reports (no analysis involved).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LayerReport } from '../../server/src/analysis-types';
import type { Shape } from '../../server/src/engine/types';
import { HINT_LABEL_MAX, escapeMarkdown, outputHintLabel, paddingHintLabel, shapeText, shortShapeText } from '../../server/src/lsp/render';

function report(input: Shape | null, output: Shape | null, padding?: LayerReport['result']['padding']): LayerReport {
  const range = { start: 0, end: 1 };
  return {
    className: 'Conv3D',
    construct: range,
    name: range,
    args: [],
    application: 'functional',
    expression: range,
    hintAt: 1,
    inputs: [input],
    result: { output, axes: [], steps: [], findings: [], ...(padding ? { padding } : {}) },
    applicationIndex: 0,
    inputOrigins: [],
  };
}

describe('shape labels', () => {
  it('writes shapes the Python way', () => {
    expect(shapeText([null, 33, 33, 32])).toBe('(None, 33, 33, 32)');
    expect(shapeText([null])).toBe('(None,)');
    expect(shapeText(null)).toBe('?');
  });

  it('shortens long shapes in the middle, keeping batch and channels', () => {
    const long: Shape = [null, 1024, 1024, 1024, 256];
    expect(shapeText(long)).toBe('(None, 1024, 1024, 1024, 256)');
    expect(shortShapeText(long, 28)).toBe('(None, 1024, …, 1024, 256)');
    expect(shortShapeText(long, 20)).toBe('(None, 1024, …, 256)');
    expect(shortShapeText(long, 5)).toBe('(None, …, 256)');
    expect(shortShapeText([null, 3], 4)).toBe('(None, 3)');
    const label = outputHintLabel([report([null, 1026, 1026, 1026, 1], long)]);
    expect(label).toBe('→ (None, 1024, …, 1024, 256)');
    expect(label!.length).toBeLessThanOrEqual(HINT_LABEL_MAX);
  });

  it('keeps as many dimensions as fit, whatever the rank (the label of every smaller keep tried, as a reference)', () => {
    // The most dimensions whose label fits, found by trying every count from the rank down.
    const reference = (shape: (number | null)[], max: number): string => {
      const full = shapeText(shape);
      if (full.length <= max || shape.length <= 2) return full;
      const dims = shape.map((d) => (d === null ? 'None' : String(d)));
      for (let keep = dims.length - 1; keep >= 2; keep--) {
        const label = `(${[...dims.slice(0, Math.ceil(keep / 2)), '…', ...dims.slice(dims.length - Math.floor(keep / 2))].join(', ')})`;
        if (label.length <= max) return label;
      }
      return `(${dims[0]}, …, ${dims[dims.length - 1]})`;
    };
    fc.assert(
      fc.property(fc.array(fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: null }), { maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (shape, max) => {
        expect(shortShapeText(shape, max)).toBe(reference(shape, max));
      }),
    );
    // An Input of rank 100,000 (a hostile file): the label is short, as for any rank.
    expect(shortShapeText(new Array<number>(100_000).fill(2), HINT_LABEL_MAX).length).toBeLessThanOrEqual(HINT_LABEL_MAX);
  });

  it('counts distinct output shapes of several applications', () => {
    const a = report([null, 8, 8, 8, 1], [null, 8, 8, 8, 4]);
    const b = report([null, 4, 4, 4, 1], [null, 4, 4, 4, 4]);
    expect(outputHintLabel([a, b, a])).toBe('→ (None, 8, 8, 8, 4) ×2 shapes');
    expect(outputHintLabel([a, a])).toBe('→ (None, 8, 8, 8, 4)');
  });

  it('gives no hint when nothing is known, or the input was unknown', () => {
    expect(outputHintLabel([report([null, 8, 8, 8, 1], null)])).toBeUndefined();
    expect(outputHintLabel([report(null, [null, null, null, null, 4])])).toBeUndefined();
  });

  it('writes pads per axis, crops for transposed layers, nothing for explicit padding layers', () => {
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], [null, 4, 4, 4, 1], { mode: 'same', before: [0, 0, 1], after: [1, 1, 1] })])).toBe('pad 0/1 · 0/1 · 1/1');
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], null, { mode: 'same', before: [null, 0, 0], after: [null, 1, 1] })])).toBe('pad ?/? · 0/1 · 0/1');
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], [null, 16, 16, 16, 1], { mode: 'same', before: [0, 0, 0], after: [1, 1, 1], crop: true })])).toBe('crop 0/1 · 0/1 · 0/1');
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], [null, 10, 10, 10, 1], { mode: 'explicit', before: [1, 1, 1], after: [1, 1, 1] })])).toBeUndefined();
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], [null, 6, 6, 6, 1], { mode: 'valid', before: [0, 0, 0], after: [0, 0, 0] })])).toBeUndefined();
    expect(paddingHintLabel([report([null, 8, 8, 8, 1], [null, 8, 8, 8, 1], { mode: 'causal', before: [2], after: [0] })])).toBe('pad 2/0');
  });

  it('escapes markdown in prose', () => {
    expect(escapeMarkdown('batch shape (batch_size, *shape) <x> [a]')).toBe('batch shape (batch\\_size, \\*shape) \\<x\\> \\[a\\]');
  });
});
