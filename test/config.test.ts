// package.json's `contributes.configuration` must say exactly what server/src/config.ts says.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SEVERITY, SETTINGS, defaultSettings, settingsFromSection } from '../server/src/config';
import { DIAGNOSTIC_CODES } from '../server/src/engine/types';

const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { title: string; properties: Record<string, Record<string, unknown>> } };
  activationEvents: string[];
  capabilities: unknown;
  bin: Record<string, string>;
};
const properties = pkg.contributes.configuration.properties;

describe('settings schema (server/src/config.ts) and package.json agree', () => {
  it('lists the same setting names, in the same order', () => {
    expect(Object.keys(properties)).toEqual(SETTINGS.map((s) => s.key));
  });

  it('agrees on type, default, enum, description and scope of every setting', () => {
    for (const s of SETTINGS) {
      const p = properties[s.key];
      expect(p, s.key).toBeDefined();
      expect(p.type, s.key).toBe(s.type);
      expect(p.default, s.key).toEqual(s.default);
      expect(p.enum, s.key).toEqual(s.enum ? [...s.enum] : undefined);
      expect(p.description, s.key).toBe(s.description);
      expect(p.scope, s.key).toBe(s.scope);
      // Nothing in package.json that config.ts does not know about.
      expect(Object.keys(p).sort(), s.key).toEqual(['default', 'description', 'scope', 'type', ...(s.enum ? ['enum'] : [])].sort());
    }
  });

  it('has the settings the issue asks for, with the documented defaults', () => {
    const byKey = Object.fromEntries(SETTINGS.map((s) => [s.key, s]));
    expect(byKey['shapewise.inlayHints.outputShape.enabled'].default).toBe(true);
    expect(byKey['shapewise.inlayHints.padding.enabled'].default).toBe(false);
    expect(byKey['shapewise.dataFormat'].enum).toEqual(['channels_last', 'channels_first']);
    expect(byKey['shapewise.dataFormat'].default).toBe('channels_last');
    expect(byKey['shapewise.trace.server'].enum).toEqual(['off', 'messages', 'verbose']);
    expect(byKey['shapewise.trace.server'].default).toBe('off');
    for (const code of DIAGNOSTIC_CODES) {
      const s = byKey[`shapewise.severity.${code}`];
      expect(s.enum).toEqual(['hint', 'information', 'warning', 'error', 'off']);
      expect(s.default).toBe(DEFAULT_SEVERITY[code]);
    }
    expect(SETTINGS).toHaveLength(2 + 9 + 2);
    // The table in design/diagnostics.md, written out by hand, plus the input-size-constraint (information).
    expect(DEFAULT_SEVERITY).toEqual({
      'same-stride-downsamples': 'information',
      'same-stride-uneven': 'warning',
      'same-transpose-upsamples': 'information',
      'same-asymmetric-padding': 'hint',
      'shape-mismatch': 'error',
      'non-positive-dimension': 'error',
      'invalid-layer-argument': 'error',
      'rank-mismatch': 'error',
      'input-size-constraint': 'information',
    });
  });

  it('declares the manifest fields the extension relies on', () => {
    expect(pkg.activationEvents).toEqual(['onLanguage:python', 'onNotebook:jupyter-notebook']);
    expect(pkg.capabilities).toEqual({ untrustedWorkspaces: { supported: true }, virtualWorkspaces: true });
    expect(pkg.bin['shapewise-language-server']).toBe('dist/server.js');
  });
});

describe('settingsFromSection', () => {
  it('gives the defaults for an empty or missing section', () => {
    expect(settingsFromSection(undefined)).toEqual(defaultSettings());
    expect(settingsFromSection({})).toEqual(defaultSettings());
    expect(settingsFromSection(null)).toEqual(defaultSettings());
  });

  it('reads the nested form VS Code sends', () => {
    const s = settingsFromSection({
      inlayHints: { outputShape: { enabled: false }, padding: { enabled: true } },
      severity: { 'same-stride-uneven': 'error', 'same-asymmetric-padding': 'off' },
      dataFormat: 'channels_first',
      trace: { server: 'verbose' },
    });
    expect(s.inlayHints).toEqual({ outputShape: false, padding: true });
    expect(s.analysis.severity['same-stride-uneven']).toBe('error');
    expect(s.analysis.severity['same-asymmetric-padding']).toBe('off');
    expect(s.analysis.severity['shape-mismatch']).toBe('error');
    expect(s.analysis.severity['same-stride-downsamples']).toBe('information');
    expect(s.analysis.dataFormat).toBe('channels_first');
    expect(s.trace).toBe('verbose');
  });

  it('reads flat dotted keys', () => {
    const s = settingsFromSection({ 'inlayHints.padding.enabled': true, 'severity.rank-mismatch': 'warning' });
    expect(s.inlayHints.padding).toBe(true);
    expect(s.analysis.severity['rank-mismatch']).toBe('warning');
  });

  it('ignores values of the wrong type or outside the enum', () => {
    const s = settingsFromSection({
      inlayHints: { outputShape: { enabled: 'no' } },
      severity: { 'shape-mismatch': 'fatal' },
      dataFormat: 'NHWC',
    });
    expect(s.inlayHints.outputShape).toBe(true);
    expect(s.analysis.severity['shape-mismatch']).toBe('error');
    expect(s.analysis.dataFormat).toBe('channels_last');
  });
});
