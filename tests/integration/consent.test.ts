// Consent against a real PostgreSQL: withdrawing secure messaging stops messages both ways with a
// clear, audited refusal, and agreeing again lets them through; telehealth and data processing gate
// booking, video and uploads; grants keep their version and text hash; an older version must be
// accepted again; nobody but the patient sees or changes their consents.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { signUpPatient } from "@/lib/domain/accounts/service";
import {
  CURRENT_CONSENT_VERSIONS,
  type ConsentKind,
  currentConsentDocument,
} from "@/lib/domain/consent/documents";
import { grantConsent } from "@/lib/domain/consent/grant-consent";
import { consentOverviewOf, consentStateFor } from "@/lib/domain/consent/queries";
import { hasConsent, requireConsent } from "@/lib/domain/consent/require-consent";
import { consentRefusalMessage } from "@/lib/domain/consent/state";
import { withdrawConsent } from "@/lib/domain/consent/withdraw-consent";
import { uploadDocument } from "@/lib/domain/documents/upload-document";
import { openThread } from "@/lib/domain/messaging/open-thread";
import { importReadings } from "@/lib/domain/readings/import-readings";
import { registerDevice } from "@/lib/domain/readings/register-device";
import { sendMessage } from "@/lib/domain/messaging/send-message";
import { bookAppointment } from "@/lib/domain/scheduling/book-appointment";
import { joinRoom } from "@/lib/domain/video/room";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { demoPdf } from "@/prisma/demo-pdf";
import { appErrorOf, asActor, authenticatedActor, uniqueEmail } from "../support/actors";
import { createAccount } from "../support/accounts";
import { careVisit, person } from "../support/care";
import { runSql } from "../support/database";

const sql = <T extends Record<string, unknown>>(text: string, params: unknown[] = []) =>
  runSql<T>(process.env.DATABASE_URL!, text, params);

afterAll(async () => {
  await stopQueue();
  await disconnectDb();
});

/** A patient who agreed to the consents named (all by default). */
async function patientWith(consents?: readonly ConsentKind[]) {
  const account = await createAccount("PATIENT", consents ? { consents } : {});
  return { ...account, actor: authenticatedActor(account.id, "PATIENT") };
}

interface ConsentRowSql extends Record<string, unknown> {
  kind: string;
  version: string;
  document_hash: string | null;
  withdrawn: boolean;
}
const consentRows = (userId: string) =>
  sql<ConsentRowSql>(
    `SELECT kind::text, version, document_hash, withdrawn_at IS NOT NULL AS withdrawn
     FROM consents WHERE user_id = $1 ORDER BY accepted_at, kind`,
    [userId],
  );

interface AuditRowSql extends Record<string, unknown> {
  action: string;
  actor_id: string | null;
  outcome: string;
  resource_type: string;
  details: Record<string, unknown>;
}
const consentAudit = (subjectId: string) =>
  sql<AuditRowSql>(
    `SELECT action, actor_id::text, outcome::text, resource_type, details FROM audit_log
     WHERE subject_id = $1 AND action LIKE 'consent.%' ORDER BY sequence`,
    [subjectId],
  );

const messageOf = (actor: ReturnType<typeof authenticatedActor>, threadId: string, body: string) =>
  asActor(actor, () => sendMessage(actor, threadId, { id: randomUUID(), body }));

