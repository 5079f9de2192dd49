/**
 * Kubernetes label selectors: the text grammar of `?labelSelector=` (k8s.io/apimachinery/pkg/labels) and the
 * object form of `spec.selector` (metav1.LabelSelector), with kube-apiserver's error texts.
 *
 * Grammar: requirements separated by `,` (AND). Each is `key`, `!key`, `key=v`, `key==v`, `key!=v`,
 * `key in (v1,v2)`, `key notin (v1)`, `key>N`, `key<N`. Whitespace is insignificant around tokens.
 */
import { SelectorError } from './selector-error.ts';
import { isQualifiedName, isValidLabelValue } from './kube-validation.ts';
import { formatBadValue } from './field-error.ts';

/** Operators, spelled as k8s.io/apimachinery/pkg/selection spells them. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** One ANDed requirement. `values` is sorted and de-duplicated for `in`/`notin`, one item for `=`/`==`/`!=`/`gt`/`lt`, empty otherwise. */
export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export { SelectorError };

type Tok = 'id' | 'in' | 'notin' | '!' | '!=' | '(' | ')' | ',' | '=' | '==' | '>' | '<' | 'eos' | 'error';
interface Item {
  tok: Tok;
  lit: string;
}

const SYMBOLS = new Set(['!', '!=', '(', ')', ',', '=', '==', '>', '<']);
const isSpecial = (c: string): boolean => c === '=' || c === '!' || c === '(' || c === ')' || c === ',' || c === '>' || c === '<';
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(text: string): Item[] {
  const items: Item[] = [];
  const chars = Array.from(text);
  let i = 0;
  for (;;) {
    while (i < chars.length && isSpace(chars[i] ?? '')) i++;
    const ch = chars[i];
    if (ch === undefined) {
      items.push({ tok: 'eos', lit: '' });
      return items;
    }
    if (isSpecial(ch)) {
      // longest symbol match, like kube's scanner
      let buffer = '';
      let last: string | undefined;
      while (i < chars.length && isSpecial(chars[i] ?? '')) {
        const next = buffer + (chars[i] ?? '');
        if (SYMBOLS.has(next)) {
          buffer = next;
          last = next;
          i++;
        } else if (last !== undefined) {
          break;
        } else {
          buffer = next;
          i++;
        }
      }
      if (last === undefined) {
        items.push({ tok: 'error', lit: `error expected: keyword found '${buffer}'` });
        items.push({ tok: 'eos', lit: '' });
        return items;
      }
      items.push({ tok: last as Tok, lit: last });
      continue;
    }
    let word = '';
    while (i < chars.length && !isSpace(chars[i] ?? '') && !isSpecial(chars[i] ?? '')) word += chars[i++];
    items.push({ tok: word === 'in' ? 'in' : word === 'notin' ? 'notin' : 'id', lit: word });
  }
}

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Parser {
  private readonly items: Item[];
  private pos = 0;
  constructor(text: string) {
    this.items = lex(text);
  }
  /** In a "values" context the keywords `in`/`notin` are plain identifiers (kube does the same). */
  private view(item: Item, values: boolean): Item {
    if (values && (item.tok === 'in' || item.tok === 'notin')) return { tok: 'id', lit: item.lit };
    return item;
  }
  peek(values: boolean): Item {
    return this.view(this.items[this.pos] ?? { tok: 'eos', lit: '' }, values);
  }
  next(values: boolean): Item {
    const item = this.peek(values);
    if (this.pos < this.items.length - 1) this.pos++;
    return item;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const look = this.peek(true);
      if (look.tok === 'eos') return reqs;
      if (look.tok !== 'id' && look.tok !== '!') {
        throw new SelectorError(`found '${look.lit}', expected: !, identifier, or 'end of string'`);
      }
      let req: LabelRequirement;
      try {
        req = this.requirement();
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      reqs.push(req);
      const sep = this.next(true);
      if (sep.tok === 'eos') return reqs;
      if (sep.tok !== ',') throw new SelectorError(`found '${sep.lit}', expected: ',' or 'end of string'`);
      const after = this.peek(true);
      if (after.tok !== 'id' && after.tok !== '!') {
        throw new SelectorError(`found '${after.lit}', expected: identifier after ','`);
      }
    }
  }

  private requirement(): LabelRequirement {
    let tok = this.next(true);
    let negated = false;
    if (tok.tok === '!') {
      negated = true;
      tok = this.next(true);
    }
    if (tok.tok !== 'id') throw new SelectorError(`found '${tok.lit}', expected: identifier`);
    const key = tok.lit;
    const keyErrs = isQualifiedName(key);
    if (keyErrs.length > 0) throw new SelectorError(`<nil>: Invalid value: ${formatBadValue(key)}: ${keyErrs.join('; ')}`);
    const look = this.peek(true);
    if (negated || look.tok === 'eos' || look.tok === ',') {
      return build(key, negated ? '!' : 'exists', [], '');
    }
    const opTok = this.next(false);
    let op: LabelOperator;
    switch (opTok.tok) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
        op = opTok.tok;
        break;
      case '>':
        op = 'gt';
        break;
      case '<':
        op = 'lt';
        break;
      default:
        throw new SelectorError(`found '${opTok.lit}', expected: ${BINARY_OPERATORS}`);
    }
    const values = op === 'in' || op === 'notin' ? this.setValues() : this.exactValue();
    return build(key, op, values, '');
  }

  private setValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new SelectorError(`found '${open.lit}' expected: '('`);
    const look = this.peek(true);
    if (look.tok === ')') {
      this.next(true);
      return [''];
    }
    if (look.tok !== 'id' && look.tok !== ',') throw new SelectorError(`found '${look.lit}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    if (this.next(true).tok !== ')') throw new SelectorError(`found '${look.lit}', expected: ')'`);
    return values;
  }

  private identifierList(): string[] {
    const set = new Set<string>();
    for (;;) {
      const tok = this.next(true);
      if (tok.tok === 'id') {
        set.add(tok.lit);
        const after = this.peek(true);
        if (after.tok === ',') continue;
        if (after.tok === ')') return [...set];
        throw new SelectorError(`found '${after.lit}', expected: ',' or ')'`);
      } else if (tok.tok === ',') {
        if (set.size === 0) set.add('');
        const after = this.peek(true);
        if (after.tok === ')') {
          set.add('');
          return [...set];
        }
        if (after.tok === ',') {
          this.next(true);
          set.add('');
        }
      } else {
        throw new SelectorError(`found '${tok.lit}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const look = this.peek(true);
    if (look.tok === 'eos' || look.tok === ',') return [''];
    const tok = this.next(true);
    if (tok.tok === 'id') return [tok.lit];
    throw new SelectorError(`found '${tok.lit}', expected: identifier`);
  }
}

