import { describe, expect, it } from "vitest";
import { buildLessonVariables, expandLessonText, expandPlainText, saslPlain, unknownVariables } from "./variables";

describe("lesson variables", () => {
  const vars = buildLessonVariables({ username: "guest-abc", password: "p<w", domain: "localhost", peer: "peer@localhost" });

  it("draws a session's values around its account", () => {
    expect(vars.me).toBe("guest-abc@localhost");
    expect(vars.muc).toBe("conference.localhost");
    expect(vars.room).toMatch(/^lesson-[a-z0-9]+@conference\.localhost$/);
    expect(vars.stranger).toMatch(/^nobody-[a-z0-9]+@localhost$/);
    expect(vars.newuser).toMatch(/^new-[a-z0-9]+$/);
    expect(vars.newplain).toBe(Buffer.from(`\0${vars.newuser}\0${vars.newpass}`).toString("base64"));
    const other = buildLessonVariables({ username: "guest-abc", password: "p<w", domain: "localhost" });
    expect(other.room).not.toBe(vars.room);
    expect(other.peer).toBe("");
  });

  it("encodes the SASL PLAIN response as base64 of NUL user NUL password, UTF-8", () => {
    expect(saslPlain("guest", "pässword")).toBe(Buffer.from("\0guest\0pässword", "utf8").toString("base64"));
  });

  it("escapes values in XML, gives each {{id}} its own value, and leaves unknown names", () => {
    let n = 0;
    const text = expandLessonText("<a x='{{password}}' y='{{id}}' z='{{id}}'>{{ me }} {{nope}}</a>", vars, () => `id${++n}`);
    expect(text).toBe("<a x='p&lt;w' y='id1' z='id2'>guest-abc@localhost {{nope}}</a>");
    expect(expandPlainText("Your password is {{password}}.", vars)).toBe("Your password is p<w.");
    expect(unknownVariables("{{me}} {{peer}} {{jid}} {{ id }} {{Domain}}")).toEqual(["jid", "Domain"]);
  });
});
