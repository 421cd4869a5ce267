import { describe, expect, it } from "vitest";
import {
  ELEMENTS,
  NAMESPACES,
  NS_CLIENT,
  NS_PING,
  NS_ROSTER,
  SASL_FAILURE_CONDITIONS,
  STANZA_ERROR_CONDITIONS,
  STANZA_TYPES,
  STREAM_ERROR_CONDITIONS,
  STREAM_LEVEL,
  childrenOf,
  elementsNamed,
  findElement,
  isKnownNamespace,
  stanzaErrorCondition,
} from "./index";

const SPEC_LINK = /^https:\/\/(www\.rfc-editor\.org\/rfc\/rfc\d+(#section-[\d.]+)?|xmpp\.org\/extensions\/xep-\d{4}\.html(#[\w-]+)?|datatracker\.ietf\.org\/doc\/html\/[\w-]+)$/;

describe("the curated schema", () => {
  it("defines each element once per namespace", () => {
    const keys = ELEMENTS.map((spec) => `{${spec.ns}}${spec.name}`);
    expect(keys.length).toBe(new Set(keys).size);
  });

  it("only names parents that exist (or the stream itself)", () => {
    const missing = ELEMENTS.flatMap((spec) =>
      spec.parents.filter((parent) => !(parent.name === STREAM_LEVEL.name && parent.ns === STREAM_LEVEL.ns) && !findElement(parent.name, parent.ns)).map((parent) => `${spec.name} -> {${parent.ns}}${parent.name}`),
    );
    expect(missing).toEqual([]);
  });

  it("puts every element in a namespace it describes, with a short doc and a spec link", () => {
    for (const spec of ELEMENTS) {
      expect(isKnownNamespace(spec.ns), spec.ns).toBe(true);
      expect(spec.doc.length, spec.name).toBeGreaterThan(5);
      expect(spec.doc.length, spec.name).toBeLessThan(320);
      expect(spec.spec, spec.name).toMatch(SPEC_LINK);
    }
    for (const info of NAMESPACES) expect(info.spec, info.uri).toMatch(SPEC_LINK);
  });

  it("has all 22 stanza error conditions of RFC 6120 section 8.3.3, numbered in order", () => {
    expect(STANZA_ERROR_CONDITIONS).toHaveLength(22);
    STANZA_ERROR_CONDITIONS.forEach((condition, index) => expect(condition.spec).toBe(`https://www.rfc-editor.org/rfc/rfc6120#section-8.3.3.${index + 1}`));
    expect(stanzaErrorCondition("undefined-condition")?.spec).toMatch(/8\.3\.3\.21$/);
    expect(stanzaErrorCondition("service-unavailable")?.typicalType).toBe("cancel");
  });

  it("has all 25 stream error conditions and 11 SASL failures", () => {
    expect(STREAM_ERROR_CONDITIONS).toHaveLength(25);
    STREAM_ERROR_CONDITIONS.forEach((condition, index) => expect(condition.spec).toMatch(new RegExp(`4\\.9\\.3\\.${index + 1}$`)));
    expect(STREAM_ERROR_CONDITIONS.map((condition) => condition.name)).toContain("not-well-formed");
    expect(SASL_FAILURE_CONDITIONS).toHaveLength(11);
    for (const condition of [...STREAM_ERROR_CONDITIONS, ...SASL_FAILURE_CONDITIONS, ...STANZA_ERROR_CONDITIONS]) {
      expect(condition.meaning.length).toBeGreaterThan(10);
      expect(condition.fix.length).toBeGreaterThan(5);
    }
  });

  it("knows the stanza types of RFC 6120 and RFC 6121", () => {
    expect(STANZA_TYPES.iq.map((option) => option.value)).toEqual(["get", "set", "result", "error"]);
    expect(STANZA_TYPES.message.map((option) => option.value).sort()).toEqual(["chat", "error", "groupchat", "headline", "normal"]);
    expect(STANZA_TYPES.presence.map((option) => option.value).sort()).toEqual(["error", "probe", "subscribe", "subscribed", "unavailable", "unsubscribe", "unsubscribed"]);
  });

  it("answers what may stand inside an iq, and where a name is defined", () => {
    const insideIq = childrenOf({ name: "iq", ns: NS_CLIENT }).map((spec) => `${spec.name} ${spec.ns}`);
    expect(insideIq).toContain(`ping ${NS_PING}`);
    expect(insideIq).toContain(`query ${NS_ROSTER}`);
    expect(insideIq).toContain("vCard vcard-temp");
    expect(insideIq).not.toContain(`body ${NS_CLIENT}`);
    expect(elementsNamed("query").length).toBeGreaterThanOrEqual(6);
    expect(findElement("item", NS_ROSTER)?.attributes.find((attribute) => attribute.name === "subscription")?.values?.map((option) => option.value)).toEqual([
      "none",
      "to",
      "from",
      "both",
      "remove",
    ]);
  });
});
