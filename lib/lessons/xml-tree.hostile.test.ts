import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, wideMessage } from "../../test/hostile-xml";
import { Transcript } from "../xmpp/transcript";
import { MAX_XML_DEPTH } from "../xml/walk-xml";
import { evaluateCheck } from "./check";
import { buildLessonVariables } from "./variables";
import { descendantsAt, parseTree } from "./xml-tree";

const vars = buildLessonVariables({ username: "guest-abc", password: "pw", domain: "localhost", peer: "peer-xyz@localhost", random: () => "r1" });

describe("the lesson check on hostile structure", () => {
  it("builds a tree no deeper than the bound from 100,000 levels", () => {
    const tree = parseTree(deepMessage(100_000))!;
    let depth = 0;
    for (let level = [tree]; level.length > 0; level = level.flatMap((node) => node.children)) depth++;
    expect(depth).toBe(MAX_XML_DEPTH);
    expect(descendantsAt(tree, "x/a/a")).toHaveLength(1);
  });

  it("joins an element's text only when asked, never a copy per level", () => {
    const tree = parseTree(`<message xmlns='jabber:client'><body>${"<b>hi</b>".repeat(100_000)}</body></message>`)!;
    expect(tree.children[0]!.children).toHaveLength(100_000);
    expect(tree.text).toHaveLength(200_000);
  });

  it("keeps 10,000 attributes", () => {
    expect(Object.keys(descendantsAt(parseTree(manyAttributesMessage(10_000))!, "x")[0]!.attrs)).toHaveLength(10_001);
  });

  it("evaluates a step's check against a transcript holding each hostile shape", () => {
    const recorder = new Transcript();
    recorder.record("in", deepMessage(100_000));
    recorder.record("in", wideMessage(100_000));
    recorder.record("in", manyAttributesMessage(10_000));
    recorder.record("in", "<message xmlns='jabber:client' from='peer-xyz@localhost'><body>hello</body></message>");
    const entries = recorder.since(0);
    const result = evaluateCheck([{ dir: "in", stanza: "message", from: "{{peer}}", has: [{ path: "body", text: "hello" }] }], entries, vars);
    expect(result).toEqual({ passed: true, matched: [entries.at(-1)!.seq] });
    expect(evaluateCheck([{ dir: "in", stanza: "message", has: [{ path: "x/a/a/a", contains: "deep" }] }], entries, vars).passed).toBe(false);
  });
});
