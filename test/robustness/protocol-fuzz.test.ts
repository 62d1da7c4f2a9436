// Random edit sequences against the real server over the protocol (fast-check). Each sequence
// starts from a realistic Keras document (the examples, the front end's fixtures, generated
// files), LF or CRLF, with or without non-ASCII text (é, 形状, 😀), and sends what an editor
// sends: incremental didChange with UTF-16 ranges (typed characters, insertions, deletions,
// pastes of other files, several changes in one notification, undo-like reversals, now and then
// a full-text change), interleaved with requests that are not awaited (inlay hints for random
// ranges, hovers at random positions, code actions, hint resolves, a request cancelled at once).
//
// Checked, for every sequence:
// - every request is answered (a result, or RequestCancelled for a cancelled one);
// - every answer equals what a fresh analysis of the text at that point gives (the Analyzer
//   directly, mapped with the server's own functions): hints, hovers, code actions;
// - every publishDiagnostics equals a fresh analysis of the version it names, versions never go
//   back, and the final version gets its diagnostics;
// - at the end, hints (tooltips resolved) and diagnostics equal those of a second, fresh server
//   that only ever saw the final text.
// Notebooks likewise: cell edits (several cells in one notification), cells added (Python,
// markdown, R), removed, moved and turned into markdown and back, with hints and hovers checked
// against a fresh analysis of the joined cells, and the end against a fresh server.
//
// The seed is fixed; SHAPEWISE_FUZZ_SEED explores others, SHAPEWISE_FUZZ_RUNS changes the number
// of sequences (SHAPEWISE_FUZZ_NOTEBOOK_RUNS for notebooks). A failure prints the seed, the replay
// path (SHAPEWISE_FUZZ_PATH / SHAPEWISE_FUZZ_NOTEBOOK_PATH replay just that case) and the shrunk
// sequence.
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  CodeActionRequest,
  HoverRequest,
  InlayHintRequest,
  InlayHintResolveRequest,
  LSPErrorCodes,
  ResponseError,
  type Diagnostic,
  type DidChangeNotebookDocumentParams,
  type InlayHint,
  type Position,
  type Range,
  type TextDocumentContentChangeEvent,
} from 'vscode-languageserver-protocol/node';
import { Analyzer } from '../../server/src/analysis';
import { diagnosticsByDocument } from '../../server/src/lsp/diagnostics';
import { NotebookUnit } from '../../server/src/lsp/units';
import { TestClient } from '../lsp/harness';
import {
  FUZZ_SETTINGS_SECTION,
  Oracle,
  applyChange,
  corpus,
  lineStarts,
  lspOffset,
  lspPosition,
  rangeAt,
  renameUri,
  sleep,
  snap,
  stripData,
  withNonAscii,
  within,
  type CorpusDocument,
  type Fresh,
} from './support';

const envSeed = process.env.SHAPEWISE_FUZZ_SEED;
const SEED = envSeed !== undefined && envSeed !== '' ? Number(envSeed) : 20260611;
const envRuns = process.env.SHAPEWISE_FUZZ_RUNS;
const DEFAULT_RUNS = 200;
const RUNS = envRuns !== undefined && envRuns !== '' ? Number(envRuns) : DEFAULT_RUNS;
/**
 * With the default number of sequences, at least this many edits (content changes) are sent
 * (about 16,000 in 200 sequences; fewer when the time limit below ends the run early).
 */
const MIN_EDITS = 8_000;
const WHOLE: Range = { start: { line: 0, character: 0 }, end: { line: 1_000_000, character: 0 } };

/** Replays one counterexample (the path fast-check printed) instead of the whole run. */
/** Throws, with the command that replays it and the shrunk sequence, when a fuzz run failed. */
function failWithReplay<T>(out: fc.RunDetails<[T]>, what: string, pathVariable: string, testName: string, describe: (seq: T) => string): void {
  if (!out.failed) return;
  const shrunk = out.counterexample?.[0];
  const message = [
    `${what} failed (seed ${out.seed}, replay path "${out.counterexamplePath}", after ${out.numRuns} runs and ${out.numShrinks} shrinks).`,
    `Replay: SHAPEWISE_FUZZ_SEED=${SEED} ${pathVariable}="${out.counterexamplePath}" npx vitest run test/robustness/protocol-fuzz.test.ts -t ${testName}`,
    `Shrunk sequence:\n${shrunk ? describe(shrunk) : '(none)'}`,
    `Error: ${out.errorInstance instanceof Error ? out.errorInstance.message : String(out.errorInstance)}`,
  ].join('\n');
  console.error(message);
  throw new Error(message);
}

function replay(variable: string): { path?: string } {
  const path = process.env[variable];
  return path ? { path } : {};
}

// ------------------------------------------------------------------------------ operations

