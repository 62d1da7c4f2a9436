// The analysis of a document's next version, running again only what an edit can affect. The
// module's top-level statements fall into islands that cannot affect one another (islands.ts);
// an island whose statements are all unchanged (the same statement objects, reused by the
// lowering cache) keeps its reports from the previous version, moved to the statements' new
// offsets and lines (unless a report names a line in its text). The other islands run together,
// in one interpreter run that starts with the shared imports, and their reports are split among
// them by place. Sorting every island's reports by mark (marks.ts) then gives exactly the whole
// module's run. Whatever this cannot vouch for falls back to that whole run (`whole`): no
// islands (a star import, a get_layer), a run that stopped at the work bound, a report outside
// its island, a shape mismatch (whose "sizes that work" need the whole module run again).
import type { AnalysisResult, DiagnosticReport, LayerReport, SourceRange, UnknownReport } from '../analysis-types';
import type { EngineOptions } from '../engine/types';
import { lastAtOrBefore, lineBreaksBetween } from '../text/line-index';
import type { Module, Stmt } from './ast';
import { Budget } from './budget';
import { parseDirectives } from './directives';
import { Interpreter } from './interpreter';
import { partition, type Partition } from './islands';
import { statementNames, type StatementNames } from './statement-names';
import { remapMark, statementOfMark } from './marks';
import { settle } from './lowering-cache';
import { originLabel, originParts, Recorder } from './recorder';
import { copyDiagnostic, copyLayer, copyUnknown } from './report-copies';

/** Thrown where the islands cannot vouch for the result: the whole module runs instead. */
class WholeRun extends Error {}

/** The reports of one island as last run, at the offsets of the version they were made for. */
interface IslandRun {
  /** Where its statements start (the reports' offsets move with them) and on which lines. */
  starts: number[];
  lines: number[];
  layers: LayerReport[];
  /** Marks (marks.ts) with the statement's place in the island for its index in the module. */
  layerMarks: number[];
  /** `layer` indexes into this island's `layers`. */
  diagnostics: DiagnosticReport[];
  unknowns: UnknownReport[];
  unknownMarks: number[];
  /** Work-bound steps its statements took. */
  steps: number;
  /** It names input sizes (H, W): such islands run together, as the symbols' names depend on order. */
  sizes: boolean;
  /** Per statement: the offsets in the reports that lie in it, to move them with it (in place). */
  ranges: SourceRange[][];
  hints: LayerReport[][];
  /** A report names a line in its text (a message, a reason): it runs again when its statements move to other lines. */
  namesLines: boolean;
  /** Per statement: the labels of input origins in it (`Conv2D (line 12)`), rendered again when it moves to another line. */
  labels: OriginLabel[][];
}

/** An input origin's label in a kept layer report, with what it is made of. */
interface OriginLabel {
  origin: { range: SourceRange; label: string };
  className: string;
  line: number;
}

/** What one document keeps between versions. */
export class IslandCache {
  /**
   * The island runs of the last analysis per reader (text path, tree path): their statements
   * are different objects, and a bracket left open while typing sends a few versions to the
   * tree path, after which the text path finds its own runs again.
   */
  readonly runs = new Map<string, Map<string, IslandRun>>();
  /** What the runs depend on beyond their statements: the options, the prelude, the shape declarations. */
  context = '';
  /** The last partition and the statements it was made for. */
  partition?: { body: Stmt[]; parts: Partition };
  /** The islands' keys for that partition, and the statements they were made for. */
  keys?: { parts: Partition; body: Stmt[]; keys: string[] };
  /** The last merge's order, reused while the partition and every island's marks are the same. */
  order?: { parts: Partition; layerMarks: number[][]; unknownMarks: number[][]; layers: MergeOrder; unknowns: MergeOrder };
  /** How the last analysis went, for tests and the benchmark. */
  last: { islands: number; ran: number; fallback?: string } = { islands: 0, ran: 0 };
}

const MAX_STEPS = new Budget().maxSteps;

/** Statement objects get an id the first time they are seen (an island's key lists them). */
const statementIds = new WeakMap<Stmt, number>();
let nextStatementId = 1;

function idOf(s: Stmt): number {
  let id = statementIds.get(s);
  if (id === undefined) {
    id = nextStatementId++;
    statementIds.set(s, id);
  }
  return id;
}

