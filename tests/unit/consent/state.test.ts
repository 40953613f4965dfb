import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { currentConsentDocument, type ConsentKind } from "@/lib/domain/consent/documents";
import {
  type ConsentRow,
  consentHistoryOf,
  consentRefusalMessage,
  consentStateOf,
} from "@/lib/domain/consent/state";

const day = (n: number) => new Date(Date.UTC(2026, 10, n));
const row = (
  kind: ConsentKind,
  version: string,
  accepted: number,
  withdrawn: number | null = null,
): ConsentRow => ({
  id: randomUUID(),
  kind,
  version,
  documentHash: version === currentConsentDocument(kind).version ? currentConsentDocument(kind).hash : null,
  acceptedAt: day(accepted),
  withdrawnAt: withdrawn === null ? null : day(withdrawn),
});
const CURRENT = currentConsentDocument("TELEHEALTH").version;

describe("consent state", () => {
  it("is NEVER without a row of that kind (other kinds do not count)", () => {
    const state = consentStateOf("TELEHEALTH", [row("PRIVACY", CURRENT, 1)]);
    expect(state).toMatchObject({ status: "NEVER", latest: null });
  });

  it("is GRANTED for the current version not withdrawn", () => {
    const grant = row("TELEHEALTH", CURRENT, 2);
    expect(consentStateOf("TELEHEALTH", [grant])).toMatchObject({ status: "GRANTED", latest: grant });
  });

  it("is WITHDRAWN when every grant was withdrawn, naming the last one", () => {
    const first = row("MESSAGING", CURRENT, 1, 2);
    const second = row("MESSAGING", CURRENT, 3, 4);
    expect(consentStateOf("MESSAGING", [first, second])).toMatchObject({
      status: "WITHDRAWN",
      latest: second,
    });
  });

  it("is GRANTED again after a withdrawal and a new grant", () => {
    const again = row("MESSAGING", CURRENT, 5);
    expect(consentStateOf("MESSAGING", [row("MESSAGING", CURRENT, 1, 2), again])).toMatchObject({
      status: "GRANTED",
      latest: again,
    });
  });

  it("is OUTDATED when the grant in force is of an older version, GRANTED once the current one is added", () => {
    const old = row("TELEHEALTH", "2026-11", 1);
    expect(consentStateOf("TELEHEALTH", [old])).toMatchObject({ status: "OUTDATED", latest: old });
    const renewed = row("TELEHEALTH", CURRENT, 3);
    expect(consentStateOf("TELEHEALTH", [old, renewed]).status).toBe("GRANTED");
  });

  it("is OUTDATED when the stored hash is not the current text's (a text changed under its version)", () => {
    const tampered = { ...row("PRIVACY", CURRENT, 1), documentHash: "0".repeat(64) };
    expect(consentStateOf("PRIVACY", [tampered]).status).toBe("OUTDATED");
  });

  it("marks in the history the grants a newer version replaced, newest first", () => {
    const old = row("TELEHEALTH", "2026-11", 1);
    const renewed = row("TELEHEALTH", CURRENT, 3);
    const withdrawn = row("MESSAGING", CURRENT, 2, 4);
    const history = consentHistoryOf([old, withdrawn, renewed]);
    expect(history.map((entry) => [entry.id, entry.superseded])).toEqual([
      [renewed.id, false],
      [withdrawn.id, false],
      [old.id, true],
    ]);
    expect(history[2]!.document?.version).toBe("2026-11");
  });

  it("explains a refusal to the patient with where to turn it back on, and to a doctor with what to do", () => {
    expect(consentRefusalMessage("MESSAGING", "WITHDRAWN", "self")).toBe(
      "You withdrew your consent to secure messaging, so you cannot send messages. To turn it back on, agree to “Secure messaging” again in Privacy & data.",
    );
    expect(consentRefusalMessage("TELEHEALTH", "OUTDATED", "self")).toMatch(
      /changed since you agreed.*Privacy & data/,
    );
    expect(consentRefusalMessage("PRIVACY", "NEVER", "self")).toMatch(
      /data processing.*upload documents.*Privacy & data/,
    );
    expect(consentRefusalMessage("MESSAGING", "WITHDRAWN", "other")).toBe(
      "This patient has not agreed to secure messaging, so messages cannot be sent to them. Call them or book a visit instead.",
    );
  });
});
