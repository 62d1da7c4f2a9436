#!/usr/bin/env node
// Entry of the Shapewise language server (dist/server.js, also the `shapewise-language-server`
// bin). The transport comes from the command line: `--stdio`, `--node-ipc` (what the VS Code
// client uses), `--socket=<port>` or `--pipe=<name>`. stdout carries only protocol messages;
// everything else is logged through the connection.
//
// This file stays small: it checks the command line and loads the server itself
// (dist/server-main.js) through V8's code cache, which spares a new process compiling it.
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { defaultCacheDir, loadBundle } from './code-cache';
import type * as ServerMain from './server-main';

// The server lives for hours beside the editor and every edit leaves the previous analysis as
// garbage: let the heap grow to a third past what is live before a full collection, not V8's
// default of up to four times, so that its memory follows what it holds. Set before the bundle is
// compiled: V8 accepts a code cache only under the flags it was made with.
setFlagsFromString('--heap-growing-percent=35');

const TRANSPORTS = ['--stdio', '--node-ipc', '--socket', '--pipe'];
const USAGE = `Usage: shapewise-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>
                                [--code-cache-dir=<dir> | --no-code-cache]

The Shapewise language server (Language Server Protocol): output shapes and TensorFlow padding of
Keras layers in Python files and Jupyter notebooks. Point your editor's LSP client at it, e.g.
  shapewise-language-server --stdio
(through npx, pass the flag after --: npx -- shapewise-language-server --stdio)

To start faster, the server keeps V8's compiled code of itself in a cache file (about 1 MB) in
${defaultCacheDir() ?? '(no folder: this process has no home folder; name one with --code-cache-dir)'}
unless --code-cache-dir names another folder or --no-code-cache turns it off.
`;

const CACHE_DIR = '--code-cache-dir=';

/**
 * The transport the arguments name, read as vscode-languageserver reads them (the first transport
 * argument wins; `--socket N` and `--pipe NAME` may be two arguments), or why it cannot be used.
 * The library itself crashed with a stack trace on a port that is not one, and quietly exited 0
 * on --node-ipc without an IPC channel.
 */
function transportOf(args: readonly string[]): ServerMain.Transport | { error: string } | undefined {
  for (let i = 0; i < args.length; i++) {
    const [flag, ...rest] = args[i].split('=');
    if (!TRANSPORTS.includes(flag)) continue;
    const value = rest.length > 0 ? rest.join('=') : args[i + 1];
    // The library takes these two only as they are: with a value it would find no transport.
    if ((flag === '--stdio' || flag === '--node-ipc') && rest.length > 0) return { error: `${flag} takes no value` };
    if (flag === '--stdio') return { kind: 'stdio' };
    if (flag === '--node-ipc') {
      return typeof process.send === 'function' ? { kind: 'node-ipc' } : { error: '--node-ipc: this process has no IPC channel (the client must start it with one, as VS Code does); use --stdio otherwise' };
    }
    if (flag === '--socket') {
      const port = value !== undefined && /^[0-9]+$/.test(value) ? Number(value) : NaN;
      return port >= 1 && port <= 65535 ? { kind: 'socket', port } : { error: `--socket needs the port (1 to 65535) the client listens on${value === undefined ? '' : `, not ${JSON.stringify(value)}`}` };
    }
    return value ? { kind: 'pipe', name: value } : { error: '--pipe needs the name of the pipe or socket file the client listens on' };
  }
  return undefined;
}

const args = process.argv.slice(2);
const transport = transportOf(args);
if (args.includes('--help') || args.includes('-h')) {
  process.stderr.write(USAGE);
  process.exitCode = 0;
} else if (transport === undefined) {
  process.stderr.write(`shapewise-language-server: no transport given.\n\n${USAGE}`);
  process.exitCode = 2;
} else if ('error' in transport) {
  process.stderr.write(`shapewise-language-server: ${transport.error}.\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  const named = args.filter((a) => a.startsWith(CACHE_DIR)).pop()?.slice(CACHE_DIR.length);
  const cacheDir = args.includes('--no-code-cache') ? undefined : named ? path.resolve(named) : defaultCacheDir();
  const bundle = loadBundle<typeof ServerMain>(path.join(__dirname, 'server-main.js'), cacheDir);
  bundle.exports.main({ transport, codeCache: bundle.status, onWarm: () => bundle.save() });
}
