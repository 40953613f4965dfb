import { randomUUID } from "node:crypto";
import type { Role } from "@/lib/db/generated/enums";
import { type RequestContext, runWithContext } from "@/lib/request-context";

/** Runs fn as a signed-in user under a fresh request id, which the returned context carries. */
export async function asUser<T>(
  role: Role,
  fn: (context: RequestContext) => Promise<T>,
  userId: string = randomUUID(),
): Promise<T> {
  const context: RequestContext = {
    actor: { kind: "user", userId, role },
    requestId: randomUUID(),
    ip: "203.0.113.7",
    userAgent: "haven-tests",
  };
  return runWithContext(context, () => fn(context));
}

export const uniqueEmail = (label = "patient") => `${label}.${randomUUID().slice(0, 8)}@example.test`;
