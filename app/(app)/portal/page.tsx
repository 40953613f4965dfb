import { redirect } from "next/navigation";
import { PORTAL_OF } from "@/lib/authz/permissions";
import { requireActor } from "@/lib/auth/current";

/** Where sign-in lands: each role's own portal. */
export default async function PortalRedirect() {
  const actor = await requireActor();
  redirect(PORTAL_OF[actor.role]);
}