/** What gets typed, pasted or inserted: Keras code, brackets, quotes, line breaks, non-ASCII. */
const PIECES = [
  'x',
  ' ',
  '\n',
  '\r\n',
  '\t',
  '    ',
  '(',
  ')',
  '[',
  ']',
  ':',
  ',',
  '"',
  "'",
  '"""',
  '#',
  '\\',
  '=',
  'é',
  '形状',
  '😀',
  '0',
  '2',
  '65',
  'same',
  'valid',
  'keras.Input((65, 65, 3))',
  'x = layers.Conv2D(8, 3, strides=2, padding="same")(x)\n',
  'x = layers.MaxPooling2D(2)(x)\n',
  'layers.Conv2DTranspose(4, 3, strides=2, padding="same")',
  'layers.Concatenate()([x, x])',
  ', strides=2',
  ', padding="valid"',
  'strides=0',
  '10**100',
  '# shapewise: ignore[same-asymmetric-padding]',
  '# shapewise: x=(None, 64, 64, 3)\n',
  'def f(x):\n    return layers.Dense(4)(x)\n',
  'for i in range(3):\n    ',
  'if x:\n    ',
  'import keras\nfrom keras import layers\n',
  'for a, b in zip():\n    ',
];
const TYPED = ['layers.Conv2D(16, 3)(x)', 'padding="same"', ', strides=(2, 1)', '形状 😀', 'keras.Input((33, 33, 1))', '\n\n'];

type Edit =
  | { k: 'insert'; at: number; piece: string }
  | { k: 'raw'; at: number; len: number; piece: string }
  | { k: 'delete'; at: number; len: number }
  | { k: 'replace'; at: number; len: number; piece: string }
  | { k: 'paste'; at: number; doc: number; from: number; len: number }
  | { k: 'deleteLines'; at: number; lines: number };

type Op =
  | { k: 'edit'; edit: Edit }
  | { k: 'type'; at: number; word: string }
  | { k: 'batch'; edits: Edit[] }
  | { k: 'full'; edit: Edit }
  | { k: 'undo'; n: number }
  | { k: 'hints'; whole: boolean; from: number; to: number }
  | { k: 'hover'; at: number; dLine: number; character: number; exact: boolean }
  | { k: 'actions'; at: number; len: number }
  | { k: 'resolve'; which: number }
  | { k: 'cancelled'; whole: boolean }
  | { k: 'pause'; ms: number };

const frac = fc.integer({ min: 0, max: 1_000_000 });
const piece = fc.constantFrom(...PIECES);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ k: fc.constant('insert' as const), at: frac, piece }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('delete' as const), at: frac, len: fc.integer({ min: 1, max: 60 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('replace' as const), at: frac, len: fc.integer({ min: 1, max: 20 }), piece }) },
  {
    weight: 1,
    arbitrary: fc.record({ k: fc.constant('paste' as const), at: frac, doc: fc.nat(), from: frac, len: fc.oneof(fc.integer({ min: 1, max: 600 }), fc.constant(-1)) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('deleteLines' as const), at: frac, lines: fc.integer({ min: 1, max: 6 }) }) },
  // What no editor sends: offsets not snapped (a surrogate pair cut in two, a position between
  // \r and \n, which LSP clamps to the end of the line).
  { weight: 1, arbitrary: fc.record({ k: fc.constant('raw' as const), at: frac, len: fc.nat({ max: 3 }), piece }) },
);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 14, arbitrary: fc.record({ k: fc.constant('edit' as const), edit }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('type' as const), at: frac, word: fc.constantFrom(...TYPED) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('batch' as const), edits: fc.array(edit, { minLength: 2, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('full' as const), edit }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('undo' as const), n: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('hints' as const), whole: fc.boolean(), from: frac, to: frac }) },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('hover' as const), at: frac, dLine: fc.integer({ min: -1, max: 2 }), character: fc.nat({ max: 140 }), exact: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('actions' as const), at: frac, len: fc.nat({ max: 200 }) }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('resolve' as const), which: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('cancelled' as const), whole: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 25 }) }) },
);

interface Sequence {
  doc: number;
  crlf: boolean;
  nonAscii: boolean;
  ops: Op[];
}
const sequence: fc.Arbitrary<Sequence> = fc.record({
  doc: fc.nat(),
  crlf: fc.boolean(),
  nonAscii: fc.boolean(),
  ops: fc.array(op, { minLength: 1, maxLength: 80, size: 'max' }),
});

// ------------------------------------------------------------------------------ the run

let docs: CorpusDocument[];
let analyzer: Analyzer;
let oracle: Oracle;
let fuzzed: TestClient;
let reference: TestClient;
let runCounter = 0;
const totals = { sequences: 0, edits: 0, requests: 0, publishes: 0, notebookSequences: 0, notebookEdits: 0 };

beforeAll(async () => {
  docs = corpus();
  analyzer = await Analyzer.create();
  oracle = new Oracle(analyzer);
  const settings = { '*': FUZZ_SETTINGS_SECTION };
  // The fuzzed client resolves tooltips lazily (inlayHint/resolve is exercised too); the
  // reference client gets them inline.
  fuzzed = await TestClient.start({ settings, lazyTooltips: true, debounceMs: 5 });
  reference = await TestClient.start({ settings, lazyTooltips: false, debounceMs: 5 });
});

afterAll(async () => {
  await fuzzed?.stop();
  await reference?.stop();
  analyzer?.dispose();
});

function offsetOf(text: string, f: number): number {
  return snap(text, Math.floor((f / 1_000_000) * text.length));
}

interface OffsetChange {
  start: number;
  end: number;
  inserted: string;
  /** Not snapped: the range sent may be clamped by the specification's rules. */
  raw?: boolean;
}

