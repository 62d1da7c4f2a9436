// answersFirst with a reader and writer of our own: nothing after `initialize` is handed on before
// it is answered; `exit` and the reader's close wait for the answers to the requests read before
// them (the grace at most) and for the writes under way (the flush time more at most).
import { describe, expect, it } from 'vitest';
import { Emitter, type DataCallback, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import { answersFirst } from '../../server/src/lsp/answers-first';

const LONG = { graceMs: 60_000, flushMs: 60_000 };

function fakes() {
  let deliver: DataCallback = () => undefined;
  const close = new Emitter<void>();
  const reader: MessageReader = {
    onError: new Emitter<Error>().event,
    onClose: close.event,
    onPartialMessage: new Emitter<never>().event,
    listen: (cb) => {
      deliver = cb;
      return { dispose: () => undefined };
    },
    dispose: () => undefined,
  };
  const written: Message[] = [];
  /** Writes finish when `flush` is called (a client that reads only then), or at once. */
  let slow = false;
  let unfinished: (() => void)[] = [];
  const writer: MessageWriter = {
    onError: new Emitter<never>().event,
    onClose: new Emitter<void>().event,
    write: (m) =>
      new Promise<void>((resolve) => {
        written.push(m);
        if (slow) unfinished.push(resolve);
        else resolve();
      }),
    end: () => undefined,
    dispose: () => undefined,
  };
  const flush = () => {
    const u = unfinished;
    unfinished = [];
    for (const f of u) f();
  };
  return {
    reader,
    writer,
    written,
    flush,
    slowWrites: () => (slow = true),
    read: (m: object) => deliver({ jsonrpc: '2.0', ...m } as Message),
    close: () => close.fire(),
  };
}

/** answersFirst over the fakes, with a listener that keeps what it is handed. */
function started(times = LONG) {
  const f = fakes();
  const a = answersFirst(f.reader, f.writer, times);
  const seen: Message[] = [];
  a.reader.listen((m) => seen.push(m));
  return { f, a, seen };
}

const turns = (n = 5) => new Promise<void>((r) => (function next(k: number) { if (k === 0) r(); else setImmediate(() => next(k - 1)); })(n));
const methods = (seen: Message[]) => seen.map((m) => String((m as { method?: string }).method));
const answer = (id: number | string, result: unknown = null) => ({ jsonrpc: '2.0', id, result }) as Message;

describe('answersFirst', () => {
  it('hands on nothing read after initialize until initialize is answered, then all of it in order', async () => {
    const { f, a, seen } = started();
    f.read({ id: 1, method: 'initialize', params: {} });
    f.read({ method: 'initialized', params: {} });
    f.read({ method: 'textDocument/didOpen', params: {} });
    f.read({ id: 2, method: 'textDocument/inlayHint', params: {} });
    await turns();
    expect(methods(seen)).toEqual(['initialize']);
    await a.writer.write(answer(1, {}));
    expect(methods(seen)).toEqual(['initialize', 'initialized', 'textDocument/didOpen', 'textDocument/inlayHint']);
  });

  it('holds exit, and what follows it, until the requests before it are answered', async () => {
    const { f, a, seen } = started();
    f.read({ id: 1, method: 'a' });
    f.read({ id: 'two', method: 'shutdown' });
    f.read({ method: 'exit' });
    f.read({ method: 'late' });
    await turns();
    expect(methods(seen)).toEqual(['a', 'shutdown']);
    await a.writer.write(answer('two'));
    // An answer to an id that was never asked does not count.
    await a.writer.write(answer(3));
    expect(methods(seen)).toEqual(['a', 'shutdown']);
    await a.writer.write(answer(1));
    expect(methods(seen)).toEqual(['a', 'shutdown', 'exit', 'late']);
  });

  it('holds exit while a write is under way (a frame half written), and passes it on once it is done', async () => {
    const { f, a, seen } = started();
    f.slowWrites();
    f.read({ id: 1, method: 'a' });
    const writing = a.writer.write(answer(1));
    f.read({ method: 'exit' });
    await turns();
    expect(methods(seen)).toEqual(['a']);
    f.flush();
    await writing;
    expect(methods(seen)).toEqual(['a', 'exit']);
  });

  it('passes exit on at once when nothing is waiting', () => {
    const { f, seen } = started();
    f.read({ method: 'exit' });
    expect(methods(seen)).toEqual(['exit']);
  });

  it('an id repeated while the first waits, as a number and as a string, is waited for once (the library answers it once)', async () => {
    const { f, a, seen } = started();
    f.read({ id: 5, method: 'a' });
    f.read({ id: '5', method: 'a' });
    f.read({ id: 5, method: 'a' });
    f.read({ method: 'exit' });
    await a.writer.write(answer(5));
    expect(methods(seen)).toEqual(['a', 'a', 'a', 'exit']);
  });

  it('gives up waiting after the grace, for the answers, and after the flush time more, for the writes', async () => {
    const { f, a, seen } = started({ graceMs: 100, flushMs: 100 });
    f.slowWrites();
    f.read({ id: 1, method: 'never answered' });
    f.read({ id: 2, method: 'answered, never flushed' });
    void a.writer.write(answer(2));
    f.read({ method: 'exit' });
    let closed = 0;
    a.reader.onClose(() => closed++);
    f.close();
    const t0 = performance.now();
    while (closed === 0 && performance.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 10));
    // Released by the timers: request 1 is still unanswered and the write still under way.
    expect(methods(seen)).toEqual(['never answered', 'answered, never flushed', 'exit']);
    expect(closed).toBe(1);
  });
});
