// When the server's background analyses run (server/src/lsp/scheduler.ts): after their delay,
// one at a time, each in a task of its own, and only once messages pause; so a request sent in a
// burst of opened documents is answered before their analyses, not after all of them.
import { afterEach, describe, expect, it } from 'vitest';
import { DidOpenTextDocumentNotification, InlayHintRequest } from 'vscode-languageserver-protocol/node';
import { Debouncer, MAX_DEFER_MS, MAX_RUN_WAIT_MS, QUIET_MS } from '../../server/src/lsp/scheduler';
import { startBuiltServer } from './built-server';
import { TestClient } from './harness';
// @ts-expect-error plain JavaScript module without type declarations
import { generateKerasFile } from '../bench/generate.mjs';

const generate = generateKerasFile as (lines: number, seed?: number) => string;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let debouncer: Debouncer | undefined;
afterEach(() => debouncer?.dispose());

/** A Debouncer whose runs are recorded (key and time). */
function recording(delayMs: number) {
  const runs: { key: string; at: number }[] = [];
  debouncer = new Debouncer(delayMs, (key) => {
    runs.push({ key, at: performance.now() });
    if (key === 'throws') throw new Error('boom');
  });
  return { d: debouncer, runs };
}

async function until(predicate: () => boolean, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error('timed out');
    await sleep(1);
  }
}

describe('Debouncer', () => {
  it('runs a key once after its delay; scheduling again restarts the delay', async () => {
    const { d, runs } = recording(30);
    const start = performance.now();
    d.schedule('a');
    await sleep(15);
    d.schedule('a');
    await until(() => runs.length === 1);
    expect(runs[0].at - start).toBeGreaterThanOrEqual(44);
    await sleep(50);
    expect(runs.map((r) => r.key)).toEqual(['a']);
  });

  it('runs that come due together run one per turn of the event loop, in the order they came due', async () => {
    // A heartbeat counting turns of the event loop: each run sees a later turn than the one before.
    let turn = 0;
    let beating = true;
    const beat = (): void => {
      turn++;
      if (beating) setImmediate(beat);
    };
    beat();
    const turns: number[] = [];
    debouncer = new Debouncer(0, () => void turns.push(turn));
    try {
      for (const k of ['a', 'b', 'c']) debouncer.schedule(k);
      await until(() => turns.length === 3);
    } finally {
      beating = false;
    }
    expect(turns[1]).toBeGreaterThan(turns[0]);
    expect(turns[2]).toBeGreaterThan(turns[1]);
  });

  it('keeps the order in which keys came due', async () => {
    const { d, runs } = recording(0);
    d.noteMessage();
    for (const k of ['c', 'a', 'b']) d.schedule(k);
    await until(() => runs.length === 3);
    expect(runs.map((r) => r.key)).toEqual(['c', 'a', 'b']);
  });

  it('waits while messages are being handled, and runs only after a pause of QUIET_MS', async () => {
    const { d, runs } = recording(0);
    const notes: number[] = [];
    const note = (): void => {
      notes.push(performance.now());
      d.noteMessage();
    };
    note();
    d.schedule('a');
    // A burst of messages, one every millisecond or so for 60 ms.
    const start = performance.now();
    while (performance.now() - start < 60) {
      note();
      await sleep(1);
    }
    await until(() => runs.length === 1);
    // However the machine scheduled the burst, the run came after a gap of at least QUIET_MS.
    const lastNoteBefore = Math.max(...notes.filter((t) => t <= runs[0].at));
    expect(runs[0].at - lastNoteBefore).toBeGreaterThanOrEqual(QUIET_MS);
  });

  it('a client that never pauses delays a run by about MAX_DEFER_MS, not for ever', async () => {
    const { d, runs } = recording(0);
    const start = performance.now();
    d.schedule('a');
    while (runs.length === 0 && performance.now() - start < 20 * MAX_DEFER_MS) {
      d.noteMessage();
      await sleep(1);
    }
    expect(runs).toHaveLength(1);
    expect(runs[0].at - start).toBeGreaterThanOrEqual(MAX_DEFER_MS - 2);
  });

  it('a key cancelled while due does not run; a run that throws does not stop the others', async () => {
    const { d, runs } = recording(0);
    d.noteMessage(); // holds the due runs back for QUIET_MS
    for (const k of ['throws', 'gone', 'b']) d.schedule(k);
    // Fires in the same turn as the three, once they are due.
    setTimeout(() => d.cancel('gone'), 0);
    await until(() => runs.length === 2);
    await sleep(20);
    expect(runs.map((r) => r.key)).toEqual(['throws', 'b']);
  });

  it('a run that never settles (a client that never answers) holds back the next for MAX_RUN_WAIT_MS at most', async () => {
    const runs: { key: string; at: number }[] = [];
    debouncer = new Debouncer(0, (key) => {
      runs.push({ key, at: performance.now() });
      return key === 'stuck' ? new Promise<void>(() => undefined) : undefined;
    });
    debouncer.noteMessage();
    debouncer.schedule('stuck');
    debouncer.schedule('b');
    await until(() => runs.length === 2, 10 * MAX_RUN_WAIT_MS);
    expect(runs.map((r) => r.key)).toEqual(['stuck', 'b']);
    expect(runs[1].at - runs[0].at).toBeGreaterThanOrEqual(MAX_RUN_WAIT_MS - 2);
  });

  it('nothing runs after dispose', async () => {
    const { d, runs } = recording(0);
    d.noteMessage();
    d.schedule('a');
    d.schedule('b', 10);
    d.dispose();
    await sleep(40);
    expect(runs).toEqual([]);
  });
});