/** One edit as a change against `text` (offsets snapped like an editor's, except raw ones). */
function changeFor(text: string, e: Edit): OffsetChange {
  const at = offsetOf(text, e.at);
  switch (e.k) {
    case 'insert':
      return { start: at, end: at, inserted: e.piece };
    case 'raw': {
      const start = Math.floor((e.at / 1_000_000) * text.length);
      return { start, end: Math.min(text.length, start + e.len), inserted: e.piece, raw: true };
    }
    case 'delete':
      return { start: at, end: snap(text, Math.min(text.length, at + e.len)), inserted: '' };
    case 'replace':
      return { start: at, end: snap(text, Math.min(text.length, at + e.len)), inserted: e.piece };
    case 'paste': {
      const source = docs[e.doc % docs.length].text;
      const from = e.len < 0 ? 0 : snap(source, Math.floor((e.from / 1_000_000) * source.length));
      const to = e.len < 0 ? source.length : snap(source, Math.min(source.length, from + e.len));
      return { start: at, end: at, inserted: source.slice(from, to) };
    }
    case 'deleteLines': {
      const starts = lineStarts(text);
      const line = lspPosition(text, at, starts).line;
      const start = starts[line];
      const end = line + e.lines < starts.length ? starts[line + e.lines] : text.length;
      return { start, end, inserted: '' };
    }
  }
}

interface Failure {
  what: string;
  detail: string;
}

class SequenceRun {
  readonly uri: string;
  text: string;
  version = 1;
  /** The text of every version sent. */
  readonly texts = new Map<number, string>();
  /** Per notification sent: the changes that undo it (applied in order). */
  private readonly undoStack: TextDocumentContentChangeEvent[][] = [];
  private readonly pending: Promise<void>[] = [];
  readonly failures: Failure[] = [];
  private lastHints: InlayHint[] = [];
  edits = 0;
  requests = 0;

  constructor(
    readonly seq: Sequence,
    start: string,
  ) {
    this.uri = `file:///fuzz/run-${++runCounter}.py`;
    this.text = start;
    this.texts.set(1, start);
  }

  fail(what: string, detail: unknown): void {
    this.failures.push({ what, detail: typeof detail === 'string' ? detail : JSON.stringify(detail, null, 1) });
  }

  async open(): Promise<void> {
    await fuzzed.open(this.uri, this.text, 'python', 1);
  }

  /** Sends one didChange with `changes` (applied in order) and records how to undo it. */
  async send(changes: OffsetChange[] | { full: string }, undoable = true): Promise<void> {
    const before = this.text;
    let events: TextDocumentContentChangeEvent[];
    let undo: TextDocumentContentChangeEvent[];
    if ('full' in changes) {
      events = [{ text: changes.full }];
      undo = [{ text: before }];
      this.text = changes.full;
    } else {
      events = [];
      undo = [];
      for (const c of changes) {
        const event = { range: rangeAt(this.text, c.start, c.end), text: c.inserted };
        // Where the change really lands (a raw range between \r and \n is clamped).
        const starts = lineStarts(this.text);
        const start = lspOffset(this.text, event.range.start, starts);
        const end = Math.max(start, lspOffset(this.text, event.range.end, starts));
        if (!c.raw && (start !== c.start || end !== c.end)) throw new Error('text model out of step');
        const removed = this.text.slice(start, end);
        this.text = applyChange(this.text, event);
        events.push(event);
        undo.unshift({ range: rangeAt(this.text, start, start + c.inserted.length), text: removed });
      }
    }
    this.version = await fuzzed.change(this.uri, events);
    this.texts.set(this.version, this.text);
    this.edits += events.length;
    if (undoable) this.undoStack.push(undo);
  }

