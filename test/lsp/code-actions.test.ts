// Quick fixes through the protocol: the returned WorkspaceEdit is applied to the text here, the
// new text is sent back, and the diagnostic must be gone with every output shape unchanged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CodeAction, Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, applyTextEdits, editsFor, hintSummary, rangeOf } from './harness';

let client: TestClient;
let counter = 0;

beforeAll(async () => {
  client = await TestClient.start({ documentChanges: true });
});
afterAll(async () => {
  await client.stop();
});

interface Opened {
  uri: string;
  text: string;
  diagnostics: Diagnostic[];
}

async function open(lines: string[]): Promise<Opened> {
  const uri = `file:///fix-${++counter}.py`;
  const text = lines.join('\n');
  await client.open(uri, text);
  return { uri, text, diagnostics: await client.diagnosticsFor(uri, 1) };
}

/** Code actions at `needle` (the range of its first occurrence), with the diagnostics there. */
async function actionsAt(doc: Opened, needle: string, occurrence = 0): Promise<CodeAction[]> {
  const range = rangeOf(doc.text, needle, occurrence);
  const here = doc.diagnostics.filter((d) => d.range.start.line === range.start.line);
  return client.codeActions(doc.uri, range, here);
}

/** Applies `action`, sends the whole new text as the next version, returns it and its diagnostics. */
async function apply(doc: Opened, action: CodeAction | undefined): Promise<{ text: string; diagnostics: Diagnostic[] }> {
  expect(action).toBeDefined();
  const edit = action?.edit;
  // Versioned document edits, against the version the client has.
  const dc = edit?.documentChanges?.[0];
  expect(dc && 'textDocument' in dc && dc.textDocument.version).toBe(client.version(doc.uri));
  const text = applyTextEdits(doc.text, editsFor(edit, doc.uri));
  const end = doc.text.split('\n').length;
  const v = await client.change(doc.uri, [{ range: { start: { line: 0, character: 0 }, end: { line: end, character: 0 } }, text }]);
  return { text, diagnostics: await client.diagnosticsFor(doc.uri, v) };
}

function labels(hints: string[]): string[] {
  return hints.map((h) => h.replace(/^\d+:\d+ /, ''));
}

