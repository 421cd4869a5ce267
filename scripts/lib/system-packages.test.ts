import { describe, expect, it } from "vitest";
import { ensureDebianPackage, findExecutable, missingPackageMessage, oneAtATime } from "./system-packages";

describe("missingPackageMessage", () => {
  it("gives the exact apt-get command and, for ejabberd, the Docker alternative", () => {
    const message = missingPackageMessage({ pkg: "ejabberd", binary: "ejabberdctl" }, true);
    expect(message).toContain("sudo apt-get install -y ejabberd");
    expect(message).toContain("docker compose up -d");
  });

  it("offers Docker only for ejabberd, and no apt-get off Debian", () => {
    expect(missingPackageMessage({ pkg: "chromium", binary: "chromium" }, true)).not.toContain("docker");
    expect(missingPackageMessage({ pkg: "chromium", binary: "chromium" }, false)).not.toContain("apt-get");
  });
});

describe("findExecutable", () => {
  it("finds programs on PATH and in sbin, and nothing for unknown names", () => {
    expect(findExecutable("sh")).toMatch(/\/sh$/);
    expect(findExecutable("no-such-program-xmpp-playground")).toBeUndefined();
  });
});

describe("ensureDebianPackage", () => {
  it("returns an installed binary's path without touching apt-get", async () => {
    const messages: string[] = [];
    const found = await ensureDebianPackage({ pkg: "coreutils", binary: "ls" }, (message) => messages.push(message));
    expect(found).toMatch(/\/ls$/);
    expect(messages).toEqual([]);
  });
});

describe("oneAtATime (dpkg's one lock)", () => {
  it("starts each task only after the one queued before it settled, failed ones included", async () => {
    const events: string[] = [];
    const task = (name: string, fail: boolean) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} end`);
      if (fail) throw new Error(`${name} failed`);
      return name;
    };
    const results = await Promise.allSettled([oneAtATime(task("ejabberd", true)), oneAtATime(task("prosody", false)), oneAtATime(task("chromium", false))]);
    expect(events).toEqual(["ejabberd start", "ejabberd end", "prosody start", "prosody end", "chromium start", "chromium end"]);
    expect(results.map((result) => result.status)).toEqual(["rejected", "fulfilled", "fulfilled"]);
  });
});
