import { z } from "zod";
import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { visitCalendar } from "@/lib/domain/scheduling/ics";
import { appointmentFor } from "@/lib/domain/scheduling/queries";
import { AppError } from "@/lib/http/errors";
import { namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** An .ics file for one of the caller's own visits ("Haven visit", time, link: no PHI). */
export const GET = route<{ appointmentId: string }>(async (_request, { params }) => {
  const actor = await requireApiActorForResource(
    "appointments:own",
    namedResource("Appointment", params.appointmentId),
  );
  const id = z.uuid().safeParse(params.appointmentId);
  const visit = id.success ? await runAs(actor, () => appointmentFor(actor, id.data)) : null;
  if (!visit) throw new AppError("NOT_FOUND", "Not found.");
  const path = actor.role === "PATIENT" ? `/patient/visits/${visit.id}` : `/doctor/visits/${visit.id}`;
  return new Response(visitCalendar(visit, path), {
    headers: {
      "content-type": "text/calendar; charset=utf-8",
      "content-disposition": 'attachment; filename="haven-visit.ics"',
      "cache-control": "no-store",
    },
  });
});