/**
 * Validates and normalises one requirement like kube's NewRequirement. `path` prefixes the field paths of the
 * error texts ('' for text selectors, where kube prints key errors with a `<nil>` path).
 */
function build(key: string, operator: LabelOperator, rawValues: string[], path: string): LabelRequirement {
  const errs: string[] = [];
  const child = (c: string): string => (path === '' ? c : `${path}.${c}`);
  const keyErrs = isQualifiedName(key);
  if (keyErrs.length > 0) errs.push(`${child('key')}: Invalid value: ${formatBadValue(key)}: ${keyErrs.join('; ')}`);
  const values = operator === 'in' || operator === 'notin' ? [...new Set(rawValues)].sort() : rawValues;
  const valuesPath = child('values');
  const slice = { goStringSlice: values };
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) errs.push(`${valuesPath}: Invalid value: ${formatBadValue(slice)}: for 'in', 'notin' operators, values set can't be empty`);
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) errs.push(`${valuesPath}: Invalid value: ${formatBadValue(slice)}: exact-match compatibility requires one single value`);
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) errs.push(`${valuesPath}: Invalid value: ${formatBadValue(slice)}: values set must be empty for exists and does not exist`);
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) errs.push(`${valuesPath}: Invalid value: ${formatBadValue(slice)}: for 'Gt', 'Lt' operators, exactly one value is required`);
      values.forEach((v, i) => {
        if (!/^[+-]?\d+$/.test(v)) errs.push(`${valuesPath}[${i}]: Invalid value: ${formatBadValue(v)}: for 'Gt', 'Lt' operators, the value must be an integer`);
      });
      break;
  }
  values.forEach((v, i) => {
    const vErrs = isValidLabelValue(v);
    if (vErrs.length > 0) errs.push(`${valuesPath}[${i}][${key}]: Invalid value: ${formatBadValue(v)}: ${vErrs.join('; ')}`);
  });
  if (errs.length === 1) throw new SelectorError(errs[0] ?? '');
  if (errs.length > 1) throw new SelectorError(`[${errs.join(', ')}]`);
  return { key, operator, values };
}

