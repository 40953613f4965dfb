// Prescriptions as the actor may see them: the patient's own, and those of
// patients a doctor treats. Every view and download is audited here (what and
// by whom), besides the data layer's one row per PHI record read.
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { careVisitFilter } from "@/lib/authz/care";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { requireChartAccess } from "@/lib/domain/clinical/access";
import { canonicalTimeZone } from "@/lib/domain/scheduling/time-zones";
import type { PrescriptionView } from "./schemas";

const ITEM_SELECT = {
  position: true,
  medicine: true,
  strength: true,
  form: true,
  dose: true,
  route: true,
  frequency: true,
  duration: true,
  quantity: true,
  refills: true,
  instructions: true,
} as const;

const PRESCRIPTION_SELECT = {
  id: true,
  patientId: true,
  doctorId: true,
  appointmentId: true,
  verificationCode: true,
  signedAt: true,
  doctor: {
    select: { timeZone: true, doctorProfile: { select: { displayName: true, licenseNumber: true } } },
  },
  items: { select: ITEM_SELECT, orderBy: { position: "asc" as const } },
} as const;

type PrescriptionRow = {
  id: string;
  patientId: string;
  doctorId: string;
  appointmentId: string | null;
  verificationCode: string;
  signedAt: Date;
  doctor: { timeZone: string; doctorProfile: { displayName: string; licenseNumber: string | null } | null };
  items: PrescriptionView["items"];
};

function toView(row: PrescriptionRow): PrescriptionView {
  return {
    id: row.id,
    patientId: row.patientId,
    doctorId: row.doctorId,
    doctorName: row.doctor.doctorProfile?.displayName ?? "Your doctor",
    licenseNumber: row.doctor.doctorProfile?.licenseNumber ?? null,
    appointmentId: row.appointmentId,
    verificationCode: row.verificationCode,
    signedAt: row.signedAt,
    items: row.items,
  };
}

/** A patient's prescriptions, newest first, for their list and their treating doctors' chart. */
export async function prescriptionsOfPatient(
  actor: AuthenticatedActor,
  patientId: string,
): Promise<PrescriptionView[]> {
  await requireChartAccess(actor, patientId, "read");
  return transaction(async () => {
    const rows = await getDb().prescription.findMany({
      where: { patientId },
      select: PRESCRIPTION_SELECT,
      orderBy: { signedAt: "desc" },
    });
    for (const row of rows) {
      await recordAuditEvent({
        action: "prescription.viewed",
        resourceType: "Prescription",
        resourceId: row.id,
        details: { via: "list" },
      });
    }
    return rows.map(toView);
  });
}

/** Whose prescription it is (no PHI read), once the actor may see it; else a 404, audited. */
async function readablePrescription(actor: AuthenticatedActor, prescriptionId: string) {
  const header = await getDb().prescription.findUnique({
    where: { id: prescriptionId },
    select: { id: true, patientId: true },
  });
  if (!header) return refuseAsNotFound("Prescription", prescriptionId);
  await requireChartAccess(actor, header.patientId, "read", { type: "Prescription", id: prescriptionId });
  return header;
}

/** One prescription for the patient or one of their treating doctors, or a 404 (audited). */
export async function prescriptionFor(
  actor: AuthenticatedActor,
  prescriptionId: string,
): Promise<PrescriptionView> {
  await readablePrescription(actor, prescriptionId);
  return transaction(async () => {
    const row = await getDb().prescription.findUniqueOrThrow({
      where: { id: prescriptionId },
      select: PRESCRIPTION_SELECT,
    });
    await recordAuditEvent({
      action: "prescription.viewed",
      resourceType: "Prescription",
      resourceId: row.id,
    });
    return toView(row);
  });
}

export interface PrescriptionDocument {
  prescription: PrescriptionView;
  patient: { fullName: string; dateOfBirth: string | null };
  /** The doctor's zone: the date printed is the day the doctor signed, where they were. */
  doctorTimeZone: string;
}

/** Everything the PDF prints, for the same people as prescriptionFor; audited as a download. */
export async function prescriptionDocumentFor(
  actor: AuthenticatedActor,
  prescriptionId: string,
): Promise<PrescriptionDocument> {
  const header = await readablePrescription(actor, prescriptionId);
  return transaction(async () => {
    const row = await getDb().prescription.findUniqueOrThrow({
      where: { id: prescriptionId },
      select: PRESCRIPTION_SELECT,
    });
    const profile = await getDb().patientProfile.findUnique({
      where: { userId: header.patientId },
      select: { fullName: true, dateOfBirth: true },
    });
    await recordAuditEvent({
      action: "prescription.downloaded",
      resourceType: "Prescription",
      resourceId: row.id,
    });
    return {
      prescription: toView(row),
      patient: { fullName: profile?.fullName ?? "", dateOfBirth: profile?.dateOfBirth ?? null },
      doctorTimeZone: canonicalTimeZone(row.doctor.timeZone) ?? "UTC",
    };
  });
}

export interface PrescribingContext {
  patientName: string;
  visits: { id: string; startsAt: Date; status: string }[];
}

/** What the new-prescription form needs: the patient's name and the doctor's visits with them. Treating doctors only. */
export async function prescribingContext(
  actor: AuthenticatedActor,
  patientId: string,
): Promise<PrescribingContext> {
  await requireChartAccess(actor, patientId, "write");
  const [profile, visits] = await Promise.all([
    getDb().patientProfile.findUnique({ where: { userId: patientId }, select: { fullName: true } }),
    getDb().appointment.findMany({
      where: { doctorId: actor.userId, patientId, ...careVisitFilter() },
      select: { id: true, startsAt: true, status: true },
      orderBy: { startsAt: "desc" },
      take: 20,
    }),
  ]);
  return { patientName: profile?.fullName ?? "this patient", visits };
}
