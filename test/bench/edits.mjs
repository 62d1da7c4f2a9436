// The edits the latency benchmarks make, found in a file's text. Each edit comes as a pair: the
// change and the change that undoes it, so a file goes back to its original text after every pair
// and rounds are identical. All are one-character changes, as LSP incremental content changes
// (UTF-16 line/character positions) and as offsets (for the in-process measurement).
//
//   top, middle, end  type a digit into the number literal nearest to the first line, the middle
//                     line and the last line (64 -> 614), then delete it
//   stride            the stride digit nearest to the middle: 2 -> 1 (or 1 -> 2), then back
//   newline           a line break typed at the end of the top edit's line (every line below
//                     moves), then deleted
//   break / repair    type "(" at the end of the layer call line nearest to the middle (an
//                     unclosed bracket: everything after it is swallowed into an ERROR node until
//                     the recovery blanks the line), then delete it

const NUMBER = /(?<![\w.])([1-9]\d*)(?![\w.])/g;
const STRIDE = /strides\s*=\s*\(?\s*([12])(?![\w.])/;

function lineStarts(text) {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function isCode(line) {
  const t = line.trim();
  return t !== '' && !t.startsWith('#') && !t.startsWith('"""') && !t.startsWith("'''");
}

/** Line numbers by distance from `target`, the nearer first (ties: the later line first). */
function* byDistance(target, count) {
  yield target;
  for (let d = 1; d < count; d++) {
    if (target + d < count) yield target + d;
    if (target - d >= 0) yield target - d;
  }
}

/** The pair inserting `inserted` at (line, character) and deleting it again. */
function insertPair(kind, undoKind, starts, line, character, inserted) {
  const offset = starts[line] + character;
  const at = { line, character };
  const after = { line, character: character + inserted.length };
  return {
    kind,
    line,
    apply: { kind, range: { start: at, end: at }, text: inserted, offset, oldEnd: offset, inserted },
    undo: { kind: undoKind, range: { start: at, end: after }, text: '', offset, oldEnd: offset + inserted.length, inserted: '' },
  };
}

function replacePair(kind, starts, line, character, from, to) {
  const offset = starts[line] + character;
  const range = { start: { line, character }, end: { line, character: character + 1 } };
  return {
    kind,
    line,
    apply: { kind, range, text: to, offset, oldEnd: offset + 1, inserted: to },
    undo: { kind, range, text: from, offset, oldEnd: offset + 1, inserted: from },
  };
}

/** The edit pairs for `text` (kinds whose spot the file lacks are left out). */
export function editPairs(text) {
  const starts = lineStarts(text);
  const lines = text.split('\n');
  const count = lines.length;
  const last = lines[count - 1] === '' ? count - 2 : count - 1;
  const pairs = [];

  const typeDigit = (kind, target) => {
    for (const i of byDistance(target, count)) {
      if (!isCode(lines[i])) continue;
      const code = lines[i].replace(/#.*$/, '');
      for (const m of code.matchAll(NUMBER)) {
        const before = code.slice(0, m.index);
        // Not a stride (that is its own kind), not inside a string literal (odd quote count).
        if (/strides\s*=\s*\(?\s*$/.test(before)) continue;
        if ((before.split('"').length - 1) % 2 === 1 || (before.split("'").length - 1) % 2 === 1) continue;
        return insertPair(kind, kind, starts, i, m.index + 1, '1');
      }
    }
    return undefined;
  };
  const middle = Math.floor(last / 2);
  for (const [kind, target] of [
    ['top', 0],
    ['middle', middle],
    ['end', last],
  ]) {
    const p = typeDigit(kind, target);
    if (p) pairs.push(p);
  }
  const top = pairs.find((p) => p.kind === 'top');

  for (const i of byDistance(middle, count)) {
    if (!isCode(lines[i])) continue;
    const m = STRIDE.exec(lines[i]);
    if (!m) continue;
    const character = m.index + m[0].length - 1;
    pairs.push(replacePair('stride', starts, i, character, m[1], m[1] === '2' ? '1' : '2'));
    break;
  }

  if (top) {
    // The undo ends at the start of the next line (LSP positions), not one character on.
    const character = lines[top.line].replace(/\r$/, '').length;
    const pair = insertPair('newline', 'newline', starts, top.line, character, '\n');
    pair.undo.range.end = { line: top.line + 1, character: 0 };
    pairs.push(pair);
  }

  for (const i of byDistance(middle, count)) {
    const line = lines[i];
    if (!isCode(line) || !/layers\.\w+\(/.test(line) || !/\),?$/.test(line.trimEnd())) continue;
    pairs.push(insertPair('break', 'repair', starts, i, line.trimEnd().length, '('));
    break;
  }
  return pairs;
}

/** `text` with one edit applied. */
export function applyEdit(text, edit) {
  return text.slice(0, edit.offset) + edit.inserted + text.slice(edit.oldEnd);
}

/** The kinds in report order. */
export const EDIT_KINDS = ['top', 'middle', 'end', 'stride', 'newline', 'break', 'repair'];
