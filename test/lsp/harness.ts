// A minimal LSP client for the protocol tests: the real server (startServer) with the real wasm,
// connected over two in-memory streams. The client answers workspace/configuration from
// `settings`, records diagnostics, refresh requests and log messages, and applies edits to text
// with its own position arithmetic (independent of the server's LineIndex).
import { PassThrough } from 'node:stream';
import {
  CodeActionRequest,
  ConfigurationRequest,
  DidChangeConfigurationNotification,
  DidChangeNotebookDocumentNotification,
  DidChangeTextDocumentNotification,
  DidCloseNotebookDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenNotebookDocumentNotification,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  InlayHintResolveRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
  type CodeAction,
  type ConfigurationParams,
  type Diagnostic,
  type DidChangeNotebookDocumentParams,
  type DidCloseNotebookDocumentParams,
  type DidOpenNotebookDocumentParams,
  type Hover,
  type InitializeResult,
  type InlayHint,
  type LogMessageParams,
  type MarkupContent,
  type Position,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  type Range,
  type RegistrationParams,
  type TextDocumentContentChangeEvent,
  type TextEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver-protocol/node';
import { ProposedFeatures, createConnection } from 'vscode-languageserver/node';
import { startServer } from '../../server/src/lsp/start';

export interface ClientOptions {
  /** Settings returned for workspace/configuration, per scopeUri ('*' for every resource). */
  settings?: Record<string, unknown>;
  documentChanges?: boolean;
  /** The client resolves inlay-hint tooltips lazily (inlayHint/resolve); default false. */
  lazyTooltips?: boolean;
  /** Whether the client supports workspace/configuration (default true). */
  configuration?: boolean;
  debounceMs?: number;
  treeCacheSize?: number;
}

export class TestClient {
  readonly diagnostics: PublishDiagnosticsParams[] = [];
  readonly configurationRequests: ConfigurationParams[] = [];
  readonly registrations: RegistrationParams[] = [];
  readonly logs: LogMessageParams[] = [];
  refreshRequests = 0;
  settings: Record<string, unknown>;
  initializeResult!: InitializeResult;
  private waiters: (() => void)[] = [];
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly connection: ProtocolConnection,
    options: ClientOptions,
  ) {
    this.settings = options.settings ?? {};
  }

  static async start(options: ClientOptions = {}): Promise<TestClient> {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const serverConnection = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(serverConnection, { debounceMs: options.debounceMs ?? 5, treeCacheSize: options.treeCacheSize });
    const connection = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    const client = new TestClient(connection, options);
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.diagnostics.push(p);
      client.wake();
    });
    connection.onNotification(LogMessageNotification.type, (p) => {
      client.logs.push(p);
    });
    connection.onRequest(ConfigurationRequest.type, (p) => {
      client.configurationRequests.push(p);
      return p.items.map((item) => (item.section === 'shapewise' ? (client.settings[item.scopeUri ?? ''] ?? client.settings['*'] ?? {}) : null));
    });
    connection.onRequest(RegistrationRequest.type, (p) => {
      client.registrations.push(p);
    });
    connection.onRequest(InlayHintRefreshRequest.type, () => {
      client.refreshRequests++;
      client.wake();
    });
    connection.listen();
    client.initializeResult = await connection.sendRequest(InitializeRequest.type, {
      processId: null,
      rootUri: null,
      workspaceFolders: null,
      capabilities: {
        general: { positionEncodings: ['utf-16'] },
        workspace: {
          configuration: options.configuration ?? true,
          didChangeConfiguration: { dynamicRegistration: true },
          inlayHint: { refreshSupport: true },
          workspaceEdit: { documentChanges: options.documentChanges ?? false },
        },
        textDocument: {
          synchronization: { dynamicRegistration: false },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          inlayHint: options.lazyTooltips ? { resolveSupport: { properties: ['tooltip'] } } : {},
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
        },
        notebookDocument: { synchronization: {} },
      },
    });
    await connection.sendNotification(InitializedNotification.type, {});
    return client;
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Resolves when `predicate` holds, checked now and after every diagnostics / refresh message. */
  async until<T>(predicate: () => T | undefined | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = predicate();
      if (v) return v;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** The diagnostics published for `uri` at `version` (waits for them). */
  async diagnosticsFor(uri: string, version = this.versions.get(uri)): Promise<Diagnostic[]> {
    const p = await this.until(
      () => [...this.diagnostics].reverse().find((d) => d.uri === uri && d.version === version),
      `diagnostics for ${uri} v${version}`,
    );
    return p.diagnostics;
  }

  /** The first diagnostics published for `uri` after `mark` (an index into `diagnostics`). */
  async diagnosticsAfter(mark: number, uri: string): Promise<Diagnostic[]> {
    const p = await this.until(() => this.diagnostics.slice(mark).find((d) => d.uri === uri), `diagnostics for ${uri} after #${mark}`);
    return p.diagnostics;
  }

  /** The latest diagnostics published for `uri`, whatever the version. */
  latestDiagnostics(uri: string): PublishDiagnosticsParams | undefined {
    return [...this.diagnostics].reverse().find((d) => d.uri === uri);
  }

  async open(uri: string, text: string, languageId = 'python', version = 1): Promise<void> {
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
  }

  /** Sends the changes as the next version; returns that version. */
  async change(uri: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    await this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: changes });
    return version;
  }

  async close(uri: string): Promise<void> {
    await this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  version(uri: string): number | undefined {
    return this.versions.get(uri);
  }

  setVersion(uri: string, version: number): void {
    this.versions.set(uri, version);
  }

  inlayHints(uri: string, range: Range = { start: { line: 0, character: 0 }, end: { line: 100_000, character: 0 } }): Promise<InlayHint[]> {
    return this.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range }).then((h) => h ?? []);
  }

  resolveInlayHint(hint: InlayHint): Promise<InlayHint> {
    return this.connection.sendRequest(InlayHintResolveRequest.type, hint);
  }

  hover(uri: string, position: Position): Promise<Hover | null> {
    return this.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
  }

  async hoverText(uri: string, position: Position): Promise<string | undefined> {
    const h = await this.hover(uri, position);
    if (!h) return undefined;
    return (h.contents as MarkupContent).value;
  }

  codeActions(uri: string, range: Range, diagnostics: Diagnostic[] = []): Promise<CodeAction[]> {
    return this.connection
      .sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })
      .then((a) => (a ?? []) as CodeAction[]);
  }

  /** Changes what workspace/configuration answers and notifies the server (the pull model). */
  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** Pushes settings with the notification (clients without workspace/configuration). */
  async pushSettings(settings: unknown): Promise<void> {
    await this.connection.sendNotification(DidChangeConfigurationNotification.type, { settings });
  }

  openNotebook(p: DidOpenNotebookDocumentParams): Promise<void> {
    return this.connection.sendNotification(DidOpenNotebookDocumentNotification.type, p);
  }

  changeNotebook(p: DidChangeNotebookDocumentParams): Promise<void> {
    return this.connection.sendNotification(DidChangeNotebookDocumentNotification.type, p);
  }

  closeNotebook(p: DidCloseNotebookDocumentParams): Promise<void> {
    return this.connection.sendNotification(DidCloseNotebookDocumentNotification.type, p);
  }

  async stop(): Promise<void> {
    await this.connection.sendRequest(ShutdownRequest.type);
    // No exit notification: in-process, the server's exit handler would end the test runner.
    this.connection.dispose();
  }
}

