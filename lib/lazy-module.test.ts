import { describe, expect, it } from "vitest";
import { lazyModule } from "./lazy-module";

describe("lazyModule", () => {
  it("loads once on first ask, is null until then, and tells its subscribers when it arrives", async () => {
    let imports = 0;
    const lazy = lazyModule(async () => ({ answer: ++imports }));
    expect(lazy.current()).toBeNull();
    expect(imports).toBe(0);
    let told = 0;
    const stop = lazy.subscribe(() => told++);
    const [first, second] = await Promise.all([lazy.load(), lazy.load()]);
    expect(first).toBe(second);
    expect(imports).toBe(1);
    expect(told).toBe(1);
    expect(lazy.current()).toEqual({ answer: 1 });
    stop();
  });

  it("a failed load can be tried again (a chunk lost to a deploy or a dropped connection)", async () => {
    let attempts = 0;
    const lazy = lazyModule(async () => {
      attempts++;
      if (attempts === 1) throw new Error("ChunkLoadError");
      return { ok: true };
    });
    await expect(lazy.load()).rejects.toThrow("ChunkLoadError");
    expect(lazy.current()).toBeNull();
    await expect(lazy.load()).resolves.toEqual({ ok: true });
    expect(attempts).toBe(2);
  });
});
