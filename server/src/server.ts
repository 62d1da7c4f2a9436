#!/usr/bin/env node
// Entry of the Shapewise language server (dist/server.js, also the `shapewise-language-server`
// bin). The transport comes from the command line: `--stdio`, `--node-ipc` (what the VS Code
// client uses), `--socket=<port>` or `--pipe=<name>`. stdout carries only protocol messages;
// everything else is logged through the connection.
import { setFlagsFromString } from 'node:v8';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './lsp/start';

// The server lives for hours beside the editor and every edit leaves the previous analysis as
// garbage: let the heap grow to a third past what is live before a full collection, not V8's
// default of up to four times, so that its memory follows what it holds. (Read at each
// collection, so it applies when set at start-up.)
setFlagsFromString('--heap-growing-percent=35');

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const USAGE = `Usage: shapewise-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>

The Shapewise language server (Language Server Protocol): output shapes and TensorFlow padding of
Keras layers in Python files and Jupyter notebooks. Point your editor's LSP client at it, e.g.
  shapewise-language-server --stdio
(through npx, pass the flag after --: npx -- shapewise-language-server --stdio)
`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stderr.write(USAGE);
  process.exitCode = 0;
} else if (!args.some((a) => TRANSPORTS.some((t) => a === t || a.startsWith(`${t}=`)))) {
  process.stderr.write(`shapewise-language-server: no transport given.\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  startServer(createConnection(ProposedFeatures.all));
}
