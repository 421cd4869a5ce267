import { describe, expect, it } from "vitest";
import { REDACTION_MASK } from "../lib/xmpp/entry";
import { operatorLog } from "./operator-log";

describe("the operator's log", () => {
  it("masks a credential an error message quotes, and keeps the rest of the line", () => {
    const lines: string[] = [];
    const log = operatorLog((line) => lines.push(line));
    log("could not answer: <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AGFsaWNlAHNlY3JldA==</auth>");
    log("session 1a2b3c4d opened: guided plain");
    expect(lines).toEqual([`[bridge] could not answer: <auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${REDACTION_MASK}</auth>`, "[bridge] session 1a2b3c4d opened: guided plain"]);
  });
});
