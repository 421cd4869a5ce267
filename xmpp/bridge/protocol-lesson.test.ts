import { describe, expect, it } from "vitest";
import { parseClientMessage } from "./protocol";

const lessonOpen = { op: "open", ref: "1", mode: "raw", transport: "starttls", mechanism: "PLAIN", initialPresence: true, account: { kind: "fresh" }, lesson: { peer: "scripted" } };

describe("parseClientMessage: lesson sessions", () => {
  it("accepts a lesson open on a fresh account", () => {
    expect(parseClientMessage(JSON.stringify(lessonOpen))).toEqual(lessonOpen);
  });

  it.each([
    ["an unknown peer", { ...lessonOpen, lesson: { peer: "second" } }, /peer scripted or none/],
    ["a lesson that is not an object", { ...lessonOpen, lesson: "yes" }, /peer scripted or none/],
    ["an existing account", { ...lessonOpen, account: { kind: "existing", jid: "alice@localhost", password: "alice" } }, /fresh account on the bundled server/],
    ["another server", { ...lessonOpen, server: { host: "127.0.0.1", port: 5224 } }, /fresh account on the bundled server/],
  ])("refuses %s with a reason", (_name, message, reason) => {
    const parsed = parseClientMessage(JSON.stringify(message));
    expect(parsed).toHaveProperty("invalid");
    expect((parsed as { invalid: string }).invalid).toMatch(reason);
  });
});
