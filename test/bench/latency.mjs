// Per-edit latency in the real server, as an editor sees it: the built dist/server.js as a child
// process on stdio; the document is opened, then every edit is one incremental didChange followed
// at once by a textDocument/inlayHint request for the ~100 lines around the edit. Per edit:
//   hints  time from sending didChange to the inlay-hint response (the request makes the server
//          parse and analyse the new text on demand: this is the figure the targets are about)
//   diag   time from sending didChange to the publishDiagnostics carrying that version (includes
//          the server's debounce of background diagnostics)
// The next edit is sent only once both have arrived.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EDIT_KINDS, editPairs } from './edits.mjs';
import { cacheDir, median, percentile, serverScript, root, visibleRange, countLines } from './common.mjs';
import { withServer } from './lsp-client.mjs';

/** The server's debounce of background diagnostics, read from its source (for the report). */
export function serverDebounceMs() {
  try {
    const src = readFileSync(path.join(root, 'server', 'src', 'lsp', 'start.ts'), 'utf8');
    const m = /DEFAULT_DEBOUNCE_MS\s*=\s*(\d+)/.exec(src);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * The server's code cache (V8's compiled code of the server, written by a server after its first
 * analysis and used by every later start) is kept in the benchmark's cache folder, not the user's.
 */
export const codeCacheDir = path.join(cacheDir, 'code-cache');

/**
 * The built server; `nodeArgs` go to node before the script (e.g. --cpu-prof to profile), and
 * `codeCache` is the code cache folder or 'off'.
 */
export function shapewiseServer(nodeArgs = [], { codeCache = codeCacheDir } = {}) {
  return {
    name: 'shapewise',
    args: [...nodeArgs, serverScript, '--stdio', codeCache === 'off' ? '--no-code-cache' : `--code-cache-dir=${codeCache}`],
    configuration: (section) => (section === 'shapewise' ? {} : null),
  };
}

/**
 * Measures one document. `rounds` rounds of every edit pair (each pair: the edit and its undo, both
 * measured), stopping early after `budgetMs` (at least one round). Then, when `floorSamples` > 0,
 * what an edit's hints cost beyond the analysis: after the same pause as between edits (the
 * debounce, and a little), a request for a method the server does not have (`floorMs`: the
 * protocol's round trip, both JSON-RPC stacks and the pipes), and the same inlay-hint request with
 * no change before it (`cachedHintsMs`: that plus finding and rendering the hints).
 */
export async function measureDocument({ name, uri, text, rounds, budgetMs, warmupRounds = 1, nodeArgs = [], floorSamples = 0 }) {
  const pairs = editPairs(text);
  if (pairs.length === 0) throw new Error(`no edit spot found in ${name}`);
  const totalLines = countLines(text);
  return withServer(shapewiseServer(nodeArgs), async (server) => {
    const firstHints = await openDocument(server, uri, text);
    if (!Array.isArray(firstHints) || firstHints.length === 0) throw new Error(`shapewise gave no hints for the first lines of ${name}`);

    let version = 1;
    const samples = [];
    const edit = async (change, record) => {
      const t = await timedChange(server, uri, ++version, { range: change.range, text: change.text }, visibleRange(change.range.start.line, totalLines));
      if (record) samples.push({ kind: change.kind, ...t });
    };
    for (let r = 0; r < warmupRounds; r++) {
      for (const p of pairs) {
        await edit(p.apply, false);
        await edit(p.undo, false);
      }
    }
    const deadline = performance.now() + budgetMs;
    let done = 0;
    for (; done < rounds && (done === 0 || performance.now() < deadline); done++) {
      for (const p of pairs) {
        await edit(p.apply, true);
        await edit(p.undo, true);
      }
    }
    const floor = [];
    const cached = [];
    const pause = (serverDebounceMs() ?? 150) + 10;
    const range = visibleRange(Math.floor(totalLines / 2), totalLines);
    for (let i = 0; i < floorSamples; i++) {
      await sleep(pause);
      let t0 = performance.now();
      await server.connection.sendRequest('shapewise/benchmarkNoSuchMethod', {}).catch(() => undefined);
      floor.push(performance.now() - t0);
      await sleep(pause);
      t0 = performance.now();
      await server.hints(uri, range, 60_000);
      cached.push(performance.now() - t0);
    }
    return { ...summarize(name, totalLines, samples, done), floorMs: median(floor), cachedHintsMs: median(cached) };
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** initialize, then didOpen (version 1) and the hints of the first lines; resolves with those hints once the diagnostics are published. */
async function openDocument(server, uri, text) {
  await server.initialize();
  const opened = server.waitDiagnostics(uri, 1, 60_000);
  await server.open(uri, text, 1);
  const hints = await server.hints(uri, visibleRange(0, countLines(text)), 60_000);
  await opened;
  return hints;
}

/**
 * One didChange, at once followed by the hints for `range`: the time to those hints (`hintsMs`)
 * and to the diagnostics of that version (`diagMs`), which it waits for.
 */
async function timedChange(server, uri, version, change, range) {
  const diag = server.waitDiagnostics(uri, version, 60_000);
  const t0 = performance.now();
  void server.change(uri, version, [change]);
  const hints = await server.hints(uri, range, 60_000);
  const t1 = performance.now();
  const published = await diag;
  return { hintsMs: t1 - t0, diagMs: published.at - t0, hints: hints?.length ?? 0, diagnostics: published.diagnostics.length };
}

function stats(samples, key) {
  const xs = samples.map((s) => s[key]);
  return { median: median(xs), p95: percentile(xs, 95), n: xs.length };
}

export function summarize(name, lines, samples, rounds) {
  const byKind = {};
  for (const kind of EDIT_KINDS) {
    const of = samples.filter((s) => s.kind === kind);
    if (of.length > 0) byKind[kind] = { hints: stats(of, 'hintsMs'), diag: stats(of, 'diagMs'), hintCount: median(of.map((s) => s.hints)) };
  }
  return { name, lines, rounds, hints: stats(samples, 'hintsMs'), diag: stats(samples, 'diagMs'), byKind, samples };
}

/**
 * A layer call typed on a new line in the middle of the file, keystroke by keystroke, as the
 * hints are wanted while typing: the line break, then the call, whose bracket stays open (the
 * text broken) until its last characters.
 */
export const TYPED_CALL = '\nx = layers.Conv2D(32, 3, padding="same")(x)';

/**
 * Per keystroke of TYPED_CALL (after the end of the line before the middle `x = ...` line): one
 * didChange, then the inlay hints for the ~100 lines around it, as in measureDocument (the next
 * keystroke once the diagnostics of this one are published). The call is deleted again after
 * each round (not measured); the first round is not measured either.
 */
export async function measureTyping({ name, uri, text, rounds = 2 }) {
  const at = text.indexOf('\nx = ', Math.floor(text.length / 2));
  if (at < 0) throw new Error(`no middle line to type under in ${name}`);
  const before = text.slice(0, at);
  const line = before.split('\n').length - 1;
  const character = at - (before.lastIndexOf('\n') + 1);
  const totalLines = countLines(text);
  return withServer(shapewiseServer(), async (server) => {
    await openDocument(server, uri, text);
    let version = 1;
    const samples = [];
    const send = async (change, record) => {
      const t = await timedChange(server, uri, ++version, change, visibleRange(line, totalLines));
      if (record) samples.push(t.hintsMs);
    };
    for (let r = 0; r < rounds; r++) {
      let pos = { line, character };
      for (const ch of TYPED_CALL) {
        await send({ range: { start: pos, end: pos }, text: ch }, r > 0);
        pos = ch === '\n' ? { line: pos.line + 1, character: 0 } : { line: pos.line, character: pos.character + 1 };
      }
      await send({ range: { start: { line, character }, end: pos }, text: '' }, false);
    }
    return { name, lines: totalLines, keystrokes: samples.length, median: median(samples), p95: percentile(samples, 95) };
  });
}
