// Reading files: BOM, encodings, binary and undecodable content, empty and huge files, special
// files. checkFile never throws; every failure is in its report.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFile, MAX_NOTEBOOK_BYTES, MAX_PYTHON_BYTES } from '../../server/src/cli/check-file';
import { firstInvalidUtf8 } from '../../server/src/cli/read-source';
import { defaultAnalysisConfig } from '../../server/src/config';
import { fakeAnalyzer, removeTree, tempTree } from './helpers';

const config = defaultAnalysisConfig();
const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

let root: string;
const file = (name: string) => path.join(root, name);

beforeAll(() => {
  root = tempTree({
    'bom.py': bytes([0xef, 0xbb, 0xbf], 'x = Conv2D(1, 1)\n'),
    'crlf.py': 'a = 1\r\nb = 2\r\nx = Conv2D(1, 1)\r\n',
    'latin1.py': bytes('# -*- coding: latin-1 -*-\n', "s = '", [0xe9], "'; x = Conv2D(1, 1)\n"),
    'unknown-encoding.py': '# coding: klingon-8\nx = 1\n',
    'bad-utf8.py': bytes('a = 1\nb = 2\nc = "', [0xc3, 0x28], '"\n'),
    'utf16.py': bytes([0xff, 0xfe], [0x78, 0x00]),
    'binary.py': bytes('x = 1\n', [0x00, 0x01, 0x02]),
    'empty.py': '',
    'bom-only.py': bytes([0xef, 0xbb, 0xbf]),
    'nb-bad-utf8.ipynb': bytes('{"cells": [], "x": "', [0xff], '"}'),
    'nb-bom.ipynb': bytes([0xef, 0xbb, 0xbf], '{"cells": [{"cell_type": "code", "source": "x = Conv2D(1, 1)"}]}'),
  });
  mkdirSync(file('folder.py'));
  execFileSync('mkfifo', [file('fifo.py')]);
  // Sparse files: larger than the limits without using the disk.
  for (const [name, size] of [
    ['huge.py', MAX_PYTHON_BYTES + 1],
    ['huge.ipynb', MAX_NOTEBOOK_BYTES + 1],
  ] as const) {
    const fd = openSync(file(name), 'w');
    ftruncateSync(fd, size);
    closeSync(fd);
  }
});

afterAll(() => removeTree(root));

const conv = () => fakeAnalyzer({ layers: [{ at: 'Conv2D(1, 1)', className: 'Conv2D' }] });

describe('decoding', () => {
  it('drops a UTF-8 BOM: the first character is column 1', () => {
    const analyzer = conv();
    const r = checkFile(file('bom.py'), analyzer, config, 'bom.py');
    expect(analyzer.seen).toEqual(['x = Conv2D(1, 1)\n']);
    expect(r.layers.map((l) => [l.line, l.column])).toEqual([[1, 5]]);
    expect(r.error).toBeUndefined();
  });

  it('counts CRLF as one line break', () => {
    const r = checkFile(file('crlf.py'), conv(), config);
    expect(r.layers.map((l) => [l.line, l.column])).toEqual([[3, 5]]);
  });

  it('decodes the encoding a PEP 263 line declares', () => {
    const analyzer = conv();
    const r = checkFile(file('latin1.py'), analyzer, config);
    expect(analyzer.seen[0]).toBe("# -*- coding: latin-1 -*-\ns = 'é'; x = Conv2D(1, 1)\n");
    expect(r.layers.map((l) => [l.line, l.column])).toEqual([[2, 14]]);
  });

  const failures: [string, RegExp][] = [
    ['unknown-encoding.py', /^declares the encoding 'klingon-8', which the checker cannot decode$/],
    ['bad-utf8.py', /^is not valid UTF-8 \(first bad byte at offset 17, line 3\); save it as UTF-8 or declare its encoding$/],
    ['utf16.py', /^is UTF-16 \(it starts with a UTF-16 byte-order mark\); save it as UTF-8$/],
    ['binary.py', /^contains a NUL byte \(offset 6, line 2\): a binary file, not Python source$/],
    ['nb-bad-utf8.ipynb', /^is not valid UTF-8 \(first bad byte at offset 20, line 1\); notebook files are UTF-8 JSON$/],
    ['folder.py', /^cannot read: is a directory$/],
    ['fifo.py', /^cannot read: not a regular file$/],
    ['missing.py', /^cannot read: no such file or directory \(ENOENT\)$/],
  ];
  for (const [name, message] of failures) {
    it(`reports ${name} clearly without analysing it`, () => {
      const analyzer = conv();
      const r = checkFile(file(name), analyzer, config, name);
      expect(r).toMatchObject({ path: name, layers: [], diagnostics: [] });
      expect(r.error).toMatch(message);
      expect(analyzer.seen).toEqual([]);
    });
  }

  it('analyses empty files', () => {
    for (const name of ['empty.py', 'bom-only.py']) {
      const analyzer = fakeAnalyzer({});
      const r = checkFile(file(name), analyzer, config);
      expect(r.error).toBeUndefined();
      expect(r.notAnalysed).toBeUndefined();
      expect(analyzer.seen).toEqual(['']);
    }
  });

  it('strips a BOM from notebook JSON', () => {
    const r = checkFile(file('nb-bom.ipynb'), conv(), config);
    expect(r.error).toBeUndefined();
    expect(r.layers.map((l) => [l.line, l.column, l.cell, l.cellLine])).toEqual([[1, 5, 0, 1]]);
  });
});

describe('size limits', () => {
  it('does not read a file over the limit, and says so', () => {
    for (const name of ['huge.py', 'huge.ipynb']) {
      const analyzer = conv();
      const r = checkFile(file(name), analyzer, config, name);
      expect(r.error).toBeUndefined();
      expect(r.notAnalysed).toMatch(/^the file is \d+\.\d MiB, over the checker's limit of \d+\.\d MiB$/);
      expect(analyzer.seen).toEqual([]);
    }
  });

  it('passes on what the analysis says about a file it did not analyse', () => {
    const r = checkFile(file('crlf.py'), fakeAnalyzer({ notAnalysed: 'the parser gave up' }), config);
    expect(r.notAnalysed).toBe('the parser gave up');
    expect(r.error).toBeUndefined();
  });
});

describe('firstInvalidUtf8', () => {
  const cases: [number[], number][] = [
    [[0x61, 0x62], -1],
    [[0xc3, 0xa9], -1], // é
    [[0xf0, 0x9f, 0x98, 0x80], -1], // 😀
    [[0x61, 0xc3], 1], // truncated
    [[0x61, 0xc0, 0x80], 1], // overlong
    [[0xe0, 0x80, 0x80], 0], // overlong 3-byte
    [[0xed, 0xa0, 0x80], 0], // a surrogate
    [[0xf4, 0x90, 0x80, 0x80], 0], // above U+10FFFF
    [[0x61, 0x80], 1], // a lone continuation byte
  ];
  for (const [input, expected] of cases) {
    it(`finds ${expected} in ${input.map((b) => b.toString(16)).join(' ')}`, () => {
      expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(expected);
    });
  }
});
