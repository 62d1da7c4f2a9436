// The server keeps answering: when requests are cancelled, when edits arrive faster than it
// analyses, and after an internal error in one document (other documents unaffected, the error
// logged once with the document, the phase and the place). Internal errors are simulated with
// spies on the Analyzer's prototype (the server runs in-process): no hook in the server itself.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CancellationTokenSource,
  DidOpenTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InlayHintRequest,
  LSPErrorCodes,
  ResponseError,
  ShutdownRequest,
  type InlayHint,
  type LogMessageParams,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { Analyzer, MAX_TEXT_PATH_CHARS } from '../../server/src/analysis';
import type { AnalysisResult } from '../../server/src/analysis-types';
import { startBuiltServer } from '../lsp/built-server';
import { TestClient, hintSummary } from '../lsp/harness';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';
import { Oracle, applyChange, lspPosition, rangeAt, stripData, within } from './support';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const HEADER = 'import keras\nfrom keras import layers\n';
const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 10_000_000, character: 0 } };
const ANSWER_MS = 30_000;
const SMALL = HEADER + 'inp = keras.Input((65, 65, 3))\nx = layers.Conv2D(8, 3, strides=2, padding="same")(inp)\n';
const SMALL_HINTS = ['2:30 → (None, 65, 65, 3)', '3:55 → (None, 33, 33, 8)'];

function huge(): string {
  const unit = generate(2_000, 5);
  let text = '';
  while (text.length < 5_000_000) text += unit;
  return text;
}

let analyzer: Analyzer;
let oracle: Oracle;
beforeAll(async () => {
  analyzer = await Analyzer.create();
  oracle = new Oracle(analyzer, {});
});
afterAll(() => analyzer?.dispose());
afterEach(() => {
  vi.restoreAllMocks();
});

/** Sends an inlay-hint request and cancels it at once; resolves to the hints, or 'cancelled'. */
function cancelledHints(client: TestClient, uri: string): Promise<InlayHint[] | 'cancelled'> {
  const source = new CancellationTokenSource();
  const p = client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: WHOLE }, source.token);
  source.cancel();
  return p.then(
    (h) => h ?? [],
    (e: unknown) => {
      if (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) return 'cancelled' as const;
      throw e;
    },
  );
}

// ------------------------------------------------------------------------------ cancellation

describe('cancellation', () => {
  it('an inlay-hint request on a 5 MB document, cancelled: answered, and later requests are answered', async () => {
    const client = await TestClient.start();
    try {
      await client.open('file:///small.py', SMALL);
      expect(hintSummary(await client.inlayHints('file:///small.py'))).toEqual(SMALL_HINTS);
      const uri = 'file:///huge.py';
      await client.open(uri, huge());
      const cancelled = cancelledHints(client, uri);
      const later = Promise.all([client.inlayHints('file:///small.py'), client.hover('file:///small.py', { line: 3, character: 12 })]);
      const [answer, [hints, hover]] = await within(Promise.all([cancelled, later]), ANSWER_MS, 'answers');
      // Either the cancellation was seen before the work started, or the (empty) answer came first.
      expect(answer === 'cancelled' || answer.length === 0).toBe(true);
      expect(hintSummary(hints)).toEqual(SMALL_HINTS);
      expect(hover).not.toBeNull();
      // And the big document itself is still answered, with its reason published.
      expect(await within(client.inlayHints(uri), ANSWER_MS, 'hints of the big document')).toEqual([]);
      expect((await within(client.diagnosticsFor(uri, 1), ANSWER_MS, 'diagnostics')).map((d) => d.message)).toEqual([
        'Shapewise: not analysed: the parser gave up on this file (too deeply nested or too large).',
      ]);
    } finally {
      await client.stop();
    }
  }, 60_000);

  it('a request cancelled while the server waits for the settings is answered RequestCancelled, not with empty hints', async () => {
    const client = await TestClient.start();
    try {
      const uri = 'file:///wait-for-settings.py';
      await client.open(uri, SMALL);
      // The first requests on a document wait for the client's settings (workspace/configuration):
      // the cancellation arrives before the settings do.
      expect(await within(cancelledHints(client, uri), ANSWER_MS, 'cancelled')).toBe('cancelled');
      expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    } finally {
      await client.stop();
    }
  });

  it('requests cancelled while queued behind a long analysis are not analysed', async () => {
    const client = await TestClient.start({ debounceMs: 60_000 });
    try {
      const uri = 'file:///queued.py';
      const text = generate(3_000, 3);
      await client.open(uri, text);
      expect((await client.inlayHints(uri)).length).toBeGreaterThan(0);
      const analyses = vi.spyOn(Analyzer.prototype, 'analyzeTree');
      // An edit, then ten hint requests each cancelled at once: the first one may start before
      // its cancellation is read; the others wait behind it and are dropped unanalysed.
      await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edit\n' }]);
      const answers = await within(Promise.all(Array.from({ length: 10 }, () => cancelledHints(client, uri))), ANSWER_MS, 'cancelled requests');
      expect(answers.filter((a) => a === 'cancelled').length).toBeGreaterThanOrEqual(9);
      expect(analyses.mock.calls.length).toBeLessThanOrEqual(1);
      // The next request gets the hints of the edited text.
      const edited = '# edit\n' + text;
      const fresh = oracle.fresh(uri, 2, edited);
      expect(stripData(await client.inlayHints(uri, WHOLE))).toEqual(oracle.hintsWithTooltips(fresh, uri, WHOLE));
    } finally {
      await client.stop();
    }
  });
});

