/**
 * Evaluator of the CEL subset parsed by ./cel-parser.ts. Values: int = bigint, double = number, string, bool,
 * null, list = array, map/object = plain object (string keys), duration = {@link CelDuration}.
 * Runtime failures throw {@link CelEvalError} with cel-go's wording (`no such key: x`, `no such overload`, ...).
 */
import { parseGoDuration as parseApiDuration } from '../../api/duration.ts';
import type { CelNode } from './cel-parser.ts';

/** A runtime error of a rule (kube reports it as `<message> evaluating rule: <rule>`). */
export class CelEvalError extends Error {
  override readonly name = 'CelEvalError';
  /** @param message cel-go-like text, e.g. `no such key: minReplicas`. */
  constructor(message: string) {
    super(message);
  }
}

/** A CEL duration (google.protobuf.Duration), in nanoseconds. */
export class CelDuration {
  readonly nanos: bigint;
  /** @param nanos signed length in nanoseconds. */
  constructor(nanos: bigint) {
    this.nanos = nanos;
  }
}

/** Any value the evaluator handles. */
export type CelValue = bigint | number | string | boolean | null | CelValue[] | CelDuration | { [k: string]: CelValue };

const INT_MIN = -(2n ** 63n);
const INT_MAX = 2n ** 63n - 1n;
const DURATION_MAX = 315576000000n * 1_000_000_000n; // 10000 years, cel-go's limit

function isMap(v: unknown): v is Record<string, CelValue> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof CelDuration);
}

/** The CEL type name of a value, for overload errors and `type()`-like messages. */
export function celTypeName(v: CelValue): string {
  if (v === null) return 'null_type';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'double';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'list';
  if (v instanceof CelDuration) return 'google.protobuf.Duration';
  return 'map';
}

function noOverload(fn: string, ...args: CelValue[]): never {
  throw new CelEvalError(`no such overload: ${fn}(${args.map(celTypeName).join(', ')})`);
}

function checkInt(v: bigint): bigint {
  if (v < INT_MIN || v > INT_MAX) throw new CelEvalError('integer overflow');
  return v;
}

function checkDuration(n: bigint): CelDuration {
  if (n > DURATION_MAX || n < -DURATION_MAX) throw new CelEvalError('duration out of range');
  return new CelDuration(n);
}

/** Parses a Go duration string (`1h30m`, `1.5s`, `-2ms`, `0`) with api/'s time.ParseDuration; errors as cel-go words them. */
export function parseGoDuration(text: string): CelDuration {
  const r = parseApiDuration(text);
  if (!r.ok) throw new CelEvalError(`invalid duration: ${r.error}`);
  return checkDuration(r.ns);
}