  async undo(n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const undo = this.undoStack.pop();
      if (!undo) return;
      // The undo changes were computed against the text after each change: replay them on a
      // model to send ranges valid for the text as it is now.
      const before = this.text;
      let after = before;
      for (const u of undo) after = applyChange(after, u);
      this.text = after;
      this.version = await fuzzed.change(this.uri, undo);
      this.texts.set(this.version, this.text);
      this.edits += undo.length;
    }
  }

  /**
   * Sends a request now; checks its answer, when it comes, against a fresh analysis of the text
   * as it is now. Messages are handled in order, but a request that waits for the settings
   * (workspace/configuration, the first request on a document) lets the changes sent after it in
   * first: the answer may then be that of any version up to the one current when it arrives (the
   * editor's text by then; LSP leaves it to the client to cancel what it no longer wants).
   */
  track<T>(what: string, p: Promise<T>, check: (answer: T, text: string, version: number) => void, cancelled = false): void {
    const version = this.version;
    this.requests++;
    this.pending.push(
      within(p, 60_000, what).then(
        (answer) => {
          let first: unknown;
          for (let v = version; v <= this.version; v++) {
            const text = this.texts.get(v);
            if (text === undefined) continue;
            try {
              check(answer, text, v);
              return;
            } catch (e) {
              first ??= e;
            }
          }
          this.fail(`${what} (v${version}, answered at v${this.version})`, first instanceof Error ? first.message : String(first));
        },
        (e: unknown) => {
          if (cancelled && e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled) return;
          this.fail(`${what} (v${version}) failed`, e instanceof Error ? `${e.message}` : String(e));
        },
      ),
    );
  }

  expectEqual(actual: unknown, expected: unknown, what: string): void {
    try {
      expect(actual).toEqual(expected);
    } catch (e) {
      throw new Error(`${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  hintRange(o: Extract<Op, { k: 'hints' }>): Range {
    if (o.whole) return WHOLE;
    const a = offsetOf(this.text, Math.min(o.from, o.to));
    const b = offsetOf(this.text, Math.max(o.from, o.to));
    return rangeAt(this.text, a, b);
  }

  async run(o: Op): Promise<void> {
    switch (o.k) {
      case 'edit':
        return this.send([changeFor(this.text, o.edit)]);
      case 'type': {
        // Typed character by character (surrogate pairs whole), one notification each.
        let at = offsetOf(this.text, o.at);
        for (const ch of o.word) {
          await this.send([{ start: at, end: at, inserted: ch }]);
          at += ch.length;
        }
        return;
      }
      case 'batch': {
        // Several changes in one notification, each against the text after the previous one.
        const changes: OffsetChange[] = [];
        let model = this.text;
        for (const e of o.edits) {
          const c = changeFor(model, e);
          changes.push(c);
          model = applyChange(model, { range: rangeAt(model, c.start, c.end), text: c.inserted });
        }
        return this.send(changes);
      }
      case 'full': {
        const c = changeFor(this.text, o.edit);
        return this.send({ full: this.text.slice(0, c.start) + c.inserted + this.text.slice(c.end) });
      }
      case 'undo':
        return this.undo(o.n);
      case 'hints': {
        const range = this.hintRange(o);
        const uri = this.uri;
        this.track(`hints ${JSON.stringify(range)}`, fuzzed.inlayHints(uri, range), (hints, text, version) => {
          this.lastHints = hints;
          const f = oracle.fresh(uri, version, text);
          this.expectEqual(stripData(hints), oracle.hints(f, uri, range), 'hints differ from a fresh analysis');
          for (const h of hints) {
            const d = h.data as { uri?: string } | undefined;
            if (d?.uri !== uri) throw new Error(`hint without resolve data: ${JSON.stringify(h)}`);
          }
        });
        return;
      }
      case 'hover': {
        const uri = this.uri;
        const base = lspPosition(this.text, offsetOf(this.text, o.at));
        // Exact: a position inside the text. Otherwise anything a careless client sends: past
        // the end of a line, past the last line, a line before the first.
        const position: Position = o.exact ? base : { line: base.line + o.dLine, character: o.character };
        this.track(`hover ${JSON.stringify(position)}`, fuzzed.hover(uri, position), (h, text, version) => {
          const f = oracle.fresh(uri, version, text);
          this.expectEqual(h, oracle.hover(f, uri, position), 'hover differs from a fresh analysis');
        });
        return;
      }
      case 'actions': {
        const uri = this.uri;
        const start = offsetOf(this.text, o.at);
        const range = rangeAt(this.text, start, snap(this.text, Math.min(this.text.length, start + o.len)));
        const latest = fuzzed.latestDiagnostics(uri);
        const context: Diagnostic[] = latest?.version === this.version ? latest.diagnostics : [];
        this.track(`code actions ${JSON.stringify(range)}`, fuzzed.codeActions(uri, range, context), (actions, text, version) => {
          const f = oracle.fresh(uri, version, text);
          this.expectEqual(actions, oracle.codeActions(f, uri, range, context), 'code actions differ from a fresh analysis');
        });
        return;
      }
      case 'resolve': {
        if (this.lastHints.length === 0) return;
        const hint = this.lastHints[o.which % this.lastHints.length];
        this.track('inlayHint/resolve', fuzzed.connection.sendRequest(InlayHintResolveRequest.type, hint), (resolved) => {
          // A hint of an older revision comes back as it was; a current one gets its tooltip.
          this.expectEqual(resolved.label, hint.label, 'resolve changed the label');
          this.expectEqual(resolved.position, hint.position, 'resolve moved the hint');
        });
        return;
      }
      case 'cancelled': {
        const uri = this.uri;
        const range = o.whole ? WHOLE : rangeAt(this.text, 0, offsetOf(this.text, 500_000));
        const source = new CancellationTokenSource();
        const p = fuzzed.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }, source.token);
        source.cancel();
        this.track(
          'cancelled hints',
          p.then((h) => h ?? []),
          (hints, text, version) => {
            const f = oracle.fresh(uri, version, text);
            this.expectEqual(stripData(hints), oracle.hints(f, uri, range), 'hints of a cancelled request that was answered anyway');
          },
          true,
        );
        return;
      }
      case 'pause':
        await sleep(o.ms);
        return;
    }
  }

  /** Waits for every answer; checks every publish; compares the end with a fresh server. */
  async finish(): Promise<void> {
    await Promise.all(this.pending);
    const uri = this.uri;
    const finalVersion = this.version;
    await within(fuzzed.diagnosticsFor(uri, finalVersion), 30_000, `diagnostics for v${finalVersion}`);

    // Every publish names a version whose text gives exactly those diagnostics; versions never go back.
    const publishes = fuzzed.diagnostics.filter((d) => d.uri === uri);
    let last = 0;
    for (const p of publishes) {
      const v = p.version ?? -1;
      if (v < last) this.fail('publish order', `v${v} published after v${last}`);
      last = Math.max(last, v);
      const text = this.texts.get(v);
      if (text === undefined) {
        this.fail('publish', `diagnostics for unknown version ${v}`);
        continue;
      }
      try {
        this.expectEqual(p.diagnostics, oracle.diagnostics(oracle.fresh(uri, v, text), uri), `diagnostics published for v${v}`);
      } catch (e) {
        this.fail('published diagnostics', e instanceof Error ? e.message : String(e));
      }
    }
    totals.publishes += publishes.length;

    // A second server that only ever saw the final text.
    const refUri = uri.replace('/fuzz/', '/reference/');
    await reference.open(refUri, this.text, 'python', finalVersion);
    try {
      const [mine, theirs] = await Promise.all([fuzzed.inlayHints(uri, WHOLE), reference.inlayHints(refUri, WHOLE)]);
      const resolved = await Promise.all(mine.map((h) => fuzzed.connection.sendRequest(InlayHintResolveRequest.type, h)));
      try {
        this.expectEqual(stripData(resolved), theirs, 'final hints (tooltips resolved) differ from a fresh server');
      } catch (e) {
        this.fail('final hints', e instanceof Error ? e.message : String(e));
      }
      const [myDiagnostics, theirDiagnostics] = [fuzzed.latestDiagnostics(uri)?.diagnostics, await reference.diagnosticsFor(refUri, finalVersion)];
      try {
        this.expectEqual(myDiagnostics, renameUri(theirDiagnostics, refUri, uri), 'final diagnostics differ from a fresh server');
      } catch (e) {
        this.fail('final diagnostics', e instanceof Error ? e.message : String(e));
      }
      // Hovers on every hint position and a code action request over the whole text.
      const starts = lineStarts(this.text);
      for (const h of theirs.slice(0, 20)) {
        const p = lspPosition(this.text, Math.max(0, starts[h.position.line] + h.position.character - 2), starts);
        const [a, b] = await Promise.all([fuzzed.hover(uri, p), reference.hover(refUri, p)]);
        try {
          this.expectEqual(a, renameUri(b, refUri, uri), `final hover at ${JSON.stringify(p)}`);
        } catch (e) {
          this.fail('final hover', e instanceof Error ? e.message : String(e));
        }
      }
      const all = rangeAt(this.text, 0, this.text.length);
      const [ca, cb] = await Promise.all([
        fuzzed.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: all, context: { diagnostics: myDiagnostics ?? [] } }),
        reference.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri: refUri }, range: all, context: { diagnostics: renameUri(myDiagnostics ?? [], uri, refUri) } }),
      ]);
      try {
        this.expectEqual(ca, renameUri(cb, refUri, uri), 'final code actions differ from a fresh server');
      } catch (e) {
        this.fail('final code actions', e instanceof Error ? e.message : String(e));
      }
    } finally {
      await reference.close(refUri);
      await fuzzed.close(uri);
    }
    // A closed document is answered with nothing, not an error.
    const after = await within(fuzzed.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: 0 } }), 10_000, 'hover after close');
    if (after !== null) this.fail('hover after close', after);
  }
}

function describeSequence(seq: Sequence): string {
  const doc = docs[seq.doc % docs.length];
  return [`document: ${doc.name}${seq.crlf ? ', CRLF' : ''}${seq.nonAscii ? ', with non-ASCII text' : ''}`, ...seq.ops.map((o, i) => `  ${i + 1}. ${JSON.stringify(o)}`)].join('\n');
}

/**
 * SHAPEWISE_FUZZ_TRACE=<file>: every sequence is appended to the file (one JSON line) before it
 * runs, so the one that crashes the process (out of memory, a hang) is the last line.
 */
function trace(kind: string, seq: unknown): void {
  const file = process.env.SHAPEWISE_FUZZ_TRACE;
  if (file) appendFileSync(file, `${JSON.stringify({ kind, seq })}\n`);
}

async function runSequence(seq: Sequence): Promise<void> {
  trace('text', seq);
  const doc = docs[seq.doc % docs.length];
  let text = seq.nonAscii ? withNonAscii(doc.text) : doc.text;
  if (seq.crlf) text = text.replace(/\r?\n/g, '\r\n');
  const r = new SequenceRun(seq, text);
  await r.open();
  for (const o of seq.ops) {
    await r.run(o);
    trace('text after', { op: o, version: r.version, text: process.env.SHAPEWISE_FUZZ_TRACE_TEXT ? r.text : r.text.length });
  }
  await r.finish();
  totals.sequences++;
  totals.edits += r.edits;
  totals.requests += r.requests;
  if (r.failures.length > 0) {
    throw new Error(`${r.failures.length} failure(s):\n${r.failures.slice(0, 5).map((f) => `- ${f.what}: ${f.detail}`).join('\n')}`);
  }
}

// ------------------------------------------------------------------------------ notebooks

const NB_RUNS = (() => {
  const env = process.env.SHAPEWISE_FUZZ_NOTEBOOK_RUNS;
  return env !== undefined && env !== '' ? Number(env) : 160;
})();

type NbOp =
  | { k: 'edit'; cell: number; edit: Edit }
  | { k: 'editMany'; edits: { cell: number; edit: Edit }[] }
  | { k: 'add'; at: number; kind: 'python' | 'markdown' | 'r'; doc: number; from: number; len: number }
  | { k: 'remove'; at: number }
  | { k: 'move'; from: number; to: number }
  | { k: 'kind'; cell: number }
  | { k: 'hints'; cell: number }
  | { k: 'hover'; cell: number; at: number }
  | { k: 'pause'; ms: number };

const nbOp: fc.Arbitrary<NbOp> = fc.oneof(
  { weight: 10, arbitrary: fc.record({ k: fc.constant('edit' as const), cell: fc.nat(), edit }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('editMany' as const), edits: fc.array(fc.record({ cell: fc.nat(), edit }), { minLength: 2, maxLength: 4 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('add' as const),
      at: fc.nat(),
      kind: fc.constantFrom('python' as const, 'python' as const, 'markdown' as const, 'r' as const),
      doc: fc.nat(),
      from: frac,
      len: fc.integer({ min: 0, max: 400 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('remove' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('move' as const), from: fc.nat(), to: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('kind' as const), cell: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('hints' as const), cell: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('hover' as const), cell: fc.nat(), at: frac }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('pause' as const), ms: fc.integer({ min: 0, max: 25 }) }) },
);

interface NbSequence {
  doc: number;
  crlf: boolean;
  splits: number[];
  ops: NbOp[];
}
const nbSequence: fc.Arbitrary<NbSequence> = fc.record({
  doc: fc.nat(),
  crlf: fc.boolean(),
  splits: fc.array(frac, { minLength: 1, maxLength: 5 }),
  ops: fc.array(nbOp, { minLength: 1, maxLength: 50, size: 'max' }),
});

interface CellModel {
  uri: string;
  kind: 1 | 2;
  languageId: string;
  text: string;
  version: number;
}

let nbCounter = 0;

/** The notebook as the client has it: cells in order, with their text and versions. */
class NotebookRun {
  readonly uri: string;
  cells: CellModel[];
  version = 1;
  private cellCounter = 0;
  private readonly states = new Map<number, CellModel[]>();
  private readonly pending: Promise<void>[] = [];
  readonly failures: Failure[] = [];
  edits = 0;
  requests = 0;

  constructor(
    readonly seq: NbSequence,
    texts: string[],
  ) {
    this.uri = `file:///fuzz/nb-${++nbCounter}.ipynb`;
    this.cells = texts.map((text, i) => this.newCell(i === 1 ? 1 : 2, i === 1 ? 'markdown' : 'python', text));
    this.snapshot();
  }

  private newCell(kind: 1 | 2, languageId: string, text: string): CellModel {
    return { uri: `vscode-notebook-cell:/fuzz/nb-${nbCounter}.ipynb#C${this.cellCounter++}`, kind, languageId, text, version: 1 };
  }

  private snapshot(): void {
    this.states.set(
      this.version,
      this.cells.map((c) => ({ ...c })),
    );
  }

  static fresh(uri: string, cells: readonly CellModel[]): Fresh {
    const unit = new NotebookUnit(
      uri,
      'jupyter-notebook',
      cells.map((c) => ({ kind: c.kind, document: c.uri })),
      cells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: c.version, text: c.text })),
    );
    return { unit, result: analyzer.analyzeText(unit.text, oracle.settings.analysis) };
  }

  async open(): Promise<void> {
    await fuzzed.openNotebook({
      notebookDocument: { uri: this.uri, notebookType: 'jupyter-notebook', version: 1, cells: this.cells.map((c) => ({ kind: c.kind, document: c.uri })) },
      cellTextDocuments: this.cells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: c.version, text: c.text })),
    });
  }

  private async change(cells: NonNullable<DidChangeNotebookDocumentParams['change']['cells']>): Promise<void> {
    this.version++;
    this.snapshot();
    await fuzzed.changeNotebook({ notebookDocument: { uri: this.uri, version: this.version }, change: { cells } });
  }

  private cellAt(n: number): CellModel | undefined {
    return this.cells.length === 0 ? undefined : this.cells[n % this.cells.length];
  }

  /** Text changes for several cells in one notification (a cell may come twice: applied in order). */
  private async editCells(edits: { cell: number; edit: Edit }[]): Promise<void> {
    const textContent: NonNullable<NonNullable<DidChangeNotebookDocumentParams['change']['cells']>['textContent']> = [];
    for (const { cell, edit: e } of edits) {
      const c = this.cellAt(cell);
      if (!c) continue;
      const oc = changeFor(c.text, e);
      const event = { range: rangeAt(c.text, oc.start, oc.end), text: oc.inserted };
      c.text = applyChange(c.text, event);
      c.version++;
      textContent.push({ document: { uri: c.uri, version: c.version }, changes: [event] });
      this.edits++;
    }
    if (textContent.length > 0) await this.change({ textContent });
  }

  /** Checks an answer against a fresh analysis of the notebook at any version since it was asked. */
  track<T>(what: string, p: Promise<T>, check: (answer: T, f: Fresh) => void): void {
    const version = this.version;
    this.requests++;
    this.pending.push(
      within(p, 60_000, what).then(
        (answer) => {
          let first: unknown;
          for (let v = version; v <= this.version; v++) {
            const cells = this.states.get(v);
            if (!cells) continue;
            try {
              check(answer, NotebookRun.fresh(this.uri, cells));
              return;
            } catch (e) {
              first ??= e;
            }
          }
          this.fail(`${what} (notebook v${version}, answered at v${this.version})`, first instanceof Error ? first.message : String(first));
        },
        (e: unknown) => this.fail(`${what} failed`, e instanceof Error ? e.message : String(e)),
      ),
    );
  }

  fail(what: string, detail: string): void {
    this.failures.push({ what, detail });
  }

  async run(o: NbOp): Promise<void> {
    switch (o.k) {
      case 'edit':
        return this.editCells([{ cell: o.cell, edit: o.edit }]);
      case 'editMany':
        return this.editCells(o.edits);
      case 'add': {
        const source = docs[o.doc % docs.length].text;
        const from = snap(source, Math.floor((o.from / 1_000_000) * source.length));
        const text = source.slice(from, snap(source, Math.min(source.length, from + o.len)));
        const cell = this.newCell(o.kind === 'markdown' ? 1 : 2, o.kind, text);
        const at = o.at % (this.cells.length + 1);
        this.cells.splice(at, 0, cell);
        this.edits++;
        return this.change({
          structure: {
            array: { start: at, deleteCount: 0, cells: [{ kind: cell.kind, document: cell.uri }] },
            didOpen: [{ uri: cell.uri, languageId: cell.languageId, version: 1, text: cell.text }],
          },
        });
      }
      case 'remove': {
        if (this.cells.length === 0) return;
        const at = o.at % this.cells.length;
        const [gone] = this.cells.splice(at, 1);
        this.edits++;
        return this.change({ structure: { array: { start: at, deleteCount: 1 }, didClose: [{ uri: gone.uri }] } });
      }
      case 'move': {
        if (this.cells.length < 2) return;
        const from = o.from % this.cells.length;
        const to = o.to % this.cells.length;
        const [moved] = this.cells.splice(from, 1);
        this.cells.splice(to, 0, moved);
        this.edits++;
        // As VS Code sends a move: the span between the two places, replaced in its new order.
        const lo = Math.min(from, to);
        const hi = Math.max(from, to);
        return this.change({
          structure: { array: { start: lo, deleteCount: hi - lo + 1, cells: this.cells.slice(lo, hi + 1).map((c) => ({ kind: c.kind, document: c.uri })) } },
        });
      }
      case 'kind': {
        const c = this.cellAt(o.cell);
        if (!c) return;
        c.kind = c.kind === 2 ? 1 : 2;
        this.edits++;
        return this.change({ data: [{ kind: c.kind, document: c.uri }] });
      }
      case 'hints': {
        const c = this.cellAt(o.cell);
        if (!c) return;
        this.track(`hints in ${c.uri}`, fuzzed.inlayHints(c.uri, WHOLE), (hints, f) => {
          expect(stripData(hints)).toEqual(oracle.hints(f, c.uri, WHOLE));
        });
        return;
      }
      case 'hover': {
        const c = this.cellAt(o.cell);
        if (!c) return;
        const position = lspPosition(c.text, offsetOf(c.text, o.at));
        this.track(`hover in ${c.uri} at ${JSON.stringify(position)}`, fuzzed.hover(c.uri, position), (h, f) => {
          expect(h).toEqual(oracle.hover(f, c.uri, position));
        });
        return;
      }
      case 'pause':
        await sleep(o.ms);
        return;
    }
  }

  async finish(): Promise<void> {
    await Promise.all(this.pending);
    const final = NotebookRun.fresh(this.uri, this.cells);
    const analysed = final.unit.documents().map((d) => d.uri);
    const expected = diagnosticsByDocument(final.unit, final.result);
    // The diagnostics the server settles on are those of the final notebook, cell by cell;
    // cells no longer analysed (removed, markdown, R) are cleared.
    const settled = () =>
      this.cells.every((c) => {
        const latest = fuzzed.latestDiagnostics(c.uri);
        const want = expected.get(c.uri);
        if (want === undefined) return latest === undefined || latest.diagnostics.length === 0;
        return latest !== undefined && JSON.stringify(latest.diagnostics) === JSON.stringify(want);
      });
    try {
      await fuzzed.until(settled, 'diagnostics of the final notebook', 10_000);
    } catch {
      for (const c of this.cells) {
        this.fail(`final diagnostics of ${c.uri}`, JSON.stringify({ published: fuzzed.latestDiagnostics(c.uri)?.diagnostics, expected: expected.get(c.uri) ?? [] }).slice(0, 3000));
      }
    }

    // A fresh server that only ever saw the final notebook.
    const rename = (u: string) => u.replace('/fuzz/', '/reference/');
    const refCells = this.cells.map((c) => ({ ...c, uri: rename(c.uri) }));
    const refUri = rename(this.uri);
    await reference.openNotebook({
      notebookDocument: { uri: refUri, notebookType: 'jupyter-notebook', version: this.version, cells: refCells.map((c) => ({ kind: c.kind, document: c.uri })) },
      cellTextDocuments: refCells.map((c) => ({ uri: c.uri, languageId: c.languageId, version: c.version, text: c.text })),
    });
    try {
      for (const c of this.cells) {
        const [mine, theirs] = await Promise.all([fuzzed.inlayHints(c.uri, WHOLE), reference.inlayHints(rename(c.uri), WHOLE)]);
        const resolved = await Promise.all(mine.map((h) => fuzzed.connection.sendRequest(InlayHintResolveRequest.type, h)));
        try {
          expect(stripData(resolved)).toEqual(theirs);
        } catch (e) {
          this.fail(`final hints in ${c.uri}`, e instanceof Error ? e.message : String(e));
        }
      }
      for (const c of refCells) {
        if (!analysed.includes(c.uri.replace('/reference/', '/fuzz/'))) continue;
        const theirs = await within(
          reference.until(() => reference.latestDiagnostics(c.uri), `reference diagnostics of ${c.uri}`),
          20_000,
          'reference diagnostics',
        );
        const mine = fuzzed.latestDiagnostics(c.uri.replace('/reference/', '/fuzz/'));
        let renamed = theirs.diagnostics;
        for (const other of this.cells) renamed = renameUri(renamed, rename(other.uri), other.uri);
        try {
          expect(mine?.diagnostics).toEqual(renamed);
        } catch (e) {
          this.fail(`final diagnostics (fresh server) of ${c.uri}`, e instanceof Error ? e.message : String(e));
        }
      }
    } finally {
      await reference.closeNotebook({ notebookDocument: { uri: refUri }, cellTextDocuments: refCells.map((c) => ({ uri: c.uri })) });
      await fuzzed.closeNotebook({ notebookDocument: { uri: this.uri }, cellTextDocuments: this.cells.map((c) => ({ uri: c.uri })) });
    }
  }
}

