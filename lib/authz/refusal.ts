// What every refused record looks like from outside: the same 404 as an id that
// does not exist, and an `authz.denied` audit row inside. The services that scope
// records (scheduling, clinical) refuse through here.
import "server-only";
import { recordAuditEvent } from "@/lib/db/client";
import { AppError } from "@/lib/http/errors";

/** Audits a refused access to one record. */
export async function recordRefusal(resourceType: string, resourceId: string): Promise<void> {
  await recordAuditEvent({ action: "authz.denied", resourceType, resourceId, outcome: "DENIED" });
}

/** Audits a refused access to one record and answers as if it did not exist. */
export async function refuseAsNotFound(
  resourceType: string,
  resourceId: string,
  message = "Not found.",
): Promise<never> {
  await recordRefusal(resourceType, resourceId);
  throw new AppError("NOT_FOUND", message);
}
