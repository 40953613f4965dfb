// Loaded by instrumentation.ts in the Node.js runtime only.
import { ConfigurationError, getEnv } from "@/lib/env";

export function assertConfiguration(): void {
  try {
    const env = getEnv();
    // Allowed (an end-to-end test server needs it) but never quiet: no money moves in TEST MODE.
    if (env.NODE_ENV === "production" && env.PAYMENTS_TEST_MODE === "true") {
      console.warn(
        "PAYMENTS_TEST_MODE=true in production: payments in currencies without provider keys go through the TEST MODE checkout and move no money. Never run a clinic like this.",
      );
    }
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // Next only logs errors thrown at start-up and keeps serving; a misconfigured server must not.
    console.error(error.message);
    process.exit(1);
  }
}