export function analyzeIncrementally(module: Module, text: string, options: EngineOptions, cache: IslandCache, reader: string, whole: () => AnalysisResult): AnalysisResult {
  const fallback = (why: string, keep = false): AnalysisResult => {
    if (!keep) cache.runs.clear();
    cache.last = { islands: 0, ran: 0, fallback: why };
    return whole();
  };
  const body = module.body;
  const parts = partitionOf(body, cache);
  if ('none' in parts) return fallback(parts.none);
  const lineOf = statementLines(text, body);
  // Every island's run starts with the prelude: another prelude, another run for all.
  const prelude = parts.prelude.map((i) => text.slice(body[i].span.start, body[i].span.end)).join('\n');
  const context = `${options.defaultDataFormat}\n${prelude}\n${directiveSignature(text, module)}`;
  if (context !== cache.context) {
    cache.runs.clear();
    cache.context = context;
  }

  let before = cache.runs.get(reader);
  if (!before) {
    // A document opened and never edited needs no islands: the first analysis runs the whole
    // module as the checker does (no reports copied and kept), the next one makes the islands.
    // A document already edited (its first syntax error sends it to the other reader) makes
    // them at once: it is being typed in.
    const edited = cache.runs.size > 0;
    before = new Map();
    cache.runs.set(reader, before);
    if (!edited) {
      cache.last = { islands: parts.islands.length, ran: 0, fallback: 'the first analysis' };
      return whole();
    }
  }
  const keys = islandKeys(parts, body, cache);
  const runs: (IslandRun | undefined)[] = keys.map((key, n) => kept(before.get(key), parts.islands[n], body, lineOf));
  // Islands that name input sizes run with the others that do, in order, or the names differ.
  if (runs.includes(undefined)) {
    runs.forEach((run, n) => {
      if (run?.sizes) runs[n] = undefined;
    });
  }
  const dirty: number[] = [];
  runs.forEach((run, n) => {
    if (!run) dirty.push(n);
  });
  let result: AnalysisResult;
  try {
    let sharedSteps = 0;
    if (dirty.length > 0) {
      const fresh = runIslands(module, text, options, parts, dirty, lineOf);
      for (const [n, run] of fresh.runs) runs[n] = run;
      sharedSteps = fresh.sharedSteps;
    }
    const complete = runs as IslandRun[];
    let steps = sharedSteps;
    for (const run of complete) steps += run.steps;
    if (steps > MAX_STEPS) throw new WholeRun('the work bound');
    cache.runs.set(reader, new Map(keys.map((key, n) => [key, complete[n]])));
    cache.last = { islands: complete.length, ran: dirty.length };
    result = merge(complete, parts, cache);
  } catch (e) {
    if (e instanceof WholeRun) return fallback(e.message);
    throw e;
  }
  if (result.diagnostics.some((d) => d.code === 'shape-mismatch')) return fallback('a shape mismatch', true);
  return result;
}

/**
 * The partition of `body`: the last one when the statements are the same, or differ only in
 * statements whose names are the same (typing in a number or a string, the usual edit).
 */
function partitionOf(body: Stmt[], cache: IslandCache): Partition | { none: string } {
  const last = cache.partition;
  if (last && last.body.length === body.length) {
    let same = true;
    for (let i = 0; i < body.length && same; i++) same = body[i] === last.body[i] || sameNames(statementNames(body[i]), statementNames(last.body[i]));
    if (same) {
      last.body = body;
      return last.parts;
    }
  }
  const parts = partition(body);
  cache.partition = 'none' in parts ? undefined : { body, parts };
  return parts;
}

function sameNames(a: StatementNames, b: StatementNames): boolean {
  return (
    a.isImport === b.isImport &&
    a.starImport === b.starImport &&
    a.getLayer === b.getLayer &&
    a.setsDataFormat === b.setsDataFormat &&
    sameList(a.reads, b.reads) &&
    sameList(a.deferred, b.deferred) &&
    sameList(a.binds, b.binds) &&
    sameList(a.definite, b.definite) &&
    sameList(a.functions, b.functions) &&
    sameList(a.classes, b.classes)
  );
}

function sameList<T>(a: readonly T[], b: readonly T[] | undefined): boolean {
  return a === b || (b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));
}

