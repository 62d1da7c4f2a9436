// The answers to the requests already read are written before the connection ends. A client that
// pipes a whole session at once (initialize ... shutdown, exit), or closes its end right after
// its last request, lost them: the library handles `exit` as soon as it is read, while an earlier
// request still waits (initialize waits for the parser), and once the reader closes it refuses to
// write at all ("Connection is closed", an uncaught error that ended the process with status 1).
// Here `exit` and the reader's close are held until every request read so far is answered, or
// until `graceMs` has passed (a request that is never answered must not keep the process alive).
import { Emitter, Message, type Disposable, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

export interface AnswersFirst {
  reader: MessageReader;
  writer: MessageWriter;
  /**
   * Calls `done` once the messages already received are read and every request among them is
   * answered; after the grace at most.
   */
  whenAnswered(done: () => void): void;
}

export function answersFirst(reader: MessageReader, writer: MessageWriter, graceMs: number): AnswersFirst {
  /** Requests read and not yet answered, by id (a careless client may repeat an id). */
  const pending = new Map<string, number>();
  let waiting: (() => void)[] = [];
  const key = (id: string | number): string => `${typeof id}:${id}`;

  const release = (): void => {
    const ready = waiting;
    waiting = [];
    for (const done of ready) done();
  };
  /** Messages the reader has handed on: it decodes them in turns of the event loop after their bytes came. */
  let delivered = 0;
  // The reader hands on one message per turn of the event loop (setImmediate), after the bytes
  // came and after the stream's end is told: read until two turns pass without a message.
  const settled = (then: () => void): void => {
    let seen = -1;
    let quiet = 0;
    const turn = (): void => {
      if (delivered !== seen) {
        seen = delivered;
        quiet = 0;
      } else if (++quiet >= 2) {
        then();
        return;
      }
      setImmediate(turn);
    };
    setImmediate(turn);
  };
  const whenAnswered = (done: () => void): void => {
    let called = false;
    const once = (): void => {
      if (called) return;
      called = true;
      clearTimeout(timer);
      done();
    };
    const timer = setTimeout(once, graceMs);
    settled(() => {
      if (pending.size === 0) once();
      else waiting.push(once);
    });
  };

  const answered = (message: Message): void => {
    if (!Message.isResponse(message) || message.id === null) return;
    const k = key(message.id);
    const n = pending.get(k);
    if (n === undefined) return;
    if (n > 1) pending.set(k, n - 1);
    else pending.delete(k);
    if (pending.size === 0) release();
  };

  const closed = new Emitter<void>();
  reader.onClose(() => whenAnswered(() => closed.fire()));

  const heldReader: MessageReader = {
    onError: reader.onError,
    onClose: closed.event,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback: (message: Message) => void): Disposable => {
      // Once an `exit` is held, what comes after it waits with it, in order.
      let held: Message[] | undefined;
      return reader.listen((message) => {
        delivered++;
        if (held) {
          held.push(message);
          return;
        }
        if (Message.isRequest(message) && message.id !== null) {
          const k = key(message.id);
          pending.set(k, (pending.get(k) ?? 0) + 1);
        } else if (Message.isNotification(message) && message.method === 'exit' && pending.size > 0) {
          const queue: Message[] = [message];
          held = queue;
          whenAnswered(() => {
            held = undefined;
            for (const m of queue) callback(m);
          });
          return;
        }
        callback(message);
      });
    },
  };

  const countingWriter: MessageWriter = {
    onError: writer.onError,
    onClose: writer.onClose,
    dispose: () => writer.dispose(),
    end: () => writer.end(),
    write: async (message: Message): Promise<void> => {
      try {
        await writer.write(message);
      } finally {
        answered(message);
      }
    },
  };

  return { reader: heldReader, writer: countingWriter, whenAnswered };
}
