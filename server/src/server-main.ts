// The language server proper, bundled as dist/server-main.js. dist/server.js (server.ts) checks
// the command line and loads this bundle through V8's code cache.
import { format } from 'node:util';
import {
  createConnection,
  createServerPipeTransport,
  createServerSocketTransport,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  StreamMessageReader,
  StreamMessageWriter,
  type Connection,
} from 'vscode-languageserver/node';
import { guardInitialize } from './lsp/initialize-guard';
import { startServer, type ServerOptions } from './lsp/start';

/** What the command line asked for (server.ts reads and checks it). */
export type Transport = { kind: 'stdio' } | { kind: 'node-ipc' } | { kind: 'socket'; port: number } | { kind: 'pipe'; name: string };

export function main(options: Pick<ServerOptions, 'codeCache' | 'onWarm'> & { transport: Transport }): void {
  let shutDown = false;
  startServer(connectionOver(options.transport, () => shutDown), { ...options, onShutdown: () => (shutDown = true) });
}

function connectionOver(transport: Transport, shutDown: () => boolean): Connection {
  if (transport.kind === 'stdio') return stdioConnection(shutDown);
  // Node IPC as the library makes it from the command line.
  if (transport.kind === 'node-ipc') {
    const writer = new IPCMessageWriter(process);
    return createConnection(ProposedFeatures.all, guardInitialize(new IPCMessageReader(process), writer), writer);
  }
  // A socket or pipe the client listens on. Made here to say why it failed: the library's own
  // quietly exited 0 when nothing listened there, and the client had no clue.
  const where = transport.kind === 'socket' ? `port ${transport.port}` : `pipe ${transport.name}`;
  const [reader, writer] = transport.kind === 'socket' ? createServerSocketTransport(transport.port) : createServerPipeTransport(transport.name);
  reader.onError((e) => {
    process.stderr.write(`shapewise-language-server: the connection on ${where} failed: ${e.message}\n`);
    process.exitCode = 1;
  });
  return createConnection(ProposedFeatures.all, guardInitialize(reader, writer), writer);
}

/**
 * How long the messages already read get before the process exits (the connection handles them
 * one per turn of the event loop; an `exit` among them ends the process itself).
 */
const QUEUED_MESSAGES_GRACE_MS = 1_000;

function afterQueued(exit: () => void): void {
  setTimeout(exit, QUEUED_MESSAGES_GRACE_MS);
}

/** vscode-jsonrpc's messages for a frame it cannot take (messageReader.ts, messageBuffer.ts). */
const FRAMING_ERROR = /^(Header must provide a Content-Length property|Content-Length value must be a number|Message header must separate key and value|Cannot read so many bytes)/;

/**
 * stdio, with the reader made here: a frame the reader cannot take (no Content-Length, one that
 * is not a number, a header line without a colon, or a body shorter than announced, which leaves
 * the next header garbled) leaves the rest of the stream unreadable, and the library's own
 * reader then went deaf without a word while the process lived on. Said on stderr, and the server
 * exits, so the editor restarts it. The rest is what the library does for --stdio: exit when
 * the client's end closes (0 after shutdown), and console output to the client's log, never to
 * stdout.
 */

function stdioConnection(shutDown: () => boolean): Connection {
  const reader = new StreamMessageReader(process.stdin);
  // Headers must end in CR LF CR LF: with bare LFs the library's reader waits for more for ever,
  // without a word. The first header is looked at once, beside the reader.
  let head = '';
  const firstHeader = (chunk: Buffer | string): void => {
    head += chunk.toString('latin1');
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    if (crlf < 0 && lf >= 0 && !head.slice(0, lf).includes('\r')) {
      process.stdin.off('data', firstHeader);
      process.stderr.write('shapewise-language-server: the client sent a message header that does not end in CR LF CR LF (bare line feeds); the stream cannot be read, so the server exits\n');
      afterQueued(() => process.exit(1));
    } else if (crlf >= 0 || head.length > 4096) process.stdin.off('data', firstHeader);
  };
  process.stdin.on('data', firstHeader);
  reader.onError((e) => {
    // The reader also reports bodies that are not JSON and errors thrown while a message is
    // handled (`$/cancelRequest` with null params, in the library): the stream is in step then.
    if (!FRAMING_ERROR.test(e.message)) return;
    process.stderr.write(`shapewise-language-server: the client sent a message that cannot be read (${e.message.split('\n', 1)[0]}); the rest of the stream cannot be followed, so the server exits\n`);
    // After the messages read before it, which are answered first.
    afterQueued(() => process.exit(1));
  });
  const writer = new StreamMessageWriter(process.stdout);
  const exitNow = (): never => process.exit(shutDown() ? 0 : 1);
  // The client's end closed: the messages read before it (a whole session piped in at once:
  // initialize, shutdown, exit) are handled first; exiting at once lost them and gave status 1.
  const closed = (): void => afterQueued(exitNow);
  // The client stopped reading (stdout closed): nobody to answer. Exiting here, before the
  // library logs the failed write to that same closed connection and dies of an uncaught error.
  writer.onError(([e]) => {
    process.stderr.write(`shapewise-language-server: cannot write to the client (${e.message}); exiting\n`);
    exitNow();
  });
  const connection = createConnection(ProposedFeatures.all, guardInitialize(reader, writer), writer);
  process.stdin.on('end', closed);
  process.stdin.on('close', closed);
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const) {
    const send = level === 'warn' ? 'warn' : level === 'error' ? 'error' : level === 'info' ? 'info' : 'log';
    console[level] = (...args: unknown[]) => connection.console[send](format(...args));
  }
  return connection;
}
