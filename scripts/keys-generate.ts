// `npm run keys:generate`: prints a new key ring entry. Put it first in
// PHI_ENCRYPTION_KEYS (it becomes the active key), then run `npm run keys:rotate`.
import { generateKeyId, generateKeyMaterial } from "@/lib/crypto/keyring";

console.log(`${generateKeyId()}:${generateKeyMaterial()}`);
