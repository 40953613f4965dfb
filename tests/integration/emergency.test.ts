// The emergency button against a real PostgreSQL: the event is recorded and
// audited, one email job per treating doctor is queued (none for anyone else),
// the email names nobody, the doctors' dashboard lists it until a treating
// doctor acknowledges it, and anyone else acknowledging gets an audited 404.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { disconnectDb, getDb } from "@/lib/db/client";
import { acknowledgeEmergency } from "@/lib/domain/emergency/acknowledge-emergency";
import { EMERGENCY_SUBJECT, deliverEmergencyNotice } from "@/lib/domain/emergency/notifications";
import { openAlertsForDoctor } from "@/lib/domain/emergency/queries";
import { raiseEmergency } from "@/lib/domain/emergency/raise-emergency";
import { stopQueue } from "@/lib/jobs/queue";
import { runAsSystem } from "@/lib/request-context";
import { appErrorOf, asActor } from "../support/actors";
import { type Person, careVisit as visit, denialsOf as denials, person } from "../support/care";
import { runSql } from "../support/database";

const databaseUrl = process.env.DATABASE_URL!;
afterAll(async () => {
  await stopQueue();
  await disconnectDb();
});

const NAME = "Oksana Emergencytest";

const noticesFor = (eventId: string) =>
  runSql<{ doctor_id: string }>(
    databaseUrl,
    "SELECT data->>'doctorId' AS doctor_id FROM pgboss.job WHERE name = 'emergency.notify' AND data->>'eventId' = $1",
    [eventId],
  );

describe("the emergency button", () => {
  let patient: Person;
  let first: Person;
  let second: Person;
  let heldOnly: Person;
  let stranger: Person;
  let eventId: string;
  beforeAll(async () => {
    patient = await person("PATIENT", NAME);
    await runAsSystem("test", () =>
      getDb().patientProfile.update({ where: { userId: patient.id }, data: { country: "IN" } }),
    );
    first = await person("DOCTOR");
    second = await person("DOCTOR");
    heldOnly = await person("DOCTOR");
    stranger = await person("DOCTOR");
    await visit(first.id, patient.id, "COMPLETED", true);
    await visit(first.id, patient.id, "COMPLETED", true);
    await visit(second.id, patient.id, "CANCELLED", true);
    await visit(heldOnly.id, patient.id, "CANCELLED", false);
  });

  it("records the event, audits it and queues one notice per treating doctor, none for others", async () => {
    const raised = await asActor(patient.actor, () => raiseEmergency(patient.actor, {}));
    eventId = raised.eventId;
    expect(raised).toMatchObject({ doctorsTold: 2, repeated: false });
    const [event] = await runSql<{ patient_id: string; country: string; acknowledged_at: Date | null }>(
      databaseUrl,
      "SELECT patient_id, country, acknowledged_at FROM emergency_events WHERE id = $1",
      [eventId],
    );
    expect(event).toEqual({ patient_id: patient.id, country: "IN", acknowledged_at: null });
    const audit = await runSql<{ action: string; actor_id: string; details: unknown }>(
      databaseUrl,
      "SELECT action, actor_id, details FROM audit_log WHERE resource_id = $1",
      [eventId],
    );
    expect(audit).toEqual([
      { action: "emergency.raised", actor_id: patient.id, details: { doctorsNotified: 2 } },
    ]);
    const notices = (await noticesFor(eventId)).map((row) => row.doctor_id).sort();
    expect(notices).toEqual([first.id, second.id].sort());

    // A second press a moment later is the same emergency: no new event, nobody told twice.
    const again = await asActor(patient.actor, () => raiseEmergency(patient.actor, { country: "GB" }));
    expect(again).toMatchObject({ eventId, repeated: true });
    expect(await noticesFor(eventId)).toHaveLength(2);
  });

  it("records the country the page showed, and tells nobody when the patient has no doctor", async () => {
    const loner = await person("PATIENT");
    const raised = await asActor(loner.actor, () => raiseEmergency(loner.actor, { country: "JP" }));
    expect(raised.doctorsTold).toBe(0);
    const [event] = await runSql<{ country: string }>(
      databaseUrl,
      "SELECT country FROM emergency_events WHERE id = $1",
      [raised.eventId],
    );
    expect(event!.country).toBe("JP");
    expect(await noticesFor(raised.eventId)).toHaveLength(0);
    expect((await appErrorOf(asActor(first.actor, () => raiseEmergency(first.actor, {})))).code).toBe(
      "FORBIDDEN",
    );
  });

  it("emails the time and a link to sign in, and nothing that names the patient", async () => {
    await runAsSystem("test", () => deliverEmergencyNotice({ eventId, doctorId: first.id }));
    const [mail] = await runSql<{ subject: string; text: string }>(
      databaseUrl,
      'SELECT subject, text FROM dev_mail WHERE "to" = $1',
      [first.email],
    );
    expect(mail!.subject).toBe(EMERGENCY_SUBJECT);
    expect(mail!.text).toMatch(
      /^A patient of yours pressed the emergency button in Haven at .+\. Sign in to see who: http\S+\/doctor\n/,
    );
    expect(mail!.text).not.toMatch(/Oksana|Emergencytest|India|IN\b/);
  });

  it("shows the alert to treating doctors only, until one of them acknowledges it", async () => {
    const seenBy = async (doctor: Person) =>
      (await asActor(doctor.actor, () => openAlertsForDoctor(doctor.actor))).filter(
        (alert) => alert.id === eventId,
      );
    expect(await seenBy(first)).toEqual([
      expect.objectContaining({ patientId: patient.id, patientName: NAME }),
    ]);
    expect(await seenBy(second)).toHaveLength(1);
    expect(await seenBy(heldOnly)).toHaveLength(0);
    expect(await seenBy(stranger)).toHaveLength(0);

    const outsiders = [stranger, heldOnly, await person("PATIENT"), patient, await person("ADMIN")];
    for (const outsider of outsiders) {
      const before = await denials(eventId);
      const refused = await appErrorOf(
        asActor(outsider.actor, () => acknowledgeEmergency(outsider.actor, eventId)),
      );
      expect(refused.code, outsider.actor.role).toBe("NOT_FOUND");
      expect(await denials(eventId), outsider.actor.role).toBe(before + 1);
    }
    const missing = randomUUID();
    expect(
      (await appErrorOf(asActor(first.actor, () => acknowledgeEmergency(first.actor, missing)))).code,
    ).toBe("NOT_FOUND");
    expect(await denials(missing)).toBe(1);

    await asActor(second.actor, () => acknowledgeEmergency(second.actor, eventId));
    await asActor(first.actor, () => acknowledgeEmergency(first.actor, eventId));
    const [event] = await runSql<{ acknowledged_by_id: string; acknowledged_at: Date | null }>(
      databaseUrl,
      "SELECT acknowledged_by_id, acknowledged_at FROM emergency_events WHERE id = $1",
      [eventId],
    );
    expect(event!.acknowledged_by_id).toBe(second.id);
    expect(event!.acknowledged_at).toBeInstanceOf(Date);
    expect(
      await runSql(
        databaseUrl,
        "SELECT 1 FROM audit_log WHERE action = 'emergency.acknowledged' AND resource_id = $1",
        [eventId],
      ),
    ).toHaveLength(1);
    expect(await seenBy(first)).toHaveLength(0);
  });
});
