// `initialize` with parameters that are not an object with `capabilities` answered InvalidParams
// before the library sees it: its own initialize handler reads `params.capabilities` before the
// server's runs, so `"params": null` (or no capabilities) got an internal error (-32603). Every
// other message goes through as it came.
import { ErrorCodes, type Disposable, type Message, type MessageReader, type MessageWriter } from 'vscode-languageserver/node';

export function guardInitialize(reader: MessageReader, writer: MessageWriter): MessageReader {
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback: (message: Message) => void): Disposable =>
      reader.listen((message) => {
        const m = message as { id?: unknown; method?: unknown; params?: unknown };
        if (m.method === 'initialize' && m.id !== undefined && !hasCapabilities(m.params)) {
          void writer.write({
            jsonrpc: '2.0',
            id: m.id,
            error: { code: ErrorCodes.InvalidParams, message: 'initialize: the parameters are not an object with capabilities.' },
          } as Message);
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
