import { describe, expect, it } from "vitest";
import { deepMessage, manyAttributesMessage, wideMessage } from "../../test/hostile-xml";
import { MAX_PARSE_DEPTH, MAX_XML_DEPTH, walkXml, withHeaderClosed } from "./walk-xml";

describe("walkXml", () => {
  it("hands out elements to the depth bound, and says the rest was left out", () => {
    const depths: number[] = [];
    const result = walkXml(deepMessage(100_000), {}, { open: (_tag, depth) => depths.push(depth) });
    expect(result).toEqual({ error: null, tooDeep: true, stopped: true, roots: 1, errorAt: 0 });
    expect(Math.max(...depths)).toBe(MAX_XML_DEPTH);
    expect(depths).toHaveLength(MAX_XML_DEPTH);
  });

  it("judges well-formedness below the view's bound, down to where the parse stops", () => {
    const broken = deepMessage(500).replace("deep</a>", "deep</b>");
    expect(walkXml(broken, {})).toMatchObject({ error: expect.stringMatching(/close tag/), tooDeep: true, stopped: false });
    expect(walkXml(deepMessage(MAX_PARSE_DEPTH + 10).replace("deep</a>", "deep</b>"), {})).toMatchObject({ error: null, stopped: true });
  });

  it("walks 100,000 siblings and 10,000 attributes", () => {
    let opened = 0;
    expect(walkXml(wideMessage(), {}, { open: () => opened++ }).tooDeep).toBe(false);
    expect(opened).toBe(100_001);
    let attributes = 0;
    walkXml(manyAttributesMessage(), {}, { open: (tag) => (attributes = Math.max(attributes, Object.keys(tag.attributes).length)) });
    expect(attributes).toBe(10_001); // and its xmlns
  });

  it("refuses a DTD and processing instructions (RFC 6120 section 11.1)", () => {
    expect(walkXml("<!DOCTYPE a><a/>", { fragment: false }).error).toMatch(/DTD is not allowed/);
    expect(walkXml("<a><?pi x?></a>", {}).error).toMatch(/processing instructions/);
  });

  it("closes a stream header, after any XML declaration", () => {
    expect(withHeaderClosed("<?xml version='1.0'?><stream:stream xmlns:stream='http://etherx.jabber.org/streams'>")).toMatch(/<\/stream:stream>$/);
    expect(withHeaderClosed("<open xmlns='urn:ietf:params:xml:ns:xmpp-framing'>")).toMatch(/<\/open>$/);
  });
});
