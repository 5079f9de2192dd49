/**
 * Lexer and parser of the CEL subset described in ./cel.ts. Produces a small AST; anything outside the subset is
 * a {@link CelCompileError} with a cel-go style location report.
 */

/** Raised when a rule does not parse or uses an unsupported construct. `message` is cel-go-like. */
export class CelCompileError extends Error {
  override readonly name = 'CelCompileError';
  /** @param message full report, e.g. `ERROR: <input>:1:6: Syntax error: ...` with the source excerpt. */
  constructor(message: string) {
    super(message);
  }
}

/** Parsed expression. `pos` is the 0-based offset in the source, for error reports. */
export type CelNode =
  | { k: 'lit'; value: CelLiteral; pos: number }
  | { k: 'ident'; name: string; pos: number }
  | { k: 'select'; operand: CelNode; field: string; pos: number }
  | { k: 'index'; operand: CelNode; index: CelNode; pos: number }
  | { k: 'call'; fn: string; target?: CelNode; args: CelNode[]; pos: number }
  | { k: 'list'; items: CelNode[]; pos: number }
  | { k: 'unary'; op: '!' | '-'; operand: CelNode; pos: number }
  | { k: 'binary'; op: string; left: CelNode; right: CelNode; pos: number }
  | { k: 'cond'; test: CelNode; then: CelNode; else: CelNode; pos: number }
  | { k: 'has'; operand: CelNode; field: string; pos: number }
  | { k: 'comprehension'; macro: 'all' | 'exists' | 'exists_one' | 'map' | 'filter'; range: CelNode; variable: string; body: CelNode; pos: number };

/** Literal values: int as bigint, double as number. */
export type CelLiteral = bigint | number | string | boolean | null;

type TokKind = 'int' | 'uint' | 'double' | 'string' | 'bytes' | 'ident' | 'op' | 'eof';
interface Token {
  kind: TokKind;
  text: string;
  value?: CelLiteral;
  pos: number;
}

const RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package',
  'namespace', 'return', 'var', 'void', 'while',
]);
const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}'];

/** Formats a compile error the way cel-go does: message line, then the source line and a caret. */
export function compileErrorText(source: string, pos: number, msg: string): string {
  const before = source.slice(0, pos);
  const line = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const col = Array.from(source.slice(lineStart, pos)).length;
  const lineText = source.split('\n')[line - 1] ?? '';
  return `ERROR: <input>:${line}:${col + 1}: ${msg}\n | ${lineText}\n | ${'.'.repeat(col)}^`;
}

function unescapeString(body: string, raw: boolean, fail: (m: string) => never): string {
  if (raw) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'a': out += '\x07'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case '\\': out += '\\'; break;
      case "'": out += "'"; break;
      case '"': out += '"'; break;
      case '`': out += '`'; break;
      case '?': out += '?'; break;
      case 'x': case 'X': case 'u': case 'U': {
        const len = n === 'u' ? 4 : n === 'U' ? 8 : 2;
        const hex = body.slice(i + 1, i + 1 + len);
        if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) fail(`Syntax error: invalid escape sequence \\${n}${hex}`);
        out += String.fromCodePoint(parseInt(hex, 16));
        i += len;
        break;
      }
      default: {
        const oct = body.slice(i, i + 3);
        if (/^[0-3][0-7]{2}$/.test(oct)) {
          out += String.fromCodePoint(parseInt(oct, 8));
          i += 2;
        } else {
          fail(`Syntax error: invalid escape sequence \\${n ?? ''}`);
        }
      }
    }
  }
  return out;
}

