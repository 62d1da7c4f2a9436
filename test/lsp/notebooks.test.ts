// A Jupyter notebook through the protocol: code cells are one program (an Input in cell 1 flows
// into a layer in cell 3); hints, hovers, diagnostics and fixes land in the right cell; cells
// are edited, added, removed and moved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic, NotebookCell, TextDocumentItem } from 'vscode-languageserver-protocol';
import { TestClient, applyTextEdits, editsFor, hintSummary, rangeOf } from './harness';

let client: TestClient;
beforeAll(async () => {
  client = await TestClient.start();
});
afterAll(async () => {
  await client.stop();
});

const CELL1 = ['import keras  # 😀', 'from keras import layers', 'inputs = keras.Input(shape=(64, 64, 3))'].join('\n');
const CELL2 = '# The model\nNot code: `layers.Conv2D(1, 1)(inputs)`';
const CELL3 = ['x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)', 'y = layers.Conv2D(4, 1)(x)'].join('\n');

function cellUri(nb: string, i: number): string {
  return `vscode-notebook-cell:/${nb}.ipynb#W${i}sZmlsZQ%3D%3D`;
}

async function openNotebook(name: string, texts: [number, string, string][]): Promise<{ uri: string; cells: string[] }> {
  const uri = `file:///${name}.ipynb`;
  const cells: NotebookCell[] = texts.map(([kind], i) => ({ kind: kind as 1 | 2, document: cellUri(name, i) }));
  const docs: TextDocumentItem[] = texts.map(([, languageId, text], i) => ({ uri: cellUri(name, i), languageId, version: 1, text }));
  await client.openNotebook({ notebookDocument: { uri, notebookType: 'jupyter-notebook', version: 1, cells }, cellTextDocuments: docs });
  return { uri, cells: cells.map((c) => c.document) };
}

/** Waits for a publish for `uri` that satisfies `ok`, newer than the first `after` messages. */
async function published(uri: string, ok: (ds: Diagnostic[]) => boolean, after = 0): Promise<Diagnostic[]> {
  const p = await client.until(() => client.diagnostics.slice(after).reverse().find((d) => d.uri === uri && ok(d.diagnostics)), `diagnostics for ${uri}`);
  return p.diagnostics;
}

