// Placeholder: being built (issue 15).
import type { AuthenticatedActor } from "@/lib/auth/current";

export async function ConsentSection({ actor }: { actor: AuthenticatedActor }) {
  void actor;
  return null;
}
