// The language server: wires a connection to the workspace state, the analyses and the
// features. `server.ts` calls this with a connection on stdio / node IPC; the protocol tests call
// it with a connection over in-memory streams.
import {
  CodeActionRequest,
  DidChangeConfigurationNotification,
  HoverRequest,
  InlayHintRequest,
  ErrorCodes,
  LSPErrorCodes,
  ResponseError,
  type CancellationToken,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  type Position,
  type Range,
} from 'vscode-languageserver';
import { version } from '../../../package.json';
import { Analyzer } from '../analysis';
import type { CodeCacheStatus } from '../code-cache';
import type { ShapewiseSettings } from '../config';
import { Analyses, type UnitAnalysis } from './analyses';
import { serverCapabilities } from './capabilities';
import { codeActions } from './code-actions';
import { DiagnosticsPublisher } from './diagnostics';
import { hover, unknownWhy } from './hover';
import { NOT_INITIALIZED } from './initialize-guard';
import { inlayHints, resolveTooltip, type HintData } from './inlay-hints';
import { checkChange, checkClose, checkOpen, notebookUri } from './notebook-params';
import { checkRequest } from './request-params';
import { checkTextChange, checkTextOpen, textDocumentUri } from './text-params';
import { errorDetails, errorSummary, OnceLog } from './log-once';
import { shapeText } from './render';
import { Debouncer } from './scheduler';
import { SECTION, SettingsStore } from './settings';
import { DEFAULT_TREE_CACHE_SIZE, TreeCache } from './tree-cache';
import type { AnalysisUnit } from './units';
import { NotebookUnit } from './units';
import { Workspace } from './workspace';

export interface ServerOptions {
  /** Quiet time after the last change before diagnostics are recomputed and published. */
  debounceMs?: number;
  /** How many syntax trees to keep for incremental parsing. */
  treeCacheSize?: number;
  /** What became of V8's code cache when dist/server.js loaded the server, for the log. */
  codeCache?: CodeCacheStatus;
  /**
   * Called once, soon after the first analysis (or at shutdown if that comes first): the loader
   * then writes the code cache, which holds what has been compiled by then. Returns why not.
   */
  onWarm?: () => string | undefined;
  /** Called when the client's shutdown request is handled (the process then exits 0 when its input ends). */
  onShutdown?: () => void;
}

/** How long after the first analysis the code cache is written: its hot code has run by then. */
const WARM_AFTER_MS = 2_000;

export const DEFAULT_DEBOUNCE_MS = 150;

interface ClientSupport {
  pullConfiguration: boolean;
  registerConfigurationChange: boolean;
  inlayHintRefresh: boolean;
  documentChanges: boolean;
  /** The client resolves inlay-hint tooltips lazily (inlayHint/resolve). */
  lazyHintTooltips: boolean;
}

interface State {
  analyzer: Analyzer;
  trees: TreeCache;
  workspace: Workspace;
  analyses: Analyses;
  settings: SettingsStore;
  publisher: DiagnosticsPublisher;
  debouncer: Debouncer;
  client: ClientSupport;
  /** Per notebook: the shapes last published, to refresh hints in other cells when they change. */
  hintSignatures: Map<string, string>;
}

