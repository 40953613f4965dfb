// Placeholder: being built (issue 15).
import type { AuthenticatedActor } from "@/lib/auth/current";

export function ExportCard({ actor }: { actor: AuthenticatedActor }) {
  void actor;
  return null;
}
