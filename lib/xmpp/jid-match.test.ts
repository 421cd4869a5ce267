import { describe, expect, it } from "vitest";
import { jidMatches, sameJid } from "./jid-match";

describe("sameJid (RFC 7622 section 3)", () => {
  it("maps the case of the localpart and the domainpart (sections 3.2, 3.3)", () => {
    expect(sameJid("Alice@Example.ORG/desk", "alice@example.org/desk")).toBe(true);
    expect(sameJid("example.org", "EXAMPLE.org")).toBe(true);
  });

  it("keeps the resourcepart's case (section 3.4, OpaqueString)", () => {
    expect(sameJid("alice@example.org/Desk", "alice@example.org/desk")).toBe(false);
  });

  it("tells a full JID from its bare JID and from other parts", () => {
    expect(sameJid("alice@example.org/desk", "alice@example.org")).toBe(false);
    expect(sameJid("alice@example.org", "bob@example.org")).toBe(false);
    expect(sameJid("alice@example.org", "alice@example.net")).toBe(false);
  });

  it("compares text that is no JID as it is written", () => {
    expect(sameJid("", "")).toBe(true);
    expect(sameJid("/desk", "/desk")).toBe(true);
    expect(sameJid("/desk", "/DESK")).toBe(false);
    expect(sameJid("/desk", "example.org/desk")).toBe(false);
    expect(sameJid("example.org/desk", "/desk")).toBe(false);
  });
});

describe("jidMatches (a lesson's pattern against an address on the wire)", () => {
  it("a bare pattern covers the bare JID and every resource under it, in any case", () => {
    expect(jidMatches("Peer-XYZ@LocalHost", "peer-xyz@localhost/phone")).toBe(true);
    expect(jidMatches("peer-xyz@localhost", "peer-xyz@localhost")).toBe(true);
    expect(jidMatches("localhost", "peer-xyz@localhost")).toBe(false);
    expect(jidMatches("peer-xyz@localhost", "other@localhost/phone")).toBe(false);
  });

  it("a full pattern matches that full JID only, its resource case included", () => {
    expect(jidMatches("peer-xyz@localhost/phone", "PEER-xyz@localhost/phone")).toBe(true);
    expect(jidMatches("peer-xyz@localhost/phone", "peer-xyz@localhost/Phone")).toBe(false);
    expect(jidMatches("peer-xyz@localhost/phone", "peer-xyz@localhost/laptop")).toBe(false);
    expect(jidMatches("peer-xyz@localhost/phone", "peer-xyz@localhost")).toBe(false);
  });

  it("matches nothing when the entry has no such address", () => {
    expect(jidMatches("peer-xyz@localhost", undefined)).toBe(false);
  });

  it("compares text that is no JID as text, ignoring case", () => {
    expect(jidMatches("/Phone", "/phone")).toBe(true);
    expect(jidMatches("/phone", "peer@localhost/phone")).toBe(false);
    expect(jidMatches("peer@localhost", "/phone")).toBe(false);
  });
});
