// A client that breaks the protocol's rules (found by probing the built server as a hostile
// client would): it never answers workspace/configuration, sends initialize twice or not at all,
// shuts down with requests in flight, sends `"params": null`, or names a document by a number.
// The server answers every request, keeps its state, and logs no internal error.
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigurationRequest,
  createProtocolConnection,
  ErrorCodes,
  InitializeRequest,
  InlayHintRefreshRequest,
  InlayHintRequest,
  LogMessageNotification,
  LSPErrorCodes,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  type InitializeParams,
  type InlayHint,
  type LogMessageParams,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { SETTINGS_WAIT_MS } from '../../server/src/lsp/settings';
import { startServer } from '../../server/src/lsp/start';

const MODEL = 'import keras\nfrom keras import layers\nx = keras.Input(shape=(65, 65, 3))\ny = layers.Conv2D(8, 3, strides=2, padding="same")(x)\n';
const URI = 'file:///model.py';
const WHOLE = { start: { line: 0, character: 0 }, end: { line: 100, character: 0 } };

interface Client {
  connection: ProtocolConnection;
  logs: LogMessageParams[];
  diagnostics: PublishDiagnosticsParams[];
  refreshes: number;
  /** Writes one message as it is, `"params": null` included (the client library drops a null). */
  raw(message: object): void;
  /** The answer to the raw request with this id. */
  answer(id: number): Promise<{ result?: unknown; error?: { code: number; message: string } }>;
}

const clients: Client[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.connection.dispose();
});

/** A server over in-memory streams and a client that answers workspace/configuration with `configuration`. */
function connect(configuration: () => Promise<unknown>): Client {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  startServer(createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), { debounceMs: 5 });
  const answers = new Map<number, (m: { result?: unknown; error?: { code: number; message: string } }) => void>();
  // The client's own reader: raw answers are taken from it before the connection sees them.
  const reader = new StreamMessageReader(toClient);
  const fromServer = new PassThrough();
  const connection = createProtocolConnection(new StreamMessageReader(fromServer), new StreamMessageWriter(toServer));
  const relay = new StreamMessageWriter(fromServer);
  reader.listen((m) => {
    const id = (m as { id?: unknown }).id;
    if (typeof id === 'number' && id >= 1000 && !('method' in m)) answers.get(id)?.(m as never);
    else void relay.write(m);
  });
  const client: Client = {
    connection,
    logs: [],
    diagnostics: [],
    refreshes: 0,
    raw: (message) => {
      const body = JSON.stringify({ jsonrpc: '2.0', ...message });
      toServer.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    },
    answer: (id) => new Promise((resolve) => answers.set(id, resolve)),
  };
  connection.onNotification(LogMessageNotification.type, (p) => {
    client.logs.push(p);
  });
  connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
    client.diagnostics.push(p);
  });
  connection.onRequest(ConfigurationRequest.type, () => configuration() as Promise<unknown[]>);
  connection.onRequest(InlayHintRefreshRequest.type, () => {
    client.refreshes++;
  });
  connection.listen();
  clients.push(client);
  return client;
}

const initializeParams = (extra: Partial<InitializeParams['capabilities']> = {}): InitializeParams => ({
  processId: null,
  rootUri: null,
  workspaceFolders: null,
  capabilities: { workspace: { configuration: true, inlayHint: { refreshSupport: true } }, ...extra },
});

async function initialized(c: Client, extra?: Partial<InitializeParams['capabilities']>): Promise<void> {
  await c.connection.sendRequest(InitializeRequest.type, initializeParams(extra));
  await c.connection.sendNotification('initialized', {});
}

const hints = (c: Client, uri = URI): Promise<InlayHint[] | null> => c.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: WHOLE });
const internalErrors = (c: Client): string[] => c.logs.map((l) => l.message).filter((m) => /internal error/i.test(m));
const never = (): Promise<unknown> => new Promise(() => {});

/** Settings the test answers when it chooses (after the server's wait for them has given up). */
function lateSettings(): { late: Promise<unknown>; answerLate: (settings: unknown) => void } {
  let answerLate: (settings: unknown) => void = () => {};
  const late = new Promise((resolve) => (answerLate = resolve));
  return { late, answerLate };
}

