// Messages are handled in the order the protocol means, and the process ends between frames,
// with the answers to what was read written. A client that pipes a whole session at once
// (initialize, didOpen, requests, shutdown, exit), or closes its end right after its last
// request, lost answers and documents: the library handles each message as soon as it is read,
// so `exit` ended the process while earlier requests still waited (initialize waits for the
// parser), a didOpen that came while initialize waited was dropped, and once the reader closed
// the library refused to write at all ("Connection is closed", an uncaught error). Here:
// - nothing read after `initialize` is handed on before `initialize` is answered;
// - `exit` waits for the answers to the requests read before it, `graceMs` at most (a request
//   that is never answered must not keep the process alive);
// - `exit`, and the end of the connection, wait for the writes under way (a process that exits
//   with a frame half written leaves the client a truncated message), `flushMs` more at most
//   (a client that never reads).
import { Emitter, Message, type Disposable, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

export interface AnswersFirst {
  reader: MessageReader;
  writer: MessageWriter;
  /**
   * Calls `done` once the messages already received are read, every request among them is
   * answered (the grace at most) and no write is under way (the flush time more at most).
   */
  whenAnswered(done: () => void): void;
}

export interface AnswersFirstTimes {
  graceMs: number;
  flushMs: number;
}

interface Held {
  message: Message;
  /** Its place among the messages read. */
  seq: number;
  /** For an `exit` kept back: when it was first kept back. */
  since?: number;
}

/**
 * The key the library files a request under (`String(id)`): a request whose id repeats one still
 * waiting replaces it there, and only one of them is answered.
 */
const idKey = (id: string | number): string => String(id);

export function answersFirst(reader: MessageReader, writer: MessageWriter, times: AnswersFirstTimes): AnswersFirst {
  const { graceMs, flushMs } = times;
  /** Requests read and not yet answered: their place among the messages read, by key. */
  const pending = new Map<string, number>();
  /** Messages read and not yet handed on, in order. */
  const held: Held[] = [];
  /** An `initialize` handed on and not yet answered. */
  let initializing: string | undefined;
  /** Writes handed to the stream and not yet done. */
  let writing = 0;
  /** Messages the reader has handed over (it decodes them in turns of the event loop after their bytes came). */
  let seq = 0;
  let pass: (message: Message) => void = () => undefined;

  const pendingBefore = (at: number): boolean => {
    for (const s of pending.values()) if (s < at) return true;
    return false;
  };
  const later = (ms: number): void => void setTimeout(pump, ms + 1);

  const keptBack = (h: Held): boolean => {
    if (initializing !== undefined) return true;
    if (!Message.isNotification(h.message) || h.message.method !== 'exit') return false;
    const now = performance.now();
    if (h.since === undefined) {
      h.since = now;
      later(graceMs);
      later(graceMs + flushMs);
    }
    if (pendingBefore(h.seq) && now < h.since + graceMs) return true;
    return writing > 0 && now < h.since + graceMs + flushMs;
  };

  function pump(): void {
    while (held.length > 0 && !keptBack(held[0])) {
      const { message } = held.shift() as Held;
      if (Message.isRequest(message) && message.method === 'initialize' && message.id !== null) initializing = idKey(message.id);
      pass(message);
    }
    checkWaiters();
  }

  // The reader hands over one message per turn of the event loop (setImmediate), after the bytes
  // came and after the stream's end is told: wait until two turns pass without a message.
  const settled = (then: () => void): void => {
    let seen = -1;
    let quiet = 0;
    const turn = (): void => {
      if (seq !== seen) {
        seen = seq;
        quiet = 0;
      } else if (++quiet >= 2) {
        then();
        return;
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  };

  let waiters: { done: () => void; since: number }[] = [];
  function checkWaiters(): void {
    if (waiters.length === 0) return;
    const now = performance.now();
    const ready = waiters.filter((w) => (pending.size === 0 || now >= w.since + graceMs) && (writing === 0 || now >= w.since + graceMs + flushMs));
    if (ready.length === 0) return;
    waiters = waiters.filter((w) => !ready.includes(w));
    for (const w of ready) w.done();
  }
  const whenAnswered = (done: () => void): void => {
    settled(() => {
      waiters.push({ done, since: performance.now() });
      later(graceMs);
      later(graceMs + flushMs);
      checkWaiters();
    });
  };

  const answered = (message: Message): void => {
    if (!Message.isResponse(message) || message.id === null) return;
    const k = idKey(message.id);
    pending.delete(k);
    if (k === initializing) initializing = undefined;
  };

  const closed = new Emitter<void>();
  reader.onClose(() => whenAnswered(() => closed.fire()));

  const orderedReader: MessageReader = {
    onError: reader.onError,
    onClose: closed.event,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback: (message: Message) => void): Disposable => {
      pass = callback;
      return reader.listen((message) => {
        seq++;
        if (Message.isRequest(message) && message.id !== null) pending.set(idKey(message.id), seq);
        held.push({ message, seq });
        pump();
      });
    },
  };

  const countingWriter: MessageWriter = {
    onError: writer.onError,
    onClose: writer.onClose,
    dispose: () => writer.dispose(),
    end: () => writer.end(),
    write: async (message: Message): Promise<void> => {
      writing++;
      try {
        await writer.write(message);
      } finally {
        writing--;
        answered(message);
        pump();
      }
    },
  };

  return { reader: orderedReader, writer: countingWriter, whenAnswered };
}
