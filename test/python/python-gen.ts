// Random Python source for the differential tests of the fast lowering (fast-lower.test.ts):
// expressions covering the grammar lower.ts knows (and some it does not), statements and
// indented blocks, comments and line breaks where Python allows them, non-ASCII names and
// strings, and mutations that break the code (truncation, stray brackets and quotes, CRLF).
// Operators are combined without regard to precedence: how the text parses is the point.
import fc from 'fast-check';

const NAMES = ['x', 'y', 'z1', '_p', 'layers', 'keras', 'tf', 'self', 'print', 'type', 'match', 'exec', 'é', '形状', 'Ωmega'];
const ATTRS = ['shape', 'Conv2D', 'type', 'x', 'é', 'print', 'match'];
const NUMBERS = ['0', '1', '42', '007', '1_000', '1_', '0x1F', '0X_ff', '0o17', '0b101', '10L', '3j', '1.5', '.5', '1.', '1e5', '1.5e-3', '2.5J', '1_0.5_0', '1e1_0'];
const BINARY = ['+', '-', '*', '/', '//', '%', '@', '**', '|', '&', '^', '<<', '>>'];
const COMPARE = ['<', '>', '==', '!=', '<=', '>=', ' in ', ' not in ', ' not  in ', ' is ', ' is not ', '<>'];
const AUGMENTED = ['+=', '-=', '*=', '/=', '//=', '%=', '@=', '**=', '|=', '&=', '^=', '<<=', '>>='];
const PREFIXES = ['', '', '', 'r', 'b', 'u', 'f', 'f', 'rb', 'Rb', 'bR', 'F', 'fr', 'Rf', 'rF', 'U', 'B', 't'];

/** Blanks between tokens inside brackets: line breaks, comments and continuations allowed. */
const bracketGap = fc.constantFrom('', ' ', ' ', '\n    ', '  # note\n    ', ' \\\n ', '\n# é 😀\n');
/** Blanks between tokens outside brackets. */
const gap = fc.constantFrom('', ' ', ' ', '  ', ' \\\n ');

function joined(items: fc.Arbitrary<string>, sep: fc.Arbitrary<string>, min: number, max: number): fc.Arbitrary<string> {
  return fc.array(fc.tuple(items, sep), { minLength: min, maxLength: max }).map((xs) => xs.map(([i, s], k) => (k === 0 ? i : `,${s}${i}`)).join(''));
}

/** A string literal's body piece that is valid for the given quote. */
function stringPiece(quote: string, raw: boolean, isF: boolean, inline: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const q = quote[0];
  const other = q === '"' ? "'" : '"';
  const triple = quote.length === 3;
  const plain = ['abc', ' ', 'é', '形状', '😀', '#not a comment', other, 'a\tb'];
  const escapes = ['\\n', '\\t', '\\x41', '\\u00e9', '\\U0001F600', '\\N{EM DASH}', '\\\\', '\\q', '\\0', '\\123', `\\${q}`, '\\\n', '\\r'];
  const pieces: fc.Arbitrary<string>[] = [fc.constantFrom(...plain), fc.constantFrom(...escapes)];
  if (triple) pieces.push(fc.constantFrom('\n', `${q}`, `${q}${q}`, '\r\n'));
  if (isF) {
    pieces.push(fc.constantFrom('{{', '}}'));
    const tail = fc.constantFrom('', '', '!r', ':>10', '=', ' = ', ':{w}', '!s:^{w}.{p}');
    pieces.push(fc.tuple(inline, tail).map(([e, t]) => `{${e}${t}}`));
  } else if (!raw) pieces.push(fc.constantFrom('{', '}', '{x}'));
  return fc.oneof(...pieces);
}

function stringLiteral(inline: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(fc.constantFrom(...PREFIXES), fc.constantFrom('"', "'", '"""', "'''")).chain(([prefix, quote]) => {
    const low = prefix.toLowerCase();
    const isF = low.includes('f') || low.includes('t');
    return fc
      .array(stringPiece(quote, low.includes('r'), isF, inline), { maxLength: 4 })
      .map((ps) => {
        let body = ps.join('');
        // A closing quote right after the body would end a triple-quoted string early.
        if (quote.length === 3 && body.endsWith(quote[0])) body += ' ';
        return `${prefix}${quote}${body}${quote}`;
      });
  });
}

