/**
 * Kubernetes resource quantities (apimachinery `resource.Quantity`) as CPU nanocores. The seed
 * skipped every CPU value that was not a whole number of cores (seed-spec.md 8); we parse them all.
 * Pure.
 */

/** Result of {@link parseCpuNanoCores}: nanocores (an integer), or the reason the text is not a quantity. */
export type QuantityParseResult = { ok: true; nanoCores: number } | { ok: false; error: string };

const DECIMAL_SUFFIX: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const BINARY_SUFFIX: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);

// <sign><digits>[.<digits>]<suffix>, where suffix is SI, binary or a decimal exponent (e/E).
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;
const MAX_EXPONENT = 40;

/**
 * Parses a Kubernetes quantity (`250m`, `12345678n`, `1`, `1.5`, `2k`, `100u`, `1e3`, `1Ki`, ...)
 * into CPU nanocores (1 core = 1e9). Fractions of a nanocore round up, as Kubernetes does when it
 * scales a quantity down. Never throws: garbage, empty text, or a value beyond
 * Number.MAX_SAFE_INTEGER nanocores gives `{ ok: false, error }`.
 */
export function parseCpuNanoCores(text: string): QuantityParseResult {
  const fail = (why: string): QuantityParseResult => ({ ok: false, error: `invalid quantity ${JSON.stringify(text)}: ${why}` });
  if (typeof text !== 'string') return fail('not a string');
  const m = QUANTITY.exec(text.trim());
  if (m === null) return fail('expected <number><suffix>');
  const [, sign, number, exponent, suffix] = m as unknown as [string, string, string, string | undefined, string | undefined];
  const [intPart, fracPart = ''] = number.split('.') as [string, string?];
  let mantissa = BigInt(`${intPart}${fracPart}` || '0');
  let pow10 = 9 - fracPart.length; // to nanocores
  let pow2 = 0;
  if (exponent !== undefined) {
    const e = Number(exponent.slice(1));
    if (Math.abs(e) > MAX_EXPONENT) return fail('exponent out of range');
    pow10 += e;
  } else if (suffix !== undefined && BINARY_SUFFIX.has(suffix)) {
    pow2 = BINARY_SUFFIX.get(suffix) as number;
  } else {
    pow10 += DECIMAL_SUFFIX.get(suffix ?? '') as number;
  }
  mantissa *= 1n << BigInt(pow2);
  let value: bigint;
  if (pow10 >= 0) {
    value = mantissa * 10n ** BigInt(pow10);
  } else {
    const divisor = 10n ** BigInt(-pow10);
    value = (mantissa + divisor - 1n) / divisor; // round up
  }
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) return fail('too large');
  const n = Number(value);
  return { ok: true, nanoCores: sign === '-' && n !== 0 ? -n : n };
}

/** Converts nanocores to cores (floating point), e.g. for logs and the seed's average_cpu gauge. */
export function nanoCoresToCores(nanoCores: number): number {
  return nanoCores / 1e9;
}

/** Formats nanocores as the shortest exact quantity among `<n>`, `<n>m`, `<n>n` (e.g. 250000000 -> "250m"). */
export function formatNanoCores(nanoCores: number): string {
  if (nanoCores % 1e9 === 0) return `${nanoCores / 1e9}`;
  if (nanoCores % 1e6 === 0) return `${nanoCores / 1e6}m`;
  return `${nanoCores}n`;
}