/**
 * Parses a label selector text (`?labelSelector=`). An empty or blank string selects everything (empty list).
 * @throws SelectorError with kube-apiserver's message, e.g. `unable to parse requirement: found '', expected: ',' or ')'`.
 */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const reqs = new Parser(text).parse();
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Converts a metav1.LabelSelector object (`matchLabels` + `matchExpressions` with operators In, NotIn, Exists,
 * DoesNotExist) into requirements. An empty object selects everything.
 * @throws SelectorError on an unknown operator (`"Foo" is not a valid label selector operator`) or invalid keys/values.
 */
export function labelSelectorFromObject(sel: {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push(build(k, '=', [v], ''));
  for (const expr of sel.matchExpressions ?? []) {
    const ops: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };
    const op = Object.hasOwn(ops, expr.operator) ? ops[expr.operator] : undefined;
    if (op === undefined) throw new SelectorError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    reqs.push(build(expr.key, op, expr.values ?? [], ''));
  }
  return reqs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function parseIntStrict(s: string): number | undefined {
  return /^[+-]?\d+$/.test(s) ? Number(s) : undefined;
}

/**
 * True when the labels satisfy every requirement (logical AND). Like kube, `key!=v` and `key notin (...)` also
 * match objects that lack the key; `gt`/`lt` need an integer label value.
 */
export function matchesLabels(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  const ls = labels ?? {};
  for (const r of reqs) {
    const has = Object.hasOwn(ls, r.key);
    const value = has ? ls[r.key] : undefined;
    let ok: boolean;
    switch (r.operator) {
      case 'in':
      case '=':
      case '==':
        ok = value !== undefined && r.values.includes(value);
        break;
      case 'notin':
      case '!=':
        ok = value === undefined || !r.values.includes(value);
        break;
      case 'exists':
        ok = has;
        break;
      case '!':
        ok = !has;
        break;
      case 'gt':
      case 'lt': {
        const lv = value === undefined ? undefined : parseIntStrict(value);
        const rv = parseIntStrict(r.values[0] ?? '');
        ok = lv !== undefined && rv !== undefined && (r.operator === 'gt' ? lv > rv : lv < rv);
        break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

/** Prints requirements in kube's canonical text form (`a=b,c in (x,y),!d`); `parseLabelSelector` reads it back. */
export function formatLabelSelector(reqs: LabelRequirement[]): string {
  return reqs
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case '!':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
        case 'gt':
          return `${r.key}>${r.values[0] ?? ''}`;
        case 'lt':
          return `${r.key}<${r.values[0] ?? ''}`;
        default:
          return `${r.key}${r.operator}${r.values[0] ?? ''}`;
      }
    })
    .join(',');
}
