// The VS Code side of Shapewise: starts the language server (dist/server.js, over node IPC) for
// Python files and Python cells of Jupyter notebooks, and offers a restart command. Everything
// else happens in the server. Shapewise never runs user code, so it works in untrusted and
// virtual workspaces (package.json says so).
import * as path from 'node:path';
import { commands, window, type ExtensionContext } from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';

const CLIENT_ID = 'shapewise'; // also the settings section: shapewise.trace.server is read by the client
const CLIENT_NAME = 'Shapewise';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const outputChannel = window.createOutputChannel(CLIENT_NAME, { log: true });
  context.subscriptions.push(outputChannel);

  const module = context.asAbsolutePath(path.join('dist', 'server.js'));
  // The server keeps V8's compiled code of itself here, to start faster next time.
  const args = context.globalStorageUri.scheme === 'file' ? [`--code-cache-dir=${path.join(context.globalStorageUri.fsPath, 'code-cache')}`] : [];
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, args },
    debug: { module, transport: TransportKind.ipc, args, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'python' },
      { scheme: 'untitled', language: 'python' },
      // Files of virtual workspaces (e.g. GitHub repositories opened remotely): the server only
      // ever sees the text the editor sends, so any scheme works.
      { scheme: 'vscode-vfs', language: 'python' },
      // Python cells of notebooks (the notebook itself is synchronised as a whole).
      { scheme: 'vscode-notebook-cell', language: 'python' },
    ],
    outputChannel,
  };

  client = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);

  context.subscriptions.push(
    commands.registerCommand('shapewise.restartServer', async () => {
      if (!client) return;
      outputChannel.appendLine('Restarting the Shapewise language server…');
      await client.restart();
    }),
  );

  await client.start();
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) await c.stop();
}
