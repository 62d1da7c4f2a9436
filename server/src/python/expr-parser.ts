// Recursive-descent parser for Python expressions, producing the AST of ast.ts exactly as
// lower.ts lowers tree-sitter-python's tree: the same node spans (first token to last token of
// each tree-sitter node), the same `unknown` reasons, and tree-sitter's grammar rather than
// CPython's where the two differ (`^` binds tighter than `&`; `await a ** b` is await(a ** b);
// `(y := a if b else c)` is cond(walrus); `(a) = 1` assigns a one-element tuple pattern). When
// tree-sitter could read the text more than one way, or lower.ts does something we do not
// model, it throws FastPathMiss and the statement is lowered from the tree instead.
import type { Arg, CompClause, Expr, Param, Span } from './ast';
import { parseIntLiteral } from './lower';
import { concatenatedValue, stringValue } from './string-literal';
import { Lexer, miss, T_END, T_NAME, T_NEWLINE, T_NUMBER, T_OP, T_STRING, type StringPiece } from './tokenize';

/** Deeper bracket/operator nesting than this is left to the tree path (and keeps our stack small). */
const MAX_NEST = 100;
/** lower.ts turns expressions nested 200 deep into `unknown`; well below that we are exact. */
const MAX_LOWER_DEPTH = 150;

/** Precedences of tree-sitter-python's binary operators (grammar.js PREC). */
function binaryPrecedence(op: string): number {
  switch (op) {
    case '|': return 14;
    case '&': return 15;
    case '^': return 16;
    case '<<': case '>>': return 17;
    case '+': case '-': return 18;
    case '*': case '/': case '%': case '//': case '@': return 19;
    default: return -1;
  }
}

/**
 * A literal of at most 15 plain digits (most of them): parseIntLiteral's answer, computed
 * without a substring or regular expressions. NaN for anything else.
 */
