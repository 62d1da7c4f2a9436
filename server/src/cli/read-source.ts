// Reading files for the checker: bounded in memory, never blocking on special files, and
// decoding with clear messages for what cannot be decoded.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { TextDecoder } from 'node:util';

export type ReadOutcome =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; error: string }
  | { ok: false; tooLarge: number };

/**
 * Reads at most `maxBytes` bytes of a regular file. A larger file is not read at all (its size
 * is returned), so memory stays bounded whatever the input.
 */
export function readFileBounded(path: string, maxBytes: number): ReadOutcome {
  let size: number;
  try {
    // stat before open: opening a FIFO would block until someone writes to it.
    const st = statSync(path);
    if (st.isDirectory()) return { ok: false, error: 'is a directory' };
    if (!st.isFile()) return { ok: false, error: 'not a regular file' };
    size = st.size;
  } catch (e) {
    return { ok: false, error: notFoundByName(path, e) ?? describeFsError(e) };
  }
  if (size > maxBytes) return { ok: false, tooLarge: size };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    return { ok: false, error: describeFsError(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, error: 'not a regular file' };
    // The file may grow between stat and read: read until EOF, one byte past the limit at most.
    // One byte more than the size, so the read that finds EOF needs no bigger buffer.
    let buf = Buffer.allocUnsafe(Math.min(st.size + 1, maxBytes + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (buf.length > maxBytes) return { ok: false, tooLarge: length };
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > maxBytes) return { ok: false, tooLarge: length };
    return { ok: true, bytes: buf.subarray(0, length) };
  } catch (e) {
    return { ok: false, error: describeFsError(e) };
  } finally {
    closeSync(fd);
  }
}

const FS_ERRORS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EAGAIN: 'resource temporarily unavailable',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large',
};

/**
 * A file listed but not found whose name holds U+FFFD: Node lists a name that is not valid UTF-8
 * with U+FFFD in place of the bytes it cannot decode, and cannot open the file by that name.
 */
function notFoundByName(path: string, e: unknown): string | undefined {
  if ((e as { code?: unknown } | null)?.code !== 'ENOENT' || !path.includes('\uFFFD')) return undefined;
  return "its name is not valid UTF-8, which Node's file functions cannot open by name (the name shows U+FFFD for the bytes it could not decode)";
}

/** "permission denied (EACCES)" rather than Node's "EACCES: permission denied, open '...'". */
export function describeFsError(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return `${FS_ERRORS[code] ?? String((e as Error).message ?? code)} (${code})`;
  return e instanceof Error ? e.message : String(e);
}

export type DecodeOutcome = { ok: true; text: string } | { ok: false; error: string };

const UTF8_BOM = [0xef, 0xbb, 0xbf];

function hasUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === UTF8_BOM[0] && bytes[1] === UTF8_BOM[1] && bytes[2] === UTF8_BOM[2];
}

/**
 * Decodes Python source: UTF-8 (a BOM is dropped), or the encoding a PEP 263 declaration on
 * the first two lines names, when the runtime knows it.
 */
export function decodePythonSource(bytes: Uint8Array): DecodeOutcome {
  const bom = hasUtf8Bom(bytes);
  const declared = bom ? undefined : declaredEncoding(bytes);
  if (declared !== undefined && !isUtf8Name(declared)) {
    let decoder: TextDecoder;
    try {
      decoder = new TextDecoder(encodingLabel(declared), { fatal: true });
    } catch {
      return { ok: false, error: `declares the encoding '${declared}', which the checker cannot decode` };
    }
    try {
      return checkNul(decoder.decode(bytes), bytes);
    } catch {
      return { ok: false, error: `is not valid ${declared} text, the encoding it declares` };
    }
  }
  const utf8 = decodeUtf8(bytes);
  return utf8.ok ? checkNul(utf8.text, bytes) : utf8;
}

/** Decodes UTF-8 strictly, dropping a BOM. `advice` ends the message when it is not UTF-8. */
export function decodeUtf8(bytes: Uint8Array, advice = 'save it as UTF-8 or declare its encoding'): DecodeOutcome {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return { ok: false, error: 'is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8' };
  }
  try {
    // ignoreBOM: false (the default) means a leading BOM is removed from the result.
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    const where = at < 0 ? '' : ` (first bad byte at offset ${at}, line ${lineOfByte(bytes, at)})`;
    return { ok: false, error: `is not valid UTF-8${where}; ${advice}` };
  }
}

function checkNul(text: string, bytes: Uint8Array): DecodeOutcome {
  const nul = text.indexOf('\0');
  if (nul < 0) return { ok: true, text };
  const at = bytes.indexOf(0);
  return { ok: false, error: `contains a NUL byte (offset ${at}, line ${lineOfByte(bytes, at)}): a binary file, not Python source` };
}

function lineOfByte(bytes: Uint8Array, at: number): number {
  let line = 1;
  for (let i = 0; i < at; i++) {
    if (bytes[i] === 0x0a) line++;
    else if (bytes[i] === 0x0d && bytes[i + 1] !== 0x0a) line++;
  }
  return line;
}

/** Byte offset of the first byte that breaks UTF-8, or -1 when the whole buffer is valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined) return i;
      if (k === 1 ? cc < lo || cc > hi : cc < 0x80 || cc > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

const CODING = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

/** The PEP 263 declaration on line 1 or 2, if any. */
function declaredEncoding(bytes: Uint8Array): string | undefined {
  // Both lines are ASCII when a declaration is present; latin1 maps bytes 1:1 for the search.
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const lines = head.split(/\r\n|\r|\n/, 2);
  for (const line of lines) {
    const m = CODING.exec(line);
    if (m) return m[1];
    // The declaration may sit on line 2 only when line 1 is a comment or blank.
    if (!/^[ \t\f]*(#.*)?$/.test(line)) break;
  }
  return undefined;
}

function isUtf8Name(name: string): boolean {
  return /^utf[-_]?8(?:[-_]sig)?$/i.test(name);
}

function encodingLabel(name: string): string {
  const n = name.toLowerCase().replace(/_/g, '-');
  const aliases: Record<string, string> = { 'latin-1': 'latin1', 'iso-latin-1': 'latin1', cp1252: 'windows-1252', 'iso8859-1': 'iso-8859-1' };
  return aliases[n] ?? n;
}