function describeNotebookSequence(seq: NbSequence): string {
  const doc = docs[seq.doc % docs.length];
  return [`document: ${doc.name}${seq.crlf ? ', CRLF' : ''}, split at ${JSON.stringify(seq.splits)}`, ...seq.ops.map((o, i) => `  ${i + 1}. ${JSON.stringify(o)}`)].join('\n');
}

async function runNotebookSequence(seq: NbSequence): Promise<void> {
  trace('notebook', seq);
  const doc = docs[seq.doc % docs.length];
  let text = doc.text;
  if (seq.crlf) text = text.replace(/\r?\n/g, '\r\n');
  // Cells: the document cut at line starts near the split points; a markdown cell second.
  const starts = lineStarts(text);
  const cuts = [...new Set(seq.splits.map((f) => starts[Math.floor((f / 1_000_000) * (starts.length - 1))]))].sort((a, b) => a - b).filter((c) => c > 0);
  const pieces: string[] = [];
  let prev = 0;
  for (const c of cuts) {
    pieces.push(text.slice(prev, c).replace(/\r?\n$/, ''));
    prev = c;
  }
  pieces.push(text.slice(prev));
  pieces.splice(1, 0, '# Notes\n\nNot code: `layers.Conv2D(1, 1)(x)`');
  const r = new NotebookRun(seq, pieces);
  await r.open();
  for (const o of seq.ops) await r.run(o);
  await r.finish();
  totals.notebookSequences++;
  totals.notebookEdits += r.edits;
  totals.requests += r.requests;
  if (r.failures.length > 0) {
    throw new Error(`${r.failures.length} failure(s):\n${r.failures.slice(0, 5).map((f) => `- ${f.what}: ${f.detail}`).join('\n')}`);
  }
}