function decimalValue(text: string, start: number, end: number): number {
  if (end - start > 15) return Number.NaN;
  let v = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return Number.NaN;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** A parenthesis (or `await`) that lower.ts sees as its own node but that lowers to its inside. */
interface Wrapper extends Span {
  paren: boolean;
}

/**
 * The last comma-separated list read (parseExprList). One record per parser, reused: callers
 * read it before parsing anything else. `items` is null for a single expression (the common
 * case, allocated nothing for).
 */
export interface ExprList {
  first: Expr;
  items: Expr[] | null;
  trailingComma: boolean;
  start: number;
  end: number;
}

export class ExprParser {
  protected readonly lex = new Lexer();
  protected text = '';
  /** End of the last consumed token: every node's span ends here. */
  protected prevEnd = 0;
  private nest = 0;
  /** Transparent wrappers per expression, innermost first (for patterns and depth checks). */
  protected wraps = new Map<Expr, Wrapper[]>();

  /** Starts reading `text[start, limit)`; `depth` > 0 reads as if inside brackets. */
  protected begin(text: string, start: number, limit: number, depth = 0): void {
    this.text = text;
    this.prevEnd = start;
    this.nest = 0;
    this.lex.reset(text, start, limit, depth);
  }

  // ---- token helpers -------------------------------------------------------------------

  protected advance(): void {
    this.prevEnd = this.lex.end;
    this.lex.next();
  }

  protected isOp(v: string): boolean {
    return this.lex.kind === T_OP && this.lex.value === v;
  }

  protected isKw(v: string): boolean {
    return this.lex.kind === T_NAME && this.lex.value === v;
  }

  /** An identifier (the soft keywords print, exec, type, match included). */
  protected isName(): boolean {
    return this.lex.kind === T_NAME && !this.lex.keyword;
  }

  protected expectOp(v: string): void {
    if (!this.isOp(v)) miss(`expected '${v}'`);
    this.advance();
  }

  protected expectKw(v: string): void {
    if (!this.isKw(v)) miss(`expected '${v}'`);
    this.advance();
  }

  protected expectName(): string {
    if (!this.isName()) miss('expected a name');
    const v = this.lex.value;
    this.advance();
    return v;
  }

  protected expectEnd(): void {
    if (this.lex.kind !== T_END) miss('unexpected text after the statement');
  }

  private span(start: number): Span {
    return { start, end: this.prevEnd };
  }

  /** The next non-blank character after the current token (for `name=` and `name :=`). */
  private peekChar(offset: number): number {
    const text = this.text;
    let p = this.lex.end;
    for (;;) {
      const c = text.charCodeAt(p);
      if (c === 32 || c === 9 || c === 12 || c === 11 || c === 13 || (c === 10 && this.lex.depth > 0)) p++;
      else if (c === 92 && (text.charCodeAt(p + 1) === 10 || text.charCodeAt(p + 1) === 13)) p += 2;
      else if (c === 35 && this.lex.depth > 0) {
        while (p < text.length && text.charCodeAt(p) !== 10) p++;
      } else return text.charCodeAt(p + offset);
    }
  }

  private wrap(e: Expr, start: number, paren: boolean): void {
    const w: Wrapper = { start, end: this.prevEnd, paren };
    const list = this.wraps.get(e);
    if (list) list.push(w);
    else this.wraps.set(e, [w]);
  }

  private enter(): void {
    if (++this.nest > MAX_NEST) miss('nested too deeply');
  }

  /** Whether the current token can begin an expression (after a comma: more items follow). */
  protected canStartExpr(): boolean {
    const lex = this.lex;
    switch (lex.kind) {
      case T_NAME:
        if (!lex.keyword) return true;
        switch (lex.value) {
          case 'True': case 'False': case 'None': case 'lambda': case 'not': case 'await':
            return true;
          default:
            return false;
        }
      case T_NUMBER:
      case T_STRING:
        return true;
      case T_OP:
        switch (lex.value) {
          case '(': case '[': case '{': case '-': case '+': case '~': case '*': case '...':
            return true;
          default:
            return false;
        }
      default:
        return false;
    }
  }

  // ---- expressions (tree-sitter's `expression`) ---------------------------------------

  parseExpression(): Expr {
    this.enter();
    const lex = this.lex;
    let e: Expr;
    if (lex.kind === T_NAME ? lex.keyword : lex.kind === T_OP && lex.value !== '(' && lex.value !== '[' && lex.value !== '{') {
      e = this.isKw('lambda') ? this.parseLambda() : this.parseConditional(lex.start);
    } else {
      // Most operands are a primary (`x`, `f(a)`, `"s"`) followed by a comma or a bracket:
      // read it first, and climb the precedence levels only when an operator follows.
      const start = lex.start;
      const first = this.parsePrimary();
      e = this.atExpressionEnd() ? first : this.parseConditional(start, first);
    }
    this.nest--;
    return e;
  }

  private atExpressionEnd(): boolean {
    const lex = this.lex;
    switch (lex.kind) {
      case T_END:
      case T_NEWLINE:
        return true;
      case T_OP:
        switch (lex.value) {
          case ',': case ')': case ']': case '}': case ':': case '=': case ';':
            return true;
          default:
            return false;
        }
      case T_NAME:
        return lex.value === 'for' || lex.value === 'else' || lex.value === 'as' || lex.value === 'async';
      default:
        return false;
    }
  }

  // The levels below take the expression's start and, optionally, its first operand already
  // read (a primary); without one they read from the current token.

  private parseConditional(start: number, first?: Expr): Expr {
    const body = this.parseWalrusOrTest(start, first);
    if (!this.isKw('if')) return body;
    this.advance();
    const test = this.parseOrTest(this.lex.start);
    this.expectKw('else');
    const orelse = this.parseExpression();
    return { t: 'cond', body, test, orelse, span: this.span(start) };
  }

  /** `name := value`; the value stops before `if` (tree-sitter reduces the walrus first). */
  protected parseWalrusOrTest(start: number, first?: Expr): Expr {
    if (first ? first.t === 'name' && this.isOp(':=') && !this.wraps.has(first) : this.isName() && this.peekChar(0) === 58 && this.peekChar(1) === 61) {
      let name: string;
      if (first && first.t === 'name') name = first.id;
      else {
        name = this.lex.value;
        this.advance();
      }
      this.expectOp(':=');
      const value = this.isKw('lambda') ? this.parseLambda() : this.parseOrTest(this.lex.start);
      return { t: 'walrus', name, value, span: this.span(start) };
    }
    return this.parseOrTest(start, first);
  }

  protected parseOrTest(start: number, first?: Expr): Expr {
    let left = this.parseAndTest(start, first);
    while (this.isKw('or')) {
      this.advance();
      const right = this.parseAndTest(this.lex.start);
      left = { t: 'boolop', op: 'or', left, right, span: this.span(start) };
    }
    return left;
  }

  private parseAndTest(start: number, first?: Expr): Expr {
    let left = this.parseNotTest(start, first);
    while (this.isKw('and')) {
      this.advance();
      const right = this.parseNotTest(this.lex.start);
      left = { t: 'boolop', op: 'and', left, right, span: this.span(start) };
    }
    return left;
  }

  private parseNotTest(start: number, first?: Expr): Expr {
    if (first || !this.isKw('not')) return this.parseComparison(start, first);
    this.enter();
    this.advance();
    const operand = this.parseNotTest(this.lex.start);
    this.nest--;
    return { t: 'not', operand, span: this.span(start) };
  }

  private parseComparison(start: number, first?: Expr): Expr {
    const left = this.parseBinary(14, start, first);
    let ops: string[] | null = null;
    let operands: Expr[] | null = null;
    for (;;) {
      const lex = this.lex;
      let op: string;
      if (lex.kind === T_OP) {
        const v = lex.value;
        if (v !== '<' && v !== '<=' && v !== '==' && v !== '!=' && v !== '>=' && v !== '>' && v !== '<>') break;
        op = v;
        this.advance();
      } else if (lex.kind === T_NAME && (lex.value === 'in' || lex.value === 'not' || lex.value === 'is')) {
        const opStart = lex.start;
        const word = lex.value;
        this.advance();
        if (word === 'not') this.expectKw('in');
        else if (word === 'is' && this.isKw('not')) this.advance();
        // lower.ts reads the operator's source with runs of blanks made single spaces.
        op = this.text.slice(opStart, this.prevEnd).replace(/\s+/g, ' ');
      } else break;
      if (!ops || !operands) {
        ops = [];
        operands = [left];
      }
      ops.push(op);
      operands.push(this.parseBinary(14, this.lex.start));
    }
    if (!ops || !operands) return left;
    return { t: 'compare', ops, operands, span: this.span(start) };
  }

  private parseBinary(minPrec: number, start: number, first?: Expr): Expr {
    let left = first ? this.parsePower(start, first) : this.parseUnary();
    for (;;) {
      if (this.lex.kind !== T_OP) break;
      const op = this.lex.value;
      const p = binaryPrecedence(op);
      if (p < minPrec) break;
      this.advance();
      const right = this.parseBinary(p + 1, this.lex.start);
      left = { t: 'binary', op, left, right, span: this.span(start) };
    }
    return left;
  }

  private parseUnary(): Expr {
    const lex = this.lex;
    if (lex.kind === T_OP && (lex.value === '-' || lex.value === '+' || lex.value === '~')) {
      this.enter();
      const start = lex.start;
      const op = lex.value;
      this.advance();
      const operand = this.parseUnary();
      this.nest--;
      return { t: 'unary', op, operand, span: this.span(start) };
    }
    if (this.isKw('await')) {
      // lower.ts lowers `await x` to x; tree-sitter's await takes `a ** b` whole (prec 20 < 21).
      this.enter();
      const start = lex.start;
      this.advance();
      const inner = this.parseUnary();
      this.wrap(inner, start, false);
      this.nest--;
      return inner;
    }
    return this.parsePower(lex.start);
  }

  private parsePower(start: number, first?: Expr): Expr {
    const base = first ?? this.parsePrimary();
    if (!this.isOp('**')) return base;
    // `a ** b ** c` nests to the right: counted like brackets (a long chain would overflow the stack).
    this.enter();
    this.advance();
    const right = this.parseUnary();
    this.nest--;
    return { t: 'binary', op: '**', left: base, right, span: this.span(start) };
  }

  /** An atom followed by `.name`, `(args)` and `[index]` trailers. */
  protected parsePrimary(): Expr {
    const start = this.lex.start;
    let e = this.parseAtom();
    for (;;) {
      if (this.lex.kind !== T_OP) return e;
      const v = this.lex.value;
      if (v === '.') {
        this.advance();
        if (!this.isName()) miss('attribute name');
        const nameSpan = { start: this.lex.start, end: this.lex.end };
        const name = this.lex.value;
        this.advance();
        e = { t: 'attr', obj: e, name, nameSpan, span: this.span(start) };
      } else if (v === '(') {
        const args = this.parseCallArgs();
        e = { t: 'call', fn: e, args, span: this.span(start) };
      } else if (v === '[') {
        e = this.parseSubscript(e, start);
      } else return e;
    }
  }

  private parseAtom(): Expr {
    const lex = this.lex;
    const start = lex.start;
    switch (lex.kind) {
      case T_NAME: {
        const v = lex.value;
        if (!lex.keyword) {
          this.advance();
          return { t: 'name', id: v, span: this.span(start) };
        }
        if (v === 'True' || v === 'False') {
          this.advance();
          return { t: 'bool', value: v === 'True', span: this.span(start) };
        }
        if (v === 'None') {
          this.advance();
          return { t: 'none', span: this.span(start) };
        }
        return miss(`keyword '${v}'`);
      }
      case T_NUMBER: {
        const end = lex.end;
        const isFloat = lex.isFloat;
        this.advance();
        if (!isFloat) {
          const value = decimalValue(this.text, start, end);
          return { t: 'int', value: Number.isNaN(value) ? parseIntLiteral(this.text.slice(start, end)) : value, span: this.span(start) };
        }
        const raw = this.text.slice(start, end);
        const digits = raw.replace(/_/g, '');
        if (/[jJ]$/.test(digits)) return { t: 'unknown', why: 'complex number', span: this.span(start) };
        return { t: 'float', value: Number(digits), span: this.span(start) };
      }
      case T_STRING:
        return this.parseStrings();
      case T_OP:
        switch (lex.value) {
          case '(':
            return this.parseParen();
          case '[':
            return this.parseList();
          case '{':
            return this.parseBrace();
          case '...':
            this.advance();
            // `...` is the builtin constant Ellipsis (tensor indexing: x[..., :3]).
            return { t: 'name', id: 'Ellipsis', span: this.span(start) };
          default:
            return miss(`unexpected '${lex.value}'`);
        }
      default:
        return miss('expected an expression');
    }
  }

  // ---- strings -------------------------------------------------------------------------

  /** One string literal, or several adjacent ones (each lowered before the lexer moves on). */
  private parseStrings(): Expr {
    const start = this.lex.start;
    const first = this.stringHere();
    this.advance();
    if (this.lex.kind !== T_STRING) return first;
    const parts = [first];
    while (this.lex.kind === T_STRING) {
      parts.push(this.stringHere());
      this.advance();
    }
    return concatenatedValue(parts, this.span(start));
  }

  private stringHere(): Expr {
    const s = this.lex.str;
    if (!s) return miss('string');
    return stringValue(this.text, s, this);
  }

  /** Lowers an f-string field (string-literal.ts calls back). */
  interpolation(p: Extract<StringPiece, { interp: true }>): Expr {
    for (const n of p.nested) if (n.interp) this.interpolation(n); // format-spec fields: validated only
    const sub = new ExprParser();
    sub.wraps = this.wraps;
    sub.begin(this.text, p.exprStart, p.exprEnd, 1);
    let e: Expr;
    if (sub.isKw('yield')) e = sub.parseYield();
    else e = sub.listValue(sub.parseExprList());
    sub.expectEnd();
    return p.formatted ? { t: 'unknown', why: 'formatted value', span: { start: p.start, end: p.end } } : e;
  }

  // ---- brackets --------------------------------------------------------------------------

  private parseParen(): Expr {
    const start = this.lex.start;
    this.advance();
    if (this.isOp(')')) {
      this.advance();
      return { t: 'tuple', items: [], span: this.span(start) };
    }
    if (this.isKw('yield')) {
      const y = this.parseYield();
      this.expectOp(')');
      this.wrap(y, start, true);
      return y;
    }
    const starred = this.isOp('*');
    const first = starred ? this.parseStarredItem() : this.parseExpression();
    if (!starred && this.atCompFor()) {
      const clauses = this.parseCompClauses();
      this.expectOp(')');
      return { t: 'comp', kind: 'gen', elt: first, clauses, span: this.span(start) };
    }
    if (this.isOp(')')) {
      if (starred) miss('parenthesized starred expression');
      this.advance();
      this.wrap(first, start, true);
      return first;
    }
    const items = [first];
    this.collectionRest(items, ')');
    return { t: 'tuple', items, span: this.span(start) };
  }

  private parseList(): Expr {
    const start = this.lex.start;
    this.advance();
    if (this.isOp(']')) {
      this.advance();
      return { t: 'list', items: [], span: this.span(start) };
    }
    const plain = !this.isOp('*') && !this.isKw('yield');
    const first = this.parseCollectionItem();
    if (plain && this.atCompFor()) {
      const clauses = this.parseCompClauses();
      this.expectOp(']');
      return { t: 'comp', kind: 'list', elt: first, clauses, span: this.span(start) };
    }
    const items = [first];
    this.collectionRest(items, ']');
    return { t: 'list', items, span: this.span(start) };
  }

  private parseBrace(): Expr {
    const start = this.lex.start;
    this.advance();
    if (this.isOp('}')) {
      this.advance();
      return { t: 'dict', entries: [], span: this.span(start) };
    }
    if (this.isOp('**')) return this.dictRest([], start);
    const plain = !this.isOp('*') && !this.isKw('yield');
    const first = this.parseCollectionItem();
    if (plain && this.isOp(':')) {
      this.advance();
      const value = this.parseExpression();
      if (this.atCompFor()) {
        const clauses = this.parseCompClauses();
        this.expectOp('}');
        return { t: 'comp', kind: 'dict', elt: first, value, clauses, span: this.span(start) };
      }
      if (this.isOp('}')) {
        this.advance();
        return { t: 'dict', entries: [{ key: first, value }], span: this.span(start) };
      }
      this.expectOp(',');
      return this.dictRest([{ key: first, value }], start);
    }
    if (plain && this.atCompFor()) {
      const clauses = this.parseCompClauses();
      this.expectOp('}');
      return { t: 'comp', kind: 'set', elt: first, clauses, span: this.span(start) };
    }
    this.collectionRest([first], '}');
    return { t: 'unknown', why: 'a set', span: this.span(start) };
  }

  /** Dictionary entries after the first (the `{` and any first entry's comma consumed). */
  private dictRest(entries: { key: Expr | null; value: Expr }[], start: number): Expr {
    for (;;) {
      if (this.isOp('}')) break;
      if (this.isOp('**')) {
        this.advance();
        entries.push({ key: null, value: this.parseExpression() });
      } else {
        const key = this.parseExpression();
        this.expectOp(':');
        entries.push({ key, value: this.parseExpression() });
      }
      if (!this.isOp(',')) break;
      this.advance();
    }
    this.expectOp('}');
    return { t: 'dict', entries, span: this.span(start) };
  }

  /** `, item, item,)`: the rest of a tuple, list or set after its first item. */
  private collectionRest(items: Expr[], close: string): void {
    while (this.isOp(',')) {
      this.advance();
      if (this.isOp(close)) break;
      items.push(this.parseCollectionItem());
    }
    this.expectOp(close);
  }

  private parseCollectionItem(): Expr {
    if (this.isOp('*')) return this.parseStarredItem();
    if (this.isKw('yield')) return this.parseYield();
    return this.parseExpression();
  }

  /** `*x` inside brackets: tree-sitter's list_splat. */
  private parseStarredItem(): Expr {
    const start = this.lex.start;
    this.advance();
    const value = this.parseStarOperand();
    return { t: 'starred', value, double: false, span: this.span(start) };
  }

  /**
   * The operand of `*` in brackets and arguments. tree-sitter reads `*e()` now as
   * list_splat(call), now as call(list_splat(e)) (its GLR keeps both; `print(x, *e())` and
   * `f(x, *e())` differ), so only a lone atom followed by a comma or a closing bracket is
   * read here, where every reading agrees.
   */
  private parseStarOperand(): Expr {
    const value = this.parseAtom();
    if (!this.atStarDelimiter()) miss('starred expression followed by an operator or a trailer');
    return value;
  }

  /** `*name` where tree-sitter reads a primary list_splat (`x = *a, b`, targets, subscripts). */
  protected parseStarredName(): Expr {
    const start = this.lex.start;
    this.advance();
    const nameStart = this.lex.start;
    const id = this.expectName();
    if (!this.atStarDelimiter()) miss('starred expression followed by an operator');
    return { t: 'starred', value: { t: 'name', id, span: this.span(nameStart) }, double: false, span: this.span(start) };
  }

  private atStarDelimiter(): boolean {
    const lex = this.lex;
    if (lex.kind === T_END || lex.kind === T_NEWLINE) return true;
    if (lex.kind === T_NAME) return lex.value === 'in';
    if (lex.kind !== T_OP) return false;
    switch (lex.value) {
      case ',': case ')': case ']': case '}': case '=': case ':': case ';':
        return true;
      default:
        return false;
    }
  }

  private atCompFor(): boolean {
    return this.isKw('for') || this.isKw('async');
  }

  /** `for target in iter [, iter] [if cond]...` clauses of a comprehension. */
  private parseCompClauses(): CompClause[] {
    const clauses: CompClause[] = [];
    for (;;) {
      if (this.atCompFor()) {
        const start = this.lex.start;
        if (this.isKw('async')) this.advance();
        this.expectKw('for');
        const target = this.parseTargets();
        this.expectKw('in');
        // The iterables stop before `if` (the clause is reduced first) and may be several.
        const rights = [this.parseOrTest(this.lex.start)];
        while (this.isOp(',')) {
          this.advance();
          if (!this.canStartExpr()) break;
          rights.push(this.parseOrTest(this.lex.start));
        }
        const iter: Expr = rights.length === 1 ? rights[0] : { t: 'tuple', items: rights, span: this.span(start) };
        clauses.push({ target, iter, ifs: [] });
      } else if (this.isKw('if') && clauses.length > 0) {
        this.advance();
        clauses[clauses.length - 1].ifs.push(this.parseWalrusOrTest(this.lex.start));
      } else return clauses;
    }
  }

  // ---- calls, subscripts, lambdas ------------------------------------------------------------

  protected parseCallArgs(): Arg[] {
    const open = this.lex.start;
    this.advance();
    const args: Arg[] = [];
    while (!this.isOp(')')) {
      const start = this.lex.start;
      if (this.isOp('*')) {
        this.advance();
        args.push({ value: this.parseStarOperand(), span: this.span(start), star: '*' });
      } else if (this.isOp('**')) {
        this.advance();
        args.push({ value: this.parseExpression(), span: this.span(start), star: '**' });
      } else if (this.isName() && this.peekChar(0) === 61 && this.peekChar(1) !== 61) {
        const name = this.lex.value;
        this.advance();
        this.expectOp('=');
        args.push({ name, value: this.parseExpression(), span: this.span(start) });
      } else {
        const value = this.parseExpression();
        if (args.length === 0 && this.atCompFor()) {
          // f(x for x in xs): the generator is the whole argument list, parentheses included.
          const clauses = this.parseCompClauses();
          this.expectOp(')');
          const gen: Expr = { t: 'comp', kind: 'gen', elt: value, clauses, span: this.span(open) };
          return [{ value: gen, span: this.span(open) }];
        }
        args.push({ value, span: this.span(start) });
      }
      if (!this.isOp(',')) break;
      this.advance();
    }
    this.expectOp(')');
    return args;
  }

  private parseSubscript(obj: Expr, start: number): Expr {
    this.advance();
    const items: Expr[] = [];
    for (;;) {
      items.push(this.parseSubscriptItem());
      if (!this.isOp(',')) break;
      this.advance();
      if (this.isOp(']')) break;
    }
    this.expectOp(']');
    const index: Expr = items.length === 1 ? items[0] : { t: 'tuple', items, span: this.span(start) };
    return { t: 'subscript', obj, index, span: this.span(start) };
  }

  private parseSubscriptItem(): Expr {
    const start = this.lex.start;
    let lo: Expr | null = null;
    if (!this.isOp(':')) {
      lo = this.isOp('*') ? this.parseStarredName() : this.parseExpression();
      if (!this.isOp(':')) return lo;
    }
    this.advance();
    let hi: Expr | null = null;
    let step: Expr | null = null;
    if (!this.isOp(':') && !this.isOp(',') && !this.isOp(']')) hi = this.parseExpression();
    if (this.isOp(':')) {
      this.advance();
      if (!this.isOp(',') && !this.isOp(']')) step = this.parseExpression();
    }
    return { t: 'slice', lo, hi, step, span: this.span(start) };
  }

  private parseLambda(): Expr {
    this.enter();
    const start = this.lex.start;
    this.advance();
    const params = this.isOp(':') ? [] : this.parseParams(':', true);
    this.expectOp(':');
    const body = this.parseExpression();
    this.nest--;
    return { t: 'lambda', params, body, span: this.span(start) };
  }

  /** A parameter list up to (not including) `close`: def's `)` or lambda's `:`. */
  protected parseParams(close: string, lambda: boolean): Param[] {
    const out: Param[] = [];
    while (!this.isOp(close)) {
      const start = this.lex.start;
      if (this.isOp('*') || this.isOp('**')) {
        const kind = this.lex.value === '*' ? 'varargs' : 'kwargs';
        this.advance();
        if (this.isName()) {
          const name = this.lex.value;
          this.advance();
          if (!lambda && this.isOp(':')) {
            this.advance();
            this.parseType();
          }
          out.push({ name, kind, span: this.span(start) });
        } else if (kind === 'kwargs') miss('** without a name');
        // a bare `*` separates keyword-only parameters and binds nothing
      } else if (this.isOp('/')) {
        this.advance();
      } else if (this.isName()) {
        const name = this.lex.value;
        this.advance();
        if (!lambda && this.isOp(':')) {
          this.advance();
          this.parseType();
        }
        if (this.isOp('=')) {
          this.advance();
          const value = this.parseExpression();
          out.push({ name, default: value, kind: 'normal', span: this.span(start) });
        } else out.push({ name, kind: 'normal', span: this.span(start) });
      } else miss('parameter');
      if (!this.isOp(',')) break;
      this.advance();
    }
    return out;
  }

  /**
   * A type annotation: only its extent matters. tree-sitter-python reads annotations with a
   * grammar of its own (generic, union and member types) and fails on some expressions there
   * (`x: f[a]()`): only the usual shapes of types are read here.
   */
  protected parseType(): void {
    if (this.isOp('*')) {
      this.advance();
      this.expectName();
    } else if (!isPlainType(this.parseExpression())) miss('unusual annotation');
  }

  /** `yield`, `yield x, y`, `yield from x`: lower.ts does not model generators. */
  protected parseYield(): Expr {
    const start = this.lex.start;
    this.advance();
    if (this.isKw('from')) {
      this.advance();
      this.parseExpression();
    } else if (this.canStartExpr()) this.parseExprList();
    return { t: 'unknown', why: 'unsupported expression (yield)', span: this.span(start) };
  }

  // ---- lists of expressions and assignment targets ---------------------------------------------

  /** Comma-separated expressions (`a, *b, c,`), as in statements, returns and `for ... in`. */
  protected parseExprList(): ExprList {
    const start = this.lex.start;
    const first = this.isOp('*') ? this.parseStarredName() : this.parseExpression();
    let items: Expr[] | null = null;
    let trailingComma = false;
    while (this.isOp(',')) {
      this.advance();
      if (!this.canStartExpr()) {
        trailingComma = true;
        break;
      }
      items ??= [first];
      items.push(this.isOp('*') ? this.parseStarredName() : this.parseExpression());
    }
    const list = this.list;
    list.first = first;
    list.items = items;
    list.trailingComma = trailingComma;
    list.start = start;
    list.end = this.prevEnd;
    return list;
  }

  private readonly list: ExprList = { first: { t: 'none', span: { start: 0, end: 0 } }, items: null, trailingComma: false, start: 0, end: 0 };

  /** tree-sitter's expression_list needs a comma; one item without is just that item. */
  protected listValue(list: ExprList): Expr {
    if (!list.items && !list.trailingComma) return list.first;
    return { t: 'tuple', items: list.items ?? [list.first], span: { start: list.start, end: list.end } };
  }

  /** Assignment targets parsed as expressions, as tree-sitter's pattern / pattern_list. */
  protected patternListValue(list: ExprList): Expr {
    if (!list.items && !list.trailingComma) return this.toPattern(list.first);
    return { t: 'tuple', items: (list.items ?? [list.first]).map((e) => this.toPattern(e)), span: { start: list.start, end: list.end } };
  }

  /** `for` targets: stops before `in` (no comparison is read). */
  protected parseTargets(): Expr {
    const start = this.lex.start;
    const items: Expr[] = [];
    let trailingComma = false;
    for (;;) {
      items.push(this.isOp('*') ? this.parseStarredName() : this.toPattern(this.parsePrimary()));
      if (!this.isOp(',')) break;
      this.advance();
      if (this.isKw('in')) {
        trailingComma = true;
        break;
      }
    }
    if (items.length === 1 && !trailingComma) return items[0];
    return { t: 'tuple', items, span: this.span(start) };
  }

  /**
   * An expression read as an assignment target. tree-sitter's tuple_pattern takes `(a)` as a
   * one-element tuple; names, attributes, subscripts, `*name`, tuples and lists are patterns.
   */
  protected toPattern(e: Expr): Expr {
    let out: Expr;
    switch (e.t) {
      case 'name':
      case 'attr':
      case 'subscript':
        out = e;
        break;
      case 'starred':
        if (e.double || e.value.t !== 'name' || this.wraps.has(e.value)) miss('starred target');
        out = e;
        break;
      case 'tuple':
        out = { t: 'tuple', items: e.items.map((x) => this.toPattern(x)), span: e.span };
        break;
      case 'list':
        out = { t: 'list', items: e.items.map((x) => this.toPattern(x)), span: e.span };
        break;
      default:
        return miss('not an assignment target');
    }
    const wrappers = this.wraps.get(e);
    if (wrappers) {
      for (const w of wrappers) {
        if (!w.paren) miss('await in a target');
        out = { t: 'tuple', items: [out], span: { start: w.start, end: w.end } };
      }
    }
    return out;
  }

  // ---- depth -----------------------------------------------------------------------------------

  /**
   * Throws unless lower.ts would lower `e` without reaching its depth limit: each node is one
   * level, and so is every parenthesis or `await` around it.
   */
  protected checkDepth(e: Expr | null | undefined, depth = 0): void {
    // Every node and wrapper owns at least one token of its own, so a short statement is shallow.
    if (!e || this.lex.tokens <= MAX_LOWER_DEPTH) return;
    const w = this.wraps.get(e);
    const d = depth + 1 + (w ? w.length : 0);
    if (d > MAX_LOWER_DEPTH) miss('expression nested too deeply');
    switch (e.t) {
      case 'fstr':
        for (const p of e.parts) if (typeof p !== 'string') this.checkDepth(p, d);
        return;
      case 'tuple':
      case 'list':
        for (const x of e.items) this.checkDepth(x, d);
        return;
      case 'dict':
        for (const x of e.entries) {
          this.checkDepth(x.key, d);
          this.checkDepth(x.value, d);
        }
        return;
      case 'attr':
        this.checkDepth(e.obj, d);
        return;
      case 'call':
        this.checkDepth(e.fn, d);
        for (const a of e.args) this.checkDepth(a.value, d);
        return;
      case 'subscript':
        this.checkDepth(e.obj, d);
        this.checkDepth(e.index, d);
        return;
      case 'slice':
        this.checkDepth(e.lo, d);
        this.checkDepth(e.hi, d);
        this.checkDepth(e.step, d);
        return;
      case 'unary':
      case 'not':
        this.checkDepth(e.operand, d);
        return;
      case 'binary':
      case 'boolop':
        this.checkDepth(e.left, d);
        this.checkDepth(e.right, d);
        return;
      case 'compare':
        for (const x of e.operands) this.checkDepth(x, d);
        return;
      case 'cond':
        this.checkDepth(e.body, d);
        this.checkDepth(e.test, d);
        this.checkDepth(e.orelse, d);
        return;
      case 'comp':
        this.checkDepth(e.elt, d);
        this.checkDepth(e.value, d);
        for (const c of e.clauses) {
          this.checkDepth(c.target, d);
          this.checkDepth(c.iter, d);
          for (const x of c.ifs) this.checkDepth(x, d);
        }
        return;
      case 'lambda':
        this.checkParams(e.params, d);
        this.checkDepth(e.body, d);
        return;
      case 'starred':
      case 'walrus':
        this.checkDepth(e.value, d);
        return;
      default:
        return;
    }
  }

  protected checkParams(params: Param[], depth: number): void {
    for (const p of params) this.checkDepth(p.default, depth);
  }
}

/**
 * Names (`...` included), dotted names, `X[...]` of such, `None`, strings and `A | B`. In a list
 * (`Callable[[A, B], C]`) tree-sitter-python reads expressions, not types (`inList`).
 */
function isPlainType(e: Expr, inList = false): boolean {
  switch (e.t) {
    case 'name':
    case 'none':
    case 'str':
      return true;
    case 'attr':
      return isPlainType(e.obj, inList);
    case 'subscript':
      // tree-sitter-python reads `name[...]` in a type as a generic type, which takes no
      // subscript after it, nor after a member of it: `a[b][c]` and `a[b].c[d]` are errors there.
      if (!inList && isGenericType(e.obj)) return false;
      return isPlainType(e.obj, inList) && (e.index.t === 'tuple' || e.index.t === 'list' ? e.index.items.every((i) => isPlainType(i, inList || e.index.t === 'list')) : isPlainType(e.index, inList) || e.index.t === 'int');
    case 'list':
      return e.items.every((i) => isPlainType(i, true));
    case 'binary':
      return e.op === '|' && isPlainType(e.left, inList) && isPlainType(e.right, inList);
    default:
      return false;
  }
}

/** `name[...]`, or a member of it (`name[...].a.b`). */
function isGenericType(e: Expr): boolean {
  while (e.t === 'attr') e = e.obj;
  return e.t === 'subscript' && e.obj.t === 'name';
}