/**
 * Expression text. `sep` is what may stand between tokens inside brackets (the inline
 * variant, used inside f-string fields, has no line breaks or comments).
 */
function expressions(sep: fc.Arbitrary<string>, inlineExpr: fc.Arbitrary<string> | null, maxDepth: number): fc.Arbitrary<string> {
  // One depth budget for all the mutually recursive parts; at the limit each oneof takes its first (leaf) choice.
  const depth = { maxDepth, depthIdentifier: `expr${maxDepth}${inlineExpr ? '' : 'inline'}`, depthSize: 'small' as const };
  return fc.letrec<{ e: string; primary: string; target: string }>((tie) => {
    const e = tie('e');
    const primary = tie('primary');
    const inline = inlineExpr ?? fc.constantFrom('x', 'a.b', 'f(1)', 'd["k"]', 'n + 1');
    const name = fc.constantFrom(...NAMES);
    const list = (open: string, close: string, item: fc.Arbitrary<string>) =>
      fc.tuple(sep, joined(item, sep, 0, 4), fc.constantFrom('', ',', `,`), sep).map(([a, xs, c, b]) => `${open}${a}${xs}${xs ? c : ''}${b}${close}`);
    const starred = fc.tuple(fc.constantFrom('*', '*'), primary).map(([s, p]) => `${s}${p}`);
    const clause = fc
      .tuple(fc.constantFrom('for', 'for', 'async for'), tie('target'), e, fc.option(e, { nil: undefined }), fc.constantFrom('', ', y'))
      .map(([f, t, it, cond, more]) => ` ${f} ${t} in ${it}${more}${cond !== undefined ? ` if ${cond}` : ''}`);
    const clauses = fc.array(clause, { minLength: 1, maxLength: 2 }).map((cs) => cs.join(''));
    const param = fc.oneof(
      name,
      fc.tuple(name, e).map(([n, v]) => `${n}=${v}`),
      name.map((n) => `*${n}`),
      name.map((n) => `**${n}`),
      fc.constantFrom('*', '/'),
    );
    const arg = fc.oneof(
      { weight: 4, arbitrary: e },
      fc.tuple(name, e).map(([n, v]) => `${n}=${v}`),
      starred,
      e.map((v) => `**${v}`),
    );
    const subscriptItem = fc.oneof(
      { weight: 3, arbitrary: e },
      fc.tuple(fc.option(e, { nil: '' }), fc.option(e, { nil: '' }), fc.constantFrom('', ':'), fc.option(e, { nil: '' })).map(([a, b, c, d]) => `${a}:${b}${c}${c ? d : ''}`),
      name.map((n) => `*${n}`),
    );
    const atom = fc.oneof(
      depth,
      { weight: 6, arbitrary: name },
      { weight: 3, arbitrary: fc.constantFrom(...NUMBERS) },
      { weight: 3, arbitrary: stringLiteral(inline) },
      fc.tuple(stringLiteral(inline), sep, stringLiteral(inline)).map(([a, s, b]) => `(${a}${s}${b})`),
      fc.constantFrom('True', 'False', 'None', '...'),
      e.map((x) => `(${x})`),
      list('(', ')', fc.oneof({ weight: 4, arbitrary: e }, starred)).map((t) => (t === '()' || t.includes(',') ? t : t.replace(/\)$/, ',)'))),
      list('[', ']', fc.oneof({ weight: 4, arbitrary: e }, starred)),
      list('{', '}', fc.oneof(fc.tuple(e, e).map(([k, v]) => `${k}: ${v}`), e.map((v) => `**${v}`))),
      list('{', '}', fc.oneof(e, starred)).filter((s) => s !== '{}'),
      fc.tuple(fc.constantFrom('[]', '()', '{}'), e, clauses).map(([b, x, cs]) => `${b[0]}${x}${cs}${b[1]}`),
      fc.tuple(e, e, clauses).map(([k, v, cs]) => `{${k}: ${v}${cs}}`),
      fc.tuple(name, e).map(([n, v]) => `(${n} := ${v})`),
      e.map((v) => `(yield ${v})`),
      fc.constant('(yield)'),
    );
    return {
      target: fc.oneof(
        depth,
        { weight: 5, arbitrary: name },
        fc.tuple(name, name).map(([a, b]) => `${a}, ${b}`),
        fc.tuple(name, name).map(([a, b]) => `(${a}, *${b})`),
        name.map((a) => `[${a}]`),
        name.map((a) => `(${a})`),
        primary.map((p) => `${p}.x`),
      ),
      primary: fc.oneof(
        depth,
        { weight: 2, arbitrary: name },
        { weight: 8, arbitrary: atom },
        fc.tuple(primary, gap, fc.constantFrom(...ATTRS)).map(([p, s, a]) => `${p}${s}.${a}`),
        fc.tuple(primary, list('(', ')', arg)).map(([p, a]) => `${p}${a}`),
        fc.tuple(primary, e, clauses).map(([p, x, cs]) => `${p}(${x}${cs})`),
        fc.tuple(primary, joined(subscriptItem, sep, 1, 3), fc.constantFrom('', ',')).map(([p, i, c]) => `${p}[${i}${c}]`),
      ),
      e: fc.oneof(
        depth,
        { weight: 3, arbitrary: name },
        { weight: 10, arbitrary: primary },
        fc.tuple(fc.constantFrom('-', '+', '~', 'not ', 'await '), e).map(([o, x]) => `${o}${x}`),
        fc.tuple(e, gap, fc.constantFrom(...BINARY), gap, e).map(([a, s, o, t, b]) => `${a}${s}${o}${t}${b}`),
        fc.tuple(e, fc.constantFrom(' and ', ' or '), e).map(([a, o, b]) => `${a}${o}${b}`),
        fc.tuple(e, fc.array(fc.tuple(fc.constantFrom(...COMPARE), e), { minLength: 1, maxLength: 2 })).map(([a, rest]) => a + rest.map(([o, b]) => o + b).join('')),
        fc.tuple(e, e, e).map(([a, b, c]) => `${a} if ${b} else ${c}`),
        fc.tuple(fc.option(joined(param, fc.constant(' '), 1, 3), { nil: '' }), e).map(([ps, b]) => `lambda${ps ? ' ' + ps : ''}: ${b}`),
        fc.tuple(name, e).map(([n, v]) => `${n} := ${v}`),
      ),
    };
  }).e;
}

