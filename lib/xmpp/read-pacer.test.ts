import { describe, expect, it } from "vitest";
import { PIECE_LENGTH, ReadPacer, TURN_BUDGET_MS, pieces, type Pausable } from "./read-pacer";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

class FakeSocket implements Pausable {
  readonly calls: string[] = [];
  pause(): void {
    this.calls.push("pause");
  }
  resume(): void {
    this.calls.push("resume");
  }
}

/** Runs for longer than a turn's budget, as parsing a large piece does. */
function busy(): void {
  const until = performance.now() + TURN_BUDGET_MS * 1.5;
  while (performance.now() < until) {
    // spin: a piece that takes this long uses up a turn's budget on its own
  }
}

describe("ReadPacer", () => {
  it("hands a small read on at once, without pausing anything", () => {
    const socket = new FakeSocket();
    const got: string[] = [];
    const pacer = new ReadPacer((piece) => got.push(String(piece)), () => socket);
    pacer.take(Buffer.from("<presence/>"));
    expect(got).toEqual(["<presence/>"]);
    expect(socket.calls).toEqual([]);
  });

  it("handles a large read a piece per turn with the socket paused, then lets it flow again", async () => {
    const socket = new FakeSocket();
    const got: Buffer[] = [];
    const turns: number[] = [];
    let turn = 0;
    const pacer = new ReadPacer(
      (piece) => {
        got.push(piece as Buffer);
        turns.push(turn);
        busy();
      },
      () => socket,
    );
    const data = Buffer.from("x".repeat(5 * PIECE_LENGTH + 10));
    pacer.take(data);
    // The first piece right away, the rest later.
    expect(got).toHaveLength(1);
    expect(socket.calls).toEqual(["pause"]);
    while (pacer.waiting > 0) {
      turn++;
      await nextTurn();
    }
    expect(Buffer.concat(got).equals(data)).toBe(true);
    expect(got).toHaveLength(6);
    // Each piece took longer than the budget: one piece per turn.
    expect(new Set(turns).size).toBe(6);
    expect(socket.calls).toEqual(["pause", "resume"]);
  });

  it("keeps reads in order while pieces wait", async () => {
    const got: string[] = [];
    const pacer = new ReadPacer((piece) => {
      got.push(String(piece));
      busy();
    }, () => null);
    pacer.take("a".repeat(3 * PIECE_LENGTH));
    pacer.take("<late/>");
    while (pacer.waiting > 0) await nextTurn();
    expect(got.join("")).toBe(`${"a".repeat(3 * PIECE_LENGTH)}<late/>`);
    expect(got.at(-1)).toBe("<late/>");
  });

  it("flushes what waits when the connection goes, to the sink it is given", () => {
    const socket = new FakeSocket();
    const delivered: string[] = [];
    const flushed: string[] = [];
    const pacer = new ReadPacer((piece) => {
      delivered.push(String(piece));
      busy();
    }, () => socket);
    pacer.take("b".repeat(3 * PIECE_LENGTH));
    pacer.flush((piece) => flushed.push(String(piece)));
    expect(delivered).toHaveLength(1);
    expect(delivered.join("") + flushed.join("")).toBe("b".repeat(3 * PIECE_LENGTH));
    expect(pacer.waiting).toBe(0);
    expect(socket.calls).toEqual(["pause", "resume"]);
  });
});

describe("pieces", () => {
  it("never cuts a UTF-8 sequence", () => {
    // 1, 2, 3 and 4-byte characters, so every boundary position is met.
    const text = "a\u00e9\u20ac\ud83d\ude00".repeat(PIECE_LENGTH / 2);
    const bytes = Buffer.from(text);
    const cut = pieces(bytes);
    expect(cut.length).toBeGreaterThan(2);
    const decoder = new TextDecoder("utf-8", { fatal: true });
    for (const piece of cut) {
      expect(piece.length).toBeLessThanOrEqual(PIECE_LENGTH);
      expect(() => decoder.decode(piece as Buffer)).not.toThrow();
    }
    expect(cut.map((piece) => decoder.decode(piece as Buffer)).join("")).toBe(text);
  });

  it("never cuts a surrogate pair", () => {
    const text = `${"x".repeat(PIECE_LENGTH - 1)}\ud83d\ude00${"y".repeat(PIECE_LENGTH)}`;
    const cut = pieces(text) as string[];
    expect(cut.join("")).toBe(text);
    expect(cut[0]).toHaveLength(PIECE_LENGTH - 1);
    for (const piece of cut) expect(/[\ud800-\udbff]$/.test(piece)).toBe(false);
  });
});