// ------------------------------------------------------------------------------ fast edits

describe('edits faster than analysis', () => {
  it('100 changes sent at once, then one hint request: the answer is that of the final text; publishes are never of older text', async () => {
    const client = await TestClient.start({ debounceMs: 150 });
    try {
      const uri = 'file:///fast.py';
      let text = generate(2_500, 4);
      await client.open(uri, text);
      const texts = new Map<number, string>([[1, text]]);
      const analyses = vi.spyOn(Analyzer.prototype, 'analyzeTree');
      // Typing at the end of the first block: "x = layers.Conv2D(4, 3)(x)\n" one character at a time, with deletions.
      const at = text.indexOf('\n\n') + 1;
      const typed = 'x = layers.Conv2D(4, 3, strides=2, padding="same")(x)\n';
      const sends: Promise<number>[] = [];
      for (let i = 0; i < 100; i++) {
        const offset = at + (i % typed.length);
        const change =
          i % 10 === 9
            ? { range: rangeAt(text, offset - 1, offset), text: '' } // a backspace
            : { range: rangeAt(text, offset, offset), text: typed[i % typed.length] };
        text = applyChange(text, change);
        sends.push(client.change(uri, [change]));
        texts.set(i + 2, text);
      }
      const hints = client.inlayHints(uri, WHOLE);
      await Promise.all(sends);
      const fresh = oracle.fresh(uri, 101, text);
      expect(stripData(await within(hints, ANSWER_MS, 'hints'))).toEqual(oracle.hintsWithTooltips(fresh, uri, WHOLE));
      expect(await within(client.diagnosticsFor(uri, 101), ANSWER_MS, 'final diagnostics')).toEqual(oracle.diagnostics(fresh, uri));
      // Far fewer analyses than changes: the request analysed the final text, the debounced
      // publish found it cached.
      expect(analyses.mock.calls.length).toBeLessThanOrEqual(3);
      for (const p of client.diagnostics.filter((d) => d.uri === uri)) {
        const v = p.version ?? -1;
        expect(p.diagnostics).toEqual(oracle.diagnostics(oracle.fresh(uri, v, texts.get(v) ?? ''), uri));
      }
    } finally {
      await client.stop();
    }
  });

  it('a change and a hint request, 100 times, nothing awaited: every answer matches its text', async () => {
    const client = await TestClient.start({ debounceMs: 5 });
    try {
      const uri = 'file:///interleaved.py';
      let text = generate(400, 6);
      await client.open(uri, text);
      await client.inlayHints(uri); // settings fetched: answers are those of the text when asked
      const pending: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        const offset = Math.floor((text.length * ((i * 37) % 100)) / 100);
        const line = lspPosition(text, offset).line;
        const change = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: i % 3 === 0 ? 'x = layers.Dense(3)(x)\n' : '# 😀\n' };
        text = applyChange(text, change);
        void client.change(uri, [change]);
        const snapshot = text;
        const version = i + 2;
        pending.push(
          client.inlayHints(uri, WHOLE).then((h) => {
            expect(stripData(h)).toEqual(oracle.hintsWithTooltips(oracle.fresh(uri, version, snapshot), uri, WHOLE));
          }),
        );
      }
      await within(Promise.all(pending), 60_000, '100 hint requests');
    } finally {
      await client.stop();
    }
  }, 90_000);

  it('more documents than the tree cache holds, edited in turn, stay exact', async () => {
    const client = await TestClient.start({ treeCacheSize: 3 });
    try {
      const docs = Array.from({ length: 8 }, (_, i) => ({ uri: `file:///many/${i}.py`, text: generate(60 + i * 10, 20 + i), version: 1 }));
      for (const d of docs) await client.open(d.uri, d.text);
      for (let round = 0; round < 4; round++) {
        for (const d of docs) {
          const line = (round * 7 + d.version) % 40;
          const change = { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: round % 2 ? '\n' : '# 形状\n' };
          d.text = applyChange(d.text, change);
          d.version = await client.change(d.uri, [change]);
          const fresh = oracle.fresh(d.uri, d.version, d.text);
          expect(stripData(await client.inlayHints(d.uri, WHOLE))).toEqual(oracle.hintsWithTooltips(fresh, d.uri, WHOLE));
        }
      }
    } finally {
      await client.stop();
    }
  });
});

