// clamd's INSTREAM command, spoken directly over TCP or a Unix socket:
// "zINSTREAM\0", then chunks (4-byte big-endian length ‖ bytes), then a zero
// length; clamd answers "stream: OK", "stream: <signature> FOUND" or an ERROR.
import net from "node:net";

export type ScanVerdict =
  | { status: "clean" }
  | { status: "infected"; signature: string }
  /** Configured but not reachable, too slow, or it answered with an error: try again later. */
  | { status: "unavailable"; reason: string };

export type ClamdAddress = { host: string; port: number } | { socket: string };

const CHUNK_BYTES = 64 * 1024;

export function scanWithClamd(
  address: ClamdAddress,
  bytes: Uint8Array,
  timeoutMs: number,
): Promise<ScanVerdict> {
  return new Promise((resolve) => {
    let settled = false;
    const replies: Buffer[] = [];
    const socket =
      "socket" in address
        ? net.createConnection({ path: address.socket })
        : net.createConnection({ host: address.host, port: address.port });
    const finish = (verdict: ScanVerdict) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve(verdict);
    };
    socket.setTimeout(timeoutMs, () => finish({ status: "unavailable", reason: "timeout" }));
    socket.on("error", (error: NodeJS.ErrnoException) =>
      finish({ status: "unavailable", reason: error.code ?? "connection error" }),
    );
    socket.on("data", (chunk) => replies.push(chunk));
    socket.on("end", () => finish(parseReply(Buffer.concat(replies).toString("utf8"))));
    socket.on("close", () => finish(parseReply(Buffer.concat(replies).toString("utf8"))));
    socket.on("connect", () => {
      socket.write("zINSTREAM\0");
      for (let offset = 0; offset < bytes.byteLength; offset += CHUNK_BYTES) {
        const chunk = bytes.subarray(offset, Math.min(offset + CHUNK_BYTES, bytes.byteLength));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(chunk.byteLength);
        socket.write(length);
        socket.write(chunk);
      }
      socket.write(Buffer.alloc(4));
    });
  });
}

export function parseReply(raw: string): ScanVerdict {
  const reply = raw.replace(/\0/g, "").trim();
  if (/^stream: OK$/.test(reply)) return { status: "clean" };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { status: "infected", signature: found[1]!.slice(0, 200) };
  return { status: "unavailable", reason: reply ? "clamd error" : "no answer" };
}
