// The default store: one file per object in a private directory (0700, files
// 0600). A write goes to a temporary file that is renamed into place, so a
// reader never sees half a file and a crash leaves no partial object.
import { randomBytes } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";
import { type ObjectStore, StoreFullError, assertStorageKey } from "./types";

/** No space left on the device, or the user's disk quota used up. */
const isOutOfSpace = (error: unknown) =>
  ["ENOSPC", "EDQUOT"].includes((error as NodeJS.ErrnoException | undefined)?.code ?? "");

export function localStore(directory: string): ObjectStore {
  const root = path.resolve(directory);
  let ready: Promise<unknown> | undefined;
  // A failed mkdir (a full disk) is tried again by the next put, not remembered.
  const ensureDirectory = () =>
    (ready ??= mkdir(root, { recursive: true, mode: 0o700 }).catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));
  // Keys are validated (no separators, no dots), so the path always stays inside root.
  const pathOf = (key: string) => {
    assertStorageKey(key);
    return path.join(root, key);
  };

  return {
    async put(key, bytes) {
      const target = pathOf(key);
      const temporary = path.join(root, `.tmp-${randomBytes(8).toString("hex")}`);
      try {
        await ensureDirectory();
        const handle = await open(temporary, "wx", 0o600);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await rename(temporary, target);
      } catch (error) {
        // Whatever failed (a full disk mid-write, most likely), no partial file stays behind.
        await rm(temporary, { force: true });
        throw isOutOfSpace(error) ? new StoreFullError() : error;
      }
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw error;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
  };
}
