/** The fields of a Redis stream entry (`[k1, v1, k2, v2 …]`, as ioredis returns them) as a map of buffers. */
export function entryFields(raw: readonly Buffer[]): Map<string, Buffer> {
  const fields = new Map<string, Buffer>();
  for (let i = 0; i + 1 < raw.length; i += 2) fields.set(raw[i]!.toString(), raw[i + 1]!);
  return fields;
}
