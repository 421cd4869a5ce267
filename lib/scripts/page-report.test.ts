import { describe, expect, it } from "vitest";
import { compareReports } from "./compare";
import { comparable, pageRunReport } from "./page-report";
import type { StepVerdict } from "./run";

/** One step's verdict whose window holds a ping and the answer `answer` (raw), on alice's stream. */
function verdict(jid: string, answer: string): StepVerdict {
  const entry = (seq: number, dir: "out" | "in", raw: string) => ({ seq, dir, at: seq, wall: seq, raw, kind: "iq" as const, account: "alice" });
  return {
    name: "ping",
    line: 5,
    as: "alice",
    passed: true,
    matched: [{ account: "alice", seq: 21 }],
    durationMs: 3,
    captured: {},
    window: [entry(20, "out", "<iq type='get' id='a' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"), entry(21, "in", answer.replaceAll("JID", jid))],
  };
}

function run(server: string, jid: string, answer: string) {
  return comparable(
    pageRunReport({ server, script: { file: "ping.yaml", name: "Ping" }, values: { alice: jid.split("/")[0]!, "alice.full": jid, domain: "localhost" }, verdicts: [verdict(jid, answer)], startedAt: "2026-01-01T00:00:00.000Z", durationMs: 10 }),
  );
}

describe("a page run as a report", () => {
  it("reads as the command line's JSON: verdict, values and raw windows", () => {
    const report = run("guided · starttls · 127.0.0.1:5222", "g1@localhost/r1", "<iq type='result' id='a' to='JID'/>");
    expect(report.scripts[0]).toMatchObject({ file: "ping.yaml", verdict: "passed", values: { alice: "g1@localhost" } });
    expect(report.scripts[0]!.steps[0]!.window.map((entry) => [entry.account, entry.seq, entry.dir])).toEqual([["alice", 20, "out"], ["alice", 21, "in"]]);
  });

  it("two runs on fresh accounts compare equal; a different answer is the one difference, with both raw entries", () => {
    const version = (name: string) => `<iq type='result' id='a' to='JID'><query xmlns='jabber:iq:version'><name>${name}</name></query></iq>`;
    const a = run("A", "g1@localhost/r1", version("ejabberd"));
    const b = run("B", "g2@localhost/zz", version("ejabberd").replace("id='a'", "id='b'"));
    expect(compareReports({ label: "A", report: a }, { label: "B", report: b }).differences).toEqual([]);
    const c = run("C", "g3@localhost/q", version("Prosody"));
    const comparison = compareReports({ label: "A", report: a }, { label: "C", report: c });
    expect(comparison.differences.map((difference) => difference.what)).toEqual([expect.stringMatching(/^the answers differ: .*ejabberd.* \/ .*Prosody/)]);
    expect(comparison.differences[0]!.a.map((entry) => entry.raw)).toEqual([version("ejabberd").replace("JID", "g1@localhost/r1")]);
    expect(comparison.differences[0]!.b.map((entry) => entry.raw)).toEqual([version("Prosody").replace("JID", "g3@localhost/q")]);
  });
});
