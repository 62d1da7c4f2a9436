// Settings through the protocol: pulled with workspace/configuration per resource, cached,
// invalidated by didChangeConfiguration, which also refreshes hints and republishes diagnostics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { TestClient, hintSummary } from './harness';

const TEXT = [
  'import keras',
  'from keras import layers',
  'inputs = keras.Input(shape=(64, 64, 3))',
  'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)',
  'y = layers.Conv2DTranspose(4, 3, strides=2, padding="valid")(x)',
  '',
].join('\n');

// Conv 'same' s=2 on 64: 32, P = 1 → 0/1. Transposed 'valid' s=2, k=3 on 32: (32 - 1)·2 + 3 = 65,
// nothing cropped (0/0).
const SHAPES = ['2:39 → (None, 64, 64, 3)', '3:58 → (None, 32, 32, 8)', '4:63 → (None, 65, 65, 4)'];

function summary(ds: Diagnostic[]): string[] {
  return ds.map((d) => `${d.code}:${d.severity}`);
}

describe('settings', () => {
  let client: TestClient;
  beforeAll(async () => {
    client = await TestClient.start();
  });
  afterAll(async () => {
    await client.stop();
  });

  it('asks for the shapewise section with the document as scopeUri, once per document', async () => {
    await client.open('file:///s1.py', TEXT);
    expect(summary(await client.diagnosticsFor('file:///s1.py', 1))).toEqual(['same-stride-downsamples:3', 'same-asymmetric-padding:4']);
    expect(hintSummary(await client.inlayHints('file:///s1.py'))).toEqual(SHAPES);
    await client.hover('file:///s1.py', { line: 3, character: 12 });
    const asked = client.configurationRequests.flatMap((r) => r.items);
    expect(asked).toEqual([{ scopeUri: 'file:///s1.py', section: 'shapewise' }]);
  });

  it("severity 'off' removes a diagnostic, another severity changes it; hints are refreshed", async () => {
    const refreshes = client.refreshRequests;
    const mark = client.diagnostics.length;
    await client.changeSettings({
      '*': { severity: { 'same-asymmetric-padding': 'off', 'same-stride-downsamples': 'error' } },
    });
    await client.until(() => client.refreshRequests > refreshes, 'inlayHint/refresh');
    const p = await client.until(() => client.diagnostics.slice(mark).find((d) => d.uri === 'file:///s1.py'), 'republished diagnostics');
    expect(p.version).toBe(1);
    expect(summary(p.diagnostics)).toEqual(['same-stride-downsamples:1']);
    // Settings were asked for again after the change.
    expect(client.configurationRequests.length).toBeGreaterThan(1);
  });

  it('turns the output-shape hints off and the padding hints on', async () => {
    const mark = client.diagnostics.length;
    await client.changeSettings({ '*': { inlayHints: { outputShape: { enabled: false }, padding: { enabled: true } } } });
    // After `padding="same"` (ends at 3:49): 0 before, 1 after on both axes. Nothing after the
    // transposed conv's `padding="valid"`: it crops nothing, and 'valid' pads nothing.
    const hints = await client.inlayHints('file:///s1.py');
    expect(hintSummary(hints)).toEqual(['3:49 pad 0/1 · 0/1']);
    expect(hints[0].paddingLeft).toBe(true);
    expect((hints[0].tooltip as { value: string }).value).toContain('height 0/1, width 0/1');
    // The republication after this change, not the one the previous test's settings caused.
    expect(summary(await client.diagnosticsAfter(mark, 'file:///s1.py'))).toEqual(['same-stride-downsamples:3', 'same-asymmetric-padding:4']);
  });

  it('both hint kinds on', async () => {
    await client.changeSettings({ '*': { inlayHints: { padding: { enabled: true } } } });
    expect(hintSummary(await client.inlayHints('file:///s1.py'))).toEqual([
      '2:39 → (None, 64, 64, 3)',
      '3:49 pad 0/1 · 0/1',
      '3:58 → (None, 32, 32, 8)',
      '4:63 → (None, 65, 65, 4)',
    ]);
  });

  it('dataFormat decides what data_format=None means', async () => {
    await client.changeSettings({ '*': { dataFormat: 'channels_first' } });
    const uri = 'file:///nchw.py';
    const text = ['import keras', 'from keras import layers', 'inputs = keras.Input(shape=(3, 64, 64))', 'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)', ''].join('\n');
    await client.open(uri, text);
    // channels_first: spatial axes are the last two; 64 → 32, channels 8 first.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['2:39 → (None, 3, 64, 64)', '3:58 → (None, 8, 32, 32)']);
    await client.changeSettings({ '*': { dataFormat: 'channels_last' } });
    // channels_last on the same text: 3 → ceil(3/2) = 2, 64 → 32, channels 8 last.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['2:39 → (None, 3, 64, 64)', '3:58 → (None, 2, 32, 8)']);
  });

  it('reads settings per resource', async () => {
    await client.changeSettings({
      'file:///quiet.py': { severity: { 'same-stride-downsamples': 'off', 'same-asymmetric-padding': 'off' } },
      '*': {},
    });
    await client.open('file:///quiet.py', TEXT);
    await client.open('file:///loud.py', TEXT);
    expect(await client.diagnosticsFor('file:///quiet.py', 1)).toEqual([]);
    expect(summary(await client.diagnosticsFor('file:///loud.py', 1))).toEqual(['same-stride-downsamples:3', 'same-asymmetric-padding:4']);
  });
});

describe('clients that cannot answer workspace/configuration', () => {
  it('falls back to the defaults when the request fails, and logs it through the connection', async () => {
    const client = await TestClient.start();
    client.connection.onRequest('workspace/configuration', () => {
      throw new Error('not supported');
    });
    try {
      await client.open('file:///x.py', TEXT);
      expect(summary(await client.diagnosticsFor('file:///x.py', 1))).toEqual(['same-stride-downsamples:3', 'same-asymmetric-padding:4']);
      expect(client.logs.some((l) => l.message.includes('could not read settings'))).toBe(true);
    } finally {
      await client.stop();
    }
  });

  it('uses the defaults, then the settings pushed with didChangeConfiguration', async () => {
    const client = await TestClient.start({ configuration: false });
    try {
      await client.open('file:///y.py', TEXT);
      expect(summary(await client.diagnosticsFor('file:///y.py', 1))).toEqual(['same-stride-downsamples:3', 'same-asymmetric-padding:4']);
      const mark = client.diagnostics.length;
      await client.pushSettings({ shapewise: { severity: { 'same-stride-downsamples': 'off' }, inlayHints: { outputShape: { enabled: false } } } });
      const p = await client.until(() => client.diagnostics.slice(mark).find((d) => d.uri === 'file:///y.py'), 'republished diagnostics');
      expect(summary(p.diagnostics)).toEqual(['same-asymmetric-padding:4']);
      expect(await client.inlayHints('file:///y.py')).toEqual([]);
      expect(client.configurationRequests).toEqual([]);
    } finally {
      await client.stop();
    }
  });
});
