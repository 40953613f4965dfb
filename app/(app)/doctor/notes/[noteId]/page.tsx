import type { Metadata, Route } from "next";
import Link from "next/link";
import { NoteBody, NoteStatusLine } from "@/components/clinical/note-view";
import { SOAP_FIELD_LABELS } from "@/components/clinical/soap-fields";
import { ActionForm } from "@/components/ui/action-form";
import { Alert, Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { amendNoteAction, saveNoteAction, signNoteAction } from "@/lib/domain/clinical/actions";
import { noteFor } from "@/lib/domain/clinical/notes";
import { orNotFound } from "@/lib/http/not-found";
import { pageIdOr404 } from "@/lib/http/params";
import { type SearchParams, singleParam } from "@/lib/http/search-params";

export const metadata: Metadata = { title: "Consultation note" };

/** A note: its author edits the draft and signs it; once signed, it is read-only and can be amended. */
export default async function NotePage({
  params,
  searchParams,
}: {
  params: Promise<{ noteId: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const actor = await requireActor("clinical:write");
  const noteId = pageIdOr404((await params).noteId);
  const [note, timeZone] = await orNotFound(
    runAs(actor, () => Promise.all([noteFor(actor, noteId), accountTimeZone(actor)])),
  );
  const isAuthor = note.authorId === actor.userId;
  const signed = singleParam((await searchParams).signed);
  return (
    <>
      <Link
        href={`/doctor/patients/${note.patientId}#notes` as Route}
        className="text-sm text-brand-700 underline"
      >
        Back to the chart
      </Link>
      <h1 className="text-2xl font-bold text-brand-900">Consultation note</h1>
      <p>
        <NoteStatusLine note={note} timeZone={timeZone} />
      </p>
      {signed && note.status === "SIGNED" ? (
        <Alert tone="success">
          The note is signed. It can no longer change; add an amendment to correct it.
        </Alert>
      ) : null}
      {note.status === "DRAFT" ? (
        <>
          <Card title="Edit the draft">
            <ActionForm
              action={saveNoteAction}
              hidden={{ noteId: note.id }}
              fields={SOAP_FIELD_LABELS.map((field) => ({
                ...field,
                kind: "textarea",
                defaultValue: note[field.name],
              }))}
              submitLabel="Save the draft"
            />
          </Card>
          <Card title="Sign the note">
            <p className="mb-4 text-sm text-slate-700">
              Save your last changes first. A signed note is permanent: it cannot be edited or deleted, only
              amended.
            </p>
            <ActionForm
              action={signNoteAction}
              hidden={{ noteId: note.id }}
              fields={[
                { name: "reviewed", label: "I have reviewed this note and sign it", kind: "checkbox" },
              ]}
              submitLabel="Sign the note"
            />
          </Card>
        </>
      ) : (
        <>
          <Card>
            <NoteBody note={note} timeZone={timeZone} />
          </Card>
          {isAuthor ? (
            <Card title="Add an amendment">
              <ActionForm
                action={amendNoteAction}
                hidden={{ noteId: note.id }}
                fields={[
                  {
                    name: "text",
                    label: "Correction",
                    kind: "textarea",
                    hint: "Appended with today's date; the signed text stays as it was.",
                  },
                ]}
                submitLabel="Add the amendment"
              />
            </Card>
          ) : null}
        </>
      )}
    </>
  );
}