/** Each island's key: the ids of its statements (recomputed for the islands whose statements changed). */
function islandKeys(parts: Partition, body: Stmt[], cache: IslandCache): string[] {
  const last = cache.keys?.parts === parts ? cache.keys : undefined;
  const keys = parts.islands.map((island, n) => (last && island.every((i) => body[i] === last.body[i]) ? last.keys[n] : island.map((i) => idOf(body[i])).join(',')));
  cache.keys = { parts, body, keys };
  return keys;
}

/** Line breaks inside each statement, kept per statement object (a reused statement has the same text). */
const breaksInside = new WeakMap<Stmt, number>();

/** The line of each statement's start, as LineIndex counts, without indexing every line. */
function statementLines(text: string, body: Stmt[]): Int32Array {
  const out = new Int32Array(body.length);
  const cr = text.includes('\r');
  let line = 0;
  let at = 0;
  body.forEach((s, i) => {
    line += lineBreaksBetween(text, at, s.span.start, cr);
    out[i] = line;
    let inside = breaksInside.get(s);
    if (inside === undefined) {
      inside = lineBreaksBetween(text, s.span.start, s.span.end, cr);
      breaksInside.set(s, inside);
    }
    line += inside;
    at = s.span.end;
  });
  return out;
}

/**
 * The declarations in `# shapewise:` comments, each with the statement before it and where in
 * that statement it lies (characters and line breaks from its start): a change there runs
 * everything. A directive that moved together with its statement (a line typed above both)
 * declares the same as before.
 */
function directiveSignature(text: string, module: Module): string {
  if (!module.comments.some((c) => text.slice(c.start, c.end).includes('shapewise'))) return '';
  const body = module.body;
  const starts = body.map((s) => s.span.start);
  const cr = text.includes('\r');
  return parseDirectives(text, module.comments)
    .map((d) => {
      const i = lastAtOrBefore(starts, d.at);
      const where = i < 0 ? `${d.at}` : `${idOf(body[i])}+${d.at - starts[i]}+${lineBreaksBetween(text, starts[i], d.at, cr)}`;
      return `${where}:${[...d.shapes].map(([k, v]) => `${k}=${v.join(',')}`).join(';')}`;
    })
    .join('\n');
}

/**
 * The island's previous run, moved to where its statements are now (its reports are shifted in
 * place: they belong to the cache, and the results that shared them are out of date); undefined
 * if it must run again.
 */
function kept(run: IslandRun | undefined, island: number[], body: Stmt[], lineOf: Int32Array): IslandRun | undefined {
  if (!run) return undefined;
  // A message that names a line ("the if on line 12") would be wrong on another line: run again.
  if (run.namesLines) for (let j = 0; j < island.length; j++) if (lineOf[island[j]] !== run.lines[j]) return undefined;
  for (let j = 0; j < island.length; j++) {
    const lines = lineOf[island[j]] - run.lines[j];
    if (lines !== 0) {
      // The statement's text is unchanged, so what lies in it moved by as many lines as it did.
      for (const o of run.labels[j]) {
        o.line += lines;
        o.origin.label = originLabel(o.className, o.line);
      }
      run.lines[j] += lines;
    }
    const span = body[island[j]].span;
    const by = span.start - run.starts[j];
    if (by === 0) continue;
    for (const r of run.ranges[j]) {
      r.start += by;
      r.end += by;
    }
    for (const l of run.hints[j]) l.hintAt += by;
    run.starts[j] = span.start;
  }
  return run;
}

/**
 * The offsets in reports that move with statement j of an island (found once, when it runs;
 * `ends`: where its statements end). An offset outside the island's statements is a WholeRun.
 */
function collectMovable(run: IslandRun, ends: number[], labels: OriginLabel[]): void {
  const at = (offset: number): number => {
    const j = lastAtOrBefore(run.starts, offset);
    if (j < 0 || offset > ends[j]) throw new WholeRun(`a report at offset ${offset} is outside its island`);
    return j;
  };
  const add = (r: SourceRange): void => {
    run.ranges[at(r.start)].push(r);
  };
  for (const l of run.layers) {
    add(l.construct);
    add(l.name);
    for (const a of l.args) {
      add(a.range);
      add(a.valueRange);
    }
    add(l.expression);
    run.hints[at(l.expression.start)].push(l);
    for (const o of l.inputOrigins) if (o) add(o.range);
  }
  for (const d of run.diagnostics) {
    add(d);
    for (const r of d.related) add(r.range);
  }
  for (const u of run.unknowns) add(u);
  for (const o of labels) run.labels[at(o.origin.range.start)].push(o);
}