describe("secure messaging consent", () => {
  it("withdrawn: both parties are refused with a clear message and an audited denial; agreed again: messages flow", async () => {
    const patient = await person("PATIENT", "Edda Kvist");
    const doctor = await person("DOCTOR");
    await careVisit(doctor.id, patient.id, "COMPLETED");
    const threadId = await asActor(patient.actor, () => openThread(patient.actor, doctor.id));
    await messageOf(patient.actor, threadId, "Before withdrawing.");

    const withdrawn = await asActor(patient.actor, () =>
      withdrawConsent(patient.actor, patient.id, "MESSAGING"),
    );
    expect(withdrawn).toEqual({
      kind: "MESSAGING",
      version: CURRENT_CONSENT_VERSIONS.MESSAGING,
      changed: true,
    });

    const refused = await appErrorOf(messageOf(patient.actor, threadId, "After withdrawing."));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.status).toBe(403);
    expect(refused.message).toBe(consentRefusalMessage("MESSAGING", "WITHDRAWN", "self"));
    expect(refused.message).toContain("Privacy & data");
    const doctorRefused = await appErrorOf(messageOf(doctor.actor, threadId, "Are you there?"));
    expect(doctorRefused.message).toBe(
      "This patient has not agreed to secure messaging, so messages cannot be sent to them. Call them or book a visit instead.",
    );
    // Nothing was stored after the withdrawal.
    const stored = await sql<{ n: string }>("SELECT count(*) AS n FROM messages WHERE thread_id = $1", [
      threadId,
    ]);
    expect(Number(stored[0]!.n)).toBe(1);

    const granted = await asActor(patient.actor, () => grantConsent(patient.actor, patient.id, "MESSAGING"));
    expect(granted.changed).toBe(true);
    const { created } = await messageOf(patient.actor, threadId, "Back on.");
    expect(created).toBe(true);
    await messageOf(doctor.actor, threadId, "Good to hear from you.");

    // The raw rows: the withdrawn grant kept with its withdrawal time, a new grant with version and hash.
    const messaging = (await consentRows(patient.id)).filter((row) => row.kind === "MESSAGING");
    expect(messaging).toEqual([
      {
        kind: "MESSAGING",
        version: CURRENT_CONSENT_VERSIONS.MESSAGING,
        document_hash: currentConsentDocument("MESSAGING").hash,
        withdrawn: true,
      },
      {
        kind: "MESSAGING",
        version: CURRENT_CONSENT_VERSIONS.MESSAGING,
        document_hash: currentConsentDocument("MESSAGING").hash,
        withdrawn: false,
      },
    ]);

    const details = { kind: "MESSAGING", version: CURRENT_CONSENT_VERSIONS.MESSAGING };
    const audit = await consentAudit(patient.id);
    expect(audit.map((row) => [row.action, row.actor_id, row.outcome, row.resource_type])).toEqual([
      ["consent.withdrawn", patient.id, "SUCCESS", "Consent"],
      ["consent.required", patient.id, "DENIED", "Consent"],
      ["consent.required", doctor.id, "DENIED", "Consent"],
      ["consent.granted", patient.id, "SUCCESS", "Consent"],
    ]);
    expect(audit[0]!.details).toEqual(details);
    expect(audit[1]!.details).toMatchObject({ ...details, status: "WITHDRAWN" });
    expect(audit[3]!.details).toEqual(details);
  });

  it("is optional at sign-up: recorded with its hash when ticked, absent when not", async () => {
    const signUp = async (acceptMessaging: boolean) => {
      const email = uniqueEmail("consent");
      await signUpPatient({
        fullName: "Sign Up Tester",
        email,
        dateOfBirth: "1990-02-02",
        password: "violet-harbour-engine-58",
        acceptMessaging,
      });
      const user = await runAsSystem("test", () =>
        getDb().user.findFirstOrThrow({ where: { email }, select: { id: true } }),
      );
      return user.id;
    };
    const withMessaging = await consentRows(await signUp(true));
    expect(
      withMessaging.map((row) => [row.kind, row.version, row.document_hash, row.withdrawn]).sort(),
    ).toEqual(
      (["MESSAGING", "PRIVACY", "TELEHEALTH"] as const).map((kind) => [
        kind,
        CURRENT_CONSENT_VERSIONS[kind],
        currentConsentDocument(kind).hash,
        false,
      ]),
    );
    const withoutId = await signUp(false);
    const without = await consentRows(withoutId);
    expect(without.map((row) => row.kind).sort()).toEqual(["PRIVACY", "TELEHEALTH"]);
    // Audited like a grant given later.
    const audited = await runSql<{ kind: string }>(
      process.env.DATABASE_URL!,
      "SELECT details->>'kind' AS kind FROM audit_log WHERE action = 'consent.granted' AND subject_id = $1",
      [withoutId],
    );
    expect(audited.map((row) => row.kind).sort()).toEqual(["PRIVACY", "TELEHEALTH"]);
  });
});

