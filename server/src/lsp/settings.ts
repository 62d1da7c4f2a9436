// Settings per resource, pulled with workspace/configuration (scopeUri = the document or the
// notebook), cached until the client says they changed. Clients without workspace/configuration
// get the settings pushed with didChangeConfiguration, or the defaults.
import type { Connection } from 'vscode-languageserver';
import { defaultSettings, settingsFromSection, type ShapewiseSettings } from '../config';

export const SECTION = 'shapewise';

export class SettingsStore {
  private readonly cache = new Map<string, Promise<ShapewiseSettings>>();
  /** Settings pushed by clients that cannot be asked (didChangeConfiguration with a value). */
  private pushed: ShapewiseSettings = defaultSettings();

  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
  ) {}

  /** The settings for one resource; the same object until the next `invalidate`. */
  get(scopeUri: string): Promise<ShapewiseSettings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    let entry = this.cache.get(scopeUri);
    if (!entry) {
      entry = this.connection.workspace.getConfiguration({ scopeUri, section: SECTION }).then(
        (section: unknown) => settingsFromSection(section),
        (e: unknown) => {
          this.connection.console.warn(`Shapewise: could not read settings for ${scopeUri}, using defaults (${String(e)})`);
          return defaultSettings();
        },
      );
      this.cache.set(scopeUri, entry);
    }
    return entry;
  }

  /** didChangeConfiguration: forget everything; take the pushed value when there is one. */
  invalidate(pushedSettings?: unknown): void {
    this.cache.clear();
    if (!this.canPull) {
      const section = isObject(pushedSettings) ? pushedSettings[SECTION] : undefined;
      this.pushed = settingsFromSection(section);
    }
  }

  forget(scopeUri: string): void {
    this.cache.delete(scopeUri);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