// ------------------------------------------------------------------------------ internal errors

const MARKER = 'SHAPEWISE_TEST_CRASH';

function errorsAbout(logs: LogMessageParams[], uri: string): string[] {
  return logs.filter((l) => l.type === 1 && l.message.includes(uri)).map((l) => l.message);
}

describe('a document the parser gives up on, typed in', () => {
  it('its requests do not parse it again while it stays over the text reader\'s limit; the diagnostics do once typing pauses, and hints are refreshed when it can be analysed', async () => {
    const GAVE_UP = 'Shapewise: not analysed: the parser gave up on this file (too deeply nested or too large).';
    const client = await TestClient.start({ debounceMs: 1_500 });
    try {
      const uri = 'file:///gives-up.py';
      await client.open(uri, huge());
      expect((await within(client.diagnosticsFor(uri, 1), ANSWER_MS, 'first diagnostics')).map((d) => d.message)).toEqual([GAVE_UP]);
      const parses = vi.spyOn(Analyzer.prototype, 'parse');
      let v = 1;
      for (let i = 0; i < 5; i++) {
        v = await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '#' }]);
        expect(await within(client.inlayHints(uri), ANSWER_MS, 'hints')).toEqual([]);
        expect(await client.hover(uri, { line: 3, character: 5 })).toBeNull();
        expect(await client.codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } })).toEqual([]);
      }
      expect(parses).not.toHaveBeenCalled();
      // Once typing pauses, the diagnostics try again (once): the text is still too much.
      expect((await within(client.diagnosticsFor(uri, v), ANSWER_MS, 'diagnostics')).map((d) => d.message)).toEqual([GAVE_UP]);
      expect(parses).toHaveBeenCalledTimes(1);
      // Still over the limit, but readable (a long comment): the hints right after the change are
      // the last attempt's (none); the editor is asked to refresh them once the diagnostics have
      // analysed the text, and then gets them.
      const refreshes = client.refreshRequests;
      const readable = `${SMALL}#${'x'.repeat(MAX_TEXT_PATH_CHARS)}\n`;
      v = await client.change(uri, [{ text: readable }]);
      expect(await client.inlayHints(uri)).toEqual([]);
      expect(await within(client.diagnosticsFor(uri, v), ANSWER_MS, 'diagnostics of the readable text')).toEqual([expect.objectContaining({ code: 'same-stride-uneven' })]);
      await client.until(() => client.refreshRequests > refreshes, 'an inlay-hint refresh');
      expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
      // A text under the limit is analysed at once, whatever came before.
      await client.change(uri, [{ text: huge() }]);
      await client.inlayHints(uri);
      await client.change(uri, [{ text: SMALL }]);
      expect(hintSummary(await client.inlayHints(uri))).toEqual(SMALL_HINTS);
    } finally {
      await client.stop();
    }
  }, 120_000);
});

