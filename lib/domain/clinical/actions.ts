"use server";

// The notes' server actions: parse → authorize → use case → revalidate or redirect.
// The services decide whose chart and whose note (404 + audit for anyone else).
import type { Route } from "next";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requireActor, runAs } from "@/lib/auth/current";
import { AppError } from "@/lib/http/errors";
import { type FormState, failure, formValues } from "@/lib/http/form-state";
import { amendNote, createNoteDraft, signNote, updateNoteDraft } from "./notes";
import { amendNoteSchema, newNoteSchema, saveNoteSchema, signNoteSchema } from "./schemas";

export async function startNoteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  let noteId: string;
  try {
    const { patientId, appointmentId } = newNoteSchema.parse(Object.fromEntries(form));
    noteId = await runAs(actor, () =>
      createNoteDraft(actor, patientId, { appointmentId: appointmentId || undefined }),
    );
  } catch (error) {
    return failure(error, {});
  }
  redirect(`/doctor/notes/${noteId}` as Route);
}

/** The same, from the video room's notes panel: the room stays open (no navigation) and shows the draft. */
export async function startVisitNoteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  try {
    const { patientId, appointmentId } = newNoteSchema.parse(Object.fromEntries(form));
    if (!appointmentId) throw new AppError("VALIDATION_FAILED", "Choose the visit the note is for.");
    await runAs(actor, () => createNoteDraft(actor, patientId, { appointmentId }));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Draft started. It is saved only when you press Save." };
}

export async function saveNoteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  try {
    const { noteId, ...content } = saveNoteSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => updateNoteDraft(actor, noteId, content));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: `Draft saved at ${new Date().toISOString().slice(11, 16)} UTC.` };
}

export async function signNoteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  let noteId: string;
  try {
    const input = signNoteSchema.parse(Object.fromEntries(form));
    noteId = input.noteId;
    await runAs(actor, () => signNote(actor, input.noteId));
  } catch (error) {
    return failure(error, {});
  }
  revalidatePath("/doctor", "layout");
  redirect(`/doctor/notes/${noteId}?signed=1` as Route);
}

export async function amendNoteAction(_previous: FormState, form: FormData): Promise<FormState> {
  const actor = await requireActor("clinical:write");
  try {
    const { noteId, text } = amendNoteSchema.parse(Object.fromEntries(form));
    await runAs(actor, () => amendNote(actor, noteId, text));
  } catch (error) {
    return failure(error, formValues(form));
  }
  revalidatePath("/doctor", "layout");
  return { ok: true, message: "Amendment added." };
}