export function startServer(connection: Connection, options: ServerOptions = {}): void {
  const debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
  // All logging goes to the client (window/logMessage), never to stdout.
  const remote = connection.console;
  // Internal errors and notes, once per document (until it is closed).
  const log = new OnceLog({ error: (m) => remote.error(m), info: (m) => remote.info(m) });
  let state: State | undefined;
  /** After `shutdown` LSP wants every request but `exit` refused with InvalidRequest. */
  let shutDown = false;
  const refuseAfterShutdown = (): void => {
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'The server has been shut down: it takes no more requests.');
  };
  // The parser's WebAssembly loads while the client's initialize request is still on its way.
  const analyzerLoading = Analyzer.create();
  analyzerLoading.catch(() => undefined); // reported when initialize awaits it
  let warm: 'cold' | 'timer' | 'done' = 'cold';
  /** Hands the loader its moment to write the code cache (once) and logs the outcome. */
  const warmed = (): void => {
    if (warm === 'done' || !options.onWarm) return;
    warm = 'done';
    const started = performance.now();
    const why = options.onWarm();
    const file = options.codeCache && 'file' in options.codeCache ? options.codeCache.file : undefined;
    if (why === undefined) remote.info(`Shapewise: wrote the code cache ${file ?? ''} (${Math.round(performance.now() - started)} ms)`);
    else if (options.codeCache?.state !== 'used' && options.codeCache?.state !== 'off') remote.info(`Shapewise: did not write the code cache ${file ?? ''}: ${why}`);
  };

  let initializing = false;
  connection.onInitialize(async (params: InitializeParams): Promise<InitializeResult> => {
    // LSP sends initialize once: a second one would drop every open document's state.
    if (initializing || shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'The server is already initialized: initialize is sent once.');
    initializing = true;
    // A minimal client may send no capabilities at all.
    const caps = params.capabilities ?? {};
    const resolvable = caps.textDocument?.inlayHint?.resolveSupport?.properties;
    const client: ClientSupport = {
      pullConfiguration: caps.workspace?.configuration === true,
      registerConfigurationChange: caps.workspace?.didChangeConfiguration?.dynamicRegistration === true,
      inlayHintRefresh: caps.workspace?.inlayHint?.refreshSupport === true,
      documentChanges: caps.workspace?.workspaceEdit?.documentChanges === true,
      lazyHintTooltips: Array.isArray(resolvable) && resolvable.includes('tooltip'),
    };
    const analyzer = await analyzerLoading;
    // Shut down while the parser loaded: no state to bring back to life after it.
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, 'The server has been shut down.');
    const trees = new TreeCache(options.treeCacheSize ?? DEFAULT_TREE_CACHE_SIZE);
    const s: State = {
      analyzer,
      trees,
      workspace: new Workspace(trees),
      analyses: new Analyses(analyzer, trees, log),
      settings: new SettingsStore(connection, client.pullConfiguration, () => {
        // Settings that came late: what was published and shown with the defaults is redone
        // (unless the server was shut down meanwhile).
        if (state !== s) return;
        for (const unit of s.workspace.units()) s.debouncer.schedule(unit.key, 0);
        if (client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
      }),
      publisher: new DiagnosticsPublisher(connection),
      debouncer: new Debouncer(debounceMs, (key) => publishUnit(key)),
      client,
      hintSignatures: new Map(),
    };
    state = s;
    return { capabilities: serverCapabilities(), serverInfo: { name: 'shapewise', version } };
  });

  connection.onInitialized(() => {
    if (state?.client.registerConfigurationChange) {
      void connection.client.register(DidChangeConfigurationNotification.type, { section: SECTION });
    }
    remote.info(`Shapewise language server ${version} ready${codeCacheNote(options.codeCache)}.`);
  });

  /** Analyses one unit after the debounce and publishes, unless a newer change came meanwhile. */
  async function publishUnit(key: string): Promise<void> {
    try {
      const s = state;
      const unit = s?.workspace.unit(key);
      if (!s || !unit) return;
      const revision = unit.revision;
      const settings = await s.settings.get(unit.scopeUri);
      // A change while the settings were fetched scheduled its own run: never publish old text.
      if (state !== s || s.workspace.unit(key) !== unit || unit.revision !== revision) return;
      // Requests got the parser's last give-up instead of trying again (Analyses.current): when
      // this attempt succeeds, the editor is told to ask for hints again.
      const answeredBefore = s.analyses.servedLater(unit.key);
      const analysis = s.analyses.current(unit, settings);
      s.publisher.publish(unit, analysis.result);
      if (answeredBefore && !analysis.parserGaveUp && s.client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
      if (warm === 'cold' && options.onWarm) {
        warm = 'timer';
        setTimeout(warmed, WARM_AFTER_MS).unref();
      }
      if (unit instanceof NotebookUnit) refreshHintsIfShapesChanged(s, unit, analysis);
    } catch (e) {
      internalError('publishing diagnostics', () => ({ uri: key }), e);
    }
  }

  /** Logs an internal error once per document, phase and message; never throws. */
  function internalError(phase: string, where: () => { uri: string; at?: string }, e: unknown): void {
    let uri = '(unknown document)';
    let at: string | undefined;
    try {
      ({ uri, at } = where());
    } catch {
      // Malformed parameters: the error itself says enough.
    }
    log.error(uri, `${phase}:${errorSummary(e)}`, `Shapewise: internal error (please report it) in ${phase} for ${uri}${at ? `, ${at}` : ''}: ${errorDetails(e)}`);
  }

  /**
   * A request handler that answers `empty` (and logs the error once) when it throws: one broken
   * document must not turn every hint or hover request into an error the editor shows. Protocol
   * errors (cancellation) go through.
   */
  function answering<P, R>(phase: string, empty: R, where: (params: P) => { uri: string; at?: string }, handler: (params: P, token: CancellationToken) => Promise<R>) {
    return async (params: P, token: CancellationToken): Promise<R> => {
      refuseAfterShutdown();
      if (!initializing) throw new ResponseError(ErrorCodes.ServerNotInitialized, NOT_INITIALIZED);
      state?.debouncer.noteMessage();
      try {
        return await handler(params, token);
      } catch (e) {
        if (e instanceof ResponseError) throw e;
        internalError(phase, () => where(params), e);
        return empty;
      }
    };
  }

  /** A notification handler that logs (once) instead of throwing. */
  function guarded<P>(phase: string, uriOf: (params: P) => string, handler: (params: P) => void) {
    return (params: P): void => {
      state?.debouncer.noteMessage();
      try {
        handler(params);
      } catch (e) {
        internalError(phase, () => ({ uri: uriOf(params) }), e);
      }
    };
  }

  /**
   * A notebook edit in one cell can change hints in other cells, which the editor does not ask
   * for again by itself. Positions inside a cell do not move when another cell changes, so only
   * the shapes matter.
   */
  function refreshHintsIfShapesChanged(s: State, unit: NotebookUnit, analysis: UnitAnalysis): void {
    const signature = analysis.result.layers.map((l) => `${l.className}:${shapeText(l.result.output)}`).join('|');
    const previous = s.hintSignatures.get(unit.key);
    s.hintSignatures.set(unit.key, signature);
    if (previous !== undefined && previous !== signature && s.client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
  }

  /** The up-to-date analysis of the unit holding `uri`, computed now if needed. */
  async function analysisFor(uri: string, token?: CancellationToken): Promise<{ s: State; unit: AnalysisUnit; analysis: UnitAnalysis; settings: ShapewiseSettings } | undefined> {
    const s = state;
    if (!s) return undefined;
    const first = s.workspace.unitFor(uri);
    if (!first) return undefined;
    const settings = await untilCancelled(s.settings.get(first.scopeUri), token);
    // The last point before the (synchronous) parse and analysis: a request cancelled while it
    // waited in the queue or for the settings costs nothing. LSP wants an answer all the same.
    if (token?.isCancellationRequested) throw cancelled();
    // Shut down meanwhile: the parser is gone.
    if (state !== s) return undefined;
    const unit = s.workspace.unitFor(uri);
    if (!unit) return undefined;
    return { s, unit, analysis: s.analyses.current(unit, settings, { orNotAnalysed: true }), settings };
  }

  // ---------------------------------------------------------------- text documents

  /** A text notification's checked form, or undefined when it names no document (logged once). */
  function checkedText<T>(method: string, result: T | { malformed: string }): T | undefined {
    if (typeof result === 'object' && result !== null && 'malformed' in result) {
      log.error(UNKNOWN_DOCUMENT, `malformed:${method}`, `Shapewise: ignored a malformed ${method} notification (and will not say so again): ${result.malformed}`);
      return undefined;
    }
    return result;
  }

  connection.onDidOpenTextDocument(
    guarded('didOpen', (p) => textDocumentUri(p) ?? UNKNOWN_DOCUMENT, (params) => {
      const doc = checkedText('textDocument/didOpen', checkTextOpen(params));
      // A text document with a notebook's URI (or a cell's) would take over the notebook's
      // diagnostics and syntax tree, which are kept under that URI: the notebook wins.
      if (doc && state?.workspace.isNotebookUri(doc.uri)) {
        log.error(doc.uri, 'text-over-notebook', `Shapewise: ignored textDocument/didOpen of ${doc.uri}: an open notebook or notebook cell has that URI`);
        return;
      }
      const unit = doc && state?.workspace.openText(doc);
      if (unit) state?.debouncer.schedule(unit.key, 0);
    }),
  );

  connection.onDidChangeTextDocument(
    guarded('didChange', (p) => textDocumentUri(p) ?? UNKNOWN_DOCUMENT, (raw) => {
      const params = checkedText('textDocument/didChange', checkTextChange(raw));
      const changed = params && state?.workspace.changeText(params);
      if (!params || !changed) return;
      if (changed.skipped.length > 0) {
        const uri = changed.unit.key;
        log.error(uri, 'malformed-change', `Shapewise: ${uri}: ignored ${changed.skipped.length} malformed content change(s) in version ${String(params.textDocument.version)}; the server's copy of the document may now differ from the editor's: ${JSON.stringify(changed.skipped).slice(0, 200)}`);
      }
      state?.debouncer.schedule(changed.unit.key);
    }),
  );

  connection.onDidCloseTextDocument(
    guarded('didClose', (p) => textDocumentUri(p) ?? UNKNOWN_DOCUMENT, (params) => {
      const uri = textDocumentUri(params);
      if (uri === undefined) return void checkedText('textDocument/didClose', { malformed: 'textDocument.uri is not a string' });
      const s = state;
      log.forget(uri);
      if (!s || !s.workspace.closeText(uri)) return;
      s.debouncer.cancel(uri);
      s.analyses.forget(uri);
      s.publisher.clear(uri, [uri]);
    }),
  );

  // ---------------------------------------------------------------- notebooks

  const notebookSync = connection.notebooks.synchronization;
  const UNKNOWN_NOTEBOOK = '(a notebook without a URI)';
  const uriOfNotebook = (p: unknown): string => notebookUri(p) ?? UNKNOWN_NOTEBOOK;
  /**
   * A notebook notification's checked form, or undefined when it names no notebook; what it had
   * that LSP does not allow is logged once per notebook and method.
   */
  function checked<T extends { uri: string; skipped: string[] }>(method: string, result: T | { malformed: string }): T | undefined {
    const ignored = (uri: string, parts: string[]): void => {
      if (parts.length === 0) return;
      log.error(uri, `malformed:${method}`, `Shapewise: ${uri}: ignored malformed parts of ${method} (the server's copy of the notebook may now differ from the editor's): ${parts.join('; ').slice(0, 300)}`);
    };
    if ('malformed' in result) {
      ignored(UNKNOWN_NOTEBOOK, [result.malformed]);
      return undefined;
    }
    ignored(result.uri, result.skipped);
    return result;
  }

  notebookSync.onDidOpenNotebookDocument(
    guarded('notebook didOpen', uriOfNotebook, (params) => {
      const open = checked('notebookDocument/didOpen', checkOpen(params));
      const s = state;
      if (!open || !s) return;
      // Text documents opened before with the notebook's URI or a cell's give way to it.
      for (const uri of [open.uri, ...open.cells.map((c) => c.document)]) {
        if (!s.workspace.closeText(uri)) continue;
        s.debouncer.cancel(uri);
        s.analyses.forget(uri);
        s.publisher.clear(uri, [uri]);
        log.error(uri, 'text-over-notebook', `Shapewise: closed the text document ${uri}: a notebook opened with that URI or a cell's`);
      }
      const unit = s.workspace.openNotebook(open);
      s.debouncer.schedule(unit.key, 0);
    }),
  );

  notebookSync.onDidChangeNotebookDocument(
    guarded('notebook didChange', uriOfNotebook, (params) => {
      const s = state;
      const change = checked('notebookDocument/didChange', checkChange(params));
      const changed = change && s?.workspace.changeNotebook(change);
      if (!s || !changed) return;
      if (changed.droppedCells.length > 0) s.publisher.clearCells(changed.unit.key, changed.droppedCells);
      s.debouncer.schedule(changed.unit.key);
    }),
  );

  notebookSync.onDidCloseNotebookDocument(
    guarded('notebook didClose', uriOfNotebook, (params) => {
      const s = state;
      const close = checked('notebookDocument/didClose', checkClose(params));
      if (!close) return;
      log.forget(close.uri);
      if (!s) return;
      const cells = s.workspace.closeNotebook(close.uri);
      for (const c of cells) log.forget(c);
      s.debouncer.cancel(close.uri);
      s.analyses.forget(close.uri);
      s.hintSignatures.delete(close.uri);
      s.settings.forget(close.uri);
      s.publisher.clear(close.uri, [...cells, ...close.cellUris]);
    }),
  );

  // ---------------------------------------------------------------- settings

  connection.onDidChangeConfiguration((params) => {
    const s = state;
    if (!s) return;
    s.debouncer.noteMessage();
    s.settings.invalidate(params.settings);
    for (const unit of s.workspace.units()) s.debouncer.schedule(unit.key, 0);
    if (s.client.inlayHintRefresh) void connection.languages.inlayHint.refresh();
  });

  // ---------------------------------------------------------------- features

  // Registered with onRequest, not the library's feature helpers: those read the parameters'
  // workDoneToken before any handler runs, and `"params": null` got an internal error (-32603)
  // instead of InvalidParams from checkRequest.
  connection.onRequest(
    InlayHintRequest.type,
    answering('inlay hints', [], (p) => ({ uri: p.textDocument.uri, at: rangeText(p.range) }), async (params, token) => {
      checkRequest(InlayHintRequest.method, params);
      const found = await analysisFor(params.textDocument.uri, token);
      if (!found) return [];
      const { s, unit, analysis, settings } = found;
      return inlayHints(unit, params.textDocument.uri, params.range, analysis.result, settings, unknownWhy(analysis.result), {
        lazyTooltips: s.client.lazyHintTooltips,
        revision: analysis.revision,
      });
    }),
  );

  connection.languages.inlayHint.resolve(async (hint, token) => {
    const resolve = answering('inlay hint tooltip', hint, (h: typeof hint) => ({ uri: String((h.data as Partial<HintData>).uri), at: positionText(h.position) }), async (h) => {
      if (typeof h !== 'object' || h === null) throw new ResponseError(ErrorCodes.InvalidParams, 'inlayHint/resolve: the parameters are not an inlay hint.');
      const data = h.data as Partial<HintData> | undefined;
      if (typeof data?.uri !== 'string') return h;
      const found = await analysisFor(data.uri, token);
      if (!found) return h;
      return resolveTooltip(h, found.analysis.revision, found.analysis.result, unknownWhy(found.analysis.result));
    });
    return resolve(hint, token);
  });

  connection.onRequest(
    HoverRequest.type,
    answering('hover', null, (p) => ({ uri: p.textDocument.uri, at: positionText(p.position) }), async (params, token) => {
      checkRequest(HoverRequest.method, params);
      const found = await analysisFor(params.textDocument.uri, token);
      if (!found) return null;
      return hover(found.unit, params.textDocument.uri, params.position, found.analysis.result);
    }),
  );

  connection.onRequest(
    CodeActionRequest.type,
    answering('code actions', [], (p) => ({ uri: p.textDocument.uri, at: rangeText(p.range) }), async (params, token) => {
      checkRequest(CodeActionRequest.method, params);
      const found = await analysisFor(params.textDocument.uri, token);
      if (!found) return [];
      return codeActions(found.unit, params, found.analysis.result, { documentChanges: found.s.client.documentChanges });
    }),
  );

  connection.onShutdown(() => {
    refuseAfterShutdown();
    if (!initializing) throw new ResponseError(ErrorCodes.ServerNotInitialized, NOT_INITIALIZED);
    shutDown = true;
    options.onShutdown?.();
    const s = state;
    state = undefined;
    if (warm === 'timer') warmed();
    if (!s) return;
    s.debouncer.dispose();
    s.trees.dispose();
    s.analyzer.dispose();
  });

  connection.listen();
}

const UNKNOWN_DOCUMENT = '(a document without a URI)';

function cancelled(): ResponseError<void> {
  return new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.');
}

/** `promise`, or RequestCancelled as soon as the request is cancelled while it waits. */
function untilCancelled<T>(promise: Promise<T>, token: CancellationToken | undefined): Promise<T> {
  if (!token) return promise;
  if (token.isCancellationRequested) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const listener = token.onCancellationRequested(() => reject(cancelled()));
    promise.then(resolve, reject).finally(() => listener.dispose());
  });
}

/** The code cache's part of the "ready" message. */
function codeCacheNote(status: CodeCacheStatus | undefined): string {
  switch (status?.state) {
    case undefined:
      return '';
    case 'off':
      return ' (code cache off)';
    case 'used':
      return ` (code cache ${status.file})`;
    case 'missing':
      return ` (no code cache yet: it will be written to ${status.file})`;
    case 'rejected':
      return ` (the code cache ${status.file} was made by another runtime or build: it will be written again)`;
    case 'damaged':
      return ` (the code cache ${status.file} is damaged: it will be written again)`;
    case 'unreadable':
      return ` (cannot read the code cache ${status.file}: ${status.why})`;
  }
}

/** A protocol position for people: 1-based line and column (UTF-16 code units). */
function positionText(p: Position | undefined): string {
  return `at line ${Number(p?.line) + 1}, column ${Number(p?.character) + 1}`;
}

function rangeText(r: Range | undefined): string {
  return `for lines ${Number(r?.start?.line) + 1}–${Number(r?.end?.line) + 1}`;
}