function lex(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (pos: number, msg: string): never => {
    throw new CelCompileError(compileErrorText(source, pos, msg));
  };
  while (i < source.length) {
    const c = source[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i++;
      continue;
    }
    const start = i;
    // string / bytes literals with optional r/b prefixes
    const prefix = /^([rRbB]{0,2})(['"])/.exec(source.slice(i, i + 3));
    if (prefix && (prefix[1] === '' || /^[a-zA-Z]+$/.test(prefix[1] ?? '')) && !(prefix[1] !== '' && /[A-Za-z0-9_]/.test(source[i - 1] ?? ''))) {
      const flags = (prefix[1] ?? '').toLowerCase();
      if (/[^rb]/.test(flags)) fail(start, 'Syntax error: token recognition error');
      i += flags.length;
      const quote = source[i] ?? '';
      const triple = source.startsWith(quote.repeat(3), i);
      const delim = triple ? quote.repeat(3) : quote;
      i += delim.length;
      let body = '';
      for (;;) {
        if (i >= source.length) fail(start, 'Syntax error: token recognition error at: unterminated string');
        if (source.startsWith(delim, i)) break;
        if (!triple && source[i] === '\n') fail(start, 'Syntax error: token recognition error at: newline in string');
        if (source[i] === '\\' && !flags.includes('r')) {
          body += source.slice(i, i + 2);
          i += 2;
          continue;
        }
        body += source[i];
        i++;
      }
      i += delim.length;
      if (flags.includes('b')) fail(start, 'unsupported: bytes literals are not supported by the sandbox CEL subset');
      const value = unescapeString(body, flags.includes('r'), (m) => fail(start, m));
      tokens.push({ kind: 'string', text: source.slice(start, i), value, pos: start });
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+[uU]?|(\d+\.\d*|\.\d+)([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\d+[uU]?)/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      i += text.length;
      if (/[uU]$/.test(text)) fail(start, 'unsupported: unsigned integer literals are not supported by the sandbox CEL subset');
      if (/^0[xX]/.test(text) || /^\d+$/.test(text)) {
        const v = BigInt(text);
        if (v > 9223372036854775807n + 1n) fail(start, `invalid int literal: ${text}`);
        tokens.push({ kind: 'int', text, value: v, pos: start });
      } else {
        tokens.push({ kind: 'double', text, value: Number(text), pos: start });
      }
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const text = m?.[0] ?? c;
      i += text.length;
      tokens.push({ kind: 'ident', text, pos: start });
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op === undefined) fail(start, `Syntax error: token recognition error at: '${c}'`);
    else {
      tokens.push({ kind: 'op', text: op, pos: start });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '<EOF>', pos: source.length });
  return tokens;
}

const MACROS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const MAX_DEPTH = 250;

class Parser {
  private readonly tokens: Token[];
  private i = 0;
  private depth = 0;
  private readonly source: string;
  constructor(source: string) {
    this.source = source;
    this.tokens = lex(source);
  }
  private fail(pos: number, msg: string): never {
    throw new CelCompileError(compileErrorText(this.source, pos, msg));
  }
  private peek(): Token {
    return this.tokens[this.i] ?? { kind: 'eof', text: '<EOF>', pos: this.source.length };
  }
  private take(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i++;
    return t;
  }
  private isOp(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }
  private expect(text: string): Token {
    const t = this.take();
    if (t.kind !== 'op' || t.text !== text) this.fail(t.pos, `Syntax error: mismatched input '${t.text}' expecting '${text}'`);
    return t;
  }

  parseAll(): CelNode {
    if (this.peek().kind === 'eof') this.fail(0, "Syntax error: mismatched input '<EOF>' expecting expression");
    const e = this.expr();
    const t = this.peek();
    if (t.kind !== 'eof') this.fail(t.pos, `Syntax error: extraneous input '${t.text}' expecting <EOF>`);
    return e;
  }

  private expr(): CelNode {
    if (++this.depth > MAX_DEPTH) this.fail(this.peek().pos, 'expression recursion limit exceeded');
    try {
      const test = this.binary(0);
      if (!this.isOp('?')) return test;
      const q = this.take();
      const then = this.binary(0);
      this.expect(':');
      const otherwise = this.expr();
      return { k: 'cond', test, then, else: otherwise, pos: q.pos };
    } finally {
      this.depth--;
    }
  }

  private static readonly LEVELS: string[][] = [['||'], ['&&'], ['==', '!=', '<', '<=', '>', '>=', 'in'], ['+', '-'], ['*', '/', '%']];

  private binary(level: number): CelNode {
    const ops = Parser.LEVELS[level];
    if (ops === undefined) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const isIn = t.kind === 'ident' && t.text === 'in' && ops.includes('in');
      if (!(isIn || (t.kind === 'op' && ops.includes(t.text)))) return left;
      this.take();
      const right = this.binary(level + 1);
      left = { k: 'binary', op: t.text, left, right, pos: t.pos };
    }
  }

  private unary(): CelNode {
    const t = this.peek();
    if (t.kind === 'op' && (t.text === '!' || t.text === '-')) {
      this.take();
      if (t.text === '-') {
        const n = this.peek();
        if (n.kind === 'int' || n.kind === 'double') {
          // fold negative literals (so -9223372036854775808 is representable)
          this.take();
          const value = n.kind === 'int' ? -(n.value as bigint) : -(n.value as number);
          return this.member({ k: 'lit', value, pos: t.pos });
        }
      }
      return { k: 'unary', op: t.text, operand: this.unary(), pos: t.pos };
    }
    return this.member(this.primary());
  }

  private args(): CelNode[] {
    const args: CelNode[] = [];
    if (this.isOp(')')) {
      this.take();
      return args;
    }
    for (;;) {
      args.push(this.expr());
      if (this.isOp(',')) {
        this.take();
        continue;
      }
      this.expect(')');
      return args;
    }
  }

  private member(start: CelNode): CelNode {
    let node = start;
    for (;;) {
      if (this.isOp('.')) {
        const dot = this.take();
        const name = this.take();
        if (name.kind !== 'ident') this.fail(name.pos, `Syntax error: mismatched input '${name.text}' expecting IDENTIFIER`);
        if (this.isOp('(')) {
          this.take();
          const args = this.args();
          node = this.memberCall(node, name.text, args, dot.pos);
        } else {
          node = { k: 'select', operand: node, field: name.text, pos: dot.pos };
        }
      } else if (this.isOp('[')) {
        const b = this.take();
        const index = this.expr();
        this.expect(']');
        node = { k: 'index', operand: node, index, pos: b.pos };
      } else {
        return node;
      }
    }
  }

  private memberCall(target: CelNode, fn: string, args: CelNode[], pos: number): CelNode {
    if (MACROS.has(fn)) {
      if (args.length !== 2) this.fail(pos, `unsupported: macro '${fn}' takes exactly 2 arguments in the sandbox CEL subset`);
      const v = args[0];
      if (v?.k !== 'ident') this.fail(pos, `argument must be a simple name`);
      return { k: 'comprehension', macro: fn as 'all', range: target, variable: v.name, body: args[1] as CelNode, pos };
    }
    return { k: 'call', fn, target, args, pos };
  }

  private primary(): CelNode {
    const t = this.take();
    switch (t.kind) {
      case 'int':
      case 'double':
      case 'string':
        return { k: 'lit', value: t.value ?? null, pos: t.pos };
      case 'ident': {
        if (t.text === 'true' || t.text === 'false') return { k: 'lit', value: t.text === 'true', pos: t.pos };
        if (t.text === 'null') return { k: 'lit', value: null, pos: t.pos };
        if (t.text === 'in' || RESERVED.has(t.text)) this.fail(t.pos, `Syntax error: reserved identifier: ${t.text}`);
        if (this.isOp('(')) {
          this.take();
          const args = this.args();
          if (t.text === 'has') {
            const a = args[0];
            if (args.length !== 1 || a?.k !== 'select') this.fail(t.pos, 'invalid argument to has() macro');
            return { k: 'has', operand: a.operand, field: a.field, pos: t.pos };
          }
          return { k: 'call', fn: t.text, args, pos: t.pos };
        }
        return { k: 'ident', name: t.text, pos: t.pos };
      }
      case 'op':
        if (t.text === '(') {
          const e = this.expr();
          this.expect(')');
          return e;
        }
        if (t.text === '[') {
          const items: CelNode[] = [];
          while (!this.isOp(']')) {
            items.push(this.expr());
            if (this.isOp(',')) this.take();
            else break;
          }
          this.expect(']');
          return { k: 'list', items, pos: t.pos };
        }
        if (t.text === '{') this.fail(t.pos, 'unsupported: map literals are not supported by the sandbox CEL subset');
        if (t.text === '.') this.fail(t.pos, 'unsupported: qualified identifiers are not supported by the sandbox CEL subset');
        return this.fail(t.pos, `Syntax error: mismatched input '${t.text}' expecting expression`);
      default:
        return this.fail(t.pos, `Syntax error: mismatched input '${t.text}' expecting expression`);
    }
  }
}

/** Parses a CEL expression of the supported subset. @throws CelCompileError */
export function parseCel(source: string): CelNode {
  try {
    return new Parser(source).parseAll();
  } catch (e) {
    if (e instanceof RangeError) throw new CelCompileError(compileErrorText(source, 0, 'expression recursion limit exceeded'));
    throw e;
  }
}