describe('a notebook', () => {
  let nb: { uri: string; cells: string[] };
  beforeAll(async () => {
    nb = await openNotebook('model', [
      [2, 'python', CELL1],
      [1, 'markdown', CELL2],
      [2, 'python', CELL3],
    ]);
  });

  it('analyses the code cells in order as one program: the Input of cell 1 reaches cell 3', async () => {
    expect(hintSummary(await client.inlayHints(nb.cells[0]))).toEqual(['2:39 → (None, 64, 64, 3)']);
    expect(hintSummary(await client.inlayHints(nb.cells[1]))).toEqual([]);
    // 'same' s=2 on 64: 32; 1×1: 32.
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 32, 32, 8)', '1:26 → (None, 32, 32, 4)']);
    expect(hintSummary(await client.inlayHints(nb.cells[2], { start: { line: 1, character: 0 }, end: { line: 1, character: 26 } }))).toEqual([
      '1:26 → (None, 32, 32, 4)',
    ]);
  });

  it('publishes diagnostics per cell, with the cell version', async () => {
    const third = await client.diagnosticsFor(nb.cells[2], 1);
    expect(third.map((d) => [d.code, d.range])).toEqual([
      ['same-stride-downsamples', rangeOf(CELL3, 'padding="same"')],
      ['same-asymmetric-padding', rangeOf(CELL3, 'padding="same"')],
    ]);
    expect(await client.diagnosticsFor(nb.cells[0], 1)).toEqual([]);
    expect(client.diagnostics.some((d) => d.uri === nb.cells[1])).toBe(false);
  });

  it('hovers in a cell', async () => {
    const text = await client.hoverText(nb.cells[2], { line: 0, character: 12 });
    expect(text).toContain('Conv2D: (None, 64, 64, 3) → (None, 32, 32, 8)');
    const h = await client.hover(nb.cells[2], { line: 0, character: 12 });
    expect(h?.range).toEqual({ start: { line: 0, character: 11 }, end: { line: 0, character: 17 } });
    expect(await client.hoverText(nb.cells[0], { line: 2, character: 16 })).toContain('Input: (None, 64, 64, 3)');
  });

  it('follows an edit in cell 1 into cell 3, and asks the editor to refresh hints', async () => {
    const refreshes = client.refreshRequests;
    const mark = client.diagnostics.length;
    // 64, 64 → 65, 65 on line 2 of cell 1.
    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 2 },
      change: {
        cells: {
          textContent: [
            {
              document: { uri: nb.cells[0], version: 2 },
              changes: [
                { range: { start: { line: 2, character: 28 }, end: { line: 2, character: 30 } }, text: '65' },
                { range: { start: { line: 2, character: 32 }, end: { line: 2, character: 34 } }, text: '65' },
              ],
            },
          ],
        },
      },
    });
    // ceil(65/2) = 33, uneven.
    const third = await published(nb.cells[2], (ds) => ds.some((d) => d.code === 'same-stride-uneven'), mark);
    expect(third.map((d) => d.code)).toEqual(['same-stride-uneven']);
    expect(client.diagnostics.slice(mark).find((d) => d.uri === nb.cells[0])?.version).toBe(2);
    expect(hintSummary(await client.inlayHints(nb.cells[0]))).toEqual(['2:39 → (None, 65, 65, 3)']);
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 33, 33, 8)', '1:26 → (None, 33, 33, 4)']);
    await client.until(() => client.refreshRequests > refreshes, 'inlayHint/refresh');
  });

  it('does not ask for a refresh when an edit changes no shape', async () => {
    const refreshes = client.refreshRequests;
    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 3 },
      change: {
        cells: {
          textContent: [{ document: { uri: nb.cells[0], version: 3 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# setup\n' }] }],
        },
      },
    });
    await client.diagnosticsFor(nb.cells[0], 3);
    // The Input moved down one line in its cell; cell 3 is unchanged.
    expect(hintSummary(await client.inlayHints(nb.cells[0]))).toEqual(['3:39 → (None, 65, 65, 3)']);
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 33, 33, 8)', '1:26 → (None, 33, 33, 4)']);
    // Messages arrive in order: a refresh sent with the diagnostics would be here by now.
    expect(client.refreshRequests).toBe(refreshes);
  });

  it('handles a cell added, then removed (its diagnostics cleared)', async () => {
    const added = cellUri('model', 9);
    const text = 'z = layers.Conv2D(2, 3, strides=2, padding="same")(inputs)';
    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 4 },
      change: {
        cells: {
          structure: {
            array: { start: 1, deleteCount: 0, cells: [{ kind: 2, document: added }] },
            didOpen: [{ uri: added, languageId: 'python', version: 1, text }],
          },
        },
      },
    });
    // 65 → 33 in the new cell; cell 3 unchanged.
    expect(hintSummary(await client.inlayHints(added))).toEqual(['0:58 → (None, 33, 33, 2)']);
    expect((await client.diagnosticsFor(added, 1)).map((d) => d.code)).toEqual(['same-stride-uneven']);
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 33, 33, 8)', '1:26 → (None, 33, 33, 4)']);

    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 5 },
      change: { cells: { structure: { array: { start: 1, deleteCount: 1 }, didClose: [{ uri: added }] } } },
    });
    await client.until(() => client.latestDiagnostics(added)?.diagnostics.length === 0, 'cleared diagnostics of the removed cell');
    expect(await client.inlayHints(added)).toEqual([]);
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 33, 33, 8)', '1:26 → (None, 33, 33, 4)']);
  });

  it('handles cells moved: a layer before the Input gets no shape, and gets it back', async () => {
    const moved = (order: number[], version: number) =>
      client.changeNotebook({
        notebookDocument: { uri: nb.uri, version },
        change: {
          cells: {
            structure: {
              array: { start: 0, deleteCount: 3, cells: order.map((i) => ({ kind: (i === 1 ? 1 : 2) as 1 | 2, document: nb.cells[i] })) },
            },
          },
        },
      });
    await moved([2, 0, 1], 6);
    // `inputs` is not defined yet when cell 3 runs first: unknown, no hints there.
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual([]);
    expect(hintSummary(await client.inlayHints(nb.cells[0]))).toEqual(['3:39 → (None, 65, 65, 3)']);
    await moved([0, 1, 2], 7);
    expect(hintSummary(await client.inlayHints(nb.cells[2]))).toEqual(['0:58 → (None, 33, 33, 8)', '1:26 → (None, 33, 33, 4)']);
  });

  it('clears every cell when the notebook closes', async () => {
    await client.closeNotebook({ notebookDocument: { uri: nb.uri }, cellTextDocuments: nb.cells.map((uri) => ({ uri })) });
    await client.until(() => client.latestDiagnostics(nb.cells[2])?.diagnostics.length === 0, 'cleared diagnostics');
    expect(await client.inlayHints(nb.cells[2])).toEqual([]);
  });
});

