import { formatDateTime } from "@/lib/domain/scheduling/format";
import type { NoteView } from "@/lib/domain/clinical/notes";

const SECTIONS = [
  ["subjective", "Subjective"],
  ["objective", "Objective"],
  ["assessment", "Assessment"],
  ["plan", "Plan"],
] as const;

/** A note's SOAP sections, then its amendments in the order they were written. */
export function NoteBody({ note, timeZone }: { note: NoteView; timeZone: string }) {
  return (
    <div className="space-y-4">
      <dl className="space-y-3">
        {SECTIONS.map(([field, label]) => (
          <div key={field}>
            <dt className="text-sm font-semibold text-slate-700">{label}</dt>
            <dd className="whitespace-pre-wrap text-slate-900">{note[field] || "—"}</dd>
          </div>
        ))}
      </dl>
      {note.amendments.length ? (
        <div>
          <h3 className="text-sm font-semibold text-slate-700">Amendments</h3>
          <ol className="mt-2 space-y-2">
            {note.amendments.map((amendment) => (
              <li key={amendment.id} className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2">
                <p className="text-xs font-medium text-amber-900">
                  Amended {formatDateTime(amendment.createdAt, timeZone)}
                </p>
                <p className="whitespace-pre-wrap text-slate-900">{amendment.text}</p>
              </li>
            ))}
          </ol>
        </div>
      ) : null}
    </div>
  );
}

export function NoteStatusLine({ note, timeZone }: { note: NoteView; timeZone: string }) {
  return note.status === "SIGNED" && note.signedAt ? (
    <span className="text-sm text-emerald-800">Signed {formatDateTime(note.signedAt, timeZone)}</span>
  ) : (
    <span className="text-sm text-amber-800">
      Draft, last saved {formatDateTime(note.updatedAt, timeZone)} (only you can see it)
    </span>
  );
}
