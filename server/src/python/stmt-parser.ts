// Parses the text of one simple statement, or of a compound statement's header, into the AST
// lower.ts would produce from the tree-sitter nodes. The tree walk (fast-lower.ts) supplies the
// statement boundaries; blocks are never read from text.
import type { Arg, Expr, Param, Span, Stmt } from './ast';
import { ExprParser, type ExprList } from './expr-parser';
import { miss, T_END, T_NEWLINE, T_OP } from './tokenize';

const AUGMENTED = new Set(['+=', '-=', '*=', '/=', '@=', '//=', '%=', '**=', '>>=', '<<=', '&=', '^=', '|=']);

export interface DefHeader {
  name: string;
  nameSpan: Span;
  params: Param[];
}

export interface ClassHeader {
  name: string;
  nameSpan: Span;
  bases: Arg[];
}

export class StatementParser extends ExprParser {
  private startStatement(text: string, start: number, end: number): void {
    if (this.wraps.size > 0) this.wraps.clear(); // clear() allocates a new table even when empty
    this.begin(text, start, end);
  }

  /** The comments met by the last successful parse, in source order. */
  get comments(): readonly Span[] {
    return this.lex.comments;
  }

  /**
   * Reads `text[start, limit)` (a header tree-sitter already checked: decorators, `else:`,
   * `except E as e:`, `try:`) only for the comments in it.
   */
  skim(text: string, start: number, limit: number): void {
    this.startStatement(text, start, limit);
    this.skipRest();
  }

  /** Steps over the rest of a header up to its block. */
  private skipRest(): void {
    while (this.lex.kind !== T_END) this.advance();
  }

  /** After a header's `:` only line breaks and comments may come before the block. */
  private endHeader(): void {
    this.expectOp(':');
    while (this.lex.kind === T_NEWLINE) this.advance();
    this.expectEnd();
  }

  /** An expression_statement: expressions, assignments, augmented assignments, yield. */
  expressionStatement(text: string, start: number, end: number): Stmt {
    this.startStatement(text, start, end);
    const span = { start, end };
    let stmt: Stmt;
    if (this.isKw('yield')) {
      stmt = { t: 'expr', value: this.parseYield(), span };
    } else {
      const first = this.parseExprList();
      if (this.isOp('=') || this.isOp(':')) stmt = this.assignment(first, span);
      else if (this.lex.kind === T_OP && AUGMENTED.has(this.lex.value)) {
        const target = this.patternListValue(first);
        const op = this.lex.value.replace('=', '');
        this.advance();
        stmt = { t: 'augassign', target, op, value: this.rightHandSide(), span };
      } else if (!first.items) {
        // `a,` is one expression here (not an expression_list), unlike after `=` or `return`.
        stmt = { t: 'expr', value: first.first, span };
      } else {
        stmt = { t: 'expr', value: { t: 'tuple', items: first.items, span: { start, end } }, span };
      }
    }
    this.expectEnd();
    this.checkStatement(stmt);
    return stmt;
  }

  /** `a = b = value`, `x: T = value`; `x: T` alone binds nothing (lower.ts: other). */
  private assignment(first: ExprList, span: Span): Stmt {
    const targets: Expr[] = [];
    let left = first;
    for (;;) {
      targets.push(this.patternListValue(left));
      if (this.isOp(':')) {
        this.advance();
        this.parseType();
        if (!this.isOp('=')) return { t: 'other', span };
      }
      this.expectOp('=');
      if (this.isKw('yield')) return { t: 'assign', targets, value: this.parseYield(), span };
      const right = this.parseExprList();
      if (this.isOp('=') || this.isOp(':')) {
        left = right;
        continue;
      }
      if (this.lex.kind === T_OP && AUGMENTED.has(this.lex.value)) miss('augmented assignment inside an assignment');
      return { t: 'assign', targets, value: this.listValue(right), span };
    }
  }

  private rightHandSide(): Expr {
    if (this.isKw('yield')) return this.parseYield();
    const value = this.listValue(this.parseExprList());
    if (this.isOp('=')) miss('assignment after an augmented assignment');
    return value;
  }

  returnStatement(text: string, start: number, end: number): Stmt {
    this.startStatement(text, start, end);
    this.expectKw('return');
    const value = this.lex.kind === T_END ? null : this.listValue(this.parseExprList());
    this.expectEnd();
    this.checkDepth(value);
    return { t: 'return', value, span: { start, end } };
  }

