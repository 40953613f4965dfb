// The webhook gate (lib/domain/payments/webhook-gate.ts): at most a third of the pool at once,
// waiters admitted in arrival order, and a delivery that cannot start in time refused with a 503.
import { describe, expect, it } from "vitest";
import { throughWebhookGate, webhookConcurrency } from "@/lib/domain/payments/webhook-gate";
import { AppError } from "@/lib/http/errors";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("the webhook gate", () => {
  it("runs at most a third of the pool (at least 2) at once and admits waiters in arrival order", async () => {
    expect([webhookConcurrency(10), webhookConcurrency(1), webhookConcurrency(30)]).toEqual([3, 2, 10]);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        throughWebhookGate(async () => {
          started.push(index);
          running += 1;
          peak = Math.max(peak, running);
          await sleep(15);
          running -= 1;
          return index;
        }),
      ),
    );
    expect(peak).toBe(webhookConcurrency());
    expect(started).toEqual([...Array(12).keys()]);
    expect(results).toEqual([...Array(12).keys()]);
  });

  it("refuses a delivery that cannot start within the wait bound with 503 and Retry-After, and frees its place", async () => {
    const blockers = Array.from({ length: webhookConcurrency() }, () => throughWebhookGate(() => sleep(300)));
    const late = await throughWebhookGate(() => Promise.resolve("ran"), 50).catch((error: unknown) => error);
    expect(AppError.is(late)).toBe(true);
    expect((late as AppError).status).toBe(503);
    expect((late as AppError).details.retryAfterSeconds).toBe(30);
    await Promise.all(blockers);
    expect(await throughWebhookGate(() => Promise.resolve("free again"))).toBe("free again");
  });
});