/** Formats a duration the way CEL's string(duration) does: seconds with an `s` suffix (`90s`, `1.5s`). */
export function formatDuration(d: CelDuration): string {
  const neg = d.nanos < 0n;
  const abs = neg ? -d.nanos : d.nanos;
  const secs = abs / 1_000_000_000n;
  const frac = abs % 1_000_000_000n;
  const fracText = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${neg ? '-' : ''}${secs}${fracText}s`;
}

const regexCache = new Map<string, RegExp>();

/**
 * Translates an RE2 pattern to a JavaScript RegExp (unanchored search, like RE2's MatchString). A leading `(?i)`
 * / `(?s)` / `(?m)` flag group becomes a JS flag. @throws CelEvalError for patterns JS cannot compile.
 */
export function re2(pattern: string): RegExp {
  const cached = regexCache.get(pattern);
  if (cached) return cached;
  let body = pattern;
  let flags = '';
  const lead = /^\(\?([ims]+)\)/.exec(body);
  if (lead) {
    flags = lead[1] ?? '';
    body = body.slice(lead[0].length);
  }
  let re: RegExp;
  try {
    re = new RegExp(body, `${flags}u`);
  } catch {
    try {
      re = new RegExp(body, flags);
    } catch (e) {
      throw new CelEvalError(`invalid regular expression: ${pattern}: ${(e as Error).message}`);
    }
  }
  if (regexCache.size > 500) regexCache.clear();
  regexCache.set(pattern, re);
  return re;
}

/** CEL equality: numeric across int/double, deep for lists and maps. */
export function celEquals(a: CelValue, b: CelValue): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) {
    return compareNumbers(a, b) === 0;
  }
  if (a instanceof CelDuration && b instanceof CelDuration) return a.nanos === b.nanos;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => celEquals(x, b[i] as CelValue));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && celEquals(a[k] as CelValue, b[k] as CelValue));
  }
  return a === b;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return NaN;
  return x < y ? -1 : x > y ? 1 : 0;
}

function compare(op: string, a: CelValue, b: CelValue): boolean {
  let c: number;
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) c = compareNumbers(a, b);
  else if (typeof a === 'string' && typeof b === 'string') c = a < b ? -1 : a > b ? 1 : 0;
  else if (typeof a === 'boolean' && typeof b === 'boolean') c = Number(a) - Number(b);
  else if (a instanceof CelDuration && b instanceof CelDuration) c = a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  else return noOverload(op, a, b);
  if (Number.isNaN(c)) return false;
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

function arith(op: string, a: CelValue, b: CelValue): CelValue {
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+': return checkInt(a + b);
      case '-': return checkInt(a - b);
      case '*': return checkInt(a * b);
      case '/':
        if (b === 0n) throw new CelEvalError('division by zero');
        return checkInt(a / b);
      default:
        if (b === 0n) throw new CelEvalError('modulus by zero');
        return a % b;
    }
  }
  if (typeof a === 'number' && typeof b === 'number' && op !== '%') {
    return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  }
  if (op === '+' && typeof a === 'string' && typeof b === 'string') return a + b;
  if (op === '+' && Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (a instanceof CelDuration && b instanceof CelDuration && (op === '+' || op === '-')) {
    return checkDuration(op === '+' ? a.nanos + b.nanos : a.nanos - b.nanos);
  }
  return noOverload(`_${op}_`, a, b);
}

function toInt(v: CelValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v >= 2 ** 63 || v < -(2 ** 63)) throw new CelEvalError('double is out of range for int');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v)) throw new CelEvalError(`cannot convert string to int: ${JSON.stringify(v)}`);
    return checkInt(BigInt(v));
  }
  if (v instanceof CelDuration) return v.nanos;
  return noOverload('int', v);
}

function toDouble(v: CelValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') {
    const n = Number(v);
    if (v.trim() === '' || Number.isNaN(n)) throw new CelEvalError(`cannot convert string to double: ${JSON.stringify(v)}`);
    return n;
  }
  return noOverload('double', v);
}

function toStr(v: CelValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return String(v);
  if (v instanceof CelDuration) return formatDuration(v);
  return noOverload('string', v);
}

function size(v: CelValue): bigint {
  if (typeof v === 'string') return BigInt(Array.from(v).length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  return noOverload('size', v);
}

function wantString(fn: string, v: CelValue, ...rest: CelValue[]): string {
  if (typeof v !== 'string') return noOverload(fn, v, ...rest);
  return v;
}

function durationPart(fn: string, d: CelValue, unit: bigint): bigint {
  if (!(d instanceof CelDuration)) return noOverload(fn, d);
  return d.nanos / unit;
}

/** Member (receiver) functions. */
function callMember(fn: string, target: CelValue, args: CelValue[]): CelValue {
  const a0 = args[0] as CelValue;
  const need = (n: number): void => {
    if (args.length !== n) noOverload(fn, target, ...args);
  };
  switch (fn) {
    case 'size':
      need(0);
      return size(target);
    case 'matches':
      need(1);
      return re2(wantString(fn, a0)).test(wantString(fn, target, a0));
    case 'startsWith':
      need(1);
      return wantString(fn, target, a0).startsWith(wantString(fn, a0));
    case 'endsWith':
      need(1);
      return wantString(fn, target, a0).endsWith(wantString(fn, a0));
    case 'contains':
      need(1);
      return wantString(fn, target, a0).includes(wantString(fn, a0));
    case 'lowerAscii':
      need(0);
      return wantString(fn, target).replace(/[A-Z]/g, (c) => c.toLowerCase());
    case 'upperAscii':
      need(0);
      return wantString(fn, target).replace(/[a-z]/g, (c) => c.toUpperCase());
    case 'trim':
      need(0);
      return wantString(fn, target).trim();
    case 'getHours':
      need(0);
      return durationPart(fn, target, 3600_000_000_000n);
    case 'getMinutes':
      need(0);
      return durationPart(fn, target, 60_000_000_000n);
    case 'getSeconds':
      need(0);
      return durationPart(fn, target, 1_000_000_000n);
    case 'getMilliseconds':
      need(0);
      return durationPart(fn, target, 1_000_000n);
    default:
      throw new CelEvalError(`no such overload: ${fn}`);
  }
}

/** Global functions. */
function callGlobal(fn: string, args: CelValue[]): CelValue {
  const a0 = args[0] as CelValue;
  if (args.length !== 1) return noOverload(fn, ...args);
  switch (fn) {
    case 'size':
      return size(a0);
    case 'int':
      return toInt(a0);
    case 'double':
      return toDouble(a0);
    case 'string':
      return toStr(a0);
    case 'bool':
      if (typeof a0 === 'boolean') return a0;
      if (a0 === 'true' || a0 === 'false') return a0 === 'true';
      return noOverload(fn, a0);
    case 'duration':
      if (a0 instanceof CelDuration) return a0;
      return parseGoDuration(wantString(fn, a0));
    case 'matches':
      return noOverload(fn, ...args);
    default:
      throw new CelEvalError(`no such overload: ${fn}`);
  }
}

/** Names of functions the evaluator knows: global and member. Used for compile-time checks. */
export const GLOBAL_FUNCTIONS: ReadonlySet<string> = new Set(['size', 'int', 'double', 'string', 'bool', 'duration']);
export const MEMBER_FUNCTIONS: ReadonlySet<string> = new Set([
  'size', 'matches', 'startsWith', 'endsWith', 'contains', 'lowerAscii', 'upperAscii', 'trim',
  'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds',
]);

/** Evaluates an AST with the given variables (`self`, `oldSelf`, macro variables). */
export function evalNode(node: CelNode, vars: ReadonlyMap<string, CelValue>): CelValue {
  switch (node.k) {
    case 'lit':
      if (typeof node.value === 'bigint') checkInt(node.value);
      return node.value;
    case 'ident': {
      if (!vars.has(node.name)) throw new CelEvalError(`undeclared reference to '${node.name}'`);
      return vars.get(node.name) as CelValue;
    }
    case 'select': {
      const v = evalNode(node.operand, vars);
      if (!isMap(v)) return noOverload(`.${node.field}`, v);
      if (!Object.hasOwn(v, node.field)) throw new CelEvalError(`no such key: ${node.field}`);
      return v[node.field] as CelValue;
    }
    case 'has': {
      const v = evalNode(node.operand, vars);
      if (!isMap(v)) return noOverload('has', v);
      return Object.hasOwn(v, node.field);
    }
    case 'index': {
      const v = evalNode(node.operand, vars);
      const i = evalNode(node.index, vars);
      if (Array.isArray(v)) {
        const idx = typeof i === 'bigint' ? i : typeof i === 'number' && Number.isInteger(i) ? BigInt(i) : noOverload('_[_]', v, i);
        if (idx < 0n || idx >= BigInt(v.length)) throw new CelEvalError(`index out of bounds: ${idx}`);
        return v[Number(idx)] as CelValue;
      }
      if (isMap(v)) {
        if (typeof i !== 'string') return noOverload('_[_]', v, i);
        if (!Object.hasOwn(v, i)) throw new CelEvalError(`no such key: ${i}`);
        return v[i] as CelValue;
      }
      return noOverload('_[_]', v, i);
    }
    case 'list':
      return node.items.map((n) => evalNode(n, vars));
    case 'unary': {
      const v = evalNode(node.operand, vars);
      if (node.op === '!') return typeof v === 'boolean' ? !v : noOverload('!_', v);
      if (typeof v === 'bigint') return checkInt(-v);
      if (typeof v === 'number') return -v;
      if (v instanceof CelDuration) return checkDuration(-v.nanos);
      return noOverload('-_', v);
    }
    case 'cond': {
      const t = evalNode(node.test, vars);
      if (typeof t !== 'boolean') return noOverload('_?_:_', t);
      return evalNode(t ? node.then : node.else, vars);
    }
    case 'binary':
      return evalBinary(node.op, node.left, node.right, vars);
    case 'call': {
      if (node.target !== undefined) {
        const target = evalNode(node.target, vars);
        return callMember(node.fn, target, node.args.map((a) => evalNode(a, vars)));
      }
      return callGlobal(node.fn, node.args.map((a) => evalNode(a, vars)));
    }
    case 'comprehension':
      return evalComprehension(node, vars);
  }
}

/** Logical operators absorb errors like CEL: `false && error` is false, `true || error` is true. */
function logical(op: '&&' | '||', left: CelNode, right: CelNode, vars: ReadonlyMap<string, CelValue>): boolean {
  const short = op === '||';
  let lErr: unknown;
  let l: CelValue = null;
  try {
    l = evalNode(left, vars);
  } catch (e) {
    lErr = e;
  }
  if (lErr === undefined && l === short) return short;
  const r = evalNode(right, vars);
  if (r === short) return short;
  if (lErr !== undefined) throw lErr;
  if (typeof l !== 'boolean' || typeof r !== 'boolean') return noOverload(op, l, r);
  return !short;
}

function evalBinary(op: string, left: CelNode, right: CelNode, vars: ReadonlyMap<string, CelValue>): CelValue {
  if (op === '&&' || op === '||') return logical(op, left, right, vars);
  const a = evalNode(left, vars);
  const b = evalNode(right, vars);
  switch (op) {
    case '==':
      return celEquals(a, b);
    case '!=':
      return !celEquals(a, b);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return compare(op, a, b);
    case 'in':
      if (Array.isArray(b)) return b.some((x) => celEquals(a, x));
      if (isMap(b)) return typeof a === 'string' && Object.hasOwn(b, a);
      return noOverload('@in', a, b);
    default:
      return arith(op, a, b);
  }
}

function evalComprehension(node: Extract<CelNode, { k: 'comprehension' }>, vars: ReadonlyMap<string, CelValue>): CelValue {
  const range = evalNode(node.range, vars);
  const items: CelValue[] = Array.isArray(range) ? range : isMap(range) ? Object.keys(range) : noOverload(node.macro, range);
  const scope = new Map(vars);
  const run = (item: CelValue): CelValue => {
    scope.set(node.variable, item);
    return evalNode(node.body, scope);
  };
  const asBool = (v: CelValue): boolean => (typeof v === 'boolean' ? v : noOverload(node.macro, v));
  switch (node.macro) {
    case 'all': {
      let err: unknown;
      for (const item of items) {
        try {
          if (!asBool(run(item))) return false;
        } catch (e) {
          err ??= e;
        }
      }
      if (err !== undefined) throw err;
      return true;
    }
    case 'exists': {
      let err: unknown;
      for (const item of items) {
        try {
          if (asBool(run(item))) return true;
        } catch (e) {
          err ??= e;
        }
      }
      if (err !== undefined) throw err;
      return false;
    }
    case 'exists_one':
      return items.filter((item) => asBool(run(item))).length === 1;
    case 'filter':
      return items.filter((item) => asBool(run(item)));
    case 'map':
      return items.map(run);
  }
}
