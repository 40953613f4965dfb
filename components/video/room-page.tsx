// The video room page, the same in both portals: the actor must belong to this portal
// (else 404) and be the visit's doctor or patient (else the audited 404).
import type { Route } from "next";
import { notFound } from "next/navigation";
import { VisitNotesPanel } from "@/components/clinical/visit-notes-panel";
import { Card } from "@/components/ui/form";
import { requireActor, runAs } from "@/lib/auth/current";
import { accountTimeZone } from "@/lib/domain/accounts/service";
import { formatDateTime } from "@/lib/domain/scheduling/format";
import { appointmentFor } from "@/lib/domain/scheduling/queries";
import { agoraSettings } from "@/lib/domain/video/issue-token";
import { roomStatus } from "@/lib/domain/video/room";
import { VISIT_PATH } from "@/lib/domain/video/schemas";
import { ROOM_REFUSAL_MESSAGE, roomRefusal, videoWindow } from "@/lib/domain/video/window";
import { pageIdOr404 } from "@/lib/http/params";
import { VisitRoom } from "./visit-room";

export async function VisitRoomPage({
  portal,
  visitId: rawVisitId,
}: {
  portal: keyof typeof VISIT_PATH;
  visitId: string;
}) {
  const actor = await requireActor("video:join");
  if (actor.role !== portal) notFound();
  const visitId = pageIdOr404(rawVisitId);
  const [visit, timeZone] = await runAs(actor, () =>
    Promise.all([appointmentFor(actor, visitId), accountTimeZone(actor)]),
  );
  if (!visit?.patient) notFound();
  const status = await runAs(actor, () => roomStatus(actor, visitId));
  const counterpartName = portal === "PATIENT" ? visit.doctor.displayName : visit.patient.fullName;
  const backHref = VISIT_PATH[portal](visit.id) as Route;
  // A visit under way keeps its room until the doctor ends it, however late it runs.
  const refusal = visit.status === "IN_PROGRESS" ? null : roomRefusal(visit, new Date());
  return (
    <>
      <p className="text-sm">
        {/* A document load: the visit page's own headers (no camera, no microphone) come back with it. */}
        <a href={backHref} className="text-brand-700 underline">
          ← Back to the visit
        </a>
      </p>
      <h1 className="text-2xl font-bold text-brand-900">Video visit with {counterpartName}</h1>
      <p className="text-sm text-slate-700">{formatDateTime(visit.startsAt, timeZone)}</p>
      {refusal && refusal !== "ended" ? (
        <Card>
          <p className="text-slate-800">{ROOM_REFUSAL_MESSAGE[refusal]}</p>
          {refusal === "before" ? (
            <p className="mt-2 text-sm text-slate-700">
              Come back at {formatDateTime(videoWindow(visit).opensAt, timeZone)}.
            </p>
          ) : null}
        </Card>
      ) : (
        <VisitRoom
          visitId={visit.id}
          role={portal}
          counterpartName={counterpartName}
          initial={status}
          transportKind={agoraSettings() ? "agora" : "builtin"}
          backHref={backHref}
          notesPanel={
            portal === "DOCTOR" ? (
              <VisitNotesPanel
                actor={actor}
                patientId={visit.patient.id}
                visitId={visit.id}
                timeZone={timeZone}
              />
            ) : undefined
          }
        />
      )}
    </>
  );
}