/** Expressions with line breaks and comments inside brackets. */
export const expressionText: fc.Arbitrary<string> = expressions(bracketGap, expressions(fc.constant(' '), null, 2), 4);

/** A statement rendered at an indentation. */
type Renderer = (indent: string) => string;

function simpleStatements(e: fc.Arbitrary<string>): fc.Arbitrary<Renderer> {
  const name = fc.constantFrom(...NAMES);
  const target = fc.oneof(
    { weight: 4, arbitrary: name },
    fc.tuple(name, name).map(([a, b]) => `${a}, ${b}`),
    fc.tuple(name, name).map(([a, b]) => `${a}, *${b}`),
    fc.tuple(name, name).map(([a, b]) => `[${a}, (${b})]`),
    name.map((a) => `${a},`),
    name.map((a) => `(${a})`),
    fc.tuple(name, e).map(([a, i]) => `${a}[${i}]`),
    name.map((a) => `${a}.attr`),
  );
  const dotted = fc.array(name, { minLength: 1, maxLength: 3 }).map((ns) => ns.join('.'));
  const imported = fc.tuple(dotted, fc.option(name, { nil: undefined })).map(([d, a]) => (a ? `${d} as ${a}` : d));
  const text: fc.Arbitrary<string> = fc.oneof(
    { weight: 6, arbitrary: e },
    { weight: 6, arbitrary: fc.tuple(fc.array(target, { minLength: 1, maxLength: 2 }), e).map(([ts, v]) => `${ts.join(' = ')} = ${v}`) },
    fc.tuple(e, e).map(([a, b]) => `${a}, ${b}`),
    fc.tuple(target, fc.constantFrom(...AUGMENTED), e).map(([t, o, v]) => `${t} ${o} ${v}`),
    fc.tuple(name, e, fc.option(e, { nil: undefined })).map(([n, t, v]) => `${n}: ${t}${v !== undefined ? ` = ${v}` : ''}`),
    fc.option(e, { nil: undefined }).map((v) => (v !== undefined ? `return ${v}` : 'return')),
    fc.tuple(e, e).map(([a, b]) => `return ${a}, ${b}`),
    joined(imported, fc.constant(' '), 1, 3).map((s) => `import ${s}`),
    fc.tuple(fc.constantFrom('', '.', '..', '. .', '...'), fc.option(dotted, { nil: '' }), fc.oneof(joined(imported, fc.constant(' '), 1, 3), fc.constant('*'), joined(imported, fc.constant('\n    '), 1, 3).map((s) => `(${s},)`)))
      .filter(([dots, mod]) => dots !== '' || mod !== '')
      .map(([dots, mod, names]) => `from ${dots}${mod} import ${names}`),
    fc.constantFrom('pass', 'break', 'continue', 'global x', 'nonlocal y', 'print x', 'print >>f, x', 'exec "code"', 'from __future__ import annotations', 'type X = int'),
    e.map((v) => `raise ${v}`),
    e.map((v) => `assert ${v}, "msg"`),
    e.map((v) => `del ${v}`),
    e.map((v) => `x = yield ${v}`),
    fc.constantFrom('yield', 'x = yield', 'yield from g()'),
  );
  return fc.tuple(text, fc.constantFrom('', '', '  # trailing comment', ';', '; pass')).map(([t, tail]) => (indent: string) => `${indent}${t.replace(/\n/g, `\n${indent}`)}${tail}`);
}