/**
 * Runs the shared imports and the statements of the `dirty` islands (in source order, in one
 * interpreter run), and splits the reports among the islands by the statement they are in.
 * A WholeRun says why it could not.
 */
function runIslands(
  module: Module,
  text: string,
  options: EngineOptions,
  parts: Partition,
  dirty: number[],
  lineOf: Int32Array,
): { runs: Map<number, IslandRun>; sharedSteps: number } {
  const body = module.body;
  const members = [...parts.prelude];
  for (const n of dirty) members.push(...parts.islands[n]);
  members.sort((a, b) => a - b);
  for (const i of members) settle(body[i]);
  const starts = body.map((s) => s.span.start);
  // Line numbers (in messages and labels) are counted from the nearest statement start.
  const recorder = new Recorder(text, { starts, lines: lineOf });
  const linesCounted = recorder.trackLines();
  const interp = new Interpreter(recorder, options);
  interp.run({ body: members.map((i) => body[i]), comments: module.comments }, text, members);
  if (interp.stoppedBecause) throw new WholeRun('the work bound');
  const result = recorder.result();

  const runs = new Map<number, IslandRun>();
  for (const n of dirty) {
    const island = parts.islands[n];
    runs.set(n, {
      starts: island.map((i) => starts[i]),
      lines: island.map((i) => lineOf[i]),
      layers: [],
      layerMarks: [],
      diagnostics: [],
      unknowns: [],
      unknownMarks: [],
      steps: 0,
      sizes: false,
      ranges: island.map(() => []),
      hints: island.map(() => []),
      namesLines: false,
      labels: island.map(() => []),
    });
  }
  // A line counted while a statement ran is in that statement's island's reports, if anywhere
  // (values pass only within islands); one counted elsewhere may be in any island's.
  for (const mark of linesCounted) {
    const statement = statementOfMark(mark);
    const run = statement >= 0 ? runs.get(parts.islandOf[statement]) : undefined;
    if (run) run.namesLines = true;
    else for (const r of runs.values()) r.namesLines = true;
  }
  /** The island holding `offset`, or a thrown WholeRun. */
  const islandAt = (offset: number): number => {
    const i = lastAtOrBefore(starts, offset);
    const n = i >= 0 && offset <= body[i].span.end ? parts.islandOf[i] : -1;
    if (!runs.has(n)) throw new WholeRun(`a report at offset ${offset} is outside the islands that ran`);
    return n;
  };
  const runAt = (n: number): IslandRun => runs.get(n) as IslandRun;

  /** A mark of this run, by the statement's place in island n. */
  const local = (mark: number, n: number): number =>
    remapMark(mark, (i) => {
      const j = lastAtOrBefore(parts.islands[n], i);
      if (parts.islands[n][j] !== i) throw new WholeRun('a report made while another island ran');
      return j;
    });
  const layerAt: { n: number; index: number }[] = [];
  const labels = new Map<number, OriginLabel[]>();
  result.layers.forEach((l, k) => {
    const n = islandAt(l.construct.start);
    const run = runAt(n);
    layerAt.push({ n, index: run.layers.length });
    const copy = copyLayer(l);
    run.layers.push(copy);
    run.layerMarks.push(local(recorder.layerMarks[k], n));
    copy.inputOrigins.forEach((origin, i) => {
      const made = l.inputOrigins[i];
      if (!origin || !made) return;
      const label = originParts(made);
      // A label the recorder did not make cannot be rendered again: the island runs again.
      if (!label) {
        run.namesLines = true;
        return;
      }
      let list = labels.get(n);
      if (!list) labels.set(n, (list = []));
      list.push({ origin, ...label });
    });
  });
  for (const d of result.diagnostics) {
    const n = islandAt(d.start);
    const run = runAt(n);
    let layer: number | undefined;
    if (d.layer !== undefined) {
      const at = layerAt[d.layer];
      if (at.n !== n) throw new WholeRun('a diagnostic about a layer of another island');
      layer = at.index;
    }
    run.diagnostics.push(copyDiagnostic(d, layer));
  }
  result.unknowns.forEach((u, k) => {
    const n = islandAt(u.start);
    const run = runAt(n);
    run.unknowns.push(copyUnknown(u));
    run.unknownMarks.push(local(recorder.unknownMarks[k], n));
  });
  for (const place of interp.sizes.places()) runAt(islandAt(place.start)).sizes = true;
  for (const [n, run] of runs) collectMovable(run, parts.islands[n].map((i) => body[i].span.end), labels.get(n) ?? []);
  let sharedSteps = 0;
  for (const [mark, steps] of interp.stepsByMark) {
    const statement = statementOfMark(mark);
    const run = statement >= 0 ? runs.get(parts.islandOf[statement]) : undefined;
    if (run) run.steps += steps;
    else sharedSteps += steps;
  }
  return { runs, sharedSteps };
}

