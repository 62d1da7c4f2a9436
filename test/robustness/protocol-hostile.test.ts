// Hostile documents opened in the real server (in-process, over the protocol), and a few through
// the built dist/server.js over stdio: every request is answered (hints, hovers, code actions),
// in bounded time, with results equal to a fresh analysis of the text; where the analysis gives
// up or stops part-way, the user is told why by one Information diagnostic on the first line
// ("Shapewise: not analysed: ..."), and the Shapewise output gets one log line per document.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CodeActionRequest,
  DidChangeTextDocumentNotification,
  ErrorCodes,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InlayHintRequest,
  ShutdownRequest,
  StreamMessageReader,
  type Diagnostic,
  type LogMessageParams,
  type NotebookCell,
  type Position,
  type TextDocumentItem,
} from 'vscode-languageserver-protocol/node';
import { Analyzer, MAX_DOCUMENT_CHARS } from '../../server/src/analysis';
import { serverJs, startBuiltServer } from '../lsp/built-server';
import { TestClient, hintSummary } from '../lsp/harness';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
import { Oracle, inBounds, lineStarts, lspPosition, pollUntil, randomBytes, randomText, stripData, within } from './support';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const HEADER = 'import keras\nfrom keras import layers\n';
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 10_000_000, character: 0 } };
const ANSWER_MS = 30_000;
const SMALL = HEADER + 'inp = keras.Input((65, 65, 3))\nx = layers.Conv2D(8, 3, strides=2, padding="same")(inp)\n';
const SMALL_HINTS = ['2:30 → (None, 65, 65, 3)', '3:55 → (None, 33, 33, 8)'];
/** A realistic document opened after each hostile one. */
const AFTER = generate(120, 11);

/** About `chars` characters of realistic Keras code (generated files one after the other). */
function realistic(chars: number): string {
  const unit = generate(2_000, 7);
  let text = '';
  while (text.length < chars) text += unit;
  return text.slice(0, text.lastIndexOf('\n', chars) + 1);
}

type Expect = 'analysed' | 'not analysed' | 'stopped early';

interface Case {
  name: string;
  text: () => string;
  expect: Expect;
  /** A part of the reason shown to the user, when not analysed or stopped. */
  why?: RegExp;
  /** Checks on the hints, when they are known. */
  hints?: (labels: string[]) => void;
}

const CASES: Case[] = [
  { name: 'random bytes decoded as UTF-8 (replacement characters)', text: () => HEADER + randomBytes(1, 30_000).toString('utf8'), expect: 'analysed' },
  { name: 'random bytes decoded as Latin-1 (control characters)', text: () => HEADER + randomBytes(2, 30_000).toString('latin1'), expect: 'analysed' },
  { name: 'random Python-ish text', text: () => HEADER + randomText(3, 40_000, 'abc()[]{}:=,.\'"#\\\n\t 0123456789keraslyConv2D'), expect: 'analysed' },
  {
    name: 'invalid UTF-8 and lone surrogates around real layers',
    text: () => HEADER + 'a = "\uD800"\nb = "\uDC00\uDC00"\n# \uDFFF\uD83D\ninp = keras.Input((8, 8, 1))  # \uFFFD\uFFFD\nz = layers.Conv2D(2, 3)(inp)  # \uD800\n',
    expect: 'analysed',
    hints: (h) => expect(h).toEqual(['5:28 → (None, 8, 8, 1)', '6:28 → (None, 6, 6, 2)']),
  },
  {
    name: 'NUL bytes',
    text: () => HEADER + 'a = 1\0\0\0\ninp = keras.Input((8, 8, 1))\0\nz = layers.Conv2D(2, 3)(inp)\n\0',
    expect: 'analysed',
  },
  {
    name: 'a 5 MB file of real Keras code (the parser gives up)',
    text: () => realistic(5_000_000),
    expect: 'not analysed',
    why: /^Shapewise: not analysed: the parser gave up/,
  },
  {
    // Stops between simple statements: the next parse would resume it (see the check after).
    name: '7.8 MB of simple assignments (the parser gives up)',
    text: () => 'x = 1\n'.repeat(1_300_000),
    expect: 'not analysed',
    why: /^Shapewise: not analysed: the parser gave up/,
  },
  {
    name: `a file over the size limit (${MAX_DOCUMENT_CHARS.toLocaleString('en-US')} characters)`,
    text: () => HEADER + '#'.repeat(MAX_DOCUMENT_CHARS) + '\n',
    expect: 'not analysed',
    why: new RegExp(`^Shapewise: not analysed: the file has ${MAX_DOCUMENT_CHARS + HEADER.length + 1} characters, over the limit of ${MAX_DOCUMENT_CHARS}`),
  },
  { name: '50,000 nested parentheses', text: () => HEADER + 'x = ' + '('.repeat(50_000) + '1' + ')'.repeat(50_000) + '\n' + SMALL.slice(HEADER.length), expect: 'analysed' },
  { name: '50,000 nested lists, closed', text: () => HEADER + 'x = ' + '['.repeat(50_000) + ']'.repeat(50_000) + '\n', expect: 'analysed' },
  { name: '50,000 nested lists, unclosed', text: () => HEADER + 'x = ' + '['.repeat(50_000) + '\n' + SMALL.slice(HEADER.length), expect: 'analysed' },
  {
    name: 'a 100,000-character line of layers',
    text: () => HEADER + 'm = keras.Sequential([keras.Input((16,)), ' + 'layers.Dense(16), '.repeat(5_600) + '])\n',
    expect: 'analysed',
    hints: (h) => {
      expect(h).toHaveLength(5_601);
      expect(h.at(-1)).toBe(`2:${42 + 18 * 5_600 - 2} → (None, 16)`);
    },
  },
  {
    name: '10,000 layers in one Sequential',
    text: () => HEADER + 'm = keras.Sequential([keras.Input((16,)),\n' + '    layers.Dense(16),\n'.repeat(10_000) + '])\n',
    expect: 'analysed',
    hints: (h) => {
      expect(h).toHaveLength(10_001);
      expect(h.at(-1)).toBe('10002:20 → (None, 16)');
    },
  },
  {
    name: 'a self-referencing helper',
    text: () => HEADER + 'def f(x, n):\n    return f(layers.Dense(4)(x), n + 1)\nf(keras.Input((4,)), 0)\n',
    expect: 'analysed',
  },
  {
    name: 'mutually recursive helpers that branch (the work bound stops the analysis)',
    text: () => HEADER + 'inp = keras.Input((4,))\ndef a(x):\n    return b(x) + b(x)\ndef b(x):\n    return a(x) + a(x)\na(inp)\n',
    expect: 'stopped early',
    why: /^Shapewise: the analysis stopped part-way: the analysis stopped after [\d,]+ steps\. Layers after that point have no shapes\.$/,
  },
  {
    name: 'a cyclic assignment in an endless loop',
    text: () => HEADER + 'x = 0\nwhile True:\n    x = x + 1\n    y = layers.Dense(x)(keras.Input((4,)))\n',
    expect: 'analysed',
  },
  {
    name: 'a loop over a billion values',
    text: () => HEADER + 'inp = keras.Input((4,))\nfor i in range(10**9):\n    inp = layers.Dense(4)(inp)\n',
    expect: 'analysed',
  },
  {
    name: 'huge and negative literals: Conv2D(32, 10**100), strides=-1, strides=0',
    text: () =>
      HEADER +
      'inp = keras.Input((32, 32, 3))\na = layers.Conv2D(32, 10**100)(inp)\nb = layers.Conv2D(8, 3, strides=-1)(inp)\nc = layers.Conv2D(8, 3, strides=0)(inp)\nd = layers.Conv2D(-5, 3)(inp)\ne = layers.Conv2D(8, 2**20000)(inp)\nf = keras.Input((10**100, 3))\n',
    expect: 'analysed',
  },
  {
    name: 'float and string sizes',
    text: () => HEADER + 'inp = keras.Input((32.5, "a", 3))\na = layers.Conv2D(8.0, "3")(inp)\nb = layers.MaxPooling2D(1.5)(inp)\nc = layers.Dense("16")(keras.Input((4,)))\n',
    expect: 'analysed',
  },
  {
    name: 'CRLF, lone CR and a BOM',
    text: () => '\uFEFF' + HEADER.replace(/\n/g, '\r\n') + 'inp = keras.Input((65, 65, 3))\r\rx = layers.Conv2D(8, 3, strides=2, padding="same")(inp)\r\n',
    expect: 'analysed',
    hints: (h) => expect(h).toEqual(['2:30 → (None, 65, 65, 3)', '4:55 → (None, 33, 33, 8)']),
  },
];

