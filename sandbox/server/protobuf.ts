/**
 * A minimal protocol-buffers (proto3) writer: just enough wire format to encode the gnostic OpenAPI v2
 * document kubectl downloads (strings, bools and nested messages). No decoding, no schema: callers name the field
 * numbers.
 */

/** Varint bytes of a non-negative integer below 2^53. */
function varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

/** Builds one message; fields are written in call order. Zero-valued scalars are skipped, like proto3. */
export class ProtoWriter {
  private readonly parts: Buffer[] = [];

  private tag(field: number, wireType: number): void {
    this.parts.push(Buffer.from(varint(field * 8 + wireType)));
  }

  private bytes(field: number, data: Buffer): this {
    this.tag(field, 2);
    this.parts.push(Buffer.from(varint(data.length)), data);
    return this;
  }

  /** A string field (skipped when empty). */
  string(field: number, value: string | undefined): this {
    if (value === undefined || value === '') return this;
    return this.bytes(field, Buffer.from(value, 'utf8'));
  }

  /** A repeated string field. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const v of values ?? []) this.bytes(field, Buffer.from(v, 'utf8'));
    return this;
  }

  /** A bool field (skipped when false). */
  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, 0);
    this.parts.push(Buffer.from([1]));
    return this;
  }

  /** A nested message field, written even when empty (presence matters for messages). */
  message(field: number, m: ProtoWriter): this {
    return this.bytes(field, m.finish());
  }

  /** The encoded message. */
  finish(): Buffer {
    return Buffer.concat(this.parts);
  }
}
