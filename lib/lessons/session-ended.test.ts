import { describe, expect, it } from "vitest";
import { describeUnexpectedClose } from "../xmpp/connection-errors";
import { describeStreamError } from "../xmpp/stream-end";
import { asSentence, sessionEndedNotice } from "./session-ended";

describe("asSentence", () => {
  it("adds one full stop, never a second", () => {
    expect(asSentence("closed by you")).toBe("closed by you.");
    expect(asSentence("Connect again once it is back.")).toBe("Connect again once it is back.");
    expect(asSentence("really?  ")).toBe("really?");
  });
});

describe("sessionEndedNotice", () => {
  it("ends a reason that is already a sentence with one period (the page once said 'back..')", () => {
    const notice = sessionEndedNotice(describeUnexpectedClose({ host: "127.0.0.1", port: 5224 }), 2);
    expect(notice).not.toMatch(/\.\./);
    expect(notice).toMatch(/^The session ended: the connection to 127\.0\.0\.1:5224 closed without the server ending the stream/);
  });

  it("says how to get back to the step: New session, then replay the steps before it", () => {
    expect(sessionEndedNotice(describeStreamError("connection-timeout", "Idle connection"), 3)).toMatch(
      /^The session ended: the server ended the stream with the stream error <connection-timeout\/> and the text "Idle connection" .*\. Start a New session, then "Replay steps 1–3 for me" to get back to step 4\.$/,
    );
  });

  it("on the first step there is nothing to replay", () => {
    expect(sessionEndedNotice("closed by you", 0)).toBe("The session ended: closed by you. Start a New session to go on.");
  });
});
