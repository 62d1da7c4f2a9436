// The built language server (dist/server.js) in a child process over stdio, as an editor runs it:
// spawned, connected, initialized, with what it publishes, logs and writes to stderr recorded.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import {
  ConfigurationRequest,
  createProtocolConnection,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeResult,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';

export const serverJs = path.join(__dirname, '..', '..', 'dist', 'server.js');

export interface BuiltServer {
  child: ChildProcessWithoutNullStreams;
  conn: ProtocolConnection;
  initializeResult: InitializeResult;
  published: PublishDiagnosticsParams[];
  logs: LogMessageParams[];
  stderr(): string;
  /** The process's exit code, once it exits. */
  exited: Promise<number | null>;
  /** Drops the connection and kills the process (if it still runs). */
  close(): void;
}

/** Starts `node [nodeArgs] dist/server.js args` and initializes it (no capabilities). */
export async function startBuiltServer(
  args: string[],
  options: { nodeArgs?: string[]; env?: NodeJS.ProcessEnv; /** Advertise workspace/configuration and answer it (every setting unset). */ configuration?: boolean } = {},
): Promise<BuiltServer> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), serverJs, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const published: PublishDiagnosticsParams[] = [];
  const logs: LogMessageParams[] = [];
  conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
    published.push(p);
  });
  conn.onNotification(LogMessageNotification.type, (p) => {
    logs.push(p);
  });
  if (options.configuration) conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => null));
  conn.listen();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const close = (): void => {
    conn.dispose();
    child.kill();
  };
  try {
    const initializeResult = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: options.configuration ? { workspace: { configuration: true } } : {} });
    await conn.sendNotification('initialized', {});
    return { child, conn, initializeResult, published, logs, stderr: () => stderr, exited, close };
  } catch (e) {
    close();
    throw e;
  }
}