describe('same-asymmetric-padding: explicit ZeroPadding + valid', () => {
  it('rewrites a functional call, keeping every shape', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)',
      'x = layers.Conv2D(4, 3, padding="valid")(x)',
      '',
    ]);
    expect(doc.diagnostics.map((d) => d.code)).toEqual(['same-stride-downsamples', 'same-asymmetric-padding']);
    const before = hintSummary(await client.inlayHints(doc.uri));
    // 'same' s=2 on 64: 32 (P = 1 → 0/1); valid 3×3 on 32: 30.
    expect(before).toEqual(['2:39 → (None, 64, 64, 3)', '3:58 → (None, 32, 32, 8)', '4:43 → (None, 30, 30, 4)']);

    const actions = await actionsAt(doc, 'padding="same"');
    expect(actions.map((a) => [a.title, a.kind, a.isPreferred, a.diagnostics?.map((d) => d.code)])).toEqual([
      ['Ignore same-stride-downsamples on this line', 'quickfix', false, ['same-stride-downsamples']],
      ["Pad explicitly: ZeroPadding2D(((0, 1), (0, 1))) + padding='valid' (same shapes, PyTorch parity)", 'quickfix', true, ['same-asymmetric-padding']],
      ['Ignore same-asymmetric-padding on this line', 'quickfix', false, ['same-asymmetric-padding']],
    ]);
    const fix = actions.find((a) => a.isPreferred);
    const after = await apply(doc, fix);
    expect(after.text.split('\n')[3]).toBe('x = layers.Conv2D(8, 3, strides=2, padding="valid")(layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs))');
    expect(after.diagnostics).toEqual([]);
    // ZeroPadding: 64 + 0 + 1 = 65; valid s=2: floor((65 - 3)/2) + 1 = 32; then 30 as before.
    expect(hintSummary(await client.inlayHints(doc.uri))).toEqual([
      '2:39 → (None, 64, 64, 3)',
      '3:98 → (None, 65, 65, 3)',
      '3:99 → (None, 32, 32, 8)',
      '4:43 → (None, 30, 30, 4)',
    ]);
  });

  it('keeps the module prefix and quote style (tf.keras.layers, single quotes)', async () => {
    const doc = await open([
      'import tensorflow as tf',
      "inputs = tf.keras.Input(shape=(64, 64, 3))",
      "x = tf.keras.layers.Conv2D(8, 3, strides=2, padding='same')(inputs)",
      '',
    ]);
    const fix = (await actionsAt(doc, "padding='same'")).find((a) => a.isPreferred);
    const after = await apply(doc, fix);
    expect(after.text.split('\n')[2]).toBe(
      "x = tf.keras.layers.Conv2D(8, 3, strides=2, padding='valid')(tf.keras.layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs))",
    );
    expect(after.diagnostics).toEqual([]);
    expect(labels(hintSummary(await client.inlayHints(doc.uri))).at(-1)).toBe('→ (None, 32, 32, 8)');
  });

  it('inserts a Sequential item before the layer, with the same indentation', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'model = keras.Sequential([',
      '    keras.Input(shape=(64, 64, 3)),',
      '    layers.Conv2D(8, 3, strides=2, padding="same"),',
      '    layers.Flatten(),',
      '])',
      '',
    ]);
    // 'same' s=2: 32×32×8; Flatten: 32·32·8 = 8192.
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual(['→ (None, 64, 64, 3)', '→ (None, 32, 32, 8)', '→ (None, 8192)']);
    const fix = (await actionsAt(doc, 'padding="same"')).find((a) => a.isPreferred);
    const after = await apply(doc, fix);
    expect(after.text.split('\n').slice(2, 8)).toEqual([
      'model = keras.Sequential([',
      '    keras.Input(shape=(64, 64, 3)),',
      '    layers.ZeroPadding2D(((0, 1), (0, 1))),',
      '    layers.Conv2D(8, 3, strides=2, padding="valid"),',
      '    layers.Flatten(),',
      '])',
    ]);
    expect(after.diagnostics).toEqual([]);
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual([
      '→ (None, 64, 64, 3)',
      '→ (None, 65, 65, 3)',
      '→ (None, 32, 32, 8)',
      '→ (None, 8192)',
    ]);
  });

  it('inserts before a Sequential item on the same line', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.Conv2D(8, 3, strides=2, padding="same")])',
      '',
    ]);
    const after = await apply(doc, (await actionsAt(doc, 'padding="same"')).find((a) => a.isPreferred));
    expect(after.text.split('\n')[2]).toBe(
      'model = keras.Sequential([keras.Input(shape=(64, 64, 3)), layers.ZeroPadding2D(((0, 1), (0, 1))), layers.Conv2D(8, 3, strides=2, padding="valid")])',
    );
    expect(after.diagnostics).toEqual([]);
  });

  it('adds a model.add line for model.add, handles channels_first and 1-D layers', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'model = keras.Sequential()',
      'model.add(keras.Input(shape=(3, 64, 64)))',
      'model.add(layers.Conv2D(8, 3, strides=2, padding="same", data_format="channels_first"))',
      '',
    ]);
    // channels_first: spatial 64×64 → 32×32, channels first.
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual(['→ (None, 3, 64, 64)', '→ (None, 8, 32, 32)']);
    const after = await apply(doc, (await actionsAt(doc, 'padding="same"')).find((a) => a.isPreferred));
    expect(after.text.split('\n').slice(3, 6)).toEqual([
      'model.add(keras.Input(shape=(3, 64, 64)))',
      'model.add(layers.ZeroPadding2D(((0, 1), (0, 1)), data_format="channels_first"))',
      'model.add(layers.Conv2D(8, 3, strides=2, padding="valid", data_format="channels_first"))',
    ]);
    expect(after.diagnostics).toEqual([]);
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual(['→ (None, 3, 64, 64)', '→ (None, 3, 65, 65)', '→ (None, 8, 32, 32)']);

    // Conv1D, k=4, stride 1 on 10 steps: P = 3 → 1 before, 2 after.
    const d1 = await open([
      'import keras',
      'from keras import layers',
      'seq = keras.Input(shape=(10, 2))',
      'y = layers.Conv1D(4, 4, padding="same")(seq)',
      '',
    ]);
    expect(d1.diagnostics.map((d) => d.code)).toEqual(['same-asymmetric-padding']);
    const after1 = await apply(d1, (await actionsAt(d1, 'padding="same"')).find((a) => a.isPreferred));
    expect(after1.text.split('\n')[3]).toBe('y = layers.Conv1D(4, 4, padding="valid")(layers.ZeroPadding1D((1, 2))(seq))');
    expect(after1.diagnostics).toEqual([]);
    // 10 + 3 = 13, valid k=4: 13 - 4 + 1 = 10.
    expect(labels(hintSummary(await client.inlayHints(d1.uri)))).toEqual(['→ (None, 10, 2)', '→ (None, 13, 2)', '→ (None, 10, 4)']);
  });

  it('uses a by-name import of ZeroPadding2D, and offers nothing when there is none', async () => {
    const withImport = await open([
      'import keras',
      'from keras.layers import Conv2D, ZeroPadding2D',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'x = Conv2D(8, 3, strides=2, padding="same")(inputs)',
      '',
    ]);
    const after = await apply(withImport, (await actionsAt(withImport, 'padding="same"')).find((a) => a.isPreferred));
    expect(after.text.split('\n')[3]).toBe('x = Conv2D(8, 3, strides=2, padding="valid")(ZeroPadding2D(((0, 1), (0, 1)))(inputs))');
    expect(after.diagnostics).toEqual([]);

    const without = await open([
      'import keras',
      'from keras.layers import Conv2D',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'x = Conv2D(8, 3, strides=2, padding="same")(inputs)',
      '',
    ]);
    const actions = await actionsAt(without, 'padding="same"');
    expect(actions.some((a) => a.isPreferred)).toBe(false);
    expect(actions.map((a) => a.title)).toEqual(['Ignore same-stride-downsamples on this line', 'Ignore same-asymmetric-padding on this line']);
  });

  it('is offered for a helper applied twice with identical pads, not when the pads differ', async () => {
    const same = await open([
      'import keras',
      'from keras import layers',
      'def down(x):',
      '    return layers.Conv2D(8, 3, strides=2, padding="same")(x)',
      'a = down(keras.Input(shape=(64, 64, 3)))',
      'b = down(a)',
      '',
    ]);
    // 64 → 32 (P = 1 → 0/1), then 32 → 16 (P = 15·2 + 3 - 32 = 1 → 0/1): the same pads.
    expect(labels(hintSummary(await client.inlayHints(same.uri)))).toEqual(['→ (None, 32, 32, 8) ×2 shapes', '→ (None, 64, 64, 3)']);
    const after = await apply(same, (await actionsAt(same, 'padding="same"')).find((a) => a.isPreferred));
    expect(after.text.split('\n')[3]).toBe('    return layers.Conv2D(8, 3, strides=2, padding="valid")(layers.ZeroPadding2D(((0, 1), (0, 1)))(x))');
    expect(after.diagnostics).toEqual([]);
    expect(labels(hintSummary(await client.inlayHints(same.uri)))).toEqual([
      '→ (None, 65, 65, 3) ×2 shapes',
      '→ (None, 32, 32, 8) ×2 shapes',
      '→ (None, 64, 64, 3)',
    ]);

    const differ = await open([
      'import keras',
      'from keras import layers',
      'def down(x):',
      '    return layers.Conv2D(8, 3, strides=2, padding="same")(x)',
      'a = down(keras.Input(shape=(64, 64, 3)))',
      'b = down(keras.Input(shape=(63, 63, 3)))',
      '',
    ]);
    // 63: ceil(63/2) = 32, P = 31·2 + 3 - 63 = 2 → 1/1. The pads differ from the 64 case.
    const actions = await actionsAt(differ, 'padding="same"');
    expect(actions.some((a) => a.isPreferred)).toBe(false);
    expect(actions.map((a) => a.title)).toContain('Ignore same-asymmetric-padding on this line');
  });

  it('is not offered for pooling, a padding that is not a literal, or a first layer with input_shape', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'PAD = "same"',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'p = layers.MaxPooling2D(3, strides=2, padding="same")(inputs)',
      'q = layers.Conv2D(8, 3, strides=2, padding=PAD)(inputs)',
      'm = keras.Sequential([layers.Conv2D(8, 3, strides=2, padding="same", input_shape=(64, 64, 3))])',
      '',
    ]);
    expect(doc.diagnostics.filter((d) => d.code === 'same-asymmetric-padding').map((d) => d.range.start.line)).toEqual([4, 5, 6]);
    for (const needle of ['padding="same")(inputs)', 'padding=PAD', 'padding="same", input_shape']) {
      const actions = await actionsAt(doc, needle);
      expect(actions.length, needle).toBeGreaterThan(0);
      expect(actions.every((a) => a.isPreferred === false && a.title.startsWith('Ignore ')), needle).toBe(true);
    }
  });
});

