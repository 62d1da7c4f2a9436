// Bundled by bundle.mjs and run by the benchmarks as a separate process (not a test):
//
//   parse-folder DIR      the raw tree-sitter parse of every .py file in DIR, once, shaped like the
//                         checker: worker threads (as many as the checker would start), each loading
//                         the parser the same way, taking files from one queue, reading and parsing
//                         them (tree deleted, nothing else). Prints one JSON line: files, lines,
//                         workers, startMs (process start to the first file handed out: module
//                         load, workers started, parsers loaded) and parseMs (first file handed out
//                         to the last parsed).
//   analyze-edits JSON    in-process analysis after each benchmark edit, no protocol, as the
//                         server's Analyses.compute does: the text alone when it can be read so
//                         (Analyzer.analyzeWithoutTree), else the kept (edited) tree is parsed
//                         incrementally (Analyzer.parse) and analysed (Analyzer.analyzeTree). JSON:
//                         { subjects: [{ name, text }], rounds, budgetMs }. Prints one JSON line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { Tree } from 'web-tree-sitter';
import { Analyzer } from '../../server/src/analysis';
import { defaultAnalysisConfig } from '../../server/src/config';
import { editFor } from '../../server/src/lsp/tree-edits';
import { workerCount } from '../../server/src/cli/parallel';
import { createPythonParser } from '../../server/src/python/parser';
import { LineIndex } from '../../server/src/text/line-index';
// @ts-expect-error plain JavaScript module without types
import { applyEdit, editPairs } from './edits.mjs';

interface Edit {
  kind: string;
  offset: number;
  oldEnd: number;
  inserted: string;
}
interface Pair {
  kind: string;
  apply: Edit;
  undo: Edit;
}

const started = performance.now();

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return text.length > 0 && !text.endsWith('\n') ? n + 1 : n;
}

async function parseWorker(): Promise<void> {
  const parser = await createPythonParser();
  const port = parentPort;
  if (!port) return;
  port.on('message', (file: string | null) => {
    if (file === null) {
      parser.delete();
      port.close();
      return;
    }
    const text = readFileSync(file, 'utf8');
    const tree = parser.parse(text);
    if (!tree) throw new Error(`the parser gave up on ${file}`);
    tree.delete();
    port.postMessage(countLines(text));
  });
  port.postMessage('ready');
}

async function parseFolder(dir: string): Promise<void> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.py'))
    .sort()
    .map((f) => path.join(dir, f));
  const n = workerCount(files.length);
  const workers = Array.from({ length: n }, () => new Worker(__filename, { workerData: { role: 'parse-worker' } }));
  // Files go out as workers become ready, like the checker (whose workers load the parser on start).
  let next = 0;
  let done = 0;
  let lines = 0;
  let firstOut = 0;
  await new Promise<void>((resolve, reject) => {
    const feed = (w: Worker): void => {
      if (next < files.length) {
        if (next === 0) firstOut = performance.now();
        w.postMessage(files[next++]);
      }
    };
    for (const w of workers) {
      w.on('error', reject);
      w.on('message', (m: number | 'ready') => {
        if (m !== 'ready') {
          lines += m;
          if (++done === files.length) return resolve();
        }
        feed(w);
      });
    }
  });
  const end = performance.now();
  for (const w of workers) w.postMessage(null);
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  console.log(JSON.stringify({ files: files.length, lines, workers: n, startMs: firstOut - started, parseMs: end - firstOut }));
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)];
}

async function analyzeEdits(spec: { subjects: { name: string; text: string }[]; rounds: number; budgetMs: number }): Promise<void> {
  const analyzer = await Analyzer.create();
  const config = defaultAnalysisConfig();
  const out: Record<string, unknown>[] = [];
  for (const { name, text: original } of spec.subjects) {
    const pairs = editPairs(original) as Pair[];
    let text = original;
    let tree: Tree | null = analyzer.parse(text);
    if (!tree) throw new Error(`the parser gave up on ${name}`);
    const fullParse: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      analyzer.parse(text)?.delete();
      fullParse.push(performance.now() - t);
    }
    // The document key keeps the lowering between edits, as the server does (Analyses.compute).
    analyzer.analyzeTree(tree, text, config, name); // warm-up
    const samples: { kind: string; parseMs: number; analyzeMs: number; fromText: boolean }[] = [];
    const deadline = performance.now() + spec.budgetMs;
    for (let round = 0; round < spec.rounds && (round === 0 || performance.now() < deadline); round++) {
      for (const pair of pairs) {
        for (const edit of [pair.apply, pair.undo]) {
          const lines = new LineIndex(text);
          tree.edit(editFor(text, lines, edit.offset, edit.oldEnd, edit.inserted));
          text = applyEdit(text, edit) as string;
          // As Analyses.compute: the text alone when it can be read so, else the kept tree is
          // parsed again (incrementally) and analysed.
          const t0 = performance.now();
          if (analyzer.analyzeWithoutTree(text, config, name)) {
            samples.push({ kind: edit.kind, parseMs: 0, analyzeMs: performance.now() - t0, fromText: true });
            continue;
          }
          const t1 = performance.now();
          const next: Tree | null = analyzer.parse(text, tree);
          const t2 = performance.now();
          if (!next) throw new Error(`the parser gave up on ${name}`);
          tree.delete();
          tree = next;
          analyzer.analyzeTree(tree, text, config, name);
          const t3 = performance.now();
          samples.push({ kind: edit.kind, parseMs: t2 - t1, analyzeMs: t1 - t0 + (t3 - t2), fromText: false });
        }
      }
    }
    tree.delete();
    out.push({
      name,
      samples: samples.length,
      fromText: samples.filter((s) => s.fromText).length,
      fullParseMs: median(fullParse),
      parseMs: median(samples.map((s) => s.parseMs)),
      analyzeMs: median(samples.map((s) => s.analyzeMs)),
      totalMs: median(samples.map((s) => s.parseMs + s.analyzeMs)),
      byKind: Object.fromEntries(
        [...new Set(samples.map((s) => s.kind))].map((k) => [k, median(samples.filter((s) => s.kind === k).map((s) => s.parseMs + s.analyzeMs))]),
      ),
    });
  }
  analyzer.dispose();
  console.log(JSON.stringify(out));
}

async function main(): Promise<void> {
  if (!isMainThread) {
    if ((workerData as { role?: string })?.role === 'parse-worker') await parseWorker();
    return;
  }
  const [mode, arg] = process.argv.slice(2);
  if (mode === 'parse-folder') await parseFolder(arg);
  else if (mode === 'analyze-edits') await analyzeEdits(JSON.parse(readFileSync(arg, 'utf8')));
  else throw new Error(`unknown mode ${mode}`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
