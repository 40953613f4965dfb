// Extra instances of the end-to-end run's production build, for the specs that need an app with an
// environment of its own (behind a load balancer, or on a database connection a test can cut).
import { type ChildProcess, spawn } from "node:child_process";

export interface Instance {
  url: string;
  process: ChildProcess;
  stderr: string[];
}

/** `next start` of the run's production build on `port`, with the run's environment plus `env`. */
export function startInstance(port: number, env: Record<string, string>): Instance {
  // setsid (detached): `npx next start` leaves next-server running when only npx is killed,
  // so the whole process group is stopped in afterAll.
  const child = spawn("npx", ["--no-install", "next", "start", "--port", String(port)], {
    cwd: process.cwd(),
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", ...env },
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  return { url: `http://127.0.0.1:${port}`, process: child, stderr };
}

export async function waitForHealth(instance: Instance): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const response = await fetch(`${instance.url}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (instance.process.exitCode !== null) {
      throw new Error(`next start exited (${instance.process.exitCode}): ${instance.stderr.join("")}`);
    }
    if (Date.now() > deadline) throw new Error(`${instance.url}/api/health did not answer in 90 s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function stopInstance(instance: Instance): Promise<void> {
  const pid = instance.process.pid;
  if (pid === undefined || instance.process.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => instance.process.once("exit", () => resolve()));
  try {
    process.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}
