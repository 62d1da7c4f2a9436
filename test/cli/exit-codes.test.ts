// Exit status for each --fail-on, and for paths that cannot be checked (2, with every other
// file still checked and reported). Runs the command in-process on real files with an analyzer
// that turns `# fake: SEVERITY` comments into diagnostics.
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commentAnalyzer, notebookJson, removeTree, runCli, tempTree } from './helpers';

let root: string;

beforeAll(() => {
  root = tempTree({
    'clean.py': 'x = 1\n',
    'error.py': 'x = 1  # fake: error\n',
    'warning.py': 'x = 1  # fake: warning\n',
    'information.py': 'x = 1  # fake: information\n',
    'hint.py': 'x = 1  # fake: hint\n',
    'broken.ipynb': '{"cells": [ {"cell_type": "code", "source": "x = 1"  ',
    'not-utf8.py': Uint8Array.from([0x78, 0x20, 0x3d, 0x20, 0x27, 0xe9, 0x27, 0x0a]),
    'good.ipynb': notebookJson([{ cell_type: 'code', source: 'x = 1  # fake: warning\n' }]),
  });
  symlinkSync(path.join(root, 'missing-target.py'), path.join(root, 'dangling.py'));
  mkdirSync(path.join(root, 'empty'));
});

afterAll(() => removeTree(root));

describe('--fail-on', () => {
  const cases: [string, string[], number][] = [
    // default: error
    ['default', ['clean.py'], 0],
    ['default', ['warning.py', 'information.py', 'hint.py'], 0],
    ['default', ['error.py'], 1],
    ['error', ['warning.py'], 0],
    ['error', ['error.py', 'clean.py'], 1],
    ['warning', ['information.py', 'hint.py'], 0],
    ['warning', ['warning.py'], 1],
    ['warning', ['error.py'], 1],
    ['warning', ['good.ipynb'], 1],
    ['information', ['hint.py'], 0],
    ['information', ['information.py'], 1],
    ['information', ['warning.py'], 1],
    ['never', ['error.py', 'warning.py', 'information.py', 'hint.py'], 0],
  ];
  for (const [failOn, files, code] of cases) {
    it(`--fail-on ${failOn} with ${files.join(' ')} exits ${code}`, async () => {
      const args = ['check', ...files, ...(failOn === 'default' ? [] : ['--fail-on', failOn])];
      const r = await runCli(args, root, commentAnalyzer());
      expect(r.stderr).toBe('');
      expect(r.code).toBe(code);
    });
  }
});

describe('paths that cannot be checked', () => {
  it('a nonexistent path: exit 2, a clear message, the other files still checked', async () => {
    const r = await runCli(['check', 'nope.py', 'error.py'], root, commentAnalyzer());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shapewise: error: nope.py: no such file or directory (ENOENT)\n');
    expect(r.stdout).toBe(
      'error.py:1:8: error[shape-mismatch] fake error\n1 file checked: 1 error, 0 warnings, 0 information, 0 hints; 1 file could not be checked\n',
    );
  });

  it('a broken notebook: exit 2 even with --fail-on never; in JSON with an error field', async () => {
    const r = await runCli(['check', 'broken.ipynb', 'warning.py', '--format', 'json', '--fail-on', 'never'], root, commentAnalyzer());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^shapewise: error: broken\.ipynb: is not a valid notebook: invalid JSON \(.+\)\n$/);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string }) => f.path)).toEqual(['broken.ipynb', 'warning.py']);
    expect(out.files[0]).toMatchObject({ layers: [], diagnostics: [] });
    expect(out.files[0].error).toMatch(/^is not a valid notebook: invalid JSON/);
    expect(out.files[1].error).toBeUndefined();
    expect(out.files[1].diagnostics).toHaveLength(1);
  });

  it('undecodable text, a dangling symlink and a folder given as a file are all reported', async () => {
    const r = await runCli(['check', 'not-utf8.py', 'dangling.py', 'clean.py', '--format', 'json'], root, commentAnalyzer());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'shapewise: error: dangling.py: no such file or directory (ENOENT)\n' +
        'shapewise: error: not-utf8.py: is not valid UTF-8 (first bad byte at offset 5, line 1); save it as UTF-8 or declare its encoding\n',
    );
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { path: string; error?: string }) => [f.path, f.error !== undefined])).toEqual([
      ['clean.py', false],
      ['dangling.py', true],
      ['not-utf8.py', true],
    ]);
  });

  it('an empty folder is not an error, but is mentioned', async () => {
    const r = await runCli(['check', 'empty'], root, commentAnalyzer());
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('shapewise: note: no .py or .ipynb files to check in empty (files ignored by .gitignore are skipped)\n');
    expect(r.stdout).toBe('0 files checked: 0 errors, 0 warnings, 0 information, 0 hints\n');
  });

  it('an analysis that throws is reported for that file only', async () => {
    const throwing = {
      analyzeText(text: string) {
        if (text.includes('fake: error')) throw new RangeError('boom');
        return { layers: [], diagnostics: [], unknowns: [] };
      },
    };
    const r = await runCli(['check', 'error.py', 'clean.py'], root, throwing);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('shapewise: error: error.py: internal error in the analysis (please report it): RangeError: boom\n');
    expect(r.stdout).toBe('1 file checked: 0 errors, 0 warnings, 0 information, 0 hints; 1 file could not be checked\n');
  });
});

describe('--data-format', () => {
  for (const [args, expected] of [
    [[], 'channels_last'],
    [['--data-format', 'channels_first'], 'channels_first'],
  ] as const) {
    it(`${args.join(' ') || 'by default'} tells the analysis ${expected}`, async () => {
      const formats: string[] = [];
      const analyzer = {
        analyzeText(_text: string, config: { dataFormat: string }) {
          formats.push(config.dataFormat);
          return { layers: [], diagnostics: [], unknowns: [] };
        },
      };
      const r = await runCli(['check', 'clean.py', 'hint.py', ...args], root, analyzer);
      expect(r.code).toBe(0);
      expect(formats).toEqual([expected, expected]);
    });
  }
});

describe('usage errors', () => {
  const bad: [string, string[], RegExp][] = [
    ['no command', [], /Usage: shapewise/],
    ['no path', ['check'], /missing required argument 'paths'/],
    ['an unknown format', ['check', 'a.py', '--format', 'xml'], /argument 'xml' is invalid.*text, json, sarif/],
    ['an unknown --fail-on', ['check', 'a.py', '--fail-on', 'hint'], /argument 'hint' is invalid/],
    ['an unknown data format', ['check', 'a.py', '--data-format', 'nhwc'], /argument 'nhwc' is invalid/],
    ['an unknown option', ['check', 'a.py', '--fix'], /unknown option '--fix'/],
    ['an unknown command', ['lint', 'a.py'], /unknown command 'lint'/],
  ];
  for (const [what, args, message] of bad) {
    it(`${what}: exit 2 and a message on stderr`, async () => {
      const r = await runCli(args, root, commentAnalyzer());
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
    });
  }

  it('--help and --version exit 0 on stdout', async () => {
    const help = await runCli(['check', '--help'], root, commentAnalyzer());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--fail-on <severity>/);
    const version = await runCli(['--version'], root, commentAnalyzer());
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