describe("telehealth and data processing consent", () => {
  it("gate booking: refused without telehealth (audited), past the gate once agreed", async () => {
    const patient = await patientWith(["PRIVACY", "MESSAGING"]);
    const request = { doctorId: randomUUID(), startsAt: new Date(Date.now() + 86_400_000), reason: "Cough" };
    const refused = await appErrorOf(asActor(patient.actor, () => bookAppointment(patient.actor, request)));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toBe(consentRefusalMessage("TELEHEALTH", "NEVER", "self"));
    expect(
      (await consentAudit(patient.id)).map((row) => [row.action, row.outcome, row.details.kind]),
    ).toEqual([["consent.required", "DENIED", "TELEHEALTH"]]);

    await asActor(patient.actor, () => grantConsent(patient.actor, patient.id, "TELEHEALTH"));
    // Past the consent gate: the next check answers (this doctor does not exist).
    const next = await appErrorOf(asActor(patient.actor, () => bookAppointment(patient.actor, request)));
    expect(next).toMatchObject({ code: "NOT_FOUND", message: "No such doctor." });
  });

  it("gate joining a video visit (telehealth), uploading documents and importing readings (data processing)", async () => {
    const patient = await patientWith(["MESSAGING"]);
    const doctor = await person("DOCTOR");
    const { id: visitId } = await careVisit(doctor.id, patient.id, "CONFIRMED");
    const join = await appErrorOf(asActor(patient.actor, () => joinRoom(patient.actor, visitId)));
    expect(join.code).toBe("FORBIDDEN");
    expect(join.message).toMatch(/telehealth consent.*Privacy & data/);

    const upload = await appErrorOf(
      asActor(patient.actor, () =>
        uploadDocument(patient.actor, {
          patientId: patient.id,
          fileName: "lab.pdf",
          bytes: demoPdf(["Lab results"]),
        }),
      ),
    );
    expect(upload.code).toBe("FORBIDDEN");
    expect(upload.message).toBe(consentRefusalMessage("PRIVACY", "NEVER", "self"));
    const deviceId = await asActor(patient.actor, () =>
      registerDevice(patient.actor, { kind: "SCALE", vendor: "Acme", model: "Scale One" }),
    );
    const readings = await appErrorOf(
      asActor(patient.actor, () =>
        importReadings(patient.actor, deviceId, {
          bytes: new TextEncoder().encode(
            "metric,value,unit,measured_at\nweight,70,kg,2026-11-01T08:00:00Z\n",
          ),
        }),
      ),
    );
    expect(readings.message).toBe(consentRefusalMessage("PRIVACY", "NEVER", "self"));
    const documents = await sql<{ n: string }>("SELECT count(*) AS n FROM documents WHERE patient_id = $1", [
      patient.id,
    ]);
    expect(Number(documents[0]!.n)).toBe(0);
  });

  it("agreed to an older version: refused until the current one is accepted; the history keeps both", async () => {
    const patient = await patientWith(["PRIVACY", "MESSAGING"]);
    await sql(
      "INSERT INTO consents (id, user_id, kind, version, accepted_at) VALUES ($1, $2, 'TELEHEALTH', '2026-11', now() - interval '30 days')",
      [randomUUID(), patient.id],
    );
    expect((await runAsSystem("test", () => consentStateFor(patient.id, "TELEHEALTH"))).status).toBe(
      "OUTDATED",
    );
    expect(await runAsSystem("test", () => hasConsent(patient.id, "TELEHEALTH"))).toBe(false);
    const refused = await appErrorOf(
      asActor(patient.actor, () => requireConsent(patient.id, "TELEHEALTH", "PRIVACY")),
    );
    expect(refused.message).toBe(consentRefusalMessage("TELEHEALTH", "OUTDATED", "self"));

    await asActor(patient.actor, () => grantConsent(patient.actor, patient.id, "TELEHEALTH"));
    await asActor(patient.actor, () => requireConsent(patient.id, "TELEHEALTH", "PRIVACY"));
    const overview = await asActor(patient.actor, () => consentOverviewOf(patient.actor, patient.id));
    expect(overview.cards.find((card) => card.kind === "TELEHEALTH")).toMatchObject({
      status: "GRANTED",
      version: CURRENT_CONSENT_VERSIONS.TELEHEALTH,
    });
    expect(
      overview.history
        .filter((entry) => entry.kind === "TELEHEALTH")
        .map((entry) => [entry.version, entry.superseded]),
    ).toEqual([
      [CURRENT_CONSENT_VERSIONS.TELEHEALTH, false],
      ["2026-11", true],
    ]);
  });
});

describe("changing consents", () => {
  it("agreeing twice, even at once, records one grant; withdrawing what is not in force changes nothing", async () => {
    const patient = await patientWith(["TELEHEALTH", "PRIVACY"]);
    const results = await Promise.all(
      [1, 2, 3].map(() => asActor(patient.actor, () => grantConsent(patient.actor, patient.id, "MESSAGING"))),
    );
    expect(results.filter((result) => result.changed)).toHaveLength(1);
    expect((await consentRows(patient.id)).filter((row) => row.kind === "MESSAGING")).toHaveLength(1);

    await asActor(patient.actor, () => withdrawConsent(patient.actor, patient.id, "MESSAGING"));
    expect(
      await asActor(patient.actor, () => withdrawConsent(patient.actor, patient.id, "MESSAGING")),
    ).toBeNull();
    expect((await consentAudit(patient.id)).map((row) => row.action)).toEqual([
      "consent.granted",
      "consent.withdrawn",
    ]);
  });

  it("only the patient sees or changes their consents: another patient, a doctor and an admin get an audited 404", async () => {
    const patient = await patientWith();
    const before = await consentRows(patient.id);
    const outsiders = [await person("PATIENT"), await person("DOCTOR"), await person("ADMIN")];
    for (const outsider of outsiders) {
      const attempts: (() => Promise<unknown>)[] = [
        () => withdrawConsent(outsider.actor, patient.id, "MESSAGING"),
        () => grantConsent(outsider.actor, patient.id, "MESSAGING"),
        () => consentOverviewOf(outsider.actor, patient.id),
      ];
      for (const attempt of attempts) {
        const error = await appErrorOf(asActor(outsider.actor, attempt));
        expect(error.code).toBe("NOT_FOUND");
      }
    }
    expect(await consentRows(patient.id)).toEqual(before);
    const denials = await sql<{ n: string }>(
      "SELECT count(*) AS n FROM audit_log WHERE action = 'authz.denied' AND resource_type = 'Consent' AND resource_id = $1",
      [patient.id],
    );
    expect(Number(denials[0]!.n)).toBe(outsiders.length * 3);
    expect(await asActor(patient.actor, () => hasConsent(patient.id, "MESSAGING"))).toBe(true);
  });
});
