// A Python document through the protocol: open, hints, hovers, diagnostics, incremental edits.
// Expected shapes are worked out by hand with Keras' formulas:
//   'same'  → ceil(n / s), total pad P = max((out - 1)·s + k - n, 0), P // 2 before, the rest after
//   'valid' → floor((n - k) / s) + 1
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import { MAX_KEPT_RESULTS } from '../../server/src/lsp/analyses';
import { TestClient, hintSummary, pos, rangeOf } from './harness';

const DOCS = 'https://github.com/shapewise/shapewise/blob/main/docs/diagnostics.md';

const SOURCE = [
  'import keras',
  'from keras import layers',
  '',
  'inputs = keras.Input(shape=(64, 64, 3))',
  'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)',
  'x = layers.Conv2D(16, 3, padding="valid")(x)',
  'x = layers.MaxPooling2D(2)(x)',
  '',
].join('\n');

// Input (None, 64, 64, 3); Conv 'same' s=2: ceil(64/2) = 32, P = max(31·2 + 3 - 64, 0) = 1 → 0/1;
// Conv 'valid' k=3: 32 - 3 + 1 = 30; MaxPooling 2: floor((30 - 2)/2) + 1 = 15.
const EXPECTED_HINTS = ['3:39 → (None, 64, 64, 3)', '4:58 → (None, 32, 32, 8)', '5:44 → (None, 30, 30, 16)', '6:29 → (None, 15, 15, 16)'];

function codes(ds: Diagnostic[]): string[] {
  return ds.map((d) => String(d.code)).sort();
}