let client: TestClient;
let analyzer: Analyzer;
let oracle: Oracle;
let opened = 0;

beforeAll(async () => {
  client = await TestClient.start();
  analyzer = await Analyzer.create();
  oracle = new Oracle(analyzer, {});
});

afterAll(async () => {
  await client?.stop();
  analyzer?.dispose();
});

/** Positions to hover: the start, a few inside, the very end, and past the end. */
function probes(text: string): Position[] {
  const starts = lineStarts(text);
  const out: Position[] = [{ line: 0, character: 0 }];
  for (const f of [0.1, 0.5, 0.9]) out.push(lspPosition(text, Math.floor(text.length * f), starts));
  out.push(lspPosition(text, text.length, starts), { line: starts.length + 5, character: 3 }, { line: 0, character: 1_000_000 });
  return out;
}

function logsAbout(uri: string): LogMessageParams[] {
  return client.logs.filter((l) => l.message.includes(uri));
}

/** Opens the text, asks for everything, checks the answers; returns what was published. */
async function attack(c: Case): Promise<{ uri: string; text: string; diagnostics: Diagnostic[]; hints: string[] }> {
  const uri = `file:///hostile/${++opened}.py`;
  const text = c.text();
  await client.open(uri, text);
  const [hints, hovers, actions] = await within(
    Promise.all([
      client.inlayHints(uri, WHOLE),
      Promise.all(probes(text).map((p) => client.hover(uri, p))),
      client.codeActions(uri, { start: { line: 0, character: 0 }, end: lspPosition(text, text.length) }),
    ]),
    ANSWER_MS,
    `requests on ${c.name}`,
  );
  const diagnostics = await within(client.diagnosticsFor(uri, 1), ANSWER_MS, `diagnostics of ${c.name}`);

  // Everything inside the text.
  const starts = lineStarts(text);
  const inside = (p: Position) => inBounds(text, p, starts);
  expect(hints.filter((h) => !inside(h.position))).toEqual([]);
  expect(diagnostics.filter((d) => !inside(d.range.start) || !inside(d.range.end) || String(d.message).length === 0)).toEqual([]);
  expect(hovers.filter((h) => h?.range && !(inside(h.range.start) && inside(h.range.end)))).toEqual([]);
  expect(Array.isArray(actions)).toBe(true);

  // The same as a fresh analysis of the text.
  const fresh = oracle.fresh(uri, 1, text);
  expect(stripData(hints)).toEqual(oracle.hintsWithTooltips(fresh, uri, WHOLE));
  expect(diagnostics).toEqual(oracle.diagnostics(fresh, uri));

  // What the user sees about the analysis itself.
  const status = diagnostics.filter((d) => d.code === undefined);
  if (c.expect === 'analysed') expect(status).toEqual([]);
  else {
    expect(status).toHaveLength(1);
    expect(status[0].severity).toBe(3); // Information
    expect(status[0].source).toBe('shapewise');
    expect(status[0].range.start).toEqual({ line: 0, character: 0 });
    if (c.why) expect(status[0].message).toMatch(c.why);
  }
  return { uri, text, diagnostics, hints: hintSummary(hints) };
}