  importStatement(text: string, start: number, end: number): Stmt {
    this.startStatement(text, start, end);
    this.expectKw('import');
    const names: { module: string; alias?: string }[] = [];
    for (;;) {
      const module = this.dotted();
      if (this.isKw('as')) {
        this.advance();
        names.push({ module, alias: this.expectName() });
      } else names.push({ module });
      if (!this.isOp(',')) break;
      this.advance();
      if (this.lex.kind === T_END) break;
    }
    this.expectEnd();
    return { t: 'import', names, span: { start, end } };
  }

  fromImportStatement(text: string, start: number, end: number): Stmt {
    this.startStatement(text, start, end);
    const span = { start, end };
    this.expectKw('from');
    let module = '';
    let level = 0;
    if (this.isOp('.') || this.isOp('...')) {
      // lower.ts counts the characters of the dots (blanks between them included).
      const dots = this.lex.start;
      while (this.isOp('.') || this.isOp('...')) this.advance();
      level = this.prevEnd - dots;
      if (!this.isKw('import')) module = this.dotted();
    } else module = this.dotted();
    this.expectKw('import');
    if (this.isOp('*')) {
      this.advance();
      this.expectEnd();
      return { t: 'from', module, level, names: '*', span };
    }
    const paren = this.isOp('(');
    if (paren) this.advance();
    const names: { name: string; alias?: string }[] = [];
    for (;;) {
      const name = this.dotted();
      if (this.isKw('as')) {
        this.advance();
        names.push({ name, alias: this.expectName() });
      } else names.push({ name });
      if (!this.isOp(',')) break;
      this.advance();
      if (this.lex.kind === T_END || this.isOp(')')) break;
    }
    if (paren) this.expectOp(')');
    this.expectEnd();
    return { t: 'from', module, level, names, span };
  }

  /** `a.b.c` with blanks removed, as lower.ts's dotted(). */
  private dotted(): string {
    const start = this.lex.start;
    this.expectName();
    while (this.isOp('.')) {
      this.advance();
      this.expectName();
    }
    return this.text.slice(start, this.prevEnd).replace(/\s+/g, '');
  }

  /** `[async] def name[T](params) [-> T]:`, `limit` being where the body starts. */
  defHeader(text: string, start: number, limit: number, strict = false): DefHeader {
    this.startStatement(text, start, limit);
    if (this.isKw('async')) this.advance();
    this.expectKw('def');
    const nameSpan = { start: this.lex.start, end: this.lex.end };
    const name = this.expectName();
    if (this.isOp('[')) this.skipBrackets();
    this.expectOp('(');
    const params = this.parseParams(')', false);
    this.expectOp(')');
    if (strict) {
      if (this.isOp('->')) {
        this.advance();
        this.parseType();
      }
      this.endHeader();
    } else this.skipRest(); // the return annotation is not lowered (tree-sitter checked it)
    this.checkParams(params, 0);
    return { name, nameSpan, params };
  }

  classHeader(text: string, start: number, limit: number): ClassHeader {
    this.startStatement(text, start, limit);
    this.expectKw('class');
    const nameSpan = { start: this.lex.start, end: this.lex.end };
    const name = this.expectName();
    if (this.isOp('[')) this.skipBrackets();
    const bases = this.isOp('(') ? this.parseCallArgs() : [];
    this.endHeader();
    for (const b of bases) this.checkDepth(b.value);
    return { name, nameSpan, bases };
  }

  /** The condition of `if`, `elif` or `while`. */
  condition(text: string, start: number, limit: number, keyword: string): Expr {
    this.startStatement(text, start, limit);
    this.expectKw(keyword);
    const test = this.parseExpression();
    this.endHeader();
    this.checkDepth(test);
    return test;
  }

  forHeader(text: string, start: number, limit: number): { target: Expr; iter: Expr } {
    this.startStatement(text, start, limit);
    if (this.isKw('async')) this.advance();
    this.expectKw('for');
    const target = this.parseTargets();
    this.expectKw('in');
    const iter = this.listValue(this.parseExprList());
    this.endHeader();
    this.checkDepth(target);
    this.checkDepth(iter);
    return { target, iter };
  }

  /** `with a as b, c:` or the parenthesized form `with (a as b, c):`. */
  withHeader(text: string, start: number, limit: number): { value: Expr; target?: Expr }[] {
    this.startStatement(text, start, limit);
    if (this.isKw('async')) this.advance();
    this.expectKw('with');
    const afterWith = this.lex.start;
    let items: { value: Expr; target?: Expr }[] | null = null;
    if (this.isOp('(')) {
      // tree-sitter reads `with (a, b):` as two items, but `with (a):` and `with (a,):` as one
      // parenthesized or tuple value, and `with (a as b):` as an as_pattern in parentheses.
      // Only text that reads as items in parentheses is read again as one expression.
      this.advance();
      const inner = this.withItems(')');
      this.expectOp(')');
      if (this.isOp(':')) {
        if (inner.length > 1) items = inner;
        else if (inner[0].target) miss('with (x as y)');
      }
      if (!items) this.startStatement(text, afterWith, limit);
    }
    if (!items) items = this.withItems(':');
    this.endHeader();
    for (const i of items) {
      this.checkDepth(i.value);
      this.checkDepth(i.target);
    }
    return items;
  }

