import { afterEach, describe, expect, it, vi } from "vitest";
import { UserFacingError } from "./errors";
import type { DebianPackage } from "./system-packages";
import { ensureTestBrowser } from "./test-browser";

describe("ensureTestBrowser", () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("takes CHROMIUM_PATH as given, installing nothing", async () => {
    vi.stubEnv("CHROMIUM_PATH", "/opt/my-chromium");
    const asked: string[] = [];
    const found = await ensureTestBrowser(() => undefined, async (target) => {
      asked.push(target.pkg);
      return "/usr/bin/x";
    });
    expect(found).toBe("/opt/my-chromium");
    expect(asked).toEqual([]);
  });

  it("prefers the headless shell", async () => {
    vi.stubEnv("CHROMIUM_PATH", "");
    const asked: string[] = [];
    const found = await ensureTestBrowser(() => undefined, async (target: DebianPackage) => {
      asked.push(target.pkg);
      return `/usr/bin/${target.binary}`;
    });
    expect(found).toBe("/usr/bin/chromium-headless-shell");
    expect(asked).toEqual(["chromium-headless-shell"]);
  });

  it("falls back to the full chromium and says why when the shell cannot be had", async () => {
    vi.stubEnv("CHROMIUM_PATH", "");
    const messages: string[] = [];
    const found = await ensureTestBrowser(
      (message) => messages.push(message),
      async (target: DebianPackage) => {
        if (target.pkg === "chromium-headless-shell") throw new UserFacingError("chromium-headless-shell was not found: the package is not installed.\nInstall it with: ...");
        return `/usr/bin/${target.binary}`;
      },
    );
    expect(found).toBe("/usr/bin/chromium");
    expect(messages).toEqual([expect.stringMatching(/^chromium-headless-shell is not available \(chromium-headless-shell was not found: the package is not installed\.\); .* full chromium instead/)]);
  });

  it("fails as the full chromium fails when neither can be had", async () => {
    vi.stubEnv("CHROMIUM_PATH", "");
    await expect(
      ensureTestBrowser(() => undefined, async (target: DebianPackage) => {
        throw new UserFacingError(`${target.pkg} missing`);
      }),
    ).rejects.toThrow("chromium missing");
  });
});