describe('hostile documents over the protocol', () => {
  // Python ints are folded as doubles: past 2**53 a message gives the magnitude, never the false
  // low digits of the double (10**100 is 10000000000000000159028911097599180468360808563945...).
  it('a huge literal is quoted without false digits', async () => {
    const uri = 'file:///hostile/huge-literal.py';
    await client.open(uri, HEADER + 'inp = keras.Input((32, 32, 3))\na = layers.Conv2D(32, 10**100)(inp)\n');
    const [d] = await client.diagnosticsFor(uri, 1);
    await client.close(uri);
    expect(d.message).not.toContain('159028911097599180468360808563945281389781327557747838772170381060813469985856815104');
  });

  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const { uri, hints } = await attack(c);
        c.hints?.(hints);
        // A document opened right after is analysed exactly as by a fresh analyzer: nothing of
        // the hostile one leaks into it (a parse abandoned at the time limit once did).
        const after = `${uri}.after.py`;
        await client.open(after, AFTER);
        const fresh = oracle.fresh(after, 1, AFTER);
        expect(stripData(await within(client.inlayHints(after, WHOLE), ANSWER_MS, 'hints after'))).toEqual(oracle.hintsWithTooltips(fresh, after, WHOLE));
        expect(await within(client.diagnosticsFor(after, 1), ANSWER_MS, 'diagnostics after')).toEqual(oracle.diagnostics(fresh, after));
        await client.close(after);
        await client.close(uri);
      },
      90_000,
    );
  }

  it('a not-analysed document says so once in the log, however often it changes, and again after reopening', async () => {
    const uri = 'file:///hostile/huge-edited.py';
    const text = HEADER + '#'.repeat(MAX_DOCUMENT_CHARS) + '\n';
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
    for (let i = 0; i < 5; i++) {
      const v = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
      expect(await client.inlayHints(uri)).toEqual([]);
      const ds = await client.diagnosticsFor(uri, v);
      expect(ds.map((d) => d.message)).toEqual([
        `Shapewise: not analysed: the file has ${text.length + i + 1} characters, over the limit of ${MAX_DOCUMENT_CHARS}.`,
      ]);
    }
    const notes = () => logsAbout(uri).filter((l) => l.message.includes('is not analysed'));
    expect(notes().map((l) => l.message)).toEqual([`Shapewise: ${uri} is not analysed: the file has ${text.length} characters, over the limit of ${MAX_DOCUMENT_CHARS}`]);
    expect(notes()[0].type).toBe(3); // Info
    // Back under the limit: analysed, the note gone.
    const v = await client.change(uri, [{ text: SMALL }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    expect((await client.diagnosticsFor(uri, v)).map((d) => d.code)).toEqual(['same-stride-uneven']);
    await client.close(uri);
    // Reopened: a new document, noted again.
    await client.open(uri, text);
    expect(await client.inlayHints(uri)).toEqual([]);
    expect(notes()).toHaveLength(2);
    await client.close(uri);
  }, 120_000);

  it('a document the parser gives up on is noted once while it stays the same, and edits stay answered', async () => {
    const uri = 'file:///hostile/parser-gives-up.py';
    const text = realistic(5_000_000);
    await client.open(uri, text);
    await client.diagnosticsFor(uri, 1);
    const v = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    const [hints, ds] = await within(Promise.all([client.inlayHints(uri), client.diagnosticsFor(uri, v)]), ANSWER_MS, 'answers after an edit');
    expect(hints).toEqual([]);
    expect(ds.map((d) => d.message)).toEqual(['Shapewise: not analysed: the parser gave up on this file (too deeply nested or too large).']);
    expect(logsAbout(uri).filter((l) => l.message.includes('is not analysed'))).toHaveLength(1);
    await client.close(uri);
  }, 120_000);
});

// ------------------------------------------------------------------------------ notebooks

function cellUri(nb: string, i: number): string {
  return `vscode-notebook-cell:/hostile/${nb}.ipynb#C${i}`;
}

