import { describe, expect, it } from "vitest";
import { expandTemplate } from "../xml/templates";
import { buildLessonVariables, carryVariables, expandLessonText, expandPlainText, saslPlain, unknownVariables } from "./variables";

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

  it("expands with the editor's engine: {{me}} is the same bare JID in a lesson and in the workbench", () => {
    const jid = `${vars.me}/laptop`;
    const text = "<message to='{{me}}'/>";
    expect(expandLessonText(text, vars)).toBe(expandTemplate(text, { me: jid, domain: vars.domain, peer: vars.peer }).text);
    // A lesson's text is written before a resource is bound: {{me.full}} is not a lesson variable.
    expect(unknownVariables("{{me.full}}")).toEqual(["me.full"]);
  });

  it("carries a draft to a new session's values: JIDs whole, escaped values escaped, other text untouched", () => {
    let n = 0;
    const random = () => `r${++n}`;
    const before = buildLessonVariables({ username: "guest-abc", password: "p<w", domain: "localhost", peer: "peer-abc@localhost", random });
    const after = buildLessonVariables({ username: "guest-xyz", password: "q>z", domain: "localhost", peer: "peer-xyz@localhost", random });
    const draft = expandLessonText("<message to='{{peer}}' id='mine'><body>I am {{me}} ({{username}}), in {{room}}; pass {{password}}</body></message>", before);
    expect(carryVariables(draft, before, after)).toBe(
      `<message to='peer-xyz@localhost' id='mine'><body>I am guest-xyz@localhost (guest-xyz), in ${after.room}; pass q&gt;z</body></message>`,
    );
    expect(carryVariables(draft, before, before)).toBe(draft);
    // No peer before: an empty value is never "replaced" everywhere.
    expect(carryVariables("<presence/>", { ...before, peer: "" }, after)).toBe("<presence/>");
  });
});
