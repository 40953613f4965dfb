// People and visits for the clinical record's tests: a patient with a profile, a
// doctor, a visit that does (or does not) make the doctor a treating doctor, and
// the number of audited refusals of one record.
import { getDb } from "@/lib/db/client";
import type { AppointmentStatus, Role } from "@/lib/db/generated/enums";
import { runAsSystem } from "@/lib/request-context";
import { createAccount } from "./accounts";
import { authenticatedActor } from "./actors";
import { runSql } from "./database";

export type Person = Awaited<ReturnType<typeof person>>;

/** An account of that role (a patient gets a profile) and the actor the services receive. */
export async function person(role: Role, fullName = "Noor Test") {
  const account = await createAccount(role);
  if (role === "PATIENT") {
    await runAsSystem("test", () =>
      getDb().patientProfile.create({ data: { userId: account.id, fullName } }),
    );
  }
  return { ...account, actor: authenticatedActor(account.id, role) };
}

let slot = 0;
/** A visit between them, in a state, confirmed or not (each call takes a later, non-overlapping hour). */
export async function careVisit(
  doctorId: string,
  patientId: string,
  status: AppointmentStatus = "COMPLETED",
  confirmed = true,
) {
  const startsAt = new Date(Date.parse("2031-05-05T08:00:00Z") + (slot += 1) * 3_600_000);
  return runAsSystem("test", () =>
    getDb().appointment.create({
      data: {
        doctorId,
        patientId,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * 60_000),
        status,
        confirmedAt: confirmed ? new Date() : null,
        reason: "Follow-up",
        feeMinor: 0,
        currency: "EUR",
      },
      select: { id: true },
    }),
  );
}

/** How many `authz.denied` audit rows name this record. */
export async function denialsOf(resourceId: string): Promise<number> {
  const rows = await runSql<{ n: string }>(
    process.env.DATABASE_URL!,
    "SELECT count(*) AS n FROM audit_log WHERE action = 'authz.denied' AND resource_id = $1",
    [resourceId],
  );
  return Number(rows[0]!.n);
}
