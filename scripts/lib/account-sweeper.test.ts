import { describe, expect, it } from "vitest";
import { isDisposableName, isLeftBehind, parseGetLast } from "./account-sweeper";

describe("parseGetLast", () => {
  it("reads an online account", () => {
    expect(parseGetLast("2026-12-02T18:09:11Z\tONLINE\n")).toEqual({ online: true });
  });

  it("reads the time of an offline account, including one registered but never logged in", () => {
    expect(parseGetLast("2026-12-02T18:09:23Z\tRegistered but didn't login\n")).toEqual({ online: false, at: Date.parse("2026-12-02T18:09:23Z") });
    expect(parseGetLast("2026-12-02T17:00:00Z\tLogged out\n")).toEqual({ online: false, at: Date.parse("2026-12-02T17:00:00Z") });
  });

  it("has no time when ejabberd gives none it can read", () => {
    expect(parseGetLast("\n")).toEqual({ online: false, at: null });
  });
});

describe("isDisposableName", () => {
  it("takes the names the app registers", () => {
    for (const name of ["guest-k3j9x2", "peer-abc123", "script-0a1b2c", "new-x7y8z9"]) expect(isDisposableName(name)).toBe(true);
  });

  it("never takes a person's account, even one that starts like a prefix", () => {
    for (const name of ["alice", "guest", "guests-abc123", "guest-", "myguest-abc123", "guest-ABC"]) expect(isDisposableName(name)).toBe(false);
  });
});

describe("isLeftBehind", () => {
  const now = Date.parse("2026-12-02T18:00:00Z");
  const hour = 3_600_000;

  it("takes an account offline for at least the age", () => {
    expect(isLeftBehind({ online: false, at: now - hour }, now, hour)).toBe(true);
    expect(isLeftBehind({ online: false, at: now - 2 * hour }, now, hour)).toBe(true);
  });

  it("keeps one offline for less, one online, and one whose time is unknown", () => {
    expect(isLeftBehind({ online: false, at: now - hour + 1 }, now, hour)).toBe(false);
    expect(isLeftBehind({ online: true }, now, 0)).toBe(false);
    expect(isLeftBehind({ online: false, at: null }, now, 0)).toBe(false);
  });
});
