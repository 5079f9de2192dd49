/**
 * A small CEL (Common Expression Language) for `x-kubernetes-validations` rules of the sandbox's CRDs.
 *
 * Supported subset (anything else is a compile error, reported as a cause, never a crash):
 * - Literals: int (`42`, `-1`, `0x1F`), double (`1.5`, `1e3`), string (`'..'`, `".."`, triple-quoted, `r'raw'`,
 *   escapes `\n \t \\ \' \" \xHH \uHHHH \UHHHHHHHH \ooo`), bool (`true`, `false`), `null`, lists `[a, b]`.
 * - Variables: `self` (the value the rule is attached to) and `oldSelf` (rules using it are transition rules:
 *   they run only on update, when the old value exists).
 * - Field access `self.a.b`, index `self.list[0]`, `self.map['key']`; a missing field is the runtime error
 *   `no such key: <field>`. `has(self.a)` tests presence.
 * - Operators: unary `!` `-`; `* / %`; `+ -` (int, double, string and list `+`, duration `+ -`); comparisons
 *   `== != < <= > >=` (int and double compare with each other; strings, bools, durations); `in` (list or map key);
 *   `&&` `||` (with CEL's error absorption: `false && error` is false); `cond ? a : b`; parentheses.
 * - Functions: `size(x)` / `x.size()` (string code points, list, map); `x.matches(re)` (RE2 syntax run by the
 *   JavaScript engine, unanchored; a leading `(?i)` is honoured); `x.startsWith(s)`, `x.endsWith(s)`,
 *   `x.contains(s)`, `x.lowerAscii()`, `x.upperAscii()`, `x.trim()`; `duration(s)` (Go duration strings like
 *   `1h30m`, `1.5s`, `300ms`, `10µs`), `d.getHours()/getMinutes()/getSeconds()/getMilliseconds()`;
 *   conversions `int(x)`, `double(x)`, `string(x)`, `bool(x)`.
 * - Macros: `l.all(x, p)`, `l.exists(x, p)`, `l.exists_one(x, p)`, `l.filter(x, p)`, `l.map(x, e)` (on lists or map keys).
 *
 * Not supported: map literals `{..}`, message construction, `uint` and `bytes` literals, `timestamp()`, `type()`,
 * optional syntax (`?.`), the 3-argument `map` macro, `dyn()`, quantity/IP/URL/lists extension libraries, cost
 * limits, and static type checking against the schema (type errors surface at evaluation as `no such overload`).
 *
 * Value mapping from JSON: integers are CEL `int` (bigint), other numbers `double` (a schema of type `number`
 * makes every number a double, `integer` makes integral numbers ints), objects are maps, arrays lists.
 */
import { CelCompileError, compileErrorText, parseCel } from './cel-parser.ts';
import type { CelNode } from './cel-parser.ts';
import { CelDuration, CelEvalError, evalNode, GLOBAL_FUNCTIONS, MEMBER_FUNCTIONS, re2 } from './cel-eval.ts';
import type { CelValue } from './cel-eval.ts';
import type { JSONSchemaProps } from './schema-types.ts';

export { CelCompileError, CelEvalError, CelDuration };
export type { CelValue };

/** A compiled rule: evaluate it as many times as needed. */
export interface CelProgram {
  /** The rule text as given. */
  readonly source: string;
  /** True when the rule mentions `oldSelf` (a transition rule). */
  readonly usesOldSelf: boolean;
  /**
   * Evaluates with `self` (and `oldSelf` for transition rules), values already converted by {@link jsonToCel}.
   * @throws CelEvalError on a runtime error (missing key, overload, overflow, division by zero, bad regex...).
   */
  evaluate(vars: { self: CelValue; oldSelf?: CelValue }): CelValue;
}