/** The islands' reports in the order a run of the whole module makes them. */
function merge(runs: IslandRun[], parts: Partition, cache: IslandCache): AnalysisResult {
  const global = (mark: number, n: number): number => remapMark(mark, (j) => parts.islands[n][j]);
  // An edit that changes no mark (a number typed into a layer's argument) keeps the order.
  const last = cache.order;
  const same = last !== undefined && last.parts === parts && runs.every((run, n) => sameList(run.layerMarks, last.layerMarks[n]) && sameList(run.unknownMarks, last.unknownMarks[n]));
  const layerOrder = same ? last.layers : mergeOrder(runs, (run) => run.layerMarks, global);
  const unknownOrder = same ? last.unknowns : mergeOrder(runs, (run) => run.unknownMarks, global);
  cache.order = { parts, layerMarks: runs.map((run) => run.layerMarks), unknownMarks: runs.map((run) => run.unknownMarks), layers: layerOrder, unknowns: unknownOrder };
  const layers: LayerReport[] = [];
  const globalIndex = runs.map((run) => new Int32Array(run.layers.length));
  for (let k = 0; k < layerOrder.n.length; k++) {
    const n = layerOrder.n[k];
    const index = layerOrder.index[k];
    globalIndex[n][index] = layers.length;
    layers.push(runs[n].layers[index]);
  }
  const diagnostics: DiagnosticReport[] = [];
  runs.forEach((run, n) => {
    for (const d of run.diagnostics) {
      const layer = d.layer === undefined ? undefined : globalIndex[n][d.layer];
      diagnostics.push(layer === d.layer ? d : { ...d, layer });
    }
  });
  diagnostics.sort((a, b) => a.start - b.start || a.end - b.end);
  const unknowns: UnknownReport[] = [];
  for (let k = 0; k < unknownOrder.n.length; k++) unknowns.push(runs[unknownOrder.n[k]].unknowns[unknownOrder.index[k]]);
  return { layers, diagnostics, unknowns };
}

/** Positions in the concatenation of all islands' lists, below this, share a number with the mark. */
const SEQUENCE = 2 ** 24;

/** Per place in the merged list: the island and the index in its list. */
interface MergeOrder {
  n: Int32Array;
  index: Int32Array;
}

/**
 * The reports of every island (their marks given by `marks`) sorted by mark, ties in island
 * order: as numbers (mark, then place in the concatenation) in a typed array, sorted natively.
 * Marks stay under 2^29, so mark * 2^24 + place is an exact integer.
 */
function mergeOrder(runs: IslandRun[], marks: (run: IslandRun) => number[], global: (mark: number, n: number) => number): MergeOrder {
  let total = 0;
  for (const run of runs) total += marks(run).length;
  const islandOf = new Int32Array(total);
  const indexOf = new Int32Array(total);
  const keys = new Float64Array(total);
  let place = 0;
  runs.forEach((run, n) => {
    const list = marks(run);
    for (let i = 0; i < list.length; i++) {
      islandOf[place] = n;
      indexOf[place] = i;
      keys[place] = global(list[i], n) * SEQUENCE + place;
      place++;
    }
  });
  if (total >= SEQUENCE) throw new WholeRun('too many reports to merge');
  keys.sort();
  const n = new Int32Array(total);
  const index = new Int32Array(total);
  for (let k = 0; k < total; k++) {
    const at = keys[k] % SEQUENCE;
    n[k] = islandOf[at];
    index[k] = indexOf[at];
  }
  return { n, index };
}
