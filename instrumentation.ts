// Runs once when the server starts: refuse to start on invalid configuration
// (missing or weak secrets in production) instead of failing on a request later.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { ConfigurationError, getEnv } = await import("@/lib/env");
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    // Next only logs errors thrown here and keeps serving; a misconfigured server must not.
    console.error(error.message);
    process.exit(1);
  }
}
