import { describe, expect, it } from "vitest";
import { prepareSend } from "./prepare-send";
import { TEMPLATES, expandTemplate, findTemplate, freshId, nickOf } from "./templates";

const VARS = { me: "alice@localhost/laptop", domain: "localhost", peer: "bob@localhost" };

function counter() {
  let n = 0;
  return () => `id-${++n}`;
}

describe("expandTemplate", () => {
  it("replaces every known variable anywhere in the text", () => {
    const { text, unknown } = expandTemplate(`<message to="{{peer}}" id="{{id}}"><body>{{me}} on {{ domain }}</body></message>`, VARS, counter());
    expect(text).toBe(`<message to="bob@localhost" id="id-1"><body>alice@localhost/laptop on localhost</body></message>`);
    expect(unknown).toEqual([]);
  });

  it("gives each {{id}} a fresh id, and a new one at each expansion", () => {
    const next = counter();
    const first = expandTemplate(`<iq id="{{id}}"/><iq id="{{id}}"/>`, VARS, next).text;
    const second = expandTemplate(`<iq id="{{id}}"/>`, VARS, next).text;
    expect(first).toBe(`<iq id="id-1"/><iq id="id-2"/>`);
    expect(second).toBe(`<iq id="id-3"/>`);
    expect(freshId()).not.toBe(freshId());
  });

  it("leaves unknown variables as they are and reports where they are", () => {
    const text = `<message to="{{peer}}"><body>{{name}}</body></message>`;
    const expansion = expandTemplate(text, VARS, counter());
    expect(expansion.text).toContain("<body>{{name}}</body>");
    expect(expansion.unknown).toEqual([{ name: "name", offset: text.indexOf("{{name}}"), length: 8 }]);
  });

  it("escapes values for XML and records where each one landed", () => {
    const expansion = expandTemplate(`<body>{{me}}</body>`, { ...VARS, me: `a<b&"c'` }, counter());
    expect(expansion.text).toBe("<body>a&lt;b&amp;&quot;c&apos;</body>");
    expect(expansion.replacements).toEqual([{ name: "me", value: `a<b&"c'`, from: 6, to: 12, expandedFrom: 6, expandedTo: 30 }]);
  });

  it("derives {{nick}} from the local part of me", () => {
    expect(nickOf("alice@localhost/laptop")).toBe("alice");
    expect(nickOf("")).toBe("learner");
    expect(expandTemplate("{{nick}}", VARS, counter()).text).toBe("alice");
  });
});

describe("TEMPLATES", () => {
  it("cover the stanzas a learner starts with", () => {
    const ids = TEMPLATES.map((template) => template.id);
    for (const id of ["message-chat", "message-headline", "presence-initial", "presence-show", "presence-unavailable", "presence-directed", "presence-subscribe", "iq-ping", "disco-info", "disco-items", "version", "roster-get", "roster-set", "vcard-get", "vcard-set", "muc-join", "register-get"]) {
      expect(ids).toContain(id);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(findTemplate("iq-ping")?.text).toContain(`<ping xmlns="urn:xmpp:ping"/>`);
  });

  it.each(TEMPLATES.map((template) => [template.id, template.text] as const))("%s expands to a stanza with no diagnostics", (_id, text) => {
    const prepared = prepareSend(text, "guided", VARS, counter());
    expect(prepared.diagnostics).toEqual([]);
    expect(prepared.blocked).toBe(false);
    expect(prepared.text).not.toContain("{{");
  });

  it("give every iq template an id variable", () => {
    for (const template of TEMPLATES.filter((candidate) => candidate.text.startsWith("<iq"))) expect(template.text, template.id).toContain(`id="{{id}}"`);
  });
});
