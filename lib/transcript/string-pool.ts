/**
 * One copy of each string that many entries repeat (a direction, a kind, a namespace, the
 * session's own addresses). Entries read back from IndexedDB come out of structured clone with
 * a string of their own for every field, and JSON.parse shares only the shortest values, so a
 * million entries held a million copies of "jabber:client" and of each JID. Bounded: past
 * `limit` distinct values (a hostile server can send a new address in every stanza) new ones
 * are kept as they came, and the pool does not grow.
 */
export class StringPool {
  private readonly pooled = new Map<string, string>();

  constructor(private readonly limit = 4096) {}

  share<T extends string | undefined>(value: T): T {
    if (value === undefined) return value;
    const held = this.pooled.get(value);
    if (held !== undefined) return held as T;
    if (this.pooled.size < this.limit) this.pooled.set(value, value);
    return value;
  }

  get size(): number {
    return this.pooled.size;
  }

  clear(): void {
    this.pooled.clear();
  }
}
