// Messages to the client on a stream, each written as one frame (header and body in one buffer)
// as soon as it is sent. The library's writer queues each message for a later turn of the event
// loop and then writes the header and the body as two writes: two system calls, and the client
// woken twice, per message. On this machine that was a third of the time of a hint request.
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

export class FrameWriter extends AbstractMessageWriter implements MessageWriter {
  private errorCount = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (e: Error) => this.fireError(e));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      frame = encodeFrame(message);
    } catch (e) {
      // A message JSON cannot write (a cycle, a BigInt): the library's writer says so the same way.
      this.fireError(e);
      return Promise.reject(e);
    }
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error?: Error | null) => {
        if (!error) {
          resolve();
          return;
        }
        this.fireError(error, message, ++this.errorCount);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}

/** `Content-Length: N\r\n\r\n` and the message's JSON, as UTF-8 (what the library writes, in two pieces). */
export function encodeFrame(message: Message): Buffer {
  const json = JSON.stringify(message);
  const length = Buffer.byteLength(json, 'utf8');
  const header = `Content-Length: ${length}\r\n\r\n`;
  const frame = Buffer.allocUnsafe(header.length + length);
  frame.write(header, 0, 'latin1');
  frame.write(json, header.length, 'utf8');
  return frame;
}
