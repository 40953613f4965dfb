import "server-only";
import { type AuthenticatedActor, requireApiActorForResource, runAs } from "@/lib/auth/current";
import { refuseAsNotFound } from "@/lib/authz/refusal";
import { isUuid, namedResource } from "@/lib/http/params";

/**
 * The room routes' first step: a signed-in patient or doctor (the service then decides
 * whether they are this visit's); anyone else, or a path that names no visit, is the
 * audited 404.
 */
export async function requireRoomCaller(visitId: string): Promise<AuthenticatedActor> {
  const resource = namedResource("Appointment", visitId);
  const actor = await requireApiActorForResource("video:join", resource);
  if (!isUuid(visitId)) await runAs(actor, () => refuseAsNotFound(resource.type, resource.id));
  return actor;
}

export const NO_STORE = { "cache-control": "no-store" } as const;
