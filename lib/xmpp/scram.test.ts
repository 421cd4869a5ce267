import { describe, expect, it } from "vitest";
import { clientFirstMessage, parseServerFirst, saslName, scramSteps } from "./scram";

describe("SCRAM step by step against the RFCs' test vectors", () => {
  it("reproduces RFC 5802 §5's SCRAM-SHA-1 exchange: the proof and the server's signature", async () => {
    const clientNonce = "fyko+d2lbbFgONRv9qkxdawL";
    expect(clientFirstMessage("user", clientNonce)).toBe("n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
    const steps = await scramSteps({ hash: "SHA-1", username: "user", password: "pencil", clientNonce, serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096" });
    expect(steps.authMessage).toBe("n=user,r=fyko+d2lbbFgONRv9qkxdawL,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096,c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j");
    expect(steps.clientFinal).toBe("c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
    expect(steps.serverFinal).toBe("v=rmF9pqV8S7suAoZWja4dJRkFsKQ=");
    // 160-bit SHA-1 values, base64 of 20 bytes.
    for (const value of [steps.saltedPassword, steps.clientKey, steps.storedKey, steps.serverKey]) expect(value).toMatch(/^[A-Za-z0-9+/]{27}=$/);
  });

  it("reproduces RFC 7677 §3's SCRAM-SHA-256 exchange", async () => {
    const clientNonce = "rOprNGfwEbeRWgbNEkqO";
    const steps = await scramSteps({ hash: "SHA-256", username: "user", password: "pencil", clientNonce, serverFirst: "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096" });
    expect(steps.clientFinal).toBe("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    expect(steps.serverFinal).toBe("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
  });

  it("gives another proof for another password, so the vectors above are not met by chance", async () => {
    const steps = await scramSteps({ hash: "SHA-1", username: "user", password: "pen", clientNonce: "fyko+d2lbbFgONRv9qkxdawL", serverFirst: "r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096" });
    expect(steps.clientFinal).not.toContain("p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=");
  });

  it("escapes = and , in a username (RFC 5802 §5.1)", () => {
    expect(saslName("a=b,c")).toBe("a=3Db=2Cc");
  });

  it("reads the server-first-message and refuses one it cannot use", async () => {
    expect(parseServerFirst("r=abc123,s=QSXCR+Q6sek8bf92,i=4096")).toEqual({ nonce: "abc123", salt: "QSXCR+Q6sek8bf92", iterations: 4096 });
    expect(() => parseServerFirst("r=abc,s=QSXC,i=zero")).toThrow(/iteration/);
    expect(() => parseServerFirst("m=ext,r=abc,s=QSXC,i=1")).toThrow(/m= extension/);
    await expect(scramSteps({ hash: "SHA-1", username: "user", password: "pencil", clientNonce: "mine", serverFirst: "r=theirs,s=QSXCR+Q6sek8bf92,i=4096" })).rejects.toThrow(/nonce/);
  });
});