describe('random edit sequences over the protocol', () => {
  it(`${RUNS} sequences of up to 80 operations on realistic documents (at least ${MIN_EDITS.toLocaleString('en-US')} edits; the count is printed), seed ${SEED}`, async () => {
    const t0 = performance.now();
    const out = await fc.check(
      fc.asyncProperty(sequence, async (seq) => {
        await runSequence(seq);
      }),
      // Bounded in time, shrinking too (it re-runs whole sequences; the failure found so far is
      // then reported): 200 sequences took 82-124 s on 2 cores.
      { seed: SEED, numRuns: RUNS, endOnFailure: false, interruptAfterTimeLimit: 240_000, ...replay('SHAPEWISE_FUZZ_PATH') },
    );
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    failWithReplay(out, 'Protocol fuzzing', 'SHAPEWISE_FUZZ_PATH', 'sequences', describeSequence);
    console.log(
      `protocol fuzz: ${totals.edits.toLocaleString('en-US')} edits over ${totals.sequences} sequences, ${totals.requests.toLocaleString('en-US')} requests checked, ` +
        `${totals.publishes.toLocaleString('en-US')} publishes checked, in ${seconds} s (seed ${SEED})`,
    );
    if (RUNS >= DEFAULT_RUNS) expect(totals.edits).toBeGreaterThanOrEqual(MIN_EDITS);
  }, 300_000);

  it(`${NB_RUNS} notebook sequences: cell edits, cells added, removed, moved, turned into markdown (the count is printed), seed ${SEED + 1}`, async () => {
    const t0 = performance.now();
    const out = await fc.check(
      fc.asyncProperty(nbSequence, async (seq) => {
        await runNotebookSequence(seq);
      }),
      { seed: SEED + 1, numRuns: NB_RUNS, endOnFailure: false, interruptAfterTimeLimit: 90_000, ...replay('SHAPEWISE_FUZZ_NOTEBOOK_PATH') },
    );
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    failWithReplay(out, 'Notebook fuzzing', 'SHAPEWISE_FUZZ_NOTEBOOK_PATH', 'notebook', describeNotebookSequence);
    console.log(
      `notebook fuzz: ${totals.notebookEdits.toLocaleString('en-US')} cell edits and structure changes over ${totals.notebookSequences} notebooks, in ${seconds} s (seed ${SEED + 1})`,
    );
  }, 150_000);
});
