// The language server proper, bundled as dist/server-main.js. dist/server.js (server.ts) checks
// the command line and loads this bundle through V8's code cache.
import { createConnection, createServerPipeTransport, createServerSocketTransport, ProposedFeatures, type Connection } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from './lsp/start';

/** What the command line asked for (server.ts reads and checks it). */
export type Transport = { kind: 'stdio' } | { kind: 'node-ipc' } | { kind: 'socket'; port: number } | { kind: 'pipe'; name: string };

export function main(options: Pick<ServerOptions, 'codeCache' | 'onWarm'> & { transport: Transport }): void {
  startServer(connectionOver(options.transport), options);
}

function connectionOver(transport: Transport): Connection {
  // stdio and node IPC as the library makes them from the command line (for stdio it also sends
  // console output to the client's log, keeping stdout for the protocol).
  if (transport.kind === 'stdio' || transport.kind === 'node-ipc') return createConnection(ProposedFeatures.all);
  // A socket or pipe the client listens on. Made here to say why it failed: the library's own
  // quietly exited 0 when nothing listened there, and the client had no clue.
  const where = transport.kind === 'socket' ? `port ${transport.port}` : `pipe ${transport.name}`;
  const [reader, writer] = transport.kind === 'socket' ? createServerSocketTransport(transport.port) : createServerPipeTransport(transport.name);
  reader.onError((e) => {
    process.stderr.write(`shapewise-language-server: the connection on ${where} failed: ${e.message}\n`);
    process.exitCode = 1;
  });
  return createConnection(ProposedFeatures.all, reader, writer);
}