function programs(e: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const simple = simpleStatements(e);
  const name = fc.constantFrom(...NAMES);
  const statements = fc.letrec<{ stmt: Renderer; block: Renderer }>((tie) => {
    const block = tie('block');
    const param = fc.oneof(
      { weight: 3, arbitrary: name },
      fc.tuple(name, e).map(([n, v]) => `${n}=${v}`),
      fc.tuple(name, e).map(([n, t]) => `${n}: ${t}`),
      fc.tuple(name, e, e).map(([n, t, v]) => `${n}: ${t} = ${v}`),
      name.map((n) => `*${n}`),
      name.map((n) => `**${n}`),
      fc.constantFrom('*', '/', '*args: int', '**kw: "T"'),
    );
    const params = joined(param, bracketGap, 0, 4);
    const compound = (header: fc.Arbitrary<string>, headComment = fc.constantFrom('', '', '  # header comment')) =>
      fc.tuple(header, headComment, block).map(([h, c, b]) => (indent: string) => `${indent}${h}:${c}\n${b(indent + '    ')}`);
    const withElse = (head: fc.Arbitrary<Renderer>, word: string) =>
      fc.tuple(head, fc.option(block, { nil: undefined })).map(([h, b]) => (indent: string) => (b ? `${h(indent)}\n${indent}${word}:\n${b(indent + '    ')}` : h(indent)));
    const stmt: fc.Arbitrary<Renderer> = fc.oneof(
      { maxDepth: 3, depthIdentifier: 'stmt', depthSize: 'small' },
      { weight: 8, arbitrary: simple },
      withElse(
        fc.tuple(compound(e.map((c) => `if ${c}`)), fc.array(compound(e.map((c) => `elif ${c}`)), { maxLength: 2 })).map(([h, elifs]) => (indent: string) => [h(indent), ...elifs.map((x) => x(indent))].join('\n')),
        'else',
      ),
      withElse(compound(fc.tuple(fc.constantFrom('for', 'async for'), fc.constantFrom('x', 'i, x', '(a), *b', '[a, b]', 'x,', 'a.b', 'k[0]'), e).map(([f, t, it]) => `${f} ${t} in ${it}`)), 'else'),
      withElse(compound(e.map((c) => `while ${c}`)), 'else'),
      compound(
        fc.tuple(fc.constantFrom('with', 'async with'), joined(fc.tuple(e, fc.option(fc.constantFrom('f', '(a, b)', 'self.x'), { nil: undefined })).map(([v, t]) => (t ? `${v} as ${t}` : v)), fc.constant(' '), 1, 2), fc.boolean()).map(
          ([w, items, paren]) => (paren ? `${w} (${items})` : `${w} ${items}`),
        ),
      ),
      fc
        .tuple(block, fc.array(fc.tuple(fc.constantFrom('except', 'except ValueError', 'except (A, B) as err', 'except* E'), block), { minLength: 1, maxLength: 2 }), fc.option(block, { nil: undefined }), fc.option(block, { nil: undefined }))
        .map(([b, hs, els, fin]) => (indent: string) => {
          const inner = indent + '    ';
          let s = `${indent}try:\n${b(inner)}`;
          for (const [h, hb] of hs) s += `\n${indent}${h}:\n${hb(inner)}`;
          if (els) s += `\n${indent}else:\n${els(inner)}`;
          if (fin) s += `\n${indent}finally:\n${fin(inner)}`;
          return s;
        }),
      fc
        .tuple(fc.array(e, { maxLength: 2 }), fc.constantFrom('def', 'async def'), name, params, fc.constantFrom('', ' -> int', ' -> "T"'), block)
        .map(([decorators, d, n, ps, ret, b]) => (indent: string) => `${decorators.map((x) => `${indent}@${x}\n`).join('')}${indent}${d} ${n}(${ps})${ret}:\n${b(indent + '    ')}`),
      fc
        .tuple(name, fc.option(fc.constantFrom('()', '(Base)', '(keras.Model, metaclass=M)'), { nil: '' }), block)
        .map(([n, bases, b]) => (indent: string) => `${indent}class ${n}${bases}:\n${b(indent + '    ')}`),
      fc.constant((indent: string) => `${indent}match command:\n${indent}    case [x]:\n${indent}        pass`),
    );
    return {
      stmt,
      block: fc
        .array(fc.tuple(stmt, fc.constantFrom('', '', '', '\n', '\n# comment\n', '    # indented comment\n')), { minLength: 1, maxLength: 3 })
        .map((xs) => (indent: string) => xs.map(([s, extra]) => s(indent) + (extra ? `\n${extra.replace(/\n$/, '')}` : '')).join('\n')),
    };
  }).stmt;
  return fc
    .array(fc.tuple(statements, fc.constantFrom('', '', '\n', '\n# top comment')), { minLength: 1, maxLength: 6 })
    .map((xs) => xs.map(([s, extra]) => s('') + extra).join('\n') + '\n');
}

