// answersFirst with a reader and writer of our own: `exit` and the reader's close wait for the
// answers to the requests read before them, for the grace at most.
import { describe, expect, it } from 'vitest';
import { Emitter, type DataCallback, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';
import { answersFirst } from '../../server/src/lsp/answers-first';

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
  const writer: MessageWriter = {
    onError: new Emitter<never>().event,
    onClose: new Emitter<void>().event,
    write: async (m) => void written.push(m),
    end: () => undefined,
    dispose: () => undefined,
  };
  return { reader, writer, written, read: (m: object) => deliver({ jsonrpc: '2.0', ...m } as Message), close: () => close.fire() };
}

const turns = (n = 5) => new Promise<void>((r) => (function next(k: number) { if (k === 0) r(); else setImmediate(() => next(k - 1)); })(n));

describe('answersFirst', () => {
  it('holds exit, and what follows it, until the requests before it are answered', async () => {
    const f = fakes();
    const a = answersFirst(f.reader, f.writer, 60_000);
    const seen: string[] = [];
    a.reader.listen((m) => seen.push('method' in m ? String(m.method) : 'other'));
    f.read({ id: 1, method: 'initialize', params: {} });
    f.read({ id: 'two', method: 'shutdown' });
    f.read({ method: 'exit' });
    f.read({ method: 'late' });
    await turns();
    expect(seen).toEqual(['initialize', 'shutdown']);
    await a.writer.write({ jsonrpc: '2.0', id: 'two', result: null } as Message);
    await turns();
    expect(seen).toEqual(['initialize', 'shutdown']);
    // An answer to an id that was never asked does not count.
    await a.writer.write({ jsonrpc: '2.0', id: 3, result: null } as Message);
    await a.writer.write({ jsonrpc: '2.0', id: 1, result: {} } as Message);
    await turns();
    expect(seen).toEqual(['initialize', 'shutdown', 'exit', 'late']);
    expect(f.written).toHaveLength(3);
  });

  it('passes exit on at once when nothing is waiting', async () => {
    const f = fakes();
    const a = answersFirst(f.reader, f.writer, 60_000);
    const seen: string[] = [];
    a.reader.listen((m) => seen.push(String((m as { method?: string }).method)));
    f.read({ method: 'exit' });
    expect(seen).toEqual(['exit']);
  });

  it('tells of the close once the requests read are answered, and gives up waiting after the grace', async () => {
    const f = fakes();
    const a = answersFirst(f.reader, f.writer, 200);
    let closed = 0;
    a.reader.onClose(() => closed++);
    a.reader.listen(() => undefined);
    f.read({ id: 1, method: 'a' });
    f.read({ id: 1, method: 'b' });
    f.close();
    await turns();
    expect(closed).toBe(0);
    await a.writer.write({ jsonrpc: '2.0', id: 1, result: null } as Message);
    await turns();
    // The same id asked twice is waited for twice.
    expect(closed).toBe(0);
    let done = false;
    a.whenAnswered(() => (done = true));
    const t0 = performance.now();
    while (!done && performance.now() - t0 < 5_000) await new Promise((r) => setTimeout(r, 20));
    // Released by the grace: one of the two asks of id 1 is still unanswered.
    expect(done).toBe(true);
    expect(closed).toBe(1);
  });
});
