import { requireApiActor, runAs } from "@/lib/auth/current";
import { ownHealthProfile } from "@/lib/domain/health-profile/queries";
import { AppError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The signed-in patient's own health profile. */
export const GET = route(async () => {
  const actor = await requireApiActor("profile:read-own");
  const profile = await runAs(actor, () => ownHealthProfile(actor));
  if (!profile) throw new AppError("NOT_FOUND", "No health profile yet.");
  return Response.json({ profile }, { headers: { "cache-control": "no-store" } });
});
