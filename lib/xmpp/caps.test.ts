import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { capsVerificationString } from "./caps";

describe("capsVerificationString (XEP-0115 §5.2, the simple example)", () => {
  it("sorts and joins as the XEP's example does, and its SHA-1 is the example's ver", () => {
    const features = ["http://jabber.org/protocol/muc", "http://jabber.org/protocol/disco#info", "http://jabber.org/protocol/caps", "http://jabber.org/protocol/disco#items"];
    const text = capsVerificationString([{ category: "client", type: "pc", name: "Exodus 0.9.1" }], features);
    expect(text).toBe("client/pc//Exodus 0.9.1<http://jabber.org/protocol/caps<http://jabber.org/protocol/disco#info<http://jabber.org/protocol/disco#items<http://jabber.org/protocol/muc<");
    expect(createHash("sha1").update(text, "utf8").digest("base64")).toBe("QgayPKawpkPSDYmwT/WM94uAlu0=");
  });
});
