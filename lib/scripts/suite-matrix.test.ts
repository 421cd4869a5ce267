import { describe, expect, it } from "vitest";
import type { RunReport } from "./report";
import type { AccountEntry } from "./run";
import { suiteMatrix } from "./suite-matrix";

const entry = (seq: number, dir: "in" | "out", raw: string): AccountEntry => ({ account: "alice", seq, dir, kind: "iq", raw, at: 0, wall: 0 });

function report(software: string, pingPassed: boolean, mam: "offered" | "not offered"): RunReport {
  return {
    server: "127.0.0.1:5222",
    software,
    startedAt: "2026-12-02T18:00:00.000Z",
    passed: pingPassed,
    scripts: [
      {
        file: "compliance/xep-0199-ping.yaml",
        name: "Ping",
        durationMs: 5,
        steps: [{ name: "ping", line: 5, as: "alice", passed: pingPassed, ...(pingPassed ? {} : { reason: "waited 5 s" }), matched: pingPassed ? [{ account: "alice", seq: 2 }] : [], durationMs: 5, captured: {}, window: [entry(1, "out", "<iq type='get'/>"), entry(2, "in", `<iq type='${pingPassed ? "result" : "error"}'/>`)] }],
      },
      mam === "offered"
        ? { file: "compliance/xep-0313-mam.yaml", name: "MAM", durationMs: 5, steps: [] }
        : { file: "compliance/xep-0313-mam.yaml", name: "MAM", durationMs: 5, steps: [], notOffered: { reason: "urn:xmpp:mam:2 is not in the account's disco#info", evidence: [entry(7, "in", "<iq type='result'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>")] } },
    ],
  };
}

describe("the suite as server × check", () => {
  it("puts each report in a column and each check in a row, with the verdict and the stanzas behind each cell", () => {
    const matrix = suiteMatrix([
      { label: "ejabberd", report: report("ejabberd 23.01", true, "offered") },
      { label: "Prosody", report: report("Prosody 0.12.3", false, "not offered") },
    ]);
    expect(matrix.servers.map((server) => server.software)).toEqual(["ejabberd 23.01", "Prosody 0.12.3"]);
    expect(matrix.rows.map((row) => [row.name, ...row.cells.map((cell) => cell?.verdict)])).toEqual([
      ["Ping", "passed", "failed"],
      ["MAM", "passed", "not offered"],
    ]);
    // A pass shows the entries that met it; a fail its reason and the whole window; "not offered" the probe's answer.
    expect(matrix.rows[0]!.cells[0]!.evidence).toEqual(["ok ping", "  alice #2 <- <iq type='result'/>"]);
    expect(matrix.rows[0]!.cells[1]!.evidence).toEqual(["FAIL ping: waited 5 s", "  alice #1 -> <iq type='get'/>", "  alice #2 <- <iq type='error'/>"]);
    expect(matrix.rows[1]!.cells[1]!.evidence[0]).toBe("not offered: urn:xmpp:mam:2 is not in the account's disco#info");
    expect(matrix.rows[1]!.cells[1]!.evidence[1]).toContain("disco#info");
  });

  it("leaves the cell of a check one server did not run empty", () => {
    const short = report("Prosody", true, "offered");
    short.scripts = short.scripts.slice(0, 1);
    const matrix = suiteMatrix([{ label: "a", report: report("a", true, "offered") }, { label: "b", report: short }]);
    expect(matrix.rows[1]!.cells[1]).toBeNull();
  });
});