/** Checks names and literal regexes; returns whether `oldSelf` is used. */
function check(node: CelNode, source: string, scope: ReadonlySet<string>): boolean {
  const fail = (pos: number, msg: string): never => {
    throw new CelCompileError(compileErrorText(source, pos, msg));
  };
  const visit = (n: CelNode, sc: ReadonlySet<string>): boolean => {
    switch (n.k) {
      case 'lit':
        return false;
      case 'ident':
        if (!sc.has(n.name)) fail(n.pos, `undeclared reference to '${n.name}' (in container '')`);
        return n.name === 'oldSelf';
      case 'select':
      case 'has':
        return visit(n.operand, sc);
      case 'index':
        return visit(n.operand, sc) || visit(n.index, sc);
      case 'list':
        return n.items.map((i) => visit(i, sc)).some(Boolean);
      case 'unary':
        return visit(n.operand, sc);
      case 'binary':
        return [visit(n.left, sc), visit(n.right, sc)].some(Boolean);
      case 'cond':
        return [visit(n.test, sc), visit(n.then, sc), visit(n.else, sc)].some(Boolean);
      case 'call': {
        const known = n.target === undefined ? GLOBAL_FUNCTIONS.has(n.fn) : MEMBER_FUNCTIONS.has(n.fn);
        if (!known) fail(n.pos, `undeclared reference to '${n.fn}' (in container '')`);
        if (n.fn === 'matches') {
          const pattern = n.args[0];
          if (pattern?.k === 'lit' && typeof pattern.value === 'string') {
            try {
              re2(pattern.value);
            } catch (e) {
              fail(pattern.pos, (e as Error).message);
            }
          }
        }
        if (n.fn === 'duration') {
          const arg = n.args[0];
          if (arg?.k === 'lit' && typeof arg.value === 'string') {
            try {
              evalNode(n, new Map());
            } catch (e) {
              fail(arg.pos, (e as Error).message);
            }
          }
        }
        const t = n.target === undefined ? false : visit(n.target, sc);
        return [t, ...n.args.map((a) => visit(a, sc))].some(Boolean);
      }
      case 'comprehension': {
        if (sc.has(n.variable) && (n.variable === 'self' || n.variable === 'oldSelf')) fail(n.pos, `variable '${n.variable}' shadows a declared variable`);
        const inner = new Set(sc);
        inner.add(n.variable);
        return [visit(n.range, sc), visit(n.body, inner)].some(Boolean);
      }
    }
  };
  return visit(node, scope);
}

/**
 * Compiles a rule. @param variables names in scope (default `self` and `oldSelf`).
 * @throws CelCompileError with a cel-go style report (`ERROR: <input>:1:5: ...` + source line + caret).
 */
export function compileCel(source: string, variables: readonly string[] = ['self', 'oldSelf']): CelProgram {
  const ast = parseCel(source);
  const usesOldSelf = check(ast, source, new Set(variables));
  return {
    source,
    usesOldSelf,
    evaluate(vars) {
      const scope = new Map<string, CelValue>([['self', vars.self]]);
      if (vars.oldSelf !== undefined) scope.set('oldSelf', vars.oldSelf);
      try {
        return evalNode(ast, scope);
      } catch (e) {
        if (e instanceof CelEvalError) throw e;
        // defensive: never let an evaluator bug escape as a crash
        throw new CelEvalError(`internal error: ${(e as Error).message}`);
      }
    },
  };
}

const programCache = new Map<string, CelProgram | CelCompileError>();

/**
 * Like {@link compileCel} with `self`/`oldSelf`, memoised by rule text (CRD rules are compiled once).
 * @throws CelCompileError
 */
export function compileCached(source: string): CelProgram {
  let entry = programCache.get(source);
  if (entry === undefined) {
    try {
      entry = compileCel(source);
    } catch (e) {
      if (!(e instanceof CelCompileError)) throw e;
      entry = e;
    }
    if (programCache.size > 1000) programCache.clear();
    programCache.set(source, entry);
  }
  if (entry instanceof CelCompileError) throw entry;
  return entry;
}

/**
 * Converts a JSON value to CEL, guided by its schema when known (see the header for the number mapping).
 * Objects become null-prototype-free plain maps; `undefined` becomes `null`.
 */
export function jsonToCel(value: unknown, schema?: JSONSchemaProps): CelValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (schema?.type === 'number') return value;
    return Number.isInteger(value) && Number.isSafeInteger(value) ? BigInt(value) : value;
  }
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => jsonToCel(v, schema?.items));
  if (typeof value === 'object') {
    const out: Record<string, CelValue> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const sub = schema?.properties?.[k] ?? (typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      Object.defineProperty(out, k, { value: jsonToCel(v, sub), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return null;
}
