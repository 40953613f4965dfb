import "server-only";
import { auditKeysFrom } from "@/lib/audit/keys";
import { getEnv } from "@/lib/env";
import { decodeKey, parseKeyRing } from "./keyring";
import type { PhiCryptoConfig } from "@/lib/db/phi-extension";

export function phiCryptoConfigFromEnv(): PhiCryptoConfig {
  const env = getEnv();
  return {
    keyRing: parseKeyRing(env.PHI_ENCRYPTION_KEYS),
    blindIndexKey: decodeKey(env.PHI_BLIND_INDEX_KEY, "PHI_BLIND_INDEX_KEY"),
    audit: auditKeysFrom(
      decodeKey(env.AUDIT_MAC_KEY, "AUDIT_MAC_KEY"),
      decodeKey(env.AUDIT_CHECKPOINT_KEY, "AUDIT_CHECKPOINT_KEY"),
    ),
  };
}