describe('an internal error in one document', () => {
  const crashing = HEADER + 'inp = keras.Input((65, 65, 3))\nx = layers.Conv2D(8, 3)(inp)\n' + `y = layers.Conv2D(4, 3)(x)  # ${MARKER}\n` + 'z = layers.Conv2D(2, 3)(x)\n';

  async function scenario(inject: () => void, phase: string): Promise<void> {
    const client = await TestClient.start();
    try {
      inject();
      const bad = 'file:///crash/bad.py';
      const good = 'file:///crash/good.py';
      await client.open(bad, crashing);
      await client.open(good, SMALL);
      // The broken document is answered (with nothing), and says so; the other is unaffected.
      expect(await within(client.inlayHints(bad), ANSWER_MS, 'hints')).toEqual([]);
      expect(await within(client.hover(bad, { line: 3, character: 12 }), ANSWER_MS, 'hover')).toBeNull();
      expect(await within(client.codeActions(bad, WHOLE), ANSWER_MS, 'actions')).toEqual([]);
      const ds = await within(client.diagnosticsFor(bad, 1), ANSWER_MS, 'diagnostics');
      expect(ds.map((d) => [d.severity, d.range.start.line, String(d.message).slice(0, 58)])).toEqual([
        [3, 0, 'Shapewise: internal error in the analysis of this file (pl'],
      ]);
      expect(hintSummary(await client.inlayHints(good))).toEqual(SMALL_HINTS);
      expect((await client.diagnosticsFor(good, 1)).map((d) => d.code)).toEqual(['same-stride-uneven']);
      // Edits that keep the error: still answered, not logged again.
      for (let i = 0; i < 5; i++) {
        const v = await client.change(bad, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }]);
        expect(await client.inlayHints(bad)).toEqual([]);
        await client.diagnosticsFor(bad, v);
      }
      let errors = errorsAbout(client.logs, bad);
      expect(errors).toHaveLength(1);
      // The document, the phase, and the line of the failing statement (line 5 when first opened).
      expect(errors[0]).toContain(`internal error (please report it) in the ${phase} of ${bad}, at line 5 (the first line whose analysis fails)`);
      expect(errors[0]).toContain('injected');
      // Fixed: analysed again.
      const v = await client.change(bad, [{ text: crashing.replace(MARKER, 'fine') }]);
      expect(hintSummary(await client.inlayHints(bad))).toHaveLength(4);
      expect((await client.diagnosticsFor(bad, v)).every((d) => d.code !== undefined)).toBe(true);
      // Closed and opened again: a new document, logged again.
      await client.close(bad);
      await client.open(bad, crashing);
      expect(await client.inlayHints(bad)).toEqual([]);
      errors = errorsAbout(client.logs, bad);
      expect(errors).toHaveLength(2);
      expect(errorsAbout(client.logs, good)).toEqual([]);
    } finally {
      await client.stop();
    }
  }

  /**
   * Replaces what both ways into the analysis return (the text read alone, or a parsed tree):
   * `change` gets the real result and the text, and returns or throws instead.
   */
  function injectIntoAnalysis(change: (result: AnalysisResult | undefined, text: string) => AnalysisResult | undefined): void {
    const withoutTree = Analyzer.prototype.analyzeWithoutTree;
    const withTree = Analyzer.prototype.analyzeTree;
    vi.spyOn(Analyzer.prototype, 'analyzeWithoutTree').mockImplementation(function (this: Analyzer, text, ...rest) {
      const result = withoutTree.call(this, text, ...rest);
      return result && change(result, text);
    });
    vi.spyOn(Analyzer.prototype, 'analyzeTree').mockImplementation(function (this: Analyzer, tree, text, ...rest): AnalysisResult {
      return change(withTree.call(this, tree, text, ...rest), text) as AnalysisResult;
    });
  }

  it('the analysis reports an internal error (what the front end does with an exception)', async () => {
    await scenario(() => {
      injectIntoAnalysis((result, text) => {
        if (!text.includes(MARKER)) return result;
        return { layers: [], diagnostics: [], unknowns: [], internalError: 'TypeError: injected failure\n    at Interpreter.run (interpreter.ts:1:1)' };
      });
    }, 'analysis');
  });

  it('the analysis throws past the façade', async () => {
    await scenario(() => {
      injectIntoAnalysis((result, text) => {
        if (text.includes(MARKER)) throw new RangeError('injected failure');
        return result;
      });
    }, 'analysis');
  });

  it('the parser throws', async () => {
    const original = Analyzer.prototype.parse;
    const withoutTree = Analyzer.prototype.analyzeWithoutTree;
    await scenario(() => {
      // The document goes to the parser (as a file the text path leaves to it would).
      vi.spyOn(Analyzer.prototype, 'analyzeWithoutTree').mockImplementation(function (this: Analyzer, text, ...rest) {
        return text.includes(MARKER) ? undefined : withoutTree.call(this, text, ...rest);
      });
      vi.spyOn(Analyzer.prototype, 'parse').mockImplementation(function (this: Analyzer, text, ...rest) {
        if (text.includes(MARKER)) throw new Error('injected failure in the parser');
        return original.call(this, text, ...rest);
      });
    }, 'parsing');
  });

  it('a result the features choke on: the request is answered, the error logged once with the position', async () => {
    const client = await TestClient.start();
    try {
      injectIntoAnalysis((result, text) => {
        if (!text.includes(MARKER) || !result) return result;
        // A layer report without its ranges: hovers and hints cannot place it.
        return { ...result, layers: result.layers.map((l) => ({ ...l, construct: undefined as never, result: undefined as never })) };
      });
      const bad = 'file:///crash/features.py';
      await client.open(bad, crashing);
      await client.open('file:///crash/fine.py', SMALL);
      for (let i = 0; i < 3; i++) {
        expect(await within(client.hover(bad, { line: 3, character: 12 }), ANSWER_MS, 'hover')).toBeNull();
        expect(await within(client.inlayHints(bad), ANSWER_MS, 'hints')).toEqual([]);
      }
      expect(hintSummary(await client.inlayHints('file:///crash/fine.py'))).toEqual(SMALL_HINTS);
      const errors = errorsAbout(client.logs, bad);
      expect(errors).toHaveLength(2);
      expect(errors[0]).toMatch(/^Shapewise: internal error \(please report it\) in hover for file:\/\/\/crash\/features\.py, at line 4, column 13: TypeError/);
      expect(errors[1]).toMatch(/^Shapewise: internal error \(please report it\) in inlay hints for file:\/\/\/crash\/features\.py, for lines 1–100001: TypeError/);
    } finally {
      await client.stop();
    }
  });
});

