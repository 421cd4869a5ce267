import { describe, expect, it } from "vitest";
import { StringPool } from "./string-pool";

describe("StringPool", () => {
  it("hands back each value as it came, keeping one copy of each", () => {
    const pool = new StringPool();
    expect(pool.share("jabber:client")).toBe("jabber:client");
    expect(pool.share(["jabber", "client"].join(":"))).toBe("jabber:client");
    expect(pool.share(undefined)).toBeUndefined();
    expect(pool.size).toBe(1);
  });

  it("stops growing at its limit: a new address in every stanza is kept, not pooled", () => {
    const pool = new StringPool(3);
    const addresses = Array.from({ length: 10 }, (_, i) => `user${i}@example.org`);
    expect(addresses.map((address) => pool.share(address))).toEqual(addresses);
    expect(pool.size).toBe(3);
    pool.clear();
    expect(pool.size).toBe(0);
  });
});
