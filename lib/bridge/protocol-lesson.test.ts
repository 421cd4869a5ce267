import { describe, expect, it } from "vitest";
import { parseClientMessage } from "./protocol";

const lessonOpen = { op: "open", ref: "1", mode: "raw", transport: "starttls", mechanism: "PLAIN", initialPresence: true, account: { kind: "fresh" }, lesson: { peer: "scripted" } };

describe("parseClientMessage: lesson sessions", () => {
  it("accepts a lesson open on a fresh account", () => {
    expect(parseClientMessage(JSON.stringify(lessonOpen))).toEqual(lessonOpen);
  });

  it("accepts a lesson whose scripted peer waits in the room", () => {
    const inRoom = { ...lessonOpen, lesson: { peer: "scripted", peerInRoom: true } };
    expect(parseClientMessage(JSON.stringify(inRoom))).toEqual(inRoom);
  });

  it("accepts a lesson with the learner's other device", () => {
    const twoDevices = { ...lessonOpen, lesson: { peer: "scripted", otherDevice: true } };
    expect(parseClientMessage(JSON.stringify(twoDevices))).toEqual(twoDevices);
  });

  it.each([
    ["an unknown peer", { ...lessonOpen, lesson: { peer: "second" } }, /peer scripted or none/],
    ["a lesson that is not an object", { ...lessonOpen, lesson: "yes" }, /peer scripted or none/],
    ["a peer in the room without a peer", { ...lessonOpen, lesson: { peer: "none", peerInRoom: true } }, /peerInRoom needs peer scripted/],
    ["a peerInRoom that is not a boolean", { ...lessonOpen, lesson: { peer: "scripted", peerInRoom: "yes" } }, /peerInRoom must be true or false/],
    ["another device without a peer to talk to", { ...lessonOpen, lesson: { peer: "none", otherDevice: true } }, /otherDevice needs peer scripted/],
    ["an otherDevice that is not a boolean", { ...lessonOpen, lesson: { peer: "scripted", otherDevice: 1 } }, /otherDevice must be true or false/],
    ["an existing account", { ...lessonOpen, account: { kind: "existing", jid: "alice@localhost", password: "alice" } }, /fresh account on the bundled server/],
    ["another server", { ...lessonOpen, server: { host: "127.0.0.1", port: 5224 } }, /fresh account on the bundled server/],
  ])("refuses %s with a reason", (_name, message, reason) => {
    const parsed = parseClientMessage(JSON.stringify(message));
    expect(parsed).toHaveProperty("invalid");
    expect((parsed as { invalid: string }).invalid).toMatch(reason);
  });
});