describe('hostile notebooks over the protocol', () => {
  const CELL_A = HEADER + 'inputs = keras.Input(shape=(64, 64, 3))';
  const CELL_B = 'x = layers.Conv2D(8, 3, strides=2, padding="same")(inputs)';

  it('non-Python cells (R, markdown, raw), a cell without its document and a document without a cell', async () => {
    const nb = 'file:///hostile/mixed.ipynb';
    const cells: NotebookCell[] = [
      { kind: 2, document: cellUri('mixed', 0) },
      { kind: 2, document: cellUri('mixed', 1) }, // R
      { kind: 1, document: cellUri('mixed', 2) }, // markdown
      { kind: 2, document: cellUri('mixed', 3) }, // raw (no language the server knows)
      { kind: 2, document: cellUri('mixed', 4) }, // listed, but its document never sent
      { kind: 2, document: cellUri('mixed', 5) },
      { kind: 7 as 2, document: cellUri('mixed', 6) }, // a kind that does not exist
    ];
    const docs: TextDocumentItem[] = [
      { uri: cellUri('mixed', 0), languageId: 'python', version: 1, text: CELL_A },
      { uri: cellUri('mixed', 1), languageId: 'r', version: 1, text: 'x <- layers.Conv2D(1, 1)(inputs)' },
      { uri: cellUri('mixed', 2), languageId: 'markdown', version: 1, text: '# x = layers.Conv2D(1, 1)(inputs)' },
      { uri: cellUri('mixed', 3), languageId: 'raw', version: 1, text: '{"cells": [ broken json' },
      { uri: cellUri('mixed', 5), languageId: 'python', version: 1, text: CELL_B },
      { uri: cellUri('mixed', 6), languageId: 'python', version: 1, text: 'y = layers.Conv2D(1, 1)(x)' },
      { uri: cellUri('mixed', 9), languageId: 'python', version: 1, text: 'not in the notebook = (' },
    ];
    await client.openNotebook({ notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells }, cellTextDocuments: docs });
    expect(hintSummary(await client.inlayHints(cellUri('mixed', 0)))).toEqual(['2:39 → (None, 64, 64, 3)']);
    expect(hintSummary(await client.inlayHints(cellUri('mixed', 5)))).toEqual(['0:58 → (None, 32, 32, 8)']);
    for (const i of [1, 2, 3, 4, 6, 9]) {
      expect(await client.inlayHints(cellUri('mixed', i))).toEqual([]);
      expect(await client.hover(cellUri('mixed', i), { line: 0, character: 5 })).toBeNull();
      expect(await client.codeActions(cellUri('mixed', i), WHOLE)).toEqual([]);
    }
    expect((await client.diagnosticsFor(cellUri('mixed', 5), 1)).map((d) => d.code)).toEqual(['same-stride-downsamples', 'same-asymmetric-padding']);

    // Changes naming cells that do not exist, an array splice out of range, data for unknown cells.
    await client.changeNotebook({
      notebookDocument: { uri: nb, version: 2 },
      change: {
        cells: {
          structure: { array: { start: 99, deleteCount: 5, cells: [{ kind: 2, document: cellUri('mixed', 42) }] }, didOpen: [], didClose: [{ uri: cellUri('mixed', 77) }] },
          data: [{ kind: 1, document: cellUri('mixed', 88) }],
          textContent: [
            { document: { uri: cellUri('mixed', 4), version: 2 }, changes: [{ text: 'never opened' }] },
            { document: { uri: cellUri('mixed', 5), version: 2 }, changes: [{ range: { start: { line: 0, character: 18 }, end: { line: 0, character: 19 } }, text: '16' }] },
          ],
        },
      },
    });
    expect(hintSummary(await client.inlayHints(cellUri('mixed', 5)))).toEqual(['0:59 → (None, 32, 32, 16)']);
    // Every cell removed, then closed.
    await client.changeNotebook({ notebookDocument: { uri: nb, version: 3 }, change: { cells: { structure: { array: { start: 0, deleteCount: 1_000 } } } } });
    expect(await client.inlayHints(cellUri('mixed', 5))).toEqual([]);
    await client.closeNotebook({ notebookDocument: { uri: nb }, cellTextDocuments: [] });
    expect(await client.inlayHints(cellUri('mixed', 5))).toEqual([]);
  });

  it('malformed notebook notifications: the malformed parts are left out (logged once, as malformed), the rest applied', async () => {
    const nb = 'file:///hostile/malformed.ipynb';
    const cell = (i: number): string => cellUri('malformed', i);
    const send = (method: string, params: unknown): Promise<void> => client.connection.sendNotification(method, params);
    const other = 'file:///hostile/beside-malformed.py';
    await client.open(other, SMALL);
    await send('notebookDocument/didOpen', {
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cell(0) }, null, { kind: 'code', document: cell(8) }, { kind: 2, document: cell(1) }] },
      cellTextDocuments: [
        { uri: cell(0), languageId: 'python', version: 1, text: CELL_A },
        { uri: cell(1), languageId: 'python', version: 1, text: CELL_B },
        { uri: cell(8), languageId: 'python', version: 1, text: 5 },
        'junk',
      ],
    });
    expect(hintSummary(await client.inlayHints(cell(1)))).toEqual(['0:58 → (None, 32, 32, 8)']);
    // Each of these is malformed in some part; the good parts of the last one still apply.
    const changes: unknown[] = [
      null,
      { notebookDocument: { uri: nb, version: 2 } },
      { notebookDocument: { uri: nb, version: 2 }, change: { cells: 5 } },
      { notebookDocument: { uri: nb, version: 2 }, change: { cells: { structure: {} } } },
      { notebookDocument: { uri: nb, version: 2 }, change: { cells: { structure: { array: { start: 'a', deleteCount: null, cells: [null] } } } } },
      { notebookDocument: { uri: nb, version: 2 }, change: { cells: { structure: { array: { start: 0, deleteCount: 0, cells: [{ kind: 2 }] } } } } },
      { notebookDocument: { uri: nb, version: 2 }, change: { cells: { data: 5, textContent: [null, { document: null, changes: [] }, { document: { uri: cell(1) }, changes: 'x' }] } } },
      {
        notebookDocument: { uri: nb, version: 2 },
        change: {
          cells: {
            structure: { array: { start: -1, deleteCount: 1 }, didOpen: [null], didClose: [5] },
            textContent: [{ document: { uri: cell(1), version: 2 }, changes: [null, { text: 7 }, { range: { start: { line: 0, character: 18 }, end: { line: 0, character: 19 } }, text: '16' }] }],
          },
        },
      },
    ];
    for (const change of changes) await send('notebookDocument/didChange', change);
    expect(hintSummary(await client.inlayHints(cell(1)))).toEqual(['0:59 → (None, 32, 32, 16)']);
    expect(hintSummary(await client.inlayHints(cell(0)))).toEqual(['2:39 → (None, 64, 64, 3)']);
    expect(hintSummary(await client.inlayHints(other))).toEqual(SMALL_HINTS);
    for (const params of [null, 5, { notebookDocument: null }, { notebookDocument: { uri: 5 } }]) {
      await send('notebookDocument/didOpen', params);
      await send('notebookDocument/didChange', params);
      await send('notebookDocument/didClose', params);
    }
    expect(hintSummary(await client.inlayHints(cell(1)))).toEqual(['0:59 → (None, 32, 32, 16)']);
    const logged = logsAbout(nb).map((l) => l.message);
    expect(logged.filter((m) => m.includes('internal error'))).toEqual([]);
    expect(logged.filter((m) => m.includes('ignored malformed parts of notebookDocument/didOpen'))).toHaveLength(1);
    // Once per notebook and method, however many malformed changes came.
    expect(logged.filter((m) => m.includes('ignored malformed parts of notebookDocument/didChange'))).toHaveLength(1);
    expect(logged.find((m) => m.includes('didOpen'))).toMatch(/cells\[1\] null; cells\[2\] .*cellTextDocuments\[2\] .*cellTextDocuments\[3\] "junk"/);
    const unnamed = client.logs.filter((l) => l.message.includes('a notebook without a URI')).map((l) => l.message);
    expect(unnamed.some((m) => m.includes('internal error'))).toBe(false);
    expect(unnamed.length).toBeGreaterThan(0);
    // A close with a malformed cell list still closes the notebook.
    await send('notebookDocument/didClose', { notebookDocument: { uri: nb }, cellTextDocuments: [null, { uri: cell(1) }] });
    expect(await client.inlayHints(cell(1))).toEqual([]);
    await client.close(other);
  });

  it('a notebook too large to analyse says so on its first code cell', async () => {
    const nb = 'file:///hostile/huge.ipynb';
    const cells: NotebookCell[] = [
      { kind: 1, document: cellUri('huge', 0) },
      { kind: 2, document: cellUri('huge', 1) },
      { kind: 2, document: cellUri('huge', 2) },
    ];
    await client.openNotebook({
      notebookDocument: { uri: nb, notebookType: 'jupyter-notebook', version: 1, cells },
      cellTextDocuments: [
        { uri: cellUri('huge', 0), languageId: 'markdown', version: 1, text: '# Title' },
        { uri: cellUri('huge', 1), languageId: 'python', version: 1, text: CELL_A },
        { uri: cellUri('huge', 2), languageId: 'python', version: 1, text: '#'.repeat(MAX_DOCUMENT_CHARS) },
      ],
    });
    const first = await within(client.diagnosticsFor(cellUri('huge', 1), 1), ANSWER_MS, 'diagnostics');
    expect(first.map((d) => [d.severity, d.range, d.message])).toEqual([
      [
        3,
        { start: { line: 0, character: 0 }, end: { line: 0, character: 12 } },
        `Shapewise: not analysed: the file has ${CELL_A.length + MAX_DOCUMENT_CHARS + 2} characters, over the limit of ${MAX_DOCUMENT_CHARS}.`,
      ],
    ]);
    expect(await client.diagnosticsFor(cellUri('huge', 2), 1)).toEqual([]);
    expect(client.diagnostics.some((d) => d.uri === cellUri('huge', 0))).toBe(false);
    expect(await client.inlayHints(cellUri('huge', 1))).toEqual([]);
    await client.closeNotebook({ notebookDocument: { uri: nb }, cellTextDocuments: [] });
  });

  it('a notebook with no cells at all, one whose only cell is empty, and one opened twice', async () => {
    await client.openNotebook({ notebookDocument: { uri: 'file:///hostile/empty.ipynb', notebookType: 'jupyter-notebook', version: 1, cells: [] }, cellTextDocuments: [] });
    await client.openNotebook({
      notebookDocument: { uri: 'file:///hostile/blank.ipynb', notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2, document: cellUri('blank', 0) }] },
      cellTextDocuments: [{ uri: cellUri('blank', 0), languageId: 'python', version: 1, text: '' }],
    });
    expect(await client.inlayHints(cellUri('blank', 0))).toEqual([]);
    expect(await client.diagnosticsFor(cellUri('blank', 0), 1)).toEqual([]);
    const twice = { uri: 'file:///hostile/twice.ipynb', notebookType: 'jupyter-notebook', version: 1, cells: [{ kind: 2 as const, document: cellUri('twice', 0) }] };
    await client.openNotebook({ notebookDocument: twice, cellTextDocuments: [{ uri: cellUri('twice', 0), languageId: 'python', version: 1, text: CELL_A }] });
    await client.openNotebook({ notebookDocument: twice, cellTextDocuments: [{ uri: cellUri('twice', 0), languageId: 'python', version: 1, text: CELL_A + '\n' + CELL_B }] });
    expect(hintSummary(await client.inlayHints(cellUri('twice', 0)))).toEqual(['2:39 → (None, 64, 64, 3)', '3:58 → (None, 32, 32, 8)']);
  });
});

