import { describe, expect, it } from "vitest";
import { Transcript } from "../xmpp/transcript";
import { validateStanza } from "../editor/validate-stanza";
import { explainEntry } from "./explain";
import { findElement } from "./index";

const SM = "urn:xmpp:sm:3";

describe("stream management (XEP-0198) in the schema", () => {
  it("defines every element the lesson uses, each linked to its XEP-0198 section", () => {
    const anchors = { sm: "feature", enable: "enable", enabled: "enable", r: "acking", a: "acking", resume: "resumption", resumed: "resumption", failed: "errors" };
    for (const [name, anchor] of Object.entries(anchors)) expect(findElement(name, SM)?.spec, name).toBe(`https://xmpp.org/extensions/xep-0198.html#${anchor}`);
  });

  it("explains an inbound ack with what h counts", () => {
    const recorder = new Transcript();
    recorder.record("in", `<a xmlns='${SM}' h='3'/>`);
    const text = JSON.stringify(explainEntry(recorder.since(0)[0]!));
    expect(text).toContain("number of stanzas (message, presence, iq) the sender has received");
    expect(text).toContain("xep-0198.html#acking");
  });

  it("accepts the lesson's elements and marks a <resume/> without previd", () => {
    expect(validateStanza(`<enable xmlns="${SM}" resume="true"/>`, "raw")).toEqual([]);
    expect(validateStanza(`<a xmlns="${SM}" h="1"/>`, "raw")).toEqual([]);
    const marks = validateStanza(`<resume xmlns="${SM}" h="1"/>`, "raw");
    expect(marks.map((mark) => mark.message).join(" ")).toMatch(/previd/);
  });
});
