import type { Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { saveNoteAction, startVisitNoteAction } from "@/lib/domain/clinical/actions";
import { notesOfPatient } from "@/lib/domain/clinical/notes";
import { NoteBody } from "./note-view";
import { SOAP_FIELD_LABELS } from "./soap-fields";

/**
 * The doctor's note of one visit, beside the video: their draft to write and save while
 * they talk (signing happens on the note's own page, after a last read), or the signed note.
 */
export async function VisitNotesPanel({
  actor,
  patientId,
  visitId,
  timeZone,
}: {
  actor: AuthenticatedActor;
  patientId: string;
  visitId: string;
  timeZone: string;
}) {
  const notes = await runAs(actor, () => notesOfPatient(actor, patientId, { appointmentId: visitId }));
  const draft = notes.find((note) => note.status === "DRAFT" && note.authorId === actor.userId);
  const signed = notes.find((note) => note.status === "SIGNED");
  return (
    <section
      aria-labelledby="visit-notes"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="visit-notes" className="mb-3 text-lg font-semibold text-brand-900">
        Notes of this visit
      </h2>
      {draft ? (
        <>
          <ActionForm
            action={saveNoteAction}
            hidden={{ noteId: draft.id }}
            fields={SOAP_FIELD_LABELS.map((field) => ({
              ...field,
              kind: "textarea",
              defaultValue: draft[field.name],
            }))}
            submitLabel="Save the draft"
          />
          <Link
            href={`/doctor/notes/${draft.id}` as Route}
            target="_blank"
            className="mt-3 inline-block text-sm font-medium text-brand-700 underline"
          >
            Open the note to sign it (new tab)
          </Link>
        </>
      ) : signed ? (
        <NoteBody note={signed} timeZone={timeZone} />
      ) : (
        <ActionForm
          action={startVisitNoteAction}
          hidden={{ patientId, appointmentId: visitId }}
          fields={[]}
          submitLabel="Start a note for this visit"
          variant="secondary"
        />
      )}
    </section>
  );
}