/** Whole programs (statements, nested blocks, decorators, comments). */
export const programText: fc.Arbitrary<string> = programs(expressions(fc.constantFrom('', ' ', '\n    ', '  # c\n    '), expressions(fc.constant(' '), null, 1), 3));

const STRAY = ['(', ')', '[', ']', '{', '}', '"', "'", '"""', ':', ',', '\\', '#', '\n', '    ', 'é', '😀', '\t', '=', 'lambda', 'if ', '\0', '\uFEFF', '\u00A0'];

/** A program, possibly broken: truncated, with a stray character or range removed, in CRLF. */
export const mutatedProgramText: fc.Arbitrary<string> = fc
  .tuple(programText, fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom('cut', 'insert', 'delete', 'crlf', 'keep'), fc.constantFrom(...STRAY)), { maxLength: 3 }))
  .map(([text, edits]) => {
    let s = text;
    for (const [at, len, kind, stray] of edits) {
      const i = s.length === 0 ? 0 : at % (s.length + 1);
      if (kind === 'cut') s = s.slice(0, i);
      else if (kind === 'insert') s = s.slice(0, i) + stray + s.slice(i);
      else if (kind === 'delete') s = s.slice(0, i) + s.slice(i + len);
      else if (kind === 'crlf') s = s.replace(/\r?\n/g, '\r\n');
    }
    return s;
  });
