// The language server proper, bundled as dist/server-main.js. dist/server.js (server.ts) checks
// the command line and loads this bundle through V8's code cache; the transport (--stdio,
// --node-ipc, --socket, --pipe) is read from the command line by createConnection.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer, type ServerOptions } from './lsp/start';

export function main(options: Pick<ServerOptions, 'codeCache' | 'onWarm'>): void {
  startServer(createConnection(ProposedFeatures.all), options);
}