describe('a client that never answers workspace/configuration', () => {
  it('gets its hints with the default settings after a bounded wait, and the settings when they come late', async () => {
    const { late, answerLate } = lateSettings();
    const c = connect(() => late);
    await initialized(c);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    const started = performance.now();
    const first = await hints(c);
    expect(performance.now() - started).toBeGreaterThanOrEqual(SETTINGS_WAIT_MS - 50);
    expect(first?.map((h) => h.label)).toEqual(['→ (None, 65, 65, 3)', '→ (None, 33, 33, 8)']);
    expect(c.logs.some((l) => l.message.includes('did not answer workspace/configuration'))).toBe(true);
    // The settings at last (output shapes off): the editor is asked to refresh, and hints follow them.
    answerLate([{ inlayHints: { outputShape: { enabled: false } } }]);
    await expect.poll(() => c.refreshes).toBeGreaterThan(0);
    expect(await hints(c)).toEqual([]);
    expect(internalErrors(c)).toEqual([]);
  });

  it('a request cancelled while it waits for the settings is answered RequestCancelled at once', async () => {
    const c = connect(never);
    await initialized(c);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    c.raw({ id: 1001, method: 'textDocument/inlayHint', params: { textDocument: { uri: URI }, range: WHOLE } });
    const answer = c.answer(1001);
    await new Promise((r) => setTimeout(r, 50));
    const cancelledAt = performance.now();
    c.raw({ method: '$/cancelRequest', params: { id: 1001 } });
    expect((await answer).error?.code).toBe(LSPErrorCodes.RequestCancelled);
    expect(performance.now() - cancelledAt).toBeLessThan(SETTINGS_WAIT_MS / 2);
  });
});

describe('initialize and shutdown out of order', () => {
  it('a request before initialize is refused with ServerNotInitialized', async () => {
    const c = connect(async () => [{}]);
    await expect(hints(c)).rejects.toMatchObject({ code: ErrorCodes.ServerNotInitialized });
  });

  it('a second initialize is refused, and the open documents keep their state', async () => {
    const c = connect(async () => [{}]);
    await initialized(c);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    expect(await hints(c)).toHaveLength(2);
    await expect(c.connection.sendRequest(InitializeRequest.type, initializeParams())).rejects.toMatchObject({ code: ErrorCodes.InvalidRequest });
    expect(await hints(c)).toHaveLength(2);
  });

  it('requests in flight at shutdown get empty answers, never a run on the freed parser', async () => {
    const c = connect(never);
    await initialized(c);
    // Tabs: the tree-sitter path (the text reader declines them), so a parse would follow.
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL.replace('x = keras', 'if True:\n\tx = keras') } });
    const inFlight = hints(c);
    await c.connection.sendRequest(ShutdownRequest.type);
    expect(await inFlight).toEqual([]);
    expect(internalErrors(c)).toEqual([]);
  });

  it('shutdown before initialize is refused with ServerNotInitialized, and initialize still works after it', async () => {
    const c = connect(async () => [{}]);
    await expect(c.connection.sendRequest(ShutdownRequest.type)).rejects.toMatchObject({ code: ErrorCodes.ServerNotInitialized });
    await initialized(c);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    expect(await hints(c)).toHaveLength(2);
  });

  it('settings that come after shutdown ask for no refresh and publish nothing', async () => {
    const { late, answerLate } = lateSettings();
    const c = connect(() => late);
    await initialized(c);
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    await hints(c);
    await c.connection.sendRequest(ShutdownRequest.type);
    const published = c.diagnostics.length;
    answerLate([{}]);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.refreshes).toBe(0);
    expect(c.diagnostics.length).toBe(published);
  });

  it('initialize with a resolveSupport whose properties are not a list', async () => {
    const c = connect(async () => [{}]);
    await c.connection.sendRequest(InitializeRequest.type, initializeParams({ textDocument: { inlayHint: { resolveSupport: { properties: {} as never } } } }));
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    expect(await hints(c)).toHaveLength(2);
  });
});

describe('malformed messages', () => {
  it('`"params": null` on a request is answered InvalidParams', async () => {
    const c = connect(async () => [{}]);
    await initialized(c);
    let id = 1100;
    for (const method of ['textDocument/inlayHint', 'textDocument/hover', 'textDocument/codeAction', 'inlayHint/resolve']) {
      c.raw({ id: ++id, method, params: null });
      expect((await c.answer(id)).error?.code, method).toBe(ErrorCodes.InvalidParams);
    }
    expect(internalErrors(c)).toEqual([]);
  });

  it('a document named by a number, an object or null is not opened, and the log says so once', async () => {
    const c = connect(async () => [{}]);
    await initialized(c);
    for (const uri of [5, { a: 1 }, null]) {
      c.raw({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'python', version: 1, text: MODEL } } });
      c.raw({ method: 'textDocument/didChange', params: { textDocument: { uri, version: 2 }, contentChanges: [{ text: MODEL }] } });
      c.raw({ method: 'textDocument/didClose', params: { textDocument: { uri } } });
    }
    c.raw({ method: 'textDocument/didOpen', params: null });
    // A well-formed document after them is analysed as usual.
    await c.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: URI, languageId: 'python', version: 1, text: MODEL } });
    await expect.poll(() => c.diagnostics.length).toBeGreaterThan(0);
    expect(c.diagnostics.every((d) => d.uri === URI)).toBe(true);
    const malformed = c.logs.map((l) => l.message).filter((m) => m.includes('malformed'));
    expect(malformed).toEqual([
      expect.stringContaining('textDocument/didOpen'),
      expect.stringContaining('textDocument/didChange'),
      expect.stringContaining('textDocument/didClose'),
    ]);
    expect(internalErrors(c)).toEqual([]);
  });
});
