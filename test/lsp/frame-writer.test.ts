// FrameWriter: one write per message, in order, that the library's reader reads back; errors
// reported as the library's writer reports them.
import { PassThrough, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { StreamMessageReader, type Message } from 'vscode-languageserver/node';
import { FrameWriter } from '../../server/src/lsp/frame-writer';

describe('FrameWriter', () => {
  it('writes each message as one chunk, which the library reads back in order (non-ASCII text, lone surrogates)', async () => {
    const stream = new PassThrough();
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    const writer = new FrameWriter(stream);
    const sent: Message[] = [
      { jsonrpc: '2.0', id: 1, result: { label: '→ (None, 33, 33, 8) ×3 日本' } } as Message,
      { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'a\ud800b\r\n' } } as Message,
      { jsonrpc: '2.0', id: 'x', result: null } as Message,
    ];
    await Promise.all(sent.map((m) => writer.write(m)));
    expect(chunks).toHaveLength(3);
    expect(chunks[0].toString('latin1')).toMatch(/^Content-Length: \d+\r\n\r\n\{/);

    const replay = new PassThrough();
    const read: Message[] = [];
    new StreamMessageReader(replay).listen((m) => read.push(m));
    replay.end(Buffer.concat(chunks));
    for (let i = 0; i < 100 && read.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(read).toEqual(JSON.parse(JSON.stringify(sent)));
  });

  it('a failed write rejects and is reported with the message and a count; a message JSON cannot write too', async () => {
    const broken = new Writable({ write: (_chunk, _enc, cb) => cb(new Error('write EPIPE')) });
    broken.on('error', () => undefined);
    const writer = new FrameWriter(broken);
    const errors: [Error, Message | undefined, number | undefined][] = [];
    writer.onError((e) => errors.push(e));
    const m = { jsonrpc: '2.0', id: 7, result: 1 } as Message;
    await expect(writer.write(m)).rejects.toThrow('write EPIPE');
    expect(errors.some(([e, msg, n]) => e.message === 'write EPIPE' && msg === m && n === 1)).toBe(true);

    const cyclic: Record<string, unknown> = { jsonrpc: '2.0', id: 8 };
    cyclic.result = cyclic;
    const ok = new PassThrough();
    const w2 = new FrameWriter(ok);
    const e2: Error[] = [];
    w2.onError(([e]) => e2.push(e));
    await expect(w2.write(cyclic as unknown as Message)).rejects.toThrow(/circular/i);
    expect(e2).toHaveLength(1);
  });
});
