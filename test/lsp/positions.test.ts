// Positions are UTF-16 code units (LSP's default): `é` and 形 count 1, 😀 (a surrogate pair)
// counts 2. Checked with such characters before the layer on the same line and on earlier lines,
// and with CRLF line endings, for hints, hovers, diagnostics and edits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { TestClient, applyTextEdits, editsFor, hintSummary } from './harness';

function source(eol: string): string {
  return [
    'import keras',
    'from keras import layers',
    '# é 形状 😀😀 — a comment with non-ASCII text before the model',
    'inputs = keras.Input(shape=(64, 64, 3))  # 入力 😀',
    '形状 = "😀"; x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)',
    'é = 1; y = layers.Conv2D(4, 1)(x)',
    '',
  ].join(eol);
}

// Line 4 by hand: 形状 (2) + ' = ' (3) + "😀" (1 + 2 + 1) + '; ' (2) + 'x = ' (4) = 15, so
// `layers.` starts at 15, `Conv2D` spans 22–28, `padding="same"` 46–60, and the expression ends
// at 69 (68 if 😀 were counted as one). Line 5: 'é = 1; ' (7) + 'y = ' (4) = 11, `layers.Conv2D(4, 1)(x)`
// is 22 long: the hint is at 33.
const HINTS = ['3:39 → (None, 64, 64, 3)', '4:69 → (None, 32, 32, 8)', '5:33 → (None, 32, 32, 4)'];

describe.each([
  ['LF', '\n'],
  ['CRLF', '\r\n'],
])('non-ASCII text with %s line endings', (name, eol) => {
  let client: TestClient;
  const uri = `file:///unicode-${name}.py`;
  const text = source(eol);
  beforeAll(async () => {
    client = await TestClient.start();
    await client.open(uri, text);
  });
  afterAll(async () => {
    await client.stop();
  });

  it('places hints in UTF-16 columns', async () => {
    expect(hintSummary(await client.inlayHints(uri))).toEqual(HINTS);
  });

  it('places diagnostics in UTF-16 columns', async () => {
    const ds = await client.diagnosticsFor(uri, 1);
    expect(ds.map((d) => [d.code, d.range])).toEqual([
      ['same-stride-downsamples', { start: { line: 4, character: 46 }, end: { line: 4, character: 60 } }],
      ['same-asymmetric-padding', { start: { line: 4, character: 46 }, end: { line: 4, character: 60 } }],
    ]);
  });

  it('finds the layer under the cursor in UTF-16 columns', async () => {
    const h = await client.hover(uri, { line: 4, character: 24 });
    expect(h?.range).toEqual({ start: { line: 4, character: 22 }, end: { line: 4, character: 28 } });
    expect((h?.contents as MarkupContent).value).toContain('Conv2D: (None, 64, 64, 3) → (None, 32, 32, 8)');
    // Character 13 is the `=` before the call: no layer there.
    expect(await client.hoverText(uri, { line: 4, character: 13 })).toBeUndefined();
    const second = await client.hoverText(uri, { line: 5, character: 18 });
    expect(second).toContain('Conv2D: (None, 32, 32, 8) → (None, 32, 32, 4)');
  });

  it('returns edits in UTF-16 columns that apply cleanly', async () => {
    const actions = await client.codeActions(uri, { start: { line: 4, character: 50 }, end: { line: 4, character: 50 } });
    const fix = actions.find((a) => a.isPreferred);
    expect(fix).toBeDefined();
    const fixed = applyTextEdits(text, editsFor(fix?.edit, uri));
    expect(fixed.split(eol)[4]).toBe('形状 = "😀"; x = layers.Conv2D(8, 3, strides=2, padding="valid")(layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs))');
    const ignore = actions.find((a) => a.title === 'Ignore same-stride-downsamples on this line');
    const ignored = applyTextEdits(text, editsFor(ignore?.edit, uri));
    expect(ignored.split(eol)[4]).toBe('形状 = "😀"; x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  # shapewise: ignore[same-stride-downsamples]');
    expect(ignored.split(eol).length).toBe(text.split(eol).length);
  });

  it('applies incremental edits after surrogate pairs and across line breaks', async () => {
    // Replace `8` (filters, line 4 character 29) by `16`: after the emoji, so its columns count 2.
    let v = await client.change(uri, [{ range: { start: { line: 4, character: 29 }, end: { line: 4, character: 30 } }, text: '16' }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['3:39 → (None, 64, 64, 3)', '4:70 → (None, 32, 32, 16)', '5:33 → (None, 32, 32, 4)']);
    await client.diagnosticsFor(uri, v);
    // Insert a line with emoji at the start of line 3, then delete the line break before line 5
    // (joining the two layer lines with `; `).
    v = await client.change(uri, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: `s = "😀😀"${eol}` }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['4:39 → (None, 64, 64, 3)', '5:70 → (None, 32, 32, 16)', '6:33 → (None, 32, 32, 4)']);
    v = await client.change(uri, [{ range: { start: { line: 5, character: 70 }, end: { line: 6, character: 0 } }, text: '; ' }]);
    // 70 + '; ' (2) + 33 = 105.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['4:39 → (None, 64, 64, 3)', '5:70 → (None, 32, 32, 16)', '5:105 → (None, 32, 32, 4)']);
    const ds = await client.diagnosticsFor(uri, v);
    expect(ds.map((d) => d.range.start)).toEqual([
      { line: 5, character: 47 },
      { line: 5, character: 47 },
    ]);
  });
});
