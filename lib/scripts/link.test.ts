import { describe, expect, it } from "vitest";
import { LINK_KEY, MAX_LINK_CHARS, MAX_SCRIPT_CHARS, fromFragment, scriptFromFragment, scriptToFragment, toFragment } from "./link";

const SCRIPT = `name: Ping the server
accounts:
  alice: fresh
steps:
  - send: <iq type='get' to='{{domain}}' id='{{id}}'><ping xmlns='urn:xmpp:ping'/></iq>
    expect:
      - { dir: in, stanza: iq, type: result }
# ünïcödé and 😀 survive
`;

async function deflated(bytes: Uint8Array): Promise<string> {
  const packed = new Uint8Array(await new Response(new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer());
  return Buffer.from(packed).toString("base64url");
}

describe("script links", () => {
  it("round-trips a script through the fragment, in URL-safe characters only", async () => {
    const link = await scriptToFragment(SCRIPT);
    expect(link.ok).toBe(true);
    if (!link.ok) throw new Error(link.problem);
    expect(link.fragment.startsWith(`${LINK_KEY}=`)).toBe(true);
    expect(link.fragment.slice(LINK_KEY.length + 1)).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await scriptFromFragment(`#${link.fragment}`)).toEqual({ ok: true, text: SCRIPT, params: {} });
    // Compressed: a script's repeated markup costs little.
    const long = `${SCRIPT}${SCRIPT.split("steps:")[1]!.repeat(20)}`;
    const longLink = await scriptToFragment(long);
    expect(longLink.ok && longLink.fragment.length < long.length / 4).toBe(true);
  });

  it("is deflate-raw in base64url: what another encoder writes opens", async () => {
    const packed = await deflated(new TextEncoder().encode("name: x"));
    expect(await scriptFromFragment(`#script=${packed}`)).toEqual({ ok: true, text: "name: x", params: {} });
  });

  it("says a hash without a script is none, and refuses what is not base64url or does not inflate", async () => {
    expect(await scriptFromFragment("")).toBeNull();
    expect(await scriptFromFragment("#other=1")).toBeNull();
    expect(await scriptFromFragment("#script=abc$")).toMatchObject({ ok: false, problem: expect.stringContaining("not base64url") });
    expect(await scriptFromFragment("#script=AAAAAAAA")).toMatchObject({ ok: false, problem: expect.stringContaining("does not unpack") });
  });

  it("carries a single stanza and a lesson step's XML (with the step's slug) the same way, each under its own key", async () => {
    const stanza = `<message to='bob@localhost' type='chat'><body>ünï 😀</body></message>`;
    const link = await toFragment("stanza", stanza);
    if (!link.ok) throw new Error(link.problem);
    expect(link.fragment).toMatch(/^stanza=[A-Za-z0-9_-]+$/);
    expect(await fromFragment(`#${link.fragment}`, "stanza")).toEqual({ ok: true, text: stanza, params: {} });
    // A stanza link is not a script link, and the other way round.
    expect(await fromFragment(`#${link.fragment}`, "script")).toBeNull();
    const step = await toFragment("step", "<presence/>", { at: "02-available" });
    if (!step.ok) throw new Error(step.problem);
    expect(step.fragment).toMatch(/^at=02-available&step=[A-Za-z0-9_-]+$/);
    expect(await fromFragment(`#${step.fragment}`, "step")).toEqual({ ok: true, text: "<presence/>", params: { at: "02-available" } });
    expect(await fromFragment("#at=x&step=abc$", "step")).toMatchObject({ ok: false, problem: expect.stringContaining("This link's step's XML is not base64url") });
  });

  it("refuses a script whose link would be past the limit, with the size and what to do instead", async () => {
    // Random-looking text does not compress: the link grows with it.
    let noise = "";
    for (let index = 0; noise.length < MAX_LINK_CHARS * 1.5; index++) noise += Math.imul(index + 1, 2654435761).toString(36);
    const link = await scriptToFragment(noise);
    expect(link).toMatchObject({ ok: false, problem: expect.stringMatching(/more than the 16,000 .*export it as a file/) });
    expect(await scriptFromFragment(`#script=${"A".repeat(MAX_LINK_CHARS + 4)}`)).toMatchObject({ ok: false, problem: expect.stringContaining("more than the 16,000") });
  });

  it("stops a small link that would unpack past the script limit", async () => {
    const bomb = await deflated(new Uint8Array(MAX_SCRIPT_CHARS * 5).fill(0x61));
    expect(bomb.length).toBeLessThan(MAX_LINK_CHARS);
    expect(await scriptFromFragment(`#script=${bomb}`)).toMatchObject({ ok: false, problem: expect.stringContaining("longer than 200,000") });
  });
});