// ------------------------------------------------------------------------------ over stdio

describe('dist/server.js over stdio', () => {
  it('a request cancelled while the server parses a 5 MB document: every request answered, in order of the work', async () => {
    const server = await startBuiltServer(['--stdio', '--no-code-cache']);
    const { conn, exited } = server;
    try {
      const open = (uri: string, text: string) =>
        conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'python', version: 1, text } });
      await open('file:///small.py', SMALL);
      await open('file:///huge.py', huge());
      const source = new CancellationTokenSource();
      const big = conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///huge.py' }, range: WHOLE }, source.token).then(
        (h) => h,
        (e: unknown) => (e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled ? 'cancelled' : Promise.reject(e)),
      );
      await new Promise((r) => setTimeout(r, 100));
      source.cancel();
      const [answer, hints, hover] = await within(
        Promise.all([
          big,
          conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///small.py' }, range: WHOLE }),
          conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///small.py' }, position: { line: 3, character: 12 } }),
        ]),
        ANSWER_MS,
        'answers',
      );
      expect(answer === 'cancelled' || (Array.isArray(answer) && answer.length === 0)).toBe(true);
      expect(hints?.map((h) => h.label)).toEqual(['→ (None, 65, 65, 3)', '→ (None, 33, 33, 8)']);
      expect(hover).not.toBeNull();
      await conn.sendRequest(ShutdownRequest.type);
      await conn.sendNotification(ExitNotification.type);
      expect(await within(exited, ANSWER_MS, 'exit')).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);
});
