// SARIF 2.1.0 output: the log's structure, rules, levels, locations and columns.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkPythonText } from '../../server/src/cli/check-file';
import { toSarifLog } from '../../server/src/cli/reporters/sarif';
import type { FileReport } from '../../server/src/cli/types';
import { defaultAnalysisConfig } from '../../server/src/config';
import { fakeAnalyzer } from './helpers';

const packageVersion = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')).version as string;

// The codes of design/diagnostics.md, and the input-size-constraint.
const CODES = [
  'same-stride-downsamples',
  'same-stride-uneven',
  'same-transpose-upsamples',
  'same-asymmetric-padding',
  'shape-mismatch',
  'non-positive-dimension',
  'invalid-layer-argument',
  'rank-mismatch',
  'input-size-constraint',
];

const SOURCE = "# 漢字\nskip = Conv2D(8, 3)(x)  # é\ny = '😀'; z = Concatenate()([a, skip])\n";

function report(p = 'models/my unet.py'): FileReport {
  const analyzer = fakeAnalyzer({
    diagnostics: [
      {
        at: 'Concatenate()',
        severity: 'error',
        code: 'shape-mismatch',
        message: '18x18 vs 17x17',
        related: [{ at: 'Conv2D(8, 3)', message: 'skip comes from here' }],
      },
      { at: 'Conv2D(8, 3)', severity: 'warning', code: 'same-stride-uneven', message: 'w' },
      { at: 'Conv2D(8, 3)', severity: 'information', code: 'same-stride-downsamples', message: 'i' },
      { at: 'Conv2D(8, 3)', severity: 'hint', code: 'same-asymmetric-padding', message: 'h' },
    ],
  });
  return checkPythonText(p, SOURCE, analyzer, defaultAnalysisConfig());
}

describe('SARIF', () => {
  const log = toSarifLog([report()], { toolVersion: packageVersion, cwd: '/work/project' });
  const run = log.runs[0];

  it('is a SARIF 2.1.0 log with one run', () => {
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/^https:\/\/.*sarif.*2\.1\.0.*\.json$/);
    expect(log.runs).toHaveLength(1);
    expect(run.columnKind).toBe('unicodeCodePoints');
  });

  it('names the tool, its version and its rules', () => {
    const driver = run.tool.driver;
    expect(driver.name).toBe('shapewise');
    expect(driver.version).toBe(packageVersion);
    expect(new URL(driver.informationUri!).protocol).toBe('https:');
    expect(driver.rules!.map((r) => r.id)).toEqual(CODES);
    for (const rule of driver.rules!) {
      expect(rule.shortDescription!.text.length).toBeGreaterThan(10);
      const help = new URL(rule.helpUri!);
      expect(help.protocol).toBe('https:');
      expect(help.pathname.endsWith('/docs/diagnostics.md')).toBe(true);
      expect(help.hash).toBe(`#${rule.id}`);
    }
  });

  it('maps severities to levels, hint and information to note', () => {
    expect(run.results!.map((r) => [r.ruleId, r.level])).toEqual([
      ['same-stride-uneven', 'warning'],
      ['same-stride-downsamples', 'note'],
      ['same-asymmetric-padding', 'note'],
      ['shape-mismatch', 'error'],
    ]);
    for (const r of run.results!) expect(run.tool.driver.rules![r.ruleIndex!].id).toBe(r.ruleId);
  });

  it('places results with 1-based code-point columns and a relative, encoded URI', () => {
    const mismatch = run.results!.find((r) => r.ruleId === 'shape-mismatch')!;
    expect(mismatch.message.text).toBe('18x18 vs 17x17');
    expect(mismatch.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'models/my%20unet.py', uriBaseId: '%SRCROOT%' },
          // "y = '😀'; z = " is 13 code points (14 UTF-16 units); "Concatenate()" is 13.
          region: { startLine: 3, startColumn: 14, endLine: 3, endColumn: 27 },
        },
      },
    ]);
    expect(mismatch.relatedLocations).toEqual([
      {
        id: 0,
        message: { text: 'skip comes from here' },
        physicalLocation: {
          artifactLocation: { uri: 'models/my%20unet.py', uriBaseId: '%SRCROOT%' },
          region: { startLine: 2, startColumn: 8, endLine: 2, endColumn: 20 },
        },
      },
    ]);
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///work/project/' } });
  });

  it('reports a file that could not be checked as a failed execution', () => {
    const broken: FileReport = { path: 'b.ipynb', kind: 'notebook', layers: [], diagnostics: [], error: 'is not a valid notebook' };
    const failed = toSarifLog([broken, report('a.py')], { toolVersion: packageVersion, cwd: '/w' }).runs[0];
    expect(failed.invocations![0].executionSuccessful).toBe(false);
    expect(failed.invocations![0].toolExecutionNotifications).toEqual([
      {
        level: 'error',
        message: { text: 'b.ipynb: is not a valid notebook' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'b.ipynb', uriBaseId: '%SRCROOT%' } } }],
      },
    ]);
    expect(failed.results).toHaveLength(4);
    expect(run.invocations![0].executionSuccessful).toBe(true);
  });

  it('gives an absolute path a file URI', () => {
    const abs = toSarifLog([report('/tmp/x y.py')], { toolVersion: packageVersion, cwd: '/w' }).runs[0];
    expect(abs.results![0].locations![0].physicalLocation!.artifactLocation).toEqual({ uri: 'file:///tmp/x%20y.py' });
  });
});
