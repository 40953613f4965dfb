// Who is acting, and for which request, carried through async calls without
// threading it through every function (AsyncLocalStorage). Route handlers and
// server actions open a context; the data layer reads it for authorization
// scoping and audit rows, and refuses PHI access when there is no actor.
import "server-only";
import { AsyncLocalStorage } from "node:async_hooks";
import type { Role } from "@/lib/db/generated/enums";

export type Actor =
  | { kind: "user"; userId: string; role: Role }
  /** A Haven process acting on its own behalf (seed, key rotation, sign-in lookup…). */
  | { kind: "system"; name: string }
  | { kind: "anonymous" };

export interface RequestContext {
  actor: Actor;
  requestId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Per-request results computed once (the session check of a route handler). */
  memo?: Map<string, Promise<unknown>>;
}

// One instance per process: Next bundles server code into several module graphs
// (pages, route handlers, actions), and they must all see the same context.
const globalForContext = globalThis as unknown as { havenRequestContext?: AsyncLocalStorage<RequestContext> };
const storage = (globalForContext.havenRequestContext ??= new AsyncLocalStorage<RequestContext>());

// Prisma queries are lazy: they run when awaited. Awaiting inside the scope
// keeps the context for queries returned (not yet awaited) by fn.
export function runWithContext<T>(context: RequestContext, fn: () => T | Promise<T>): Promise<T> {
  return storage.run(context, async () => await fn());
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

/** Replaces the actor for the rest of the current context (after authentication). */
export function runAsActor<T>(actor: Actor, fn: () => T | Promise<T>): Promise<T> {
  const context = storage.getStore();
  return runWithContext(
    {
      requestId: context?.requestId ?? null,
      ip: context?.ip ?? null,
      userAgent: context?.userAgent ?? null,
      ...(context?.memo ? { memo: context.memo } : {}),
      actor,
    },
    fn,
  );
}

/** For scripts and background work: a named system actor. */
export function runAsSystem<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
  return runAsActor({ kind: "system", name }, fn);
}

/** Computes a value once per request context (or every time outside one). */
export function memoInContext<T>(key: string, compute: () => Promise<T>): Promise<T> {
  const memo = storage.getStore()?.memo;
  if (!memo) return compute();
  let value = memo.get(key) as Promise<T> | undefined;
  if (!value) {
    value = compute();
    memo.set(key, value);
  }
  return value;
}

export function actorRoleLabel(actor: Actor): string {
  if (actor.kind === "user") return actor.role;
  return actor.kind === "system" ? "SYSTEM" : "ANONYMOUS";
}
