// Settings per resource, pulled with workspace/configuration (scopeUri = the document or the
// notebook), cached until the client says they changed. Clients without workspace/configuration
// get the settings pushed with didChangeConfiguration, or the defaults.
import type { Connection } from 'vscode-languageserver';
import { defaultSettings, settingsFromSection, type ShapewiseSettings } from '../config';

export const SECTION = 'shapewise';

/**
 * How long a request waits for the client's answer to workspace/configuration before it goes on
 * with the defaults: a client that never answers must not leave hints and hovers unanswered.
 */
export const SETTINGS_WAIT_MS = 1_000;

export class SettingsStore {
  private readonly cache = new Map<string, Promise<ShapewiseSettings>>();
  /** Settings pushed by clients that cannot be asked (didChangeConfiguration with a value). */
  private pushed: ShapewiseSettings = defaultSettings();
  private warnedSlow = false;

  /** `onLateAnswer`: settings came after the wait gave up (results made with the defaults may differ). */
  constructor(
    private readonly connection: Connection,
    private readonly canPull: boolean,
    private readonly onLateAnswer: () => void = () => {},
    private readonly waitMs = SETTINGS_WAIT_MS,
  ) {}

  /** The settings for one resource; the same object until the next `invalidate`. */
  get(scopeUri: string): Promise<ShapewiseSettings> {
    if (!this.canPull) return Promise.resolve(this.pushed);
    const cached = this.cache.get(scopeUri);
    if (cached) return cached;
    const pulled = this.connection.workspace.getConfiguration({ scopeUri, section: SECTION }).then(
      (section: unknown) => settingsFromSection(section),
      (e: unknown) => {
        this.connection.console.warn(`Shapewise: could not read settings for ${scopeUri}, using defaults (${String(e)})`);
        return defaultSettings();
      },
    );
    let gaveUp = false;
    const entry = new Promise<ShapewiseSettings>((resolve) => {
      const timer = setTimeout(() => {
        gaveUp = true;
        if (!this.warnedSlow) {
          this.warnedSlow = true;
          this.connection.console.warn(`Shapewise: the editor did not answer workspace/configuration within ${this.waitMs} ms; using the default settings until it does.`);
        }
        resolve(defaultSettings());
      }, this.waitMs);
      timer.unref?.();
      void pulled.then((settings) => {
        clearTimeout(timer);
        resolve(settings);
        // A late answer replaces the defaults for the requests after it.
        if (gaveUp && this.cache.get(scopeUri) === entry) {
          this.cache.set(scopeUri, Promise.resolve(settings));
          this.onLateAnswer();
        }
      });
    });
    this.cache.set(scopeUri, entry);
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
