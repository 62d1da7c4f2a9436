// `initialize` with parameters that are not an object with `capabilities` answered InvalidParams
// before the library sees it: its own initialize handler reads `params.capabilities` before the
// server's runs, so `"params": null` (or no capabilities) got an internal error (-32603). Every
// other message goes through as it came. A `shutdown` before any `initialize` is refused here too:
// the library marks itself shut down before the server's handler can refuse it, and a later
// `exit` then ended the process with status 0.
import { ErrorCodes, type Disposable, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

/** The answer to a request that comes before `initialize` (here and in start.ts). */
export const NOT_INITIALIZED = 'The server is not initialized yet: send initialize first.';

export function guardInitialize(reader: MessageReader, writer: MessageWriter): MessageReader {
  let initializeSeen = false;
  const refuse = (id: unknown, code: number, message: string): void =>
    void writer.write({ jsonrpc: '2.0', id, error: { code, message } } as Message);
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback: (message: Message) => void): Disposable =>
      reader.listen((message) => {
        const m = message as { id?: unknown; method?: unknown; params?: unknown };
        if (m.method === 'initialize' && m.id !== undefined) {
          if (!hasCapabilities(m.params)) {
            refuse(m.id, ErrorCodes.InvalidParams, 'initialize: the parameters are not an object with capabilities.');
            return;
          }
          initializeSeen = true;
        } else if (m.method === 'shutdown' && m.id !== undefined && !initializeSeen) {
          refuse(m.id, ErrorCodes.ServerNotInitialized, NOT_INITIALIZED);
          return;
        }
        callback(message);
      }),
  };
}

function hasCapabilities(params: unknown): boolean {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return false;
  const caps = (params as { capabilities?: unknown }).capabilities;
  return typeof caps === 'object' && caps !== null && !Array.isArray(caps);
}
