import { describe, expect, it } from "vitest";
import { addStarttls, removePlusMechanisms, removeStarttls, rewriteFeatures } from "./features-rewrite";

const SASL = "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism><mechanism>SCRAM-SHA-1-PLUS</mechanism><mechanism>SCRAM-SHA-1</mechanism></mechanisms>";

describe("removePlusMechanisms", () => {
  it("takes out each -PLUS mechanism and nothing else, byte for byte", () => {
    const raw = `<stream:features>${SASL}<register xmlns='http://jabber.org/features/iq-register'/></stream:features>`;
    const result = removePlusMechanisms(raw);
    expect(result.removed).toEqual(["SCRAM-SHA-1-PLUS"]);
    expect(result.raw).toBe(raw.replace("<mechanism>SCRAM-SHA-1-PLUS</mechanism>", ""));
  });

  it("handles prefixes, whitespace between elements and several -PLUS in SASL2 too", () => {
    const raw = "<features>\n  <s:mechanism xmlns:s='urn:xmpp:sasl:2'> SCRAM-SHA-256-PLUS </s:mechanism>\n  <mechanism>SCRAM-SHA-512-PLUS</mechanism><mechanism>PLUS</mechanism></features>";
    const result = removePlusMechanisms(raw);
    expect(result.removed).toEqual(["SCRAM-SHA-256-PLUS", "SCRAM-SHA-512-PLUS"]);
    expect(result.raw).toBe("<features><mechanism>PLUS</mechanism></features>");
  });

  it("leaves features without channel binding as they are", () => {
    const raw = "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>";
    expect(removePlusMechanisms(raw)).toEqual({ raw, removed: [] });
  });
});

describe("STARTTLS in the features", () => {
  it("adds <starttls/> first in the features, once", () => {
    const added = addStarttls(`<stream:features>${SASL}</stream:features>`);
    expect(added).toEqual({ raw: `<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>${SASL}</stream:features>`, added: true });
    expect(addStarttls(added.raw)).toEqual({ raw: added.raw, added: false });
  });

  it("adds it to empty self-closing features", () => {
    expect(addStarttls("<stream:features/>").raw).toBe("<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>");
  });

  it("removes an offered <starttls/>, with or without <required/>", () => {
    expect(removeStarttls("<f><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls><x/></f>")).toEqual({ raw: "<f><x/></f>", removed: true });
    expect(removeStarttls("<f><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></f>")).toEqual({ raw: "<f></f>", removed: true });
    expect(removeStarttls("<f><x/></f>")).toEqual({ raw: "<f><x/></f>", removed: false });
  });

  it("rewriteFeatures reports every change it made", () => {
    const result = rewriteFeatures(`<stream:features>${SASL}</stream:features>`, { offerStarttls: true, stripStarttls: false });
    expect(result.removed).toEqual(["SCRAM-SHA-1-PLUS"]);
    expect(result.addedStarttls).toBe(true);
    expect(result.removedStarttls).toBe(false);
    expect(result.raw).not.toContain("-PLUS");
  });
});
