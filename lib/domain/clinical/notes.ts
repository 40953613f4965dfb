// Consultation notes in SOAP form: drafts by a treating doctor, then signed and
// immutable (a database trigger refuses any change too); corrections are dated
// amendments by the author, shown in order. Every read and write is audited by
// the data layer (PHI columns) and here (what happened, with field names only).
import "server-only";
import type { AuthenticatedActor } from "@/lib/auth/current";
import { canSeeNote, isAuthor } from "@/lib/authz/care";
import { getDb, recordAuditEvent, transaction } from "@/lib/db/client";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { AppError } from "@/lib/http/errors";
import { requireChartAccess } from "./access";

export const SOAP_FIELDS = ["subjective", "objective", "assessment", "plan"] as const;
export type SoapField = (typeof SOAP_FIELDS)[number];
export type SoapContent = Record<SoapField, string>;

export interface NoteView extends SoapContent {
  id: string;
  patientId: string;
  authorId: string;
  appointmentId: string | null;
  status: "DRAFT" | "SIGNED";
  signedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  amendments: { id: string; authorId: string; text: string; createdAt: Date }[];
}

const NOTE_SELECT = {
  id: true,
  patientId: true,
  authorId: true,
  appointmentId: true,
  status: true,
  signedAt: true,
  createdAt: true,
  updatedAt: true,
  subjective: true,
  objective: true,
  assessment: true,
  plan: true,
  amendments: {
    select: { id: true, authorId: true, text: true, createdAt: true },
    orderBy: { createdAt: "asc" as const },
  },
} as const;

/** Who wrote a note and for whom (no PHI read), or a 404 (audited) for a note that does not exist. */
async function noteHeader(noteId: string) {
  const header = await getDb().clinicalNote.findUnique({
    where: { id: noteId },
    select: { id: true, patientId: true, authorId: true, status: true },
  });
  return header ?? refuseAsNotFound("ClinicalNote", noteId);
}

/** A note its author may change, sign or amend: still a treating doctor, and the author; else a 404. */
async function authoredNote(actor: AuthenticatedActor, noteId: string) {
  const note = await noteHeader(noteId);
  await requireChartAccess(actor, note.patientId, "write", { type: "ClinicalNote", id: noteId });
  return isAuthor(actor, note) ? note : refuseAsNotFound("ClinicalNote", noteId);
}

/** A treating doctor starts a note (optionally for one of their visits with the patient). */
export async function createNoteDraft(
  actor: AuthenticatedActor,
  patientId: string,
  input: Partial<SoapContent> & { appointmentId?: string | undefined },
): Promise<string> {
  await requireChartAccess(actor, patientId, "write");
  if (input.appointmentId) {
    const visit = await getDb().appointment.findFirst({
      where: { id: input.appointmentId, doctorId: actor.userId, patientId },
      select: { id: true },
    });
    if (!visit) throw new AppError("VALIDATION_FAILED", "That visit is not one of yours with this patient.");
  }
  return transaction(async () => {
    const { id } = await getDb().clinicalNote.create({
      data: {
        patientId,
        authorId: actor.userId,
        appointmentId: input.appointmentId ?? null,
        subjective: input.subjective ?? "",
        objective: input.objective ?? "",
        assessment: input.assessment ?? "",
        plan: input.plan ?? "",
      },
      select: { id: true },
    });
    await recordAuditEvent({ action: "note.created", resourceType: "ClinicalNote", resourceId: id });
    return id;
  });
}

/** The author changes a draft; a signed note cannot change (CONFLICT). */
export async function updateNoteDraft(
  actor: AuthenticatedActor,
  noteId: string,
  changes: Partial<SoapContent>,
): Promise<void> {
  await authoredNote(actor, noteId);
  const fields = SOAP_FIELDS.filter((field) => changes[field] !== undefined);
  await transaction(async () => {
    // Compare-and-set on DRAFT: a note signed meanwhile is not touched.
    const changed = await getDb().clinicalNote.updateManyAndReturn({
      where: { id: noteId, status: "DRAFT", authorId: actor.userId },
      data: Object.fromEntries(fields.map((field) => [field, changes[field]])),
      select: { id: true },
    });
    if (changed.length === 0) throw signedError();
    await recordAuditEvent({
      action: "note.updated",
      resourceType: "ClinicalNote",
      resourceId: noteId,
      details: { fields },
    });
  });
}

const signedError = () =>
  new AppError("CONFLICT", "This note is signed and cannot be changed. Add an amendment instead.");

/** The author signs a draft: from then on it never changes. */
export async function signNote(actor: AuthenticatedActor, noteId: string): Promise<void> {
  await authoredNote(actor, noteId);
  await transaction(async () => {
    const { count } = await getDb().clinicalNote.updateMany({
      where: { id: noteId, status: "DRAFT", authorId: actor.userId },
      data: { status: "SIGNED", signedAt: new Date() },
    });
    if (count === 0) throw new AppError("CONFLICT", "This note is already signed.");
    await recordAuditEvent({ action: "note.signed", resourceType: "ClinicalNote", resourceId: noteId });
  });
}

/** The author appends a dated correction to a signed note. */
export async function amendNote(actor: AuthenticatedActor, noteId: string, text: string): Promise<string> {
  const note = await authoredNote(actor, noteId);
  if (note.status !== "SIGNED") {
    throw new AppError("CONFLICT", "This note is still a draft: change it directly, then sign it.");
  }
  const trimmed = text.trim();
  if (trimmed.length < 3) {
    throw new AppError("VALIDATION_FAILED", "Write the correction.", {
      fields: [{ field: "text", message: "Write the correction." }],
    });
  }
  return transaction(async () => {
    const { id } = await getDb().noteAmendment.create({
      data: { noteId, patientId: note.patientId, authorId: actor.userId, text: trimmed },
      select: { id: true },
    });
    await recordAuditEvent({
      action: "note.amended",
      resourceType: "ClinicalNote",
      resourceId: noteId,
      details: { amendmentId: id },
    });
    return id;
  });
}

/** One note as the actor may see it, or a 404 (audited). */
export async function noteFor(actor: AuthenticatedActor, noteId: string): Promise<NoteView> {
  const header = await noteHeader(noteId);
  const access = await requireChartAccess(actor, header.patientId, "read", {
    type: "ClinicalNote",
    id: noteId,
  });
  if (!canSeeNote(actor, access, header)) return refuseAsNotFound("ClinicalNote", noteId);
  return getDb().clinicalNote.findUniqueOrThrow({ where: { id: noteId }, select: NOTE_SELECT });
}

/** A patient's notes the actor may see, newest first: signed ones, and the actor's own drafts. */
export async function notesOfPatient(
  actor: AuthenticatedActor,
  patientId: string,
  filter: { appointmentId?: string } = {},
): Promise<NoteView[]> {
  await requireChartAccess(actor, patientId, "read");
  return getDb().clinicalNote.findMany({
    where: {
      patientId,
      ...(filter.appointmentId ? { appointmentId: filter.appointmentId } : {}),
      OR: [{ status: "SIGNED" }, ...(actor.role === "DOCTOR" ? [{ authorId: actor.userId }] : [])],
    },
    select: NOTE_SELECT,
    orderBy: { createdAt: "desc" },
  });
}
