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
  type Connection,
} from 'vscode-languageserver/node';
import { answersFirst, type AnswersFirst } from './lsp/answers-first';
import { FrameCheck } from './lsp/frame-check';
import { FrameWriter } from './lsp/frame-writer';
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
  if (transport.kind === 'node-ipc') return connectionOn(answersFirst(new IPCMessageReader(process), new IPCMessageWriter(process), ANSWER_TIMES));
  // A socket or pipe the client listens on. Made here to say why it failed: the library's own
  // quietly exited 0 when nothing listened there, and the client had no clue.
  const where = transport.kind === 'socket' ? `port ${transport.port}` : `pipe ${transport.name}`;
  const [reader, writer] = transport.kind === 'socket' ? createServerSocketTransport(transport.port) : createServerPipeTransport(transport.name);
  reader.onError((e) => {
    process.stderr.write(`shapewise-language-server: the connection on ${where} failed: ${e.message}\n`);
    process.exitCode = 1;
  });
  return connectionOn(answersFirst(reader, writer, ANSWER_TIMES));
}

/**
 * How long the requests already read get to be answered before the process exits, or before an
 * `exit` read after them is handled; then how long the writes under way get to finish (a client
 * that does not read).
 */
const ANSWER_TIMES = { graceMs: 1_000, flushMs: 5_000 };

function connectionOn(answers: AnswersFirst): Connection {
  return createConnection(ProposedFeatures.all, guardInitialize(answers.reader, answers.writer), answers.writer);
}

/** vscode-jsonrpc's messages for a frame it cannot take (messageReader.ts, messageBuffer.ts). */
const FRAMING_ERROR = /^(Header must provide a Content-Length property|Content-Length value must be a number|Message header must separate key and value|Cannot read so many bytes)/;

/**
 * stdio, with the reader made here: a frame the reader cannot take (no Content-Length, one that
 * is not a number or is negative, a header line without a colon, a header ending in bare line
 * feeds, or a body shorter than announced, which leaves the next header garbled) leaves the rest
 * of the stream unreadable, and the library's own reader then went deaf without a word while the
 * process lived on. Said on stderr, and the server exits (after answering what it read before),
 * so the editor restarts it. The rest is what the library does for --stdio: exit when the
 * client's end closes (0 after shutdown), and console output to the client's log, never to
 * stdout.
 */
function stdioConnection(shutDown: () => boolean): Connection {
  const reader = new StreamMessageReader(process.stdin);
  const writer = new FrameWriter(process.stdout);
  const answers = answersFirst(reader, writer, ANSWER_TIMES);
  const unreadable = (why: string): void => {
    process.stderr.write(`shapewise-language-server: the client sent ${why}, so the server exits\n`);
    answers.whenAnswered(() => process.exit(1));
  };
  // Headers that end in bare line feeds, and a negative Content-Length, leave the library's
  // reader waiting for ever without a word: the frames are followed beside it.
  const frames = new FrameCheck();
  const followFrames = (chunk: Buffer | string): void => {
    const fault = frames.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
    if (fault === undefined) return;
    process.stdin.off('data', followFrames);
    unreadable(`${fault === 'bare line feeds' ? 'a message header that does not end in CR LF CR LF (bare line feeds)' : 'a message header with a negative Content-Length'}; the stream cannot be read`);
  };
  process.stdin.on('data', followFrames);
  reader.onError((e) => {
    // The reader also reports bodies that are not JSON and errors thrown while a message is
    // handled (`$/cancelRequest` with null params, in the library): the stream is in step then.
    if (FRAMING_ERROR.test(e.message)) unreadable(`a message that cannot be read (${e.message.split('\n', 1)[0]}); the rest of the stream cannot be followed`);
  });
  const exitNow = (): never => process.exit(shutDown() ? 0 : 1);
  // The client's end closed: the requests read before it (a whole session piped in at once:
  // initialize, shutdown, exit) are answered first; exiting at once lost them and gave status 1.
  const closed = (): void => answers.whenAnswered(exitNow);
  // The client stopped reading (stdout closed): nobody to answer. Exiting here, before the
  // library logs the failed write to that same closed connection and dies of an uncaught error.
  writer.onError(([e]) => {
    process.stderr.write(`shapewise-language-server: cannot write to the client (${e.message}); exiting\n`);
    exitNow();
  });
  const connection = connectionOn(answers);
  process.stdin.on('end', closed);
  process.stdin.on('close', closed);
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir'] as const) {
    const send = level === 'warn' ? 'warn' : level === 'error' ? 'error' : level === 'info' ? 'info' : 'log';
    console[level] = (...args: unknown[]) => connection.console[send](format(...args));
  }
  return connection;
}
