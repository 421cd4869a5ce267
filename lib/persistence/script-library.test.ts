import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { KEPT_RUNS, openScriptLibrary, titleOf, type KeptRun } from "./script-library";

describe("the script library", () => {
  it("keeps scripts, lists the latest first, replaces by id and removes", async () => {
    const opened = await openScriptLibrary(`test-${Math.random()}`);
    if (!opened.ok) throw new Error(opened.message);
    const { library } = opened;
    await library.put({ id: "a", title: "A", text: "name: A", updatedAt: 1 });
    await library.put({ id: "b", title: "B", text: "name: B", updatedAt: 2 });
    expect((await library.list()).map((script) => script.id)).toEqual(["b", "a"]);
    await library.put({ id: "a", title: "A2", text: "name: A2", updatedAt: 3 });
    expect((await library.list()).map((script) => `${script.id} ${script.title}`)).toEqual(["a A2", "b B"]);
    expect((await library.get("a"))?.text).toBe("name: A2");
    await library.remove("a");
    expect((await library.list()).map((script) => script.id)).toEqual(["b"]);
    library.close();
  });

  it("keeps runs by id, replaces a run saved again, and only the newest KEPT_RUNS", async () => {
    const opened = await openScriptLibrary(`test-${Math.random()}`);
    if (!opened.ok) throw new Error(opened.message);
    const { library } = opened;
    const run = (id: number, phase: KeptRun["phase"]): KeptRun => ({ id, text: "name: A", target: "t", phase, message: null, verdicts: [null], accounts: [{ name: "alice", jid: "a@localhost/r", state: "online", entries: [{ seq: 1, dir: "in", at: 1, wall: 1, raw: "<iq/>", kind: "iq" }] }] });
    await library.keepRun(run(1, "running"));
    await library.keepRun(run(1, "done"));
    expect((await library.runs()).map((kept) => `${kept.id} ${kept.phase} ${kept.accounts[0]!.entries[0]!.raw}`)).toEqual(["1 done <iq/>"]);
    for (let id = 2; id <= KEPT_RUNS + 2; id++) await library.keepRun(run(id, "done"));
    const ids = (await library.runs()).map((kept) => kept.id);
    expect(ids).toHaveLength(KEPT_RUNS);
    expect(ids.at(0)).toBe(3);
    expect(ids.at(-1)).toBe(KEPT_RUNS + 2);
    library.close();
  });

  it("titles a script by its name: line, unquoted, else the fallback", () => {
    expect(titleOf("# c\nname: Ping the server\naccounts: {}", "x")).toBe("Ping the server");
    expect(titleOf('name: "Quoted: yes"\n', "x")).toBe("Quoted: yes");
    expect(titleOf("steps: []\n", "untitled.yaml")).toBe("untitled.yaml");
  });
});
