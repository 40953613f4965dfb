import "server-only";
import { getEnv } from "@/lib/env";
import { decodeKey, parseKeyRing } from "./keyring";
import type { PhiCryptoConfig } from "@/lib/db/phi-extension";

export function phiCryptoConfigFromEnv(): PhiCryptoConfig {
  const env = getEnv();
  return {
    keyRing: parseKeyRing(env.PHI_ENCRYPTION_KEYS),
    blindIndexKey: decodeKey(env.PHI_BLIND_INDEX_KEY, "PHI_BLIND_INDEX_KEY"),
  };
}
