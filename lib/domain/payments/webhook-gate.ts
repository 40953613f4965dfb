// How many provider deliveries one process works on at once. Without a bound, a storm (a provider
// replaying a backlog, hundreds of retries at once) takes every connection of the pool, and
// deliveries and every other request time out waiting for one (measured without this gate: 285 of
// 330 concurrent deliveries answered 503; the copies of one event also each hold a connection while
// they wait on its row lock). Deliveries beyond the bound wait here, in memory and in arrival order,
// after their signature is checked; one that cannot start within the wait bound is answered 503
// with Retry-After, which every provider retries (processing is idempotent).
import "server-only";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/http/errors";

/** Longer than a storm of a few hundred deliveries takes to drain; providers retry what times out. */
const MAX_WAIT_MS = 20_000;

interface Gate {
  active: number;
  waiting: Array<() => void>;
}

// One gate per process, shared by every module graph Next builds (see lib/request-context.ts).
const globalForGate = globalThis as unknown as { havenWebhookGate?: Gate };

/** A third of the pool (at least 2): the rest stays free for patients' and doctors' requests. */
export function webhookConcurrency(poolSize = getEnv().DATABASE_POOL_SIZE): number {
  return Math.max(2, Math.floor(poolSize / 3));
}

/** Deliveries being handled and waiting in this process now (for tests and diagnostics). */
export function webhookGateState(): { active: number; waiting: number } {
  const gate = globalForGate.havenWebhookGate;
  return { active: gate?.active ?? 0, waiting: gate?.waiting.length ?? 0 };
}

export async function throughWebhookGate<T>(fn: () => Promise<T>, maxWaitMs = MAX_WAIT_MS): Promise<T> {
  const gate = (globalForGate.havenWebhookGate ??= { active: 0, waiting: [] });
  if (gate.active < webhookConcurrency()) {
    gate.active += 1;
  } else {
    await new Promise<void>((resolve, reject) => {
      const admit = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        gate.waiting.splice(gate.waiting.indexOf(admit), 1);
        reject(
          new AppError("SERVICE_UNAVAILABLE", "Too many deliveries at once; send this one again later.", {
            retryAfterSeconds: 30,
          }),
        );
      }, maxWaitMs);
      gate.waiting.push(admit);
    });
  }
  try {
    return await fn();
  } finally {
    // The slot passes straight to the next waiting delivery, or is freed.
    const next = gate.waiting.shift();
    if (next) next();
    else gate.active -= 1;
  }
}