// ------------------------------------------------------------------------------ text helpers

/** Line start offsets, breaking at \r\n, \n and \r (written independently of the server's LineIndex). */
function lineStarts(text: string): number[] {
  const starts = [0];
  const re = /\r\n|\r|\n/g;
  for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

export function offsetOf(text: string, p: Position): number {
  const starts = lineStarts(text);
  if (p.line >= starts.length) return text.length;
  return starts[p.line] + p.character;
}

export function positionOf(text: string, offset: number): Position {
  const starts = lineStarts(text);
  let line = 0;
  while (line + 1 < starts.length && starts[line + 1] <= offset) line++;
  return { line, character: offset - starts[line] };
}

/** The position just after the `occurrence`-th match of `needle` (or at its start with `at: 'start'`). */
export function pos(text: string, needle: string, opts: { at?: 'start' | 'end'; occurrence?: number; delta?: number } = {}): Position {
  let i = -1;
  for (let k = 0; k <= (opts.occurrence ?? 0); k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" not found`);
  }
  const o = (opts.at === 'start' ? i : i + needle.length) + (opts.delta ?? 0);
  return positionOf(text, o);
}

export function rangeOf(text: string, needle: string, occurrence = 0): Range {
  return { start: pos(text, needle, { at: 'start', occurrence }), end: pos(text, needle, { occurrence }) };
}

export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const withOffsets = edits.map((e) => ({ start: offsetOf(text, e.range.start), end: offsetOf(text, e.range.end), newText: e.newText }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** The edits of a workspace edit for one document (from `changes` or `documentChanges`). */
export function editsFor(edit: WorkspaceEdit | undefined, uri: string): TextEdit[] {
  if (!edit) return [];
  const out: TextEdit[] = [...(edit.changes?.[uri] ?? [])];
  for (const dc of edit.documentChanges ?? []) {
    if ('textDocument' in dc && dc.textDocument.uri === uri) out.push(...(dc.edits as TextEdit[]));
  }
  return out;
}

/** Labels with positions, a compact form to compare whole hint lists. */
export function hintSummary(hints: readonly InlayHint[]): string[] {
  return hints.map((h) => `${h.position.line}:${h.position.character} ${typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')}`);
}
