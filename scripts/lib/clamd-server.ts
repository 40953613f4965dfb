// A real ClamAV daemon for tests, from Debian's clamav-daemon. No signature
// database can be downloaded here, so it loads one custom hash signature: the
// EICAR test file's (MD5 and size), which is all the tests need. Production
// runs freshclam instead.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { findFreePort } from "./free-port";

export const CLAMD_BINARY = process.env.CLAMD_BINARY ?? "/usr/sbin/clamd";
const EICAR_SIGNATURE = "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature";

export interface ClamdServer {
  host: string;
  port: number;
  stop(): void;
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.createConnection({ host: "127.0.0.1", port });
    let reply = "";
    socket.setTimeout(1_000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("connect", () => socket.write("zPING\0"));
    socket.on("data", (data) => (reply += data.toString()));
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(reply.includes("PONG")));
  });
}

/** extraSignatures: more .hdb lines (md5:size:name), for tests that need another "infected" file. */
export async function startClamd(extraSignatures: readonly string[] = []): Promise<ClamdServer> {
  if (!existsSync(CLAMD_BINARY)) {
    throw new Error(
      `${CLAMD_BINARY} is missing: apt-get install clamav-daemon (tests scan uploads with a real clamd)`,
    );
  }
  const directory = mkdtempSync(path.join(tmpdir(), "haven-clamd-"));
  const port = await findFreePort();
  writeFileSync(path.join(directory, "eicar.hdb"), [EICAR_SIGNATURE, ...extraSignatures, ""].join("\n"));
  const config = path.join(directory, "clamd.conf");
  writeFileSync(
    config,
    [
      "Foreground yes",
      `TCPSocket ${port}`,
      "TCPAddr 127.0.0.1",
      `DatabaseDirectory ${directory}`,
      `LogFile ${path.join(directory, "clamd.log")}`,
      `TemporaryDirectory ${directory}`,
      ...(process.getuid?.() === 0 ? ["User root"] : []),
      "StreamMaxLength 12M",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(CLAMD_BINARY, ["--config-file", config], { stdio: "ignore" });
  let exited = false;
  child.on("exit", () => (exited = true));
  const stop = () => {
    if (!exited) child.kill("SIGTERM");
    rmSync(directory, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 150; attempt += 1) {
    if (exited) break;
    if (await ping(port)) return { host: "127.0.0.1", port, stop };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  stop();
  throw new Error("clamd did not start (see its log in the temporary directory)");
}