describe('a quick fix in a notebook cell', () => {
  it('edits the cell, and the diagnostic is gone with the shapes unchanged', async () => {
    const nb = await openNotebook('fix', [
      [2, 'python', CELL1],
      [2, 'python', CELL3],
    ]);
    const ds = await client.diagnosticsFor(nb.cells[1], 1);
    const actions = await client.codeActions(nb.cells[1], rangeOf(CELL3, 'padding="same"'), ds);
    const fix = actions.find((a) => a.isPreferred);
    expect(Object.keys(fix?.edit?.changes ?? {})).toEqual([nb.cells[1]]);
    const fixed = applyTextEdits(CELL3, editsFor(fix?.edit, nb.cells[1]));
    expect(fixed.split('\n')[0]).toBe('x = layers.Conv2D(8, 3, strides=2, padding="valid")(layers.ZeroPadding2D(((0, 1), (0, 1)))(inputs))');
    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: nb.cells[1], version: 2 }, changes: [{ text: fixed }] }] } },
    });
    expect(await client.diagnosticsFor(nb.cells[1], 2)).toEqual([]);
    expect(hintSummary(await client.inlayHints(nb.cells[1]))).toEqual(['0:98 → (None, 65, 65, 3)', '0:99 → (None, 32, 32, 8)', '1:26 → (None, 32, 32, 4)']);
    // The ignore comment went to the cell's own line too.
    const ignore = actions.find((a) => a.title === 'Ignore same-asymmetric-padding on this line');
    expect(applyTextEdits(CELL3, editsFor(ignore?.edit, nb.cells[1])).split('\n')[0]).toBe(
      'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)  # shapewise: ignore[same-asymmetric-padding]',
    );
  });
});

describe('related information across cells', () => {
  it('points at the cell the mismatching input came from', async () => {
    const nb = await openNotebook('related', [
      [2, 'python', 'import keras\nfrom keras import layers\na = keras.Input(shape=(16, 16, 3))'],
      [2, 'python', 'b = layers.Conv2D(8, 3)(a)\nc = layers.Add()([a, b])'],
    ]);
    // (None, 16, 16, 3) + (None, 14, 14, 8): Add cannot combine them.
    const ds = await client.diagnosticsFor(nb.cells[1], 1);
    expect(ds.map((d) => [d.code, d.range.start.line])).toEqual([['shape-mismatch', 1]]);
    expect(ds[0].relatedInformation?.map((r) => [r.location.uri, r.location.range])).toEqual([
      [nb.cells[0], { start: { line: 2, character: 4 }, end: { line: 2, character: 34 } }],
      [nb.cells[1], { start: { line: 0, character: 4 }, end: { line: 0, character: 26 } }],
    ]);
    expect(await client.diagnosticsFor(nb.cells[0], 1)).toEqual([]);
  });
});

describe('a text document opened with a notebook\'s URI or a cell\'s', () => {
  it('is ignored (logged once): the notebook keeps its diagnostics and hints', async () => {
    const nb = await openNotebook('collide', [
      [2, 'python', CELL1],
      [2, 'python', CELL3],
    ]);
    const before = await client.diagnosticsFor(nb.cells[1], 1);
    expect(before.length).toBeGreaterThan(0);
    const mark = client.diagnostics.length;
    for (const uri of [nb.uri, nb.cells[0]]) await client.open(uri, 'x = 1\n');
    // A change in a cell publishes the notebook's diagnostics again, still for its cells.
    await client.changeNotebook({
      notebookDocument: { uri: nb.uri, version: 2 },
      change: { cells: { textContent: [{ document: { uri: nb.cells[0], version: 2 }, changes: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edit\n' }] }] } },
    });
    expect(await published(nb.cells[1], (ds) => ds.length > 0, mark)).toEqual(before);
    expect(client.diagnostics.slice(mark).some((d) => d.uri === nb.uri)).toBe(false);
    expect(hintSummary(await client.inlayHints(nb.cells[1]))).toEqual(['0:58 → (None, 32, 32, 8)', '1:26 → (None, 32, 32, 4)']);
    expect(client.logs.filter((l) => l.message.includes('an open notebook or notebook cell has that URI'))).toHaveLength(2);
  });
});

describe('a text document open with a cell\'s URI when the notebook opens', () => {
  it('gives way to the notebook (closed, logged once): the cell gets the notebook\'s hints', async () => {
    const cell = cellUri('late', 0);
    await client.open(cell, 'import keras\nx = keras.Input((7,))\n');
    expect(hintSummary(await client.inlayHints(cell))).toEqual(['1:21 → (None, 7)']);
    const nb = await openNotebook('late', [[2, 'python', 'import keras\nx = keras.Input((9,))\n']]);
    expect(nb.cells[0]).toBe(cell);
    expect(hintSummary(await client.inlayHints(cell))).toEqual(['1:21 → (None, 9)']);
    expect(client.logs.filter((l) => l.message.includes('a notebook opened with that URI or a cell'))).toHaveLength(1);
  });
});

