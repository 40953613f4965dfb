// Malware scanning through a ClamAV daemon, when one is configured
// (CLAMAV_SOCKET, or CLAMAV_HOST and CLAMAV_PORT). Without one, uploads are kept
// and labelled honestly as not scanned.
import "server-only";
import { getEnv } from "@/lib/env";
import { type ClamdAddress, type ScanVerdict, scanWithClamd } from "./instream";

export type { ScanVerdict } from "./instream";
export type ScanResult = ScanVerdict | { status: "not-configured" };

function configuredClamd(): ClamdAddress | null {
  const env = getEnv();
  if (env.CLAMAV_SOCKET) return { socket: env.CLAMAV_SOCKET };
  if (env.CLAMAV_HOST) return { host: env.CLAMAV_HOST, port: env.CLAMAV_PORT };
  return null;
}

export const scannerConfigured = () => configuredClamd() !== null;

export async function scanForMalware(bytes: Uint8Array): Promise<ScanResult> {
  const address = configuredClamd();
  if (!address) return { status: "not-configured" };
  return scanWithClamd(address, bytes, getEnv().CLAMAV_TIMEOUT_MS);
}
