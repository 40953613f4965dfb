import type { Route } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/ui/action-form";
import { type AuthenticatedActor, runAs } from "@/lib/auth/current";
import { startNoteAction } from "@/lib/domain/clinical/actions";
import type { ChartVisit } from "@/lib/domain/clinical/chart";
import { notesOfPatient } from "@/lib/domain/clinical/notes";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { NoteBody, NoteStatusLine } from "./note-view";

/** The chart's notes: signed ones for every treating doctor, drafts for their author; a new note for a visit. */
export async function ChartNotes({
  actor,
  patientId,
  visits,
  timeZone,
  readOnly = false,
}: {
  actor: AuthenticatedActor;
  patientId: string;
  visits: readonly ChartVisit[];
  timeZone: string;
  /** Emergency (break-glass) access: the notes are shown, no note is started. */
  readOnly?: boolean;
}) {
  const notes = await runAs(actor, () => notesOfPatient(actor, patientId));
  const ownVisits = visits.filter((visit) => visit.doctorId === actor.userId && visit.status !== "CANCELLED");
  return (
    <section aria-labelledby="notes" className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
      <h2 id="notes" className="mb-4 text-lg font-semibold text-brand-900">
        Consultation notes
      </h2>
      {readOnly ? null : (
        <ActionForm
          action={startNoteAction}
          hidden={{ patientId }}
          fields={[
            {
              name: "appointmentId",
              label: "For the visit",
              kind: "select",
              options: [
                { value: "", label: "No particular visit" },
                ...ownVisits.map((visit) => ({
                  value: visit.id,
                  label: formatDateTime(visit.startsAt, timeZone),
                })),
              ],
              defaultValue: ownVisits[0]?.id ?? "",
            },
          ]}
          submitLabel="Start a note"
          variant="secondary"
        />
      )}
      {notes.length ? (
        <ol className="mt-6 space-y-6">
          {notes.map((note) => (
            <li key={note.id} className="border-t border-slate-100 pt-4">
              <div className="mb-2 flex flex-wrap items-baseline justify-between gap-2">
                <h3 className="font-semibold text-slate-900">
                  Note of {formatDateTime(note.createdAt, timeZone)}
                </h3>
                <NoteStatusLine note={note} timeZone={timeZone} />
              </div>
              <NoteBody note={note} timeZone={timeZone} />
              <Link
                href={`/doctor/notes/${note.id}` as Route}
                className="mt-2 inline-block text-sm font-medium text-brand-700 underline"
              >
                {note.status === "DRAFT" ? "Continue this draft" : "Open the note"}
                <span className="sr-only"> of {formatDateTime(note.createdAt, timeZone)}</span>
              </Link>
            </li>
          ))}
        </ol>
      ) : (
        <p className="mt-4 text-sm text-slate-600">No notes yet.</p>
      )}
    </section>
  );
}