  private withItems(close: string): { value: Expr; target?: Expr }[] {
    const items: { value: Expr; target?: Expr }[] = [];
    for (;;) {
      const value = this.parseExpression();
      if (this.isKw('as')) {
        // `x if c else y as t`, lambdas and walruses nest differently in tree-sitter.
        if ((value.t === 'cond' || value.t === 'lambda' || value.t === 'walrus') && !this.wraps.has(value)) miss('with item');
        this.advance();
        const target = this.parsePrimary();
        if (!this.isOp(',') && !this.isOp(close)) miss('with target');
        items.push({ value, target });
      } else items.push({ value });
      if (!this.isOp(',')) break;
      this.advance();
      if (this.isOp(close)) break;
    }
    return items;
  }

  // ---- strict forms for text-lower.ts, which has no tree-sitter check before it -------------

  /**
   * A simple statement lowered as its span alone (`pass`, `raise`, `assert`, `del`, `global`,
   * `nonlocal`, `from __future__ import`), checked to be well formed; `break` and `continue` too.
   */
  otherStatement(text: string, start: number, end: number): 'break' | 'continue' | 'other' {
    this.startStatement(text, start, end);
    const word = this.lex.value;
    if (word === 'from') {
      this.fromImportStatement(text, start, end);
      return 'other';
    }
    this.advance();
    switch (word) {
      case 'pass':
        break;
      case 'break':
      case 'continue':
        this.expectEnd();
        return word;
      case 'raise':
        if (this.lex.kind !== T_END) {
          this.parseExpression();
          if (this.isKw('from')) {
            this.advance();
            this.parseExpression();
          }
        }
        break;
      case 'assert':
        this.parseExpression();
        if (this.isOp(',')) {
          this.advance();
          this.parseExpression();
        }
        break;
      case 'del':
        this.parseExprList();
        break;
      case 'global':
      case 'nonlocal':
        this.expectName();
        while (this.isOp(',')) {
          this.advance();
          this.expectName();
        }
        break;
      default:
        miss(`statement ${word}`);
    }
    this.expectEnd();
    return 'other';
  }

  /** `@expression` lines (blank lines and comments between them) up to the definition. */
  decorators(text: string, start: number, limit: number): void {
    this.startStatement(text, start, limit);
    while (this.lex.kind !== T_END) {
      this.expectOp('@');
      this.parseExpression();
      if (this.lex.kind !== T_NEWLINE) miss('text after a decorator');
      while (this.lex.kind === T_NEWLINE) this.advance();
    }
  }

  /** `else:`, `try:`, `finally:` up to the block. */
  keywordHeader(text: string, start: number, limit: number, keyword: string): void {
    this.startStatement(text, start, limit);
    this.expectKw(keyword);
    this.endHeader();
  }

  /** `except:`, `except E:`, `except E as e:` up to the block (`except*` and `except E, e:` are left to tree-sitter). */
  exceptHeader(text: string, start: number, limit: number): void {
    this.startStatement(text, start, limit);
    this.expectKw('except');
    if (!this.isOp(':')) {
      if (this.isOp('*')) miss('except*');
      this.parseExpression();
      if (this.isKw('as')) {
        this.advance();
        this.expectName();
      }
    }
    this.endHeader();
  }

  /** `[T, U]` type parameters: skipped. */
  private skipBrackets(): void {
    let depth = 0;
    for (;;) {
      if (this.lex.kind === T_END) miss('unclosed type parameters');
      if (this.isOp('[') || this.isOp('(') || this.isOp('{')) depth++;
      else if (this.isOp(']') || this.isOp(')') || this.isOp('}')) depth--;
      this.advance();
      if (depth === 0) return;
    }
  }

  private checkStatement(s: Stmt): void {
    switch (s.t) {
      case 'expr':
        this.checkDepth(s.value);
        return;
      case 'assign':
        for (const t of s.targets) this.checkDepth(t);
        this.checkDepth(s.value);
        return;
      case 'augassign':
        this.checkDepth(s.target);
        this.checkDepth(s.value);
        return;
      default:
        return;
    }
  }
}
