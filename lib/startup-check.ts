// Loaded by instrumentation.ts in the Node.js runtime only.
import { ConfigurationError, getEnv } from "@/lib/env";

export function assertConfiguration(): void {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // Next only logs errors thrown at start-up and keeps serving; a misconfigured server must not.
    console.error(error.message);
    process.exit(1);
  }
}
