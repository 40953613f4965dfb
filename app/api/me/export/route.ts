import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { exportPatientData } from "@/lib/domain/patient-rights/export";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/**
 * "Download all my data": the signed-in patient's data as a zip, streamed as it is made. Patients
 * only (rights:own); a doctor, an admin or a visitor gets the same audited 404 as a missing page.
 */
export const GET = route(async () => {
  const actor = await requireApiActorForResource("rights:own", { type: "DataRequest", id: null });
  const file = await runAs(actor, () => exportPatientData(actor));
  return new Response(file.stream, {
    headers: {
      "content-type": "application/zip",
      // No name in the file name: download bars and shared folders show it.
      "content-disposition": `attachment; filename="${file.fileName}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-haven-data-request": file.requestId,
    },
  });
});