describe('other codes', () => {
  it('offers no rewrite for same-stride-uneven or same-transpose-upsamples, only the ignore comment', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'inputs = keras.Input(shape=(65, 65, 3))',
      'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)',
      'y = layers.Conv2DTranspose(8, 3, strides=2, padding="same")(x)',
      '',
    ]);
    // 65 → 33 (uneven, P = 2 → 1/1); transposed 'same' s=2: 33·2 = 66.
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual(['→ (None, 65, 65, 3)', '→ (None, 33, 33, 8)', '→ (None, 66, 66, 8)']);
    const uneven = await actionsAt(doc, 'padding="same"');
    expect(uneven.map((a) => [a.title, a.isPreferred])).toEqual([['Ignore same-stride-uneven on this line', false]]);
    const transposed = await actionsAt(doc, 'padding="same"', 1);
    expect(transposed.every((a) => a.title.startsWith('Ignore ') && a.isPreferred === false)).toBe(true);
    expect(transposed.map((a) => a.diagnostics?.[0].code)).toContain('same-transpose-upsamples');
  });

  it('ignore on this line: appends the comment, then extends the list; shapes unchanged', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  ',
      '',
    ]);
    const hints = labels(hintSummary(await client.inlayHints(doc.uri)));
    const first = await apply(
      doc,
      (await actionsAt(doc, 'padding="same"')).find((a) => a.title === 'Ignore same-asymmetric-padding on this line'),
    );
    expect(first.text.split('\n')[3]).toBe('x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  # shapewise: ignore[same-asymmetric-padding]');
    expect(first.diagnostics.map((d) => d.code)).toEqual(['same-stride-downsamples']);

    const doc2: Opened = { uri: doc.uri, text: first.text, diagnostics: first.diagnostics };
    const second = await apply(doc2, (await actionsAt(doc2, 'padding="same"')).find((a) => a.title === 'Ignore same-stride-downsamples on this line'));
    expect(second.text.split('\n')[3]).toBe(
      'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  # shapewise: ignore[same-asymmetric-padding, same-stride-downsamples]',
    );
    expect(second.diagnostics).toEqual([]);
    expect(labels(hintSummary(await client.inlayHints(doc.uri)))).toEqual(hints);
  });

  it('puts the ignore comment on the line of the diagnostic in a multi-line call, and answers only quickfix requests', async () => {
    const doc = await open([
      'import keras',
      'from keras import layers',
      'inputs = keras.Input(shape=(64, 64, 3))',
      'x = layers.Conv2D(',
      '    8, 3, strides=2,',
      '    padding="same",',
      ')(inputs)',
      '',
    ]);
    expect(doc.diagnostics.map((d) => d.range.start.line)).toEqual([5, 5]);
    const after = await apply(doc, (await actionsAt(doc, 'padding="same"')).find((a) => a.title === 'Ignore same-stride-downsamples on this line'));
    expect(after.text.split('\n')[5]).toBe('    padding="same",  # shapewise: ignore[same-stride-downsamples]');
    expect(after.diagnostics.map((d) => d.code)).toEqual(['same-asymmetric-padding']);
    const refactors = await client.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: rangeOf(after.text, 'padding="same"'),
      context: { diagnostics: [], only: ['refactor'] },
    });
    expect(refactors).toEqual([]);
  });
});
