import nextEnv from "@next/env";

/** Loads .env, .env.local, .env.<mode> exactly as Next does, so scripts and the app agree. */
export function loadProjectEnv(): void {
  nextEnv.loadEnvConfig(process.cwd(), process.env.NODE_ENV !== "production", {
    info: () => {},
    error: console.error,
  });
}
