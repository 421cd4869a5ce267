import { describe, expect, it } from "vitest";
import { compareReports, formatComparison, normalizeEntry, type ComparedReport } from "./compare";

const entry = (seq: number, raw: string, dir = "in", account = "alice") => ({ account, seq, dir, kind: "iq", raw });

/** A one-script report whose only step received `answers` (raw), with alice's JID as given. */
function report(server: string, jid: string, answers: string[], verdict = "passed"): ComparedReport {
  return {
    server,
    scripts: [
      {
        file: "roster.yaml",
        name: "Roster",
        verdict,
        values: { alice: jid.split("/")[0]!, "alice.full": jid, domain: "localhost", run: server === "a" ? "11aa" : "22bb" },
        steps: [{ name: "roster get", passed: true, window: [entry(15, "<iq type='get' id='x1'><query xmlns='jabber:iq:roster'/></iq>", "out"), ...answers.map((raw, index) => entry(16 + index, raw))] }],
      },
    ],
  };
}

describe("normalizeEntry", () => {
  it("ignores attribute order, prefixes, whitespace, ids, stamps, resources and the run's own values", () => {
    const a = normalizeEntry(
      `<iq type='result' id='a1' from='x@localhost/r1'>\n  <q:query xmlns:q='jabber:iq:roster' ver='1'><q:item jid='bob-11aa@localhost'/></q:query>\n</iq>`,
      { run: "11aa" },
    );
    const b = normalizeEntry(`<iq from='x@localhost/other' id='zz' type='result'><query ver='1' xmlns='jabber:iq:roster'><item jid='bob-22bb@localhost'/></query></iq>`, { run: "22bb" });
    expect(a).toBe(b);
    expect(a).toBe('<iq from="x@localhost/{resource}" id="{volatile}" type="result"><query xmlns="jabber:iq:roster" ver="1"><item jid="bob-{{run}}@localhost"></></></>');
    expect(normalizeEntry(`<presence><delay xmlns='urn:xmpp:delay' stamp='2026-01-01T00:00:00Z'/></presence>`)).toBe(normalizeEntry(`<presence><delay stamp='2027-02-02T10:10:10Z' xmlns='urn:xmpp:delay'/></presence>`));
  });

  it("keeps what differs: a value, a child, a namespace", () => {
    const base = normalizeEntry(`<iq type='result'><query xmlns='jabber:iq:version'><name>ejabberd</name></query></iq>`);
    expect(normalizeEntry(`<iq type='result'><query xmlns='jabber:iq:version'><name>Prosody</name></query></iq>`)).not.toBe(base);
    expect(normalizeEntry(`<iq type='result'><query xmlns='jabber:iq:version'/></iq>`)).not.toBe(base);
    expect(normalizeEntry(`<iq type='result'><query xmlns='jabber:iq:other'><name>ejabberd</name></query></iq>`)).not.toBe(base);
    expect(normalizeEntry(`<iq type='error'><query xmlns='jabber:iq:version'><name>ejabberd</name></query></iq>`)).not.toBe(base);
  });

  it("ignores the order of stream features and of disco#info's children, and timestamps in text; keeps the SASL mechanisms' order", () => {
    const features = (children: string) => normalizeEntry(`<stream:features xmlns:stream='http://etherx.jabber.org/streams'>${children}</stream:features>`);
    const bind = "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>";
    const sm = "<sm xmlns='urn:xmpp:sm:3'/>";
    expect(features(`${bind}${sm}`)).toBe(features(`${sm}${bind}`));
    expect(features(`${bind}${sm}`)).not.toBe(features(bind));
    const mechanisms = (list: string[]) => features(`<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${list.map((name) => `<mechanism>${name}</mechanism>`).join("")}</mechanisms>`);
    // RFC 6120 §6.4.1: the order of <mechanism/> is the server's preference, a real difference.
    expect(mechanisms(["SCRAM-SHA-1", "PLAIN"])).not.toBe(mechanisms(["PLAIN", "SCRAM-SHA-1"]));
    const info = (children: string) => normalizeEntry(`<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'>${children}</query></iq>`);
    expect(info("<identity category='server' type='im'/><feature var='a'/><feature var='b'/>")).toBe(info("<feature var='b'/><feature var='a'/><identity type='im' category='server'/>"));
    expect(info("<feature var='a'/>")).not.toBe(info("<feature var='b'/>"));
    // Elsewhere order stays: a roster's items in another order are another answer.
    expect(normalizeEntry("<iq><query xmlns='jabber:iq:roster'><item jid='a@x'/><item jid='b@x'/></query></iq>")).not.toBe(normalizeEntry("<iq><query xmlns='jabber:iq:roster'><item jid='b@x'/><item jid='a@x'/></query></iq>"));
    const time = (utc: string) => normalizeEntry(`<iq type='result'><time xmlns='urn:xmpp:time'><tzo>+00:00</tzo><utc>${utc}</utc></time></iq>`);
    expect(time("2026-12-02T21:00:00Z")).toBe(time("2026-12-02T22:13:59.123Z"));
    expect(time("2026-12-02T21:00:00Z")).not.toBe(time("not a time"));
  });

  it("drops a top-level to/from naming the receiving account itself (RFC 6120 §8.1.1.1, §8.1.2.1)", () => {
    const values = { alice: "a1@localhost", "alice.full": "a1@localhost/r" };
    const own = ["{{alice}}", "{{alice.full}}"];
    expect(normalizeEntry(`<iq type='result' from='a1@localhost' to='a1@localhost/r'/>`, values, own)).toBe(normalizeEntry(`<iq type='result'/>`, values, own));
  });
});