describe('a burst of opened documents', () => {
  it('a hint request sent right after 30 opened files is answered before their analyses, not after all of them', async () => {
    // Without workspace/configuration every analysis runs as soon as it is due: before the
    // scheduler, the 30 came due together and all ran before the request was read.
    const client = await TestClient.start({ configuration: false });
    try {
      const uris = Array.from({ length: 30 }, (_, i) => `file:///burst/m${i}.py`);
      const texts = uris.map((_, i) => generate(600, i + 1));
      for (let i = 0; i < uris.length; i++) void client.open(uris[i], texts[i]);
      const hints = await client.inlayHints(uris[29]);
      const publishedBefore = new Set(client.diagnostics.map((p) => p.uri)).size;
      expect(hints.length).toBeGreaterThan(0);
      // None, unless the machine paused between two messages for QUIET_MS.
      expect(publishedBefore).toBeLessThan(10);
      // And every file is still analysed and published in the background.
      await client.until(() => uris.every((u) => client.latestDiagnostics(u)), 'every file published', 60_000);
    } finally {
      await client.stop();
    }
  });

  it('the same over stdio with the built server and a client that answers workspace/configuration meanwhile', async () => {
    // Messages over a pipe do not come back to back: the server's settings requests keep the
    // client busy between its opens. With a pause of 5 ms and the settings asked for at open, a
    // run went into nearly every gap and the request waited for almost all 60 analyses.
    const server = await startBuiltServer(['--stdio', '--no-code-cache'], { configuration: true });
    try {
      const uris = Array.from({ length: 60 }, (_, i) => `file:///burst/s${i}.py`);
      for (let i = 0; i < uris.length; i++) {
        void server.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uris[i], languageId: 'python', version: 1, text: generate(1000, i + 1) } });
      }
      const hints = await server.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: uris[59] }, range: { start: { line: 0, character: 0 }, end: { line: 1000, character: 0 } } });
      const publishedBefore = new Set(server.published.map((p) => p.uri)).size;
      expect(hints?.length).toBeGreaterThan(0);
      expect(publishedBefore).toBeLessThan(20);
      for (let i = 0; i < 600 && new Set(server.published.map((p) => p.uri)).size < uris.length; i++) await sleep(100);
      expect(new Set(server.published.map((p) => p.uri)).size).toBe(uris.length);
    } finally {
      server.close();
    }
  });
});
