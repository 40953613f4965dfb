import "server-only";
import { recordAuditEvent } from "@/lib/db/client";
import { runAsActor } from "@/lib/request-context";
import { clearSessionCookie, readSessionCookie } from "./session-cookie";
import { revokeSession } from "./sessions";

/** Ends this browser's session on the server at once, then forgets the cookie. */
export async function signOutCurrentSession(): Promise<void> {
  const token = await readSessionCookie();
  if (token) {
    await runAsActor({ kind: "user", userId: token.userId, role: token.role }, async () => {
      await revokeSession(token.sessionId, "signed-out");
      await recordAuditEvent({
        action: "auth.sign-out",
        resourceType: "Session",
        resourceId: token.sessionId,
      });
    });
  }
  await clearSessionCookie();
}
