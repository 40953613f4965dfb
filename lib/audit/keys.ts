// The audit trail's keys, held by the application and never stored in or sent
// to the database, so that someone who can write the database cannot forge a
// row or re-chain the log:
// - AUDIT_MAC_KEY: HMAC-SHA-256, split (HKDF) into a key for each row's MAC and
//   a key for the seal chain.
// - AUDIT_CHECKPOINT_KEY: an Ed25519 seed that signs checkpoints of the chain's
//   head kept outside the database; anyone with the public key can check them.
import { type KeyObject, createPrivateKey, createPublicKey, hkdfSync } from "node:crypto";

export interface AuditKeys {
  rowKey: Buffer;
  chainKey: Buffer;
  checkpointPrivateKey: KeyObject;
  checkpointPublicKey: KeyObject;
}

// PKCS#8 wrapping of a raw 32-byte Ed25519 seed (RFC 8410).
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

const derive = (key: Buffer, purpose: string) =>
  Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), `haven-audit-${purpose}-v1`, 32));

export function auditKeysFrom(macKey: Buffer, checkpointSeed: Buffer): AuditKeys {
  const checkpointPrivateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, checkpointSeed]),
    format: "der",
    type: "pkcs8",
  });
  return {
    rowKey: derive(macKey, "row"),
    chainKey: derive(macKey, "chain"),
    checkpointPrivateKey,
    checkpointPublicKey: createPublicKey(checkpointPrivateKey),
  };
}
