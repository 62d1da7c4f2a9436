// The built server over each transport its command line offers: --stdio (lifecycle.test.ts and
// the robustness suites), --node-ipc (what VS Code uses), --socket and --pipe (where the client
// listens and the server connects); and clear usage errors for transports it cannot use.
import { fork, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InlayHintRequest,
  IPCMessageReader,
  IPCMessageWriter,
  ShutdownRequest,
  SocketMessageReader,
  SocketMessageWriter,
  type MessageReader,
  type MessageWriter,
} from 'vscode-languageserver-protocol/node';
import { serverJs } from './built-server';

const TEXT = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(28, 28, 1))\ny = layers.Conv2D(4, 5)(x)\n';

/** initialize, open, hints, shutdown, exit over `reader`/`writer`; the hints and the exit code. */
async function session(child: ChildProcess, reader: MessageReader, writer: MessageWriter): Promise<{ hints: string[]; exitCode: number | null }> {
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const conn = createProtocolConnection(reader, writer);
  conn.listen();
  try {
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
    await conn.sendNotification('initialized', {});
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///a.py', languageId: 'python', version: 1, text: TEXT } });
    const hints = await conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: 'file:///a.py' }, range: { start: { line: 0, character: 0 }, end: { line: 4, character: 0 } } });
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
    return { hints: (hints ?? []).map((h) => String(h.label)), exitCode: await exited };
  } finally {
    conn.dispose();
    child.kill();
  }
}

/** A listener for the server to connect to, and the server started with `args(address)`. */
async function overListener(listenOn: number | string, args: (address: string) => string[]) {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => (typeof listenOn === 'string' ? server.listen(listenOn, resolve) : server.listen(listenOn, '127.0.0.1', resolve)));
  const address = server.address();
  const where = typeof address === 'string' ? address : String(address?.port);
  const child = spawn(process.execPath, [serverJs, ...args(where), '--no-code-cache'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const socket = await accepted;
    return { ...(await session(child, new SocketMessageReader(socket), new SocketMessageWriter(socket))), stderr };
  } finally {
    server.close();
  }
}

const HINTS = ['→ (None, 28, 28, 1)', '→ (None, 24, 24, 4)'];

describe('transports', () => {
  it('--node-ipc: started with an IPC channel, as VS Code starts it', async () => {
    const child = fork(serverJs, ['--node-ipc', '--no-code-cache'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const r = await session(child, new IPCMessageReader(child), new IPCMessageWriter(child));
    expect(r).toEqual({ hints: HINTS, exitCode: 0 });
  });

  it('--socket=PORT and --socket PORT: connects to the port the client listens on', async () => {
    for (const args of [(port: string) => [`--socket=${port}`], (port: string) => ['--socket', port]]) {
      const r = await overListener(0, args);
      expect(r).toEqual({ hints: HINTS, exitCode: 0, stderr: '' });
    }
  });

  it('--pipe=NAME: connects to the pipe (a Unix socket file here) the client listens on', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shapewise-pipe-'));
    try {
      const r = await overListener(path.join(dir, 'lsp.sock'), (name) => [`--pipe=${name}`]);
      expect(r).toEqual({ hints: HINTS, exitCode: 0, stderr: '' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('nothing listening on the port or pipe: says why on stderr and exits 1 (it exited 0 without a word)', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const dir = mkdtempSync(path.join(tmpdir(), 'shapewise-pipe-'));
    try {
      for (const [arg, message] of [
        [`--socket=${port}`, `the connection on port ${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`],
        [`--pipe=${path.join(dir, 'none.sock')}`, `the connection on pipe ${path.join(dir, 'none.sock')} failed: connect ENOENT ${path.join(dir, 'none.sock')}`],
      ]) {
        const r = spawnSync(process.execPath, [serverJs, arg, '--no-code-cache'], { encoding: 'utf8', timeout: 20_000 });
        expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 1, stdout: '', stderr: `shapewise-language-server: ${message}\n` });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const unusable: [string[], string][] = [
    [['--socket=99999'], '--socket needs the port (1 to 65535) the client listens on, not "99999"'],
    [['--socket=0'], '--socket needs the port (1 to 65535) the client listens on, not "0"'],
    [['--socket=80a'], '--socket needs the port (1 to 65535) the client listens on, not "80a"'],
    [['--socket'], '--socket needs the port (1 to 65535) the client listens on'],
    [['--pipe='], '--pipe needs the name of the pipe or socket file the client listens on'],
    [['--stdio=yes'], '--stdio takes no value'],
    [['--node-ipc'], '--node-ipc: this process has no IPC channel (the client must start it with one, as VS Code does); use --stdio otherwise'],
  ];
  for (const [args, message] of unusable) {
    it(`${args.join(' ')}: a usage error (exit 2), not a crash or a silent exit`, () => {
      const r = spawnSync(process.execPath, [serverJs, ...args], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^shapewise-language-server: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\n\nUsage:`));
    });
  }

  it('the first transport named is the one used, as the library reads them: --stdio before a bad --socket', () => {
    const r = spawnSync(process.execPath, [serverJs, '--stdio', '--socket=abc', '--no-code-cache'], { encoding: 'utf8', input: '', timeout: 20_000 });
    // stdin ends at once: the server exits 1 (no shutdown came), as LSP asks, without a usage error.
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('');
  });
});