describe("compareReports", () => {
  it("finds two runs equal once normalized, though ids, JIDs, resources and attribute order differ", () => {
    const a = report("a", "u1@localhost/r1", [`<iq type='result' id='x1' to='u1@localhost/r1'><query xmlns='jabber:iq:roster' ver='1'/></iq>`]);
    const b = report("b", "u2@localhost/r2", [`<iq to='u2@localhost/r2' id='y7' type='result'><query ver='1' xmlns='jabber:iq:roster'></query></iq>`]);
    const comparison = compareReports({ label: "A", report: a }, { label: "B", report: b });
    expect(comparison.differences).toEqual([]);
    expect(comparison.equalSteps).toBe(1);
  });

  it("shows a real difference, naming the script and step, with both raw entries", () => {
    const rawA = `<iq type='result' id='x1'><query xmlns='jabber:iq:roster'/></iq>`;
    const rawB = `<iq type='result' id='x1'><query xmlns='jabber:iq:roster' ver='1'/></iq>`;
    const comparison = compareReports({ label: "A", report: report("a", "u1@localhost/r1", [rawA]) }, { label: "B", report: report("b", "u2@localhost/r2", [rawB]) });
    expect(comparison.differences).toHaveLength(1);
    const [difference] = comparison.differences;
    expect(difference).toMatchObject({ script: "Roster", step: "roster get", a: [{ seq: 16, raw: rawA }], b: [{ seq: 16, raw: rawB }] });
    expect(difference!.what).toMatch(/^the answers differ: /);
    const text = formatComparison(comparison);
    expect(text).toContain("1 difference.");
    expect(text).toContain(`A alice #16: ${rawA}`);
    expect(text).toContain(`B alice #16: ${rawB}`);
  });

  it("an answer only one run received, and a verdict that differs (not offered), are differences", () => {
    const extra = compareReports(
      { label: "A", report: report("a", "u1@localhost/r1", ["<iq type='result' id='1'/>", "<presence from='u1@localhost/r1'/>"]) },
      { label: "B", report: report("b", "u2@localhost/r2", ["<iq type='result' id='2'/>"]) },
    );
    expect(extra.differences.map((difference) => difference.what)).toEqual(['only the first run received: alice <presence></>']);
    const notOffered = report("b", "u2@localhost/r2", [], "not offered");
    notOffered.scripts[0]!.notOffered = { reason: "the server's disco#info does not list jabber:iq:roster" };
    const verdicts = compareReports({ label: "A", report: report("a", "u1@localhost/r1", []) }, { label: "B", report: notOffered });
    expect(verdicts.differences.map((difference) => difference.what)).toEqual(["A: passed; B: not offered (the server's disco#info does not list jabber:iq:roster)"]);
  });
});