describe('a Python document', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client.stop();
  });

  it('gets an output-shape hint after every layer expression', async () => {
    const uri = 'file:///hints.py';
    await client.open(uri, SOURCE);
    const hints = await client.inlayHints(uri);
    expect(hintSummary(hints)).toEqual(EXPECTED_HINTS);
    // The positions are the ends of the expressions, found in the text independently.
    expect(hints[1].position).toEqual(pos(SOURCE, 'padding="same")(inputs)'));
    for (const h of hints) {
      expect(h.kind).toBe(1); // Type
      expect(h.paddingLeft).toBe(true);
      expect(typeof h.label === 'string' && h.label.length).toBeLessThanOrEqual(30);
    }
    const tooltip = (hints[1].tooltip as MarkupContent).value;
    expect(tooltip).toContain('Conv2D: (None, 64, 64, 3) → (None, 32, 32, 8)');
    expect(tooltip).toContain('ceil(64 / 2) = 32');
  });

  it('gives hints only for the requested range', async () => {
    const uri = 'file:///hints.py';
    const hints = await client.inlayHints(uri, { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } });
    expect(hintSummary(hints)).toEqual(['4:58 → (None, 32, 32, 8)']);
  });

  it('publishes diagnostics with source, code, docs link, severity and range', async () => {
    const uri = 'file:///hints.py';
    const diagnostics = await client.diagnosticsFor(uri, 1);
    const padding = rangeOf(SOURCE, 'padding="same"');
    expect(diagnostics.map((d) => ({ code: d.code, severity: d.severity, range: d.range, source: d.source, href: d.codeDescription?.href }))).toEqual([
      { code: 'same-stride-downsamples', severity: 3, range: padding, source: 'shapewise', href: `${DOCS}#same-stride-downsamples` },
      { code: 'same-asymmetric-padding', severity: 4, range: padding, source: 'shapewise', href: `${DOCS}#same-asymmetric-padding` },
    ]);
    expect(padding).toEqual({ start: { line: 4, character: 35 }, end: { line: 4, character: 49 } });
    const asym = diagnostics.find((d) => d.code === 'same-asymmetric-padding');
    expect(asym?.message).toMatch(/0 before \/ 1 after/);
    expect(diagnostics.every((d) => d.tags === undefined)).toBe(true);
  });

  it('hovers on the layer name and anywhere in the constructor with the derivation', async () => {
    const uri = 'file:///hints.py';
    const onName = await client.hover(uri, pos(SOURCE, 'Conv2D(8', { at: 'start', delta: 2 }));
    expect(onName?.range).toEqual(rangeOf(SOURCE, 'Conv2D'));
    const text = (onName?.contents as MarkupContent).value;
    expect(text.startsWith('```python\nConv2D: (None, 64, 64, 3) → (None, 32, 32, 8)\n```\n\n---\n\n')).toBe(true);
    expect(text).toContain('**height** 64 → 32: `ceil(64 / 2) = 32`');
    expect(text).toContain('**width** 64 → 32: `ceil(64 / 2) = 32`');
    expect(text).toMatch(/padding: `P = max\(\(32 - 1\)·2 \+ 3 - 64, 0\) = 1 → 0 before, 1 after`/);
    expect(text).toContain('**PyTorch equivalent**');
    expect(text).toContain('x = F.pad(x, (0, 1, 0, 1))');
    expect(text).toContain(`[same-asymmetric-padding](${DOCS}#same-asymmetric-padding)`);
    expect(text).toContain(`[Shapewise docs](${DOCS})`);
    // Anywhere inside the constructor call gives the same hover.
    const onArg = await client.hoverText(uri, pos(SOURCE, 'strides=2', { at: 'start', delta: 3 }));
    expect(onArg).toBe(text);
  });

  it('hovers on a valid convolution and on an Input', async () => {
    const uri = 'file:///hints.py';
    const valid = await client.hoverText(uri, pos(SOURCE, 'Conv2D(16', { at: 'start' }));
    expect(valid).toContain('Conv2D: (None, 32, 32, 8) → (None, 30, 30, 16)');
    expect(valid).toContain('floor((32 - 3) / 1) + 1 = 30');
    const input = await client.hoverText(uri, pos(SOURCE, 'Input(', { at: 'start', delta: 1 }));
    expect(input).toContain('```python\nInput: (None, 64, 64, 3)\n```');
    expect(await client.hover(uri, { line: 0, character: 3 })).toBeNull();
  });

  it('says why a shape is unknown', async () => {
    const uri = 'file:///unknown.py';
    const text = ['import keras', 'from keras import layers', 'x = layers.Conv2D(8, 3)(load_features())', ''].join('\n');
    await client.open(uri, text);
    expect(await client.inlayHints(uri)).toEqual([]);
    const hover = await client.hoverText(uri, pos(text, 'Conv2D', { at: 'start' }));
    // The input is unknown (so no hint above); the hover says so and names the reason.
    expect(hover).toMatch(/^```python\nConv2D: \? → /);
    expect(hover).toMatch(/Shape unknown: .*load\\_features/);
  });

  it('follows incremental edits: lines inserted before a layer, syntax broken and repaired', async () => {
    const uri = 'file:///edits.py';
    let text = SOURCE;
    await client.open(uri, text);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(EXPECTED_HINTS);

    // Two lines inserted above the Input: everything moves down by two lines.
    text = text.replace('\ninputs', '\n# a comment\n\ninputs');
    let v = await client.change(uri, [{ range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } }, text: '# a comment\n\n' }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual([
      '5:39 → (None, 64, 64, 3)',
      '6:58 → (None, 32, 32, 8)',
      '7:44 → (None, 30, 30, 16)',
      '8:29 → (None, 15, 15, 16)',
    ]);
    expect((await client.diagnosticsFor(uri, v)).map((d) => d.range.start.line)).toEqual([6, 6]);

    // Break the syntax: delete the closing parenthesis of `(x)` on the valid conv line.
    const close = pos(text, 'padding="valid")(x', {});
    v = await client.change(uri, [{ range: { start: close, end: { line: close.line, character: close.character + 1 } }, text: '' }]);
    await client.diagnosticsFor(uri, v); // still analysed and published, nothing thrown
    const broken = hintSummary(await client.inlayHints(uri));
    expect(broken[0]).toBe('5:39 → (None, 64, 64, 3)');

    // Repair it.
    v = await client.change(uri, [{ range: { start: close, end: close }, text: ')' }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual([
      '5:39 → (None, 64, 64, 3)',
      '6:58 → (None, 32, 32, 8)',
      '7:44 → (None, 30, 30, 16)',
      '8:29 → (None, 15, 15, 16)',
    ]);
    expect(codes(await client.diagnosticsFor(uri, v))).toEqual(['same-asymmetric-padding', 'same-stride-downsamples']);

    // Several changes in one notification, each relative to the text after the previous one:
    // 64, 64 → 65, 65. Then 'same' s=2: ceil(65/2) = 33, P = 32·2 + 3 - 65 = 2 → 1/1 (symmetric,
    // uneven); valid: 33 - 3 + 1 = 31; pool: floor((31 - 2)/2) + 1 = 15.
    const first64 = pos(text, '(64', { at: 'start', delta: 1 });
    v = await client.change(uri, [
      { range: { start: first64, end: { line: first64.line, character: first64.character + 2 } }, text: '65' },
      { range: { start: { line: first64.line, character: first64.character + 4 }, end: { line: first64.line, character: first64.character + 6 } }, text: '65' },
    ]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual([
      '5:39 → (None, 65, 65, 3)',
      '6:58 → (None, 33, 33, 8)',
      '7:44 → (None, 31, 31, 16)',
      '8:29 → (None, 15, 15, 16)',
    ]);
    const ds = await client.diagnosticsFor(uri, v);
    expect(codes(ds)).toEqual(['same-stride-uneven']);
    expect(ds[0].severity).toBe(2);
    expect(ds[0].message).toContain('ceil(65 / 2) = 33');
  });

  it('types a new layer character by character; publishes only in version order', async () => {
    const uri = 'file:///typing.py';
    await client.open(uri, SOURCE);
    await client.diagnosticsFor(uri, 1);
    const line = 'y = layers.Conv2D(4, 1)(x)';
    const at = { line: 7, character: 0 };
    let last = 1;
    for (let i = 0; i < line.length; i++) {
      last = await client.change(uri, [{ range: { start: { line: 7, character: i }, end: { line: 7, character: i } }, text: line[i] }]);
    }
    expect(hintSummary(await client.inlayHints(uri, { start: at, end: { line: 8, character: 0 } }))).toEqual(['7:26 → (None, 15, 15, 4)']);
    await client.diagnosticsFor(uri, last);
    const versions = client.diagnostics.filter((d) => d.uri === uri).map((d) => d.version ?? -1);
    expect([...versions].sort((a, b) => a - b)).toEqual(versions);
    expect(versions.at(-1)).toBe(last);
  });

  it('stops publishing for a closed document and clears its diagnostics', async () => {
    const uri = 'file:///closing.py';
    await client.open(uri, SOURCE);
    await client.diagnosticsFor(uri, 1);
    await client.close(uri);
    await client.until(() => client.latestDiagnostics(uri)?.diagnostics.length === 0, 'cleared diagnostics');
    expect(await client.inlayHints(uri)).toEqual([]);
    // Opened again, at version 1 again, with other text: nothing of the old document is reused.
    const other = SOURCE.replace('shape=(64, 64, 3)', 'shape=(28, 28, 1)');
    await client.open(uri, other);
    // 28 → 14 ('same' s=2, P = 13·2 + 3 - 28 = 1 → 0/1); valid: 12; pool: 6.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['3:39 → (None, 28, 28, 1)', '4:58 → (None, 14, 14, 8)', '5:44 → (None, 12, 12, 16)', '6:29 → (None, 6, 6, 16)']);
  });
});

describe('a layer applied several times', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client.stop();
  });

  const text = [
    'import keras',
    'from keras import layers',
    '',
    'def block(x, f, s):',
    '    return layers.Conv2D(f, 3, strides=s, padding="same")(x)',
    '',
    'inputs = keras.Input(shape=(65, 65, 3))',
    'a = block(inputs, 16, 1)',
    'b = block(a, 32, 2)',
    'c = block(b, 64, 2)',
    'd = block(c, 64, 1)',
    '',
  ].join('\n');

  it('shows the distinct shapes compactly, all of them in the tooltip and the hover', async () => {
    const uri = 'file:///helper.py';
    await client.open(uri, text);
    // call 1: 'same' s=1 keeps 65; call 2: ceil(65/2) = 33; call 3: ceil(33/2) = 17; call 4: 17
    // again: three distinct output shapes over four calls.
    const hints = await client.inlayHints(uri);
    expect(hintSummary(hints)).toEqual(['4:60 → (None, 65, 65, 16) ×3 shapes', '6:39 → (None, 65, 65, 3)']);
    const tooltip = (hints[0].tooltip as MarkupContent).value;
    expect(tooltip).toContain(
      [
        'Conv2D: (None, 65, 65, 3) → (None, 65, 65, 16)  # call 1',
        'Conv2D: (None, 65, 65, 16) → (None, 33, 33, 32)  # call 2',
        'Conv2D: (None, 33, 33, 32) → (None, 17, 17, 64)  # call 3',
        'Conv2D: (None, 17, 17, 64) → (None, 17, 17, 64)  # call 4',
      ].join('\n'),
    );
    expect(tooltip).toContain('**Call 2** of 4');
    expect(tooltip).toContain('ceil(65 / 2) = 33');
    const hover = await client.hoverText(uri, pos(text, 'Conv2D', { at: 'start' }));
    expect(hover).toBe(tooltip);
    // Two applications raise same-stride-uneven on the same argument, each with its own numbers.
    const ds = await client.diagnosticsFor(uri, 1);
    expect(ds.map((d) => d.code)).toEqual(['same-stride-uneven', 'same-stride-uneven']);
    expect(ds.map((d) => d.range)).toEqual([rangeOf(text, 'padding="same"'), rangeOf(text, 'padding="same"')]);
  });
});

describe('tooltips resolved lazily', () => {
  it('sends hints without tooltips to clients that resolve them, and resolves them while current', async () => {
    const client = await TestClient.start({ lazyTooltips: true });
    try {
      const uri = 'file:///lazy.py';
      await client.open(uri, SOURCE);
      const hints = await client.inlayHints(uri);
      expect(hintSummary(hints)).toEqual(EXPECTED_HINTS);
      expect(hints.every((h) => h.tooltip === undefined && h.data !== undefined)).toBe(true);
      const resolved = await client.resolveInlayHint(hints[1]);
      expect((resolved.tooltip as MarkupContent).value).toContain('Conv2D: (None, 64, 64, 3) → (None, 32, 32, 8)');
      expect(resolved.label).toBe('→ (None, 32, 32, 8)');
      // After an edit the old hint is stale: resolving it adds nothing (the editor asks again).
      await client.change(uri, [{ range: { start: { line: 7, character: 0 }, end: { line: 7, character: 0 } }, text: '# more\n' }]);
      expect((await client.resolveInlayHint(hints[1])).tooltip).toBeUndefined();
    } finally {
      await client.stop();
    }
  });
});

describe('related information', () => {
  it('points a shape mismatch at the layers its inputs came from, and a rank mismatch at where the rank changed', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///related.py';
      const text = [
        'import keras',
        'from keras import layers',
        'a = keras.Input(shape=(64, 64, 3))',
        'b = layers.Conv2D(8, 3)(a)',
        'c = layers.Concatenate()([a, b])',
        'f = layers.Flatten()(b)',
        'g = layers.Conv2D(4, 3)(f)',
        '',
      ].join('\n');
      await client.open(uri, text);
      // valid 3×3 on 64: 62, so (None, 64, 64, 3) and (None, 62, 62, 8) cannot be concatenated on
      // the last axis. Flatten gives rank 2; Conv2D wants rank 4.
      const ds = await client.diagnosticsFor(uri, 1);
      expect(ds.map((d) => [d.code, d.severity, d.range.start.line])).toEqual([
        ['shape-mismatch', 1, 4],
        ['rank-mismatch', 1, 6],
      ]);
      const [mismatch, rank] = ds;
      expect(mismatch.relatedInformation?.map((r) => [r.location.uri, r.location.range])).toEqual([
        [uri, rangeOf(text, 'keras.Input(shape=(64, 64, 3))')],
        [uri, rangeOf(text, 'layers.Conv2D(8, 3)(a)')],
      ]);
      expect(mismatch.relatedInformation?.[0].message).toContain('(None, 64, 64, 3)');
      expect(mismatch.relatedInformation?.[1].message).toContain('(None, 62, 62, 8)');
      expect(rank.relatedInformation?.map((r) => r.location.range)).toEqual([rangeOf(text, 'layers.Flatten()(b)')]);
      expect(rank.relatedInformation?.[0].message).toContain('(None, 30752)');
      // The failing Concatenate and Conv2D get no (guessed) shape hint; Flatten: 62·62·8 = 30752.
      expect(hintSummary(await client.inlayHints(uri))).toEqual(['2:34 → (None, 64, 64, 3)', '3:26 → (None, 62, 62, 8)', '5:23 → (None, 30752)']);
    } finally {
      await client.stop();
    }
  });
});

describe('many open documents', () => {
  it('hints and hovers stay right for a document whose result was dropped (more documents analysed since than are kept)', async () => {
    const client = await TestClient.start();
    try {
      const uris = Array.from({ length: MAX_KEPT_RESULTS + 6 }, (_, i) => `file:///many/m${i}.py`);
      for (const uri of uris) await client.open(uri, SOURCE);
      const first = hintSummary(await client.inlayHints(uris[0]));
      expect(first).toEqual(EXPECTED_HINTS);
      const hover = await client.hoverText(uris[0], pos(SOURCE, 'Conv2D(8'));
      expect(hover).toContain('ceil(64 / 2) = 32');
      for (const uri of uris.slice(1)) expect(hintSummary(await client.inlayHints(uri))).toEqual(EXPECTED_HINTS);
      expect(hintSummary(await client.inlayHints(uris[0]))).toEqual(EXPECTED_HINTS);
      expect(await client.hoverText(uris[0], pos(SOURCE, 'Conv2D(8'))).toBe(hover);
      await client.until(() => uris.every((u) => client.latestDiagnostics(u)), 'every document published');
    } finally {
      await client.stop();
    }
  });
});
