import { requireApiActorForResource, runAs } from "@/lib/auth/current";
import { exportFormatSchema } from "@/lib/domain/access-reviews/schemas";
import { exportAccessReview } from "@/lib/domain/access-reviews/service";
import { AppError } from "@/lib/http/errors";
import { namedResource } from "@/lib/http/params";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** One access review as CSV or JSON (?format=csv|json); admins only (anyone else: 404); the export is audited. */
export const GET = route<{ reviewId: string }>(async (request, { params }) => {
  const actor = await requireApiActorForResource(
    "access-reviews:manage",
    namedResource("AccessReview", params.reviewId),
  );
  const format = exportFormatSchema.safeParse(new URL(request.url).searchParams.get("format") ?? "csv");
  if (!format.success) throw new AppError("BAD_REQUEST", "Choose format=csv or format=json.");
  const file = await runAs(actor, () => exportAccessReview(actor, params.reviewId, format.data));
  return new Response(file.body, {
    headers: {
      "content-type": file.contentType,
      "content-disposition": `attachment; filename="${file.fileName}"`,
      "cache-control": "no-store",
    },
  });
});
