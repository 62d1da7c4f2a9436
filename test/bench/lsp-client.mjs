// A minimal LSP client for the benchmarks: spawns a language server as a child process on stdio
// (the built Shapewise server, or a peer such as basedpyright) and talks to it as an editor does.
// It answers the server's requests (workspace/configuration from a callback, registrations,
// progress, refreshes), records publishDiagnostics with their arrival time, reads the server's
// resident set size from /proc, and always kills the child: on close, on a timeout, and when the
// benchmark process exits.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { trackChild } from './common.mjs';

const require = createRequire(import.meta.url);
const {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} = require('vscode-languageserver-protocol/node');

/**
 * `promise`, marked as handled: a caller that sends without awaiting (a notification, a wait set
 * up before the request it goes with) does not turn a dead server into an unhandled rejection.
 * Whoever awaits it still gets the rejection.
 */
function handled(promise) {
  promise.catch(() => {});
  return promise;
}

/** Rejects after `ms` with a message saying what was awaited. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The client capabilities an editor like VS Code sends (the parts these servers look at). */
export function editorCapabilities() {
  return {
    general: { positionEncodings: ['utf-16'] },
    workspace: {
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      inlayHint: { refreshSupport: true },
      workspaceEdit: { documentChanges: true },
    },
    window: { workDoneProgress: true },
    textDocument: {
      synchronization: { dynamicRegistration: false, didSave: true },
      publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
      hover: { contentFormat: ['markdown', 'plaintext'] },
      inlayHint: { dynamicRegistration: false, resolveSupport: { properties: ['tooltip'] } },
      codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true },
    },
  };
}

export class LspProcess {
  /**
   * @param {object} o
   * @param {string} o.name for messages
   * @param {string[]} o.args arguments of `node` (script first)
   * @param {(section: string | undefined, scopeUri: string | undefined) => unknown} [o.configuration]
   * @param {string} [o.cwd]
   */
  constructor({ name, args, configuration = () => null, cwd }) {
    this.name = name;
    this.configuration = configuration;
    this.logs = [];
    this.stderr = '';
    this.exited = undefined;
    /** uri -> { version, diagnostics, at } of the latest publish. */
    this.lastDiagnostics = new Map();
    this.diagWaiters = [];
    this.spawnedAt = performance.now();
    this.child = spawn(process.execPath, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    trackChild(this.child);
    this.pid = this.child.pid;
    this.exitPromise = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        const why = new Error(`${this.name} exited (code ${code}, signal ${signal})${this.stderr ? `; stderr: ${this.stderr.slice(-2000)}` : ''}`);
        for (const w of this.diagWaiters) w.reject(why);
        this.diagWaiters = [];
        resolve(this.exited);
      });
    });
    this.child.on('error', (e) => {
      this.stderr += `\nspawn error: ${e.message}`;
    });
    this.child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d.toString()).slice(-8000);
    });
    // The child may die while we write to it: that is reported through `exited`, not a crash.
    this.child.stdin.on('error', () => {});
    this.connection = createProtocolConnection(new StreamMessageReader(this.child.stdout), new StreamMessageWriter(this.child.stdin));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      const at = performance.now();
      this.lastDiagnostics.set(p.uri, { version: p.version, diagnostics: p.diagnostics, at });
      const still = [];
      for (const w of this.diagWaiters) {
        if (w.uri === p.uri && (w.version === undefined || p.version === w.version)) w.resolve({ at, diagnostics: p.diagnostics });
        else still.push(w);
      }
      this.diagWaiters = still;
    });
    this.connection.onNotification(LogMessageNotification.type, (p) => {
      this.logs.push(p.message);
      if (this.logs.length > 200) this.logs.shift();
    });
    this.connection.onRequest(ConfigurationRequest.type, (p) => p.items.map((item) => this.configuration(item.section, item.scopeUri)));
    // Registrations, progress tokens, refreshes, messages: acknowledge, as an editor does.
    this.connection.onRequest((method) => (method === 'workspace/applyEdit' ? { applied: false } : null));
    this.connection.onNotification(() => {});
    this.connection.onError(() => {});
    this.connection.onClose(() => {});
    this.connection.listen();
  }

  /** Sends initialize and initialized; returns the initialize result. */
  async initialize({ rootUri = null, workspaceFolders = null, initializationOptions, timeoutMs = 30_000 } = {}) {
    const result = await this.request(
      InitializeRequest.type,
      { processId: process.pid, rootUri, workspaceFolders, capabilities: editorCapabilities(), initializationOptions, clientInfo: { name: 'shapewise-bench' } },
      timeoutMs,
      'initialize',
    );
    this.initializedAt = performance.now();
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** A request that fails clearly on a timeout or when the server dies. */
  request(type, params, timeoutMs = 30_000, what = type.method) {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running (${JSON.stringify(this.exited)})`));
    const died = this.exitPromise.then((e) => {
      throw new Error(`${this.name} exited during ${what} (code ${e.code}, signal ${e.signal})${this.stderr ? `; stderr: ${this.stderr.slice(-2000)}` : ''}`);
    });
    return withTimeout(Promise.race([this.connection.sendRequest(type, params), died]), timeoutMs, `${this.name}: ${what}`);
  }

  open(uri, text, version = 1, languageId = 'python') {
    return handled(this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } }));
  }

  change(uri, version, contentChanges) {
    return handled(this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges }));
  }

  hints(uri, range, timeoutMs = 30_000) {
    return this.request(InlayHintRequest.type, { textDocument: { uri }, range }, timeoutMs, `inlay hints of ${uri}`);
  }

  /** Resolves with { at, diagnostics } at the publish for `uri` (at `version` when given). */
  waitDiagnostics(uri, version, timeoutMs = 30_000) {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const seen = this.lastDiagnostics.get(uri);
    if (seen && version !== undefined && seen.version === version) return Promise.resolve({ at: seen.at, diagnostics: seen.diagnostics });
    const p = new Promise((resolve, reject) => this.diagWaiters.push({ uri, version, resolve, reject }));
    return handled(withTimeout(p, timeoutMs, `${this.name}: diagnostics of ${uri}${version === undefined ? '' : ` v${version}`}`));
  }

  /** The child's resident set size in MB (VmRSS, and the peak VmHWM), from /proc. */
  memory() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
  }

  /** Shutdown and exit, politely with a short bound, then SIGKILL whatever is left. */
  async close() {
    if (!this.exited) {
      try {
        await withTimeout(this.connection.sendRequest(ShutdownRequest.type), 2000, `${this.name}: shutdown`);
        await this.connection.sendNotification(ExitNotification.type);
        await withTimeout(this.exitPromise, 2000, `${this.name}: exit`);
      } catch {
        // killed below
      }
    }
    if (!this.exited) {
      this.child.kill('SIGKILL');
      await withTimeout(this.exitPromise, 5000, `${this.name}: SIGKILL`).catch(() => {});
    }
    this.connection.dispose();
  }
}

/** Runs `body(server)` with a fresh server and always closes it. */
export async function withServer(options, body) {
  const server = new LspProcess(options);
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}
