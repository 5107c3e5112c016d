import fc from 'fast-check';

/** Damage done to a byte stream by a noisy line: a flipped, dropped or inserted byte at a position. */
export type Mutation = [position: number, kind: 'flip' | 'drop' | 'insert', value: number];

export const mutationArb: fc.Arbitrary<Mutation> = fc.tuple(
  fc.nat(),
  fc.constantFrom('flip' as const, 'drop' as const, 'insert' as const),
  fc.integer({ min: 0, max: 255 }),
);

/** The stream after the mutations, applied in turn (never empty). */
export function mutate(stream: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  const bytes = [...stream];
  for (const [position, kind, value] of mutations) {
    const at = position % Math.max(bytes.length, 1);
    if (kind === 'flip') bytes[at] = (bytes[at] ?? 0) ^ (value || 1);
    else if (kind === 'drop') bytes.splice(at, 1);
    else bytes.splice(at, 0, value);
    if (bytes.length === 0) bytes.push(value);
  }
  return Uint8Array.from(bytes);
}
