import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { AuthenticatedActor } from "@/lib/auth/current";
import type { Role } from "@/lib/db/generated/enums";
import { AppError } from "@/lib/http/errors";
import { type RequestContext, runAsActor, runWithContext } from "@/lib/request-context";

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

/** A signed-in actor as the services receive it. */
export function authenticatedActor(userId: string, role: Role): AuthenticatedActor {
  return { userId, role, sessionId: randomUUID(), idleExpiresAt: new Date(Date.now() + 60_000) };
}

/** Runs a service call as that actor. */
export const asActor = <T>(actor: AuthenticatedActor, fn: () => Promise<T>) =>
  runAsActor({ kind: "user", userId: actor.userId, role: actor.role }, fn);

/** The AppError a call fails with (the test fails if it succeeds or throws something else). */
export async function appErrorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(AppError.is(error), String(error)).toBe(true);
  return error as AppError;
}