// ------------------------------------------------------------------------------ hostile clients

describe('a careless client', () => {
  it('requests on documents never opened, and notifications about them, get empty answers', async () => {
    const uri = 'file:///hostile/never-opened.py';
    await client.change(uri, [{ text: 'x = 1' }]);
    await client.close(uri);
    expect(await client.inlayHints(uri)).toEqual([]);
    expect(await client.hover(uri, { line: 0, character: 0 })).toBeNull();
    expect(await client.codeActions(uri, WHOLE)).toEqual([]);
  });

  it('positions out of range, negative or fractional are answered', async () => {
    const uri = 'file:///hostile/positions.py';
    await client.open(uri, SMALL);
    for (const p of [
      { line: -1, character: -1 },
      { line: 3, character: -5 },
      { line: 3, character: 2.5 },
      { line: 1e9, character: 1e9 },
      { line: Number.MAX_SAFE_INTEGER, character: 0 },
    ]) {
      await within(client.hover(uri, p), ANSWER_MS, `hover at ${JSON.stringify(p)}`);
      await within(client.codeActions(uri, { start: p, end: { line: 0, character: 0 } }), ANSWER_MS, 'code actions');
      await within(client.inlayHints(uri, { start: p, end: p }), ANSWER_MS, 'hints');
    }
    expect(hintSummary(await client.inlayHints(uri, { start: { line: -10, character: -10 }, end: { line: 1e9, character: 0 } }))).toEqual(SMALL_HINTS);
    await client.close(uri);
  });

  it('malformed requests are answered InvalidParams, naming what is wrong; nothing is logged as an internal error', async () => {
    const uri = 'file:///hostile/malformed.py';
    await client.open(uri, SMALL);
    const refused = async (method: string, params: unknown): Promise<string> => {
      const answer = await within(
        client.connection.sendRequest(method, params).then(
          (result) => ({ result }),
          (error: unknown) => ({ error }),
        ),
        ANSWER_MS,
        method,
      );
      expect(answer, `${method} ${JSON.stringify(params)}`).toHaveProperty('error');
      const error = (answer as { error: { code: number; message: string } }).error;
      expect(error.code, error.message).toBe(ErrorCodes.InvalidParams);
      return error.message;
    };
    for (let i = 0; i < 2; i++) {
      expect(await refused(HoverRequest.method, { textDocument: { uri } })).toBe('textDocument/hover: position is not {line, character} of numbers.');
      expect(await refused(InlayHintRequest.method, { textDocument: { uri } })).toBe('textDocument/inlayHint: range is not two positions of numbers.');
      expect(await refused(CodeActionRequest.method, { textDocument: { uri }, range: WHOLE })).toBe('textDocument/codeAction: context.diagnostics is not a list.');
      expect(await refused(CodeActionRequest.method, { textDocument: { uri }, range: WHOLE, context: { diagnostics: [], only: 'quickfix' } })).toBe('textDocument/codeAction: context.only is not a list of strings.');
      expect(await refused(HoverRequest.method, { textDocument: { uri: 5 }, position: { line: 0, character: 0 } })).toBe('textDocument/hover: textDocument.uri is not a string.');
      expect(await refused(InlayHintRequest.method, { textDocument: null, range: WHOLE })).toBe('textDocument/inlayHint: textDocument.uri is not a string.');
      // An array or null: vscode-jsonrpc refuses them before the handler (with messages of its own).
      expect(await refused(InlayHintRequest.method, [uri])).toMatch(/textDocument\/inlayHint/);
      expect(await refused(HoverRequest.method, null)).toMatch(/textDocument\/hover/);
    }
    expect(client.logs.filter((l) => l.message.includes('internal error'))).toEqual([]);
    // The document itself is fine.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    await client.close(uri);
  });

  it('malformed content changes are skipped (logged once), and a full-text change brings the document back in step', async () => {
    const uri = 'file:///hostile/bad-changes.py';
    await client.open(uri, SMALL);
    await client.diagnosticsFor(uri, 1);
    const bad = [
      { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# fine\n' },
      { range: { start: { line: 'x', character: 0 }, end: { line: 0, character: 0 } }, text: 'bad range' },
      { range: { start: { line: 0, character: 0 } }, text: 'no end' },
      { text: 42 },
      null,
    ];
    for (let version = 2; version <= 3; version++) {
      await client.connection.sendNotification(DidChangeTextDocumentNotification.method, { textDocument: { uri, version }, contentChanges: bad });
      client.setVersion(uri, version);
    }
    // The one good change was applied each time.
    expect(hintSummary(await client.inlayHints(uri))).toEqual(['4:30 → (None, 65, 65, 3)', '5:55 → (None, 33, 33, 8)']);
    expect(logsAbout(uri).filter((l) => l.message.includes('malformed content change'))).toHaveLength(1);
    const v = await client.change(uri, [{ text: SMALL }]);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    expect((await client.diagnosticsFor(uri, v)).map((d) => d.code)).toEqual(['same-stride-uneven']);
    // A change without any content changes, and versions going backwards.
    await client.connection.sendNotification(DidChangeTextDocumentNotification.method, { textDocument: { uri, version: 1 } });
    await client.connection.sendNotification(DidChangeTextDocumentNotification.method, { textDocument: { uri, version: 0 }, contentChanges: [] });
    client.setVersion(uri, 0);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    expect((await client.diagnosticsFor(uri, 0)).map((d) => d.code)).toEqual(['same-stride-uneven']);
    await client.close(uri);
  });

  it('opening a document twice, or with text that is not a string, closing twice', async () => {
    const uri = 'file:///hostile/twice.py';
    await client.open(uri, 'x = (');
    await client.open(uri, SMALL);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    await client.close(uri);
    await client.close(uri);
    await client.connection.sendNotification(DidOpenTextDocumentNotification.method, { textDocument: { uri, languageId: 'python', version: 1, text: null } });
    expect(await client.inlayHints(uri)).toEqual([]);
    await client.open(uri, SMALL);
    expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    await client.close(uri);
  });
});

// ------------------------------------------------------------------------------ the built server

describe('dist/server.js over stdio', () => {
  // Repeating an empty sequence a huge number of times (`[] * 10**10`) once looped `count` times
  // and hung the server. Found by the analysis fuzzer (seed 1).
  it('answers on `[] * 10**10` in a document', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache']);
    const { conn } = server;
    try {
      const text = HEADER + 'skips = [] * 10**10\ninp = keras.Input((8,))\n';
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///repeat.py', languageId: 'python', version: 1, text } });
      const answer = conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///repeat.py' }, range: WHOLE });
      expect((await within(answer, 10_000, 'hints'))?.map((h) => h.label)).toEqual(['→ (None, 8)']);
    } finally {
      server.close();
    }
  }, 30_000);

  // `zip()` without arguments once looped for ever (n = Math.min() of nothing = Infinity) and
  // allocated until the server died of out-of-memory; an editor produces it while typing
  // `for a, b in zip(`. Found by the protocol fuzzer (seed 11). Run with a small heap, so a
  // regression dies in seconds.
  it('survives `zip()` in a document', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache'], { nodeArgs: ['--max-old-space-size=128'] });
    const { conn, exited } = server;
    try {
      const text = HEADER + 'for a, b in zip():\n    pass\n';
      await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///zip.py', languageId: 'python', version: 1, text } });
      const answer = conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///zip.py' }, range: WHOLE });
      const died = exited.then((code) => Promise.reject(new Error(`the server exited (${code}) without answering`)));
      expect(await within(Promise.race([answer, died]), 60_000, 'hints')).toEqual([]);
    } finally {
      server.close();
    }
  }, 90_000);

  it('answers every request on hostile documents, survives a malformed message, and exits cleanly', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache']);
    const { child, conn, published, logs, exited } = server;
    try {
      const docs: [string, string][] = [
        ['huge', realistic(5_000_000)],
        ['bytes', HEADER + randomBytes(5, 20_000).toString('utf8')],
        ['surrogates', HEADER + 'a = "\uD800\uDC00\uDC00\uD800"\n\0\n'],
        ['nested', HEADER + 'x = ' + '('.repeat(50_000) + '\n'],
        ['small', SMALL],
      ];
      for (const [name, text] of docs) {
        await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: `file:///${name}.py`, languageId: 'python', version: 1, text } });
      }
      // A message that is not JSON at all, then one with a method nobody handles.
      child.stdin.write('Content-Length: 9\r\n\r\n{not json');
      await expect(conn.sendRequest('shapewise/noSuchMethod', {})).rejects.toThrow(/Unhandled method/);
      for (const [name, text] of docs) {
        const uri = `file:///${name}.py`;
        const [hints, h, actions] = await within(
          Promise.all([
            conn.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: WHOLE }),
            conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: lspPosition(text, Math.floor(text.length / 2)) }),
            conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: WHOLE, context: { diagnostics: [] } }),
          ]),
          ANSWER_MS,
          `requests on ${name}`,
        );
        expect(Array.isArray(hints) && Array.isArray(actions)).toBe(true);
        expect(h === null || typeof h === 'object').toBe(true);
      }
      const small = await within(
        conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///small.py' }, range: WHOLE }),
        ANSWER_MS,
        'small hints',
      );
      expect(small?.map((x) => x.label)).toEqual(['→ (None, 65, 65, 3)', '→ (None, 33, 33, 8)']);
      await pollUntil(() => published.some((p) => p.uri === 'file:///huge.py'), 200, 50);
      const huge = published.find((p) => p.uri === 'file:///huge.py');
      expect(huge?.diagnostics.map((d) => d.message)).toEqual([
        'Shapewise: not analysed: the parser gave up on this file (too deeply nested or too large).',
      ]);
      expect(logs.some((l) => l.message === 'Shapewise: file:///huge.py is not analysed: the parser gave up on this file (too deeply nested or too large)')).toBe(true);
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(0);
    } finally {
      server.close();
    }
    expect(server.stderr()).toBe('');
  }, 120_000);

  it('a frame it cannot read (no Content-Length) is said on stderr and the server exits, rather than going deaf', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache']);
    try {
      // A null cancellation and a body that is not JSON first: the stream is still in step there.
      server.child.stdin.write('Content-Length: 58\r\n\r\n{"jsonrpc":"2.0","method":"$/cancelRequest","params":null}');
      server.child.stdin.write('Content-Length: 9\r\n\r\n{not json');
      await expect(server.conn.sendRequest('shapewise/noSuchMethod', {})).rejects.toThrow(/Unhandled method/);
      server.child.stdin.write('Content-Type: application/vscode-jsonrpc\r\n\r\n{}');
      expect(await within(server.exited, ANSWER_MS, 'exit')).toBe(1);
    } finally {
      server.close();
    }
    expect(server.stderr()).toMatch(/^shapewise-language-server: the client sent a message that cannot be read \(Header must provide a Content-Length property\.\); the rest of the stream cannot be followed, so the server exits\n$/);
  }, 60_000);

  it('a client that stops reading (its end of stdout closed): the server says so and exits, without a stack trace', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache']);
    try {
      server.child.stdout.destroy();
      for (let i = 0; i < 5; i++) server.child.stdin.write(`Content-Length: 61\r\n\r\n{"jsonrpc":"2.0","id":${100 + i},"method":"shapewise/x","params":{}}`);
      expect(await within(server.exited, ANSWER_MS, 'exit')).toBe(1);
    } finally {
      server.close();
    }
    expect(server.stderr()).toMatch(/^shapewise-language-server: cannot write to the client \(write EPIPE\); exiting\n$/);
  }, 60_000);

  it('initialize without an object of capabilities (null params, {}, null capabilities) is answered InvalidParams, and a proper one after it works', async () => {
    const { child, messages: answers, send } = rawServer();
    try {
      send({ id: 1, method: 'initialize', params: null });
      send({ id: 2, method: 'initialize', params: {} });
      send({ id: 3, method: 'initialize', params: { processId: null, rootUri: null, capabilities: null } });
      send({ id: 4, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
      await pollUntil(() => answers.filter((a) => a.id !== undefined).length >= 4, 400);
      const byId = (id: number) => answers.find((a) => a.id === id);
      for (const id of [1, 2, 3]) expect(byId(id)?.error?.code, `initialize ${id}`).toBe(ErrorCodes.InvalidParams);
      expect(byId(4)?.result).toMatchObject({ serverInfo: { name: 'shapewise' } });
    } finally {
      child.kill();
    }
  }, 60_000);

  it('shutdown sent while initialize waits for the parser: initialize is answered first, nothing is published after the shutdown, and exit ends the process with 0', async () => {
    const { child, messages, exited, frame } = rawServer();
    try {
      // All at once, the parser still loading: nothing after initialize is handled before it is answered.
      child.stdin.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }) + frame({ id: 2, method: 'shutdown' }));
      await pollUntil(() => messages.some((m) => m.id === 1) && messages.some((m) => m.id === 2), 200);
      expect(messages.find((m) => m.id === 1)?.result).toMatchObject({ serverInfo: { name: 'shapewise' } });
      expect(messages.findIndex((m) => m.id === 1)).toBeLessThan(messages.findIndex((m) => m.id === 2));
      child.stdin.write(frame({ method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///late.py', languageId: 'python', version: 1, text: SMALL } } }));
      await new Promise((r) => setTimeout(r, 500));
      expect(messages.some((m) => m.method === 'textDocument/publishDiagnostics')).toBe(false);
      child.stdin.write(frame({ method: 'exit' }));
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(0);
    } finally {
      child.kill();
    }
  }, 60_000);

  // The library marked itself shut down before the server refused the request, and exit then
  // gave 0 while the client's end stayed open (1 when it closed).
  it('shutdown before initialize is refused, and exit then ends the process with 1', async () => {
    const { child, messages, exited, send } = rawServer();
    try {
      send({ id: 1, method: 'shutdown' });
      await pollUntil(() => messages.some((m) => m.id === 1), 200);
      expect(messages.find((m) => m.id === 1)?.error?.code).toBe(ErrorCodes.ServerNotInitialized);
      send({ method: 'exit' });
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(1);
    } finally {
      child.kill();
    }
  }, 60_000);

  it('a negative Content-Length is said on stderr and the server exits, rather than going deaf', async () => {
    const { child, exited, stderr, messages, frame } = rawServer();
    try {
      child.stdin.write(frame({ id: 1, method: 'shapewise/x', params: {} }) + 'Content-Length: -5\r\n\r\n' + frame({ id: 2, method: 'shapewise/y', params: {} }));
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(1);
      // The request before the bad frame is answered.
      expect(messages.map((m) => m.id)).toEqual([1]);
    } finally {
      child.kill();
    }
    expect(stderr()).toBe('shapewise-language-server: the client sent a message header with a negative Content-Length; the stream cannot be read, so the server exits\n');
  }, 60_000);

  it('a header that ends in bare line feeds is said on stderr and the server exits, rather than waiting for ever', async () => {
    const { child, exited, stderr } = rawServer();
    try {
      const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
      child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\n\n${body}`);
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(1);
    } finally {
      child.kill();
    }
    expect(stderr()).toBe('shapewise-language-server: the client sent a message header that does not end in CR LF CR LF (bare line feeds); the stream cannot be read, so the server exits\n');
  }, 60_000);

  // A whole session written at once, and the client's end closed: the library handled `exit` as
  // soon as it was read, while initialize still waited for the parser, and refused to write once
  // the input had ended ("Connection is closed", uncaught): from a pipe nothing was answered and
  // the status was 1, from a file initialize's answer was lost.
  for (const via of ['pipe', 'file'] as const) {
    it(`a whole session piped in at once (from a ${via}): every request is answered before the process exits, with 0 after shutdown`, async () => {
      const open = { textDocument: { uri: 'file:///piped.py', languageId: 'python', version: 1, text: SMALL } };
      const session = [
        { id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } },
        { method: 'initialized', params: {} },
        { method: 'textDocument/didOpen', params: open },
        { id: 2, method: 'textDocument/inlayHint', params: { textDocument: { uri: 'file:///piped.py' }, range: WHOLE } },
        { id: 3, method: 'shutdown' },
        { method: 'exit' },
      ];
      const { messages, exited, stderr } = pipedSession(session, via);
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(0);
      expect(messages.filter((m) => m.id !== undefined).map((m) => m.id)).toEqual([1, 2, 3]);
      // The didOpen came while initialize waited for the parser: it was dropped, and there were no hints.
      expect((messages.find((m) => m.id === 2)?.result as { label: string }[]).map((h) => h.label)).toEqual(['→ (None, 65, 65, 3)', '→ (None, 33, 33, 8)']);
      expect(stderr()).toBe('');
    }, 60_000);
  }

  it('the client\'s end closed right after initialize, with no shutdown: initialize is answered, then the process exits with 1', async () => {
    const { messages, exited, stderr } = pipedSession([{ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } }], 'pipe');
    expect(await within(exited, ANSWER_MS, 'exit')).toBe(1);
    expect(messages.find((m) => m.id === 1)?.result).toMatchObject({ serverInfo: { name: 'shapewise' } });
    expect(stderr()).toBe('');
  }, 60_000);
  // The process exited after its grace with an answer still in the pipe, and the client read a
  // header announcing megabytes followed by the first 64 KB of them.
  it('a client that reads only seconds after its whole session was written gets every answer whole', async () => {
    const text = HEADER + 'inp = keras.Input((65, 65, 3))\nx = inp\n' + 'x = layers.Conv2D(8, 3, padding="same")(x)\n'.repeat(3_000);
    const session = [
      { id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } },
      { method: 'initialized', params: {} },
      { method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///big.py', languageId: 'python', version: 1, text } } },
      { id: 2, method: 'textDocument/inlayHint', params: { textDocument: { uri: 'file:///big.py' }, range: WHOLE } },
      { id: 3, method: 'shutdown' },
      { method: 'exit' },
    ];
    const child = spawn(process.execPath, [serverJs, '--stdio', '--no-code-cache'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.pause();
    child.stdin.end(session.map((m) => frameOf(m)).join(''));
    await new Promise((r) => setTimeout(r, 2_500));
    const { messages, exited } = watch(child);
    child.stdout.resume();
    expect(await within(exited, ANSWER_MS, 'exit')).toBe(0);
    await new Promise((r) => setTimeout(r, 100));
    expect(messages.filter((m) => m.id !== undefined).map((m) => m.id)).toEqual([1, 2, 3]);
    expect((messages.find((m) => m.id === 2)?.result as unknown[]).length).toBe(3_001);
  }, 60_000);
});

/** `session`'s frames written at once to the built server's stdin, from a pipe or a file, then its end. */
function pipedSession(session: object[], via: 'pipe' | 'file') {
  const bytes = session.map((m) => frameOf(m)).join('');
  let input: 'pipe' | number = 'pipe';
  if (via === 'file') {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'shapewise-session-')), 'session.bin');
    writeFileSync(file, bytes);
    input = openSync(file, 'r');
  }
  const child = spawn(process.execPath, [serverJs, '--stdio', '--no-code-cache'], { stdio: [input, 'pipe', 'pipe'] });
  if (typeof input === 'number') closeSync(input);
  else child.stdin?.end(bytes);
  return watch(child);
}

function frameOf(message: object): string {
  const body = JSON.stringify({ jsonrpc: '2.0', ...message });
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Every message the child sends on stdout, its exit status and its stderr. */
function watch(child: ChildProcess) {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const messages: { id?: unknown; method?: string; result?: unknown; error?: { code: number } }[] = [];
  if (child.stdout) new StreamMessageReader(child.stdout).listen((m) => messages.push(m as never));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  return { exited, messages, stderr: () => stderr };
}

/**
 * The built server on stdio with no client library in between: frames written as they are (a
 * client that breaks the protocol's order or framing), every message it sends, its stderr.
 */
function rawServer() {
  const child = spawn(process.execPath, [serverJs, '--stdio', '--no-code-cache'], { stdio: ['pipe', 'pipe', 'pipe'] });
  return { child, ...watch(child), frame: frameOf, send: (message: object) => void child.stdin.write(frameOf(message)) };
}
