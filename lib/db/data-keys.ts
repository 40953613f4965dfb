// Per-person data keys (envelope encryption). Every PHI value that belongs to a
// person is encrypted with that person's data key; the key is stored wrapped by
// the key ring (field-cipher.ts) and unwrapped keys are cached briefly in
// memory (bounded LRU with a TTL, never logged). Destroying a person's key
// makes every value they ever produced, in the database and in every backup,
// undecryptable. Rotating the ring re-wraps keys; the data stays as it is.
//
// Several instances: a key destroyed by one instance (or a script) must leave
// every other instance's cache at once, not when its TTL ends. A trigger on
// data_keys NOTIFYs each deleted key's id at commit; each instance LISTENs
// (data-key-invalidation.ts) and forgets it. While that listener is not
// connected, a notification could be missed, so the cache is not trusted: every
// read asks the database for its keys again, and on reconnecting the listener
// checks which cached keys still exist. The TTL stays as a backstop.
// Entries are overwritten or marked destroyed, never removed by these paths: a
// read between loading its keys and decrypting must not find its key gone.
// Only a deletion that happened (ours, or one heard of) marks a key destroyed for good. A key this
// process cannot see (the reconnect check, a write's FOR SHARE check) may be one a transaction of
// this process created and has not committed yet: it is only read again before its next use.
import "server-only";
import { randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";
import { type DataKey, newDataKey, unwrapDataKey, wrapDataKey } from "@/lib/crypto/field-cipher";
import type { KeyRing } from "@/lib/crypto/keyring";
import { Prisma, type PrismaClient } from "./generated/client";

/** The base client or a transaction of it: data keys are read and written with plain SQL. */
export type Queryable = Pick<PrismaClient, "$queryRaw" | "$executeRaw"> | Prisma.TransactionClient;

// How long an unwrapped key may stay in memory: the bound on how long another
// instance may still hold a destroyed key if its invalidation listener is not
// attached at all (maintenance scripts, a store made without one).
const KEY_TTL_MS = 60_000;
const MAX_CACHED_KEYS = 5_000;

interface KeyRow {
  id: string;
  owner_id: string;
  wrapped_key: string;
}

export interface DataKeyStore {
  /** The owner's data key, created on first use (safely under concurrent writers). */
  forOwner(db: Queryable, ownerId: string): Promise<DataKey>;
  /** Makes these keys available to cached(): one query for those not in memory. */
  load(db: Queryable, ids: readonly string[]): Promise<void>;
  /** A loaded key, null when it was destroyed, undefined when not loaded. */
  cached(id: string): Buffer | null | undefined;
  /** Whose key this is (the data subject of what it encrypts), when loaded. */
  ownerOfKey(id: string): string | undefined;
  /** Crypto-shredding: deletes the owner's wrapped key; returns whether there was one. */
  destroy(db: Queryable, ownerId: string): Promise<boolean>;
  /** Another instance (or a script) deleted this key: it is destroyed here too (the key material is dropped). */
  forget(id: string): void;
  /** The ids of the keys held in memory (to check which of them still exist). */
  cachedKeyIds(): string[];
  /**
   * The database did not show this key to a check outside any transaction of ours: it was deleted,
   * or it was created by a transaction not committed yet. Its next load reads it again.
   */
  recheck(id: string): void;
  /**
   * Whether cached keys may be used without asking the database: true while every deletion is
   * sure to be heard (or no listener is attached: the TTL alone bounds the cache, the default).
   */
  setTrusted(trusted: boolean): void;
}

export function createDataKeyStore(ring: KeyRing): DataKeyStore {
  // id → key (null: known to be destroyed); owner id → key id.
  // id → key and whose it is (one entry, so a loaded key always knows its owner; the owner is kept
  // after a key is destroyed: the id says whose it was, not what it hid).
  const keys = new LRUCache<string, { key: Buffer | "destroyed"; ownerId: string | null; epoch: number }>({
    max: MAX_CACHED_KEYS,
    ttl: KEY_TTL_MS,
  });
  const owners = new LRUCache<string, string>({ max: MAX_CACHED_KEYS, ttl: KEY_TTL_MS });
  // Ids known destroyed, kept longer than the cache: a read whose SELECT saw a key just before its
  // deletion committed must not put the key back after the deletion was heard (ids are never reused).
  const tombstones = new LRUCache<string, true>({ max: 100_000 });
  let trusted = true;
  // Raised each time the cache becomes trusted again: a key read by a load that began before then
  // may have been deleted while nobody listened, so it is read again before it is used.
  let epoch = 0;

  const markDestroyed = (id: string, ownerId: string | null) => {
    tombstones.set(id, true);
    keys.set(id, { key: "destroyed", ownerId, epoch });
  };

  const markStale = (id: string) => {
    const entry = keys.get(id);
    // In place: a new entry would restart the TTL of the key material.
    if (entry && entry.key !== "destroyed") entry.epoch = -1;
  };

  const remember = (row: KeyRow, loadEpoch = epoch): DataKey => {
    const key = unwrapDataKey(row.wrapped_key, { dataKeyId: row.id, ownerId: row.owner_id }, ring);
    if (!tombstones.has(row.id)) {
      keys.set(row.id, { key, ownerId: row.owner_id, epoch: loadEpoch });
      owners.set(row.owner_id, row.id);
    }
    return { id: row.id, key };
  };

  // FOR SHARE: a write holds the key it encrypts with until it commits, so an erasure (which locks
  // the key FOR UPDATE, then destroys it) waits for writes in flight, and a write that comes after
  // waits for the erasure and then finds the key it left. Nothing is ever written under a key that
  // is being destroyed, on this instance or any other (whatever their caches hold).
  const byOwner = async (db: Queryable, ownerId: string) =>
    (
      await db.$queryRaw<KeyRow[]>`
        SELECT id::text, owner_id::text, wrapped_key FROM data_keys WHERE owner_id = ${ownerId}::uuid FOR SHARE`
    )[0];

  return {
    async forOwner(db, ownerId) {
      // Even a trusted cache is checked here: the row is locked FOR SHARE anyway (see byOwner).
      const cachedId = owners.get(ownerId);
      const cachedKey = cachedId ? keys.get(cachedId)?.key : undefined;
      if (cachedId && cachedKey instanceof Buffer) {
        const held = await db.$queryRaw<{ id: string }[]>`
          SELECT id::text FROM data_keys WHERE id = ${cachedId}::uuid FOR SHARE`;
        if (held.length > 0) return { id: cachedId, key: cachedKey };
        // Destroyed meanwhile (an erasure, perhaps on another instance), or created by a transaction
        // of ours that has not committed: ask for the owner's key now (the insert below waits for
        // that transaction), and read the cached one again before it decrypts anything.
        markStale(cachedId);
        owners.delete(ownerId);
      }
      const existing = await byOwner(db, ownerId);
      if (existing) return remember(existing);
      const id = randomUUID();
      const { wrapped, ringKeyId } = wrapDataKey(newDataKey(), { dataKeyId: id, ownerId }, ring);
      // A concurrent writer may create the owner's key first: theirs wins, ours is dropped.
      await db.$executeRaw`
        INSERT INTO data_keys (id, owner_id, wrapped_key, ring_key_id)
        VALUES (${id}::uuid, ${ownerId}::uuid, ${wrapped}, ${ringKeyId})
        ON CONFLICT (owner_id) DO NOTHING`;
      const row = await byOwner(db, ownerId);
      if (!row) throw new Error(`could not create the data key of ${ownerId}`);
      return remember(row);
    },

    async load(db, ids) {
      const wanted = [...new Set(ids)];
      const startedIn = epoch;
      // Untrusted: every key is read again (one deleted meanwhile is then found missing); trusted:
      // those not in memory, and those a load that began before the cache was last trusted put there.
      const stale = (id: string) => {
        const entry = keys.get(id);
        return !entry || (entry.key !== "destroyed" && entry.epoch !== epoch);
      };
      const missing = trusted ? wanted.filter(stale) : wanted;
      if (missing.length === 0) return;
      const rows = await db.$queryRaw<KeyRow[]>`
        SELECT id::text, owner_id::text, wrapped_key FROM data_keys
         WHERE id IN (${Prisma.join(missing.map((id) => Prisma.sql`${id}::uuid`))})`;
      for (const row of rows) remember(row, startedIn);
      const found = new Set(rows.map((row) => row.id));
      for (const id of missing) {
        if (!found.has(id)) markDestroyed(id, keys.get(id)?.ownerId ?? null);
      }
    },

    cached(id) {
      const entry = keys.get(id);
      return entry === undefined ? undefined : entry.key === "destroyed" ? null : entry.key;
    },

    ownerOfKey(id) {
      return keys.get(id)?.ownerId ?? undefined;
    },

    async destroy(db, ownerId) {
      const deleted = await db.$queryRaw<{ id: string }[]>`
        DELETE FROM data_keys WHERE owner_id = ${ownerId}::uuid RETURNING id::text`;
      for (const { id } of deleted) markDestroyed(id, ownerId);
      owners.delete(ownerId);
      return deleted.length > 0;
    },

    forget(id) {
      const ownerId = keys.get(id)?.ownerId ?? null;
      markDestroyed(id, ownerId);
      if (ownerId && owners.get(ownerId) === id) owners.delete(ownerId);
    },

    recheck(id) {
      markStale(id);
    },

    cachedKeyIds() {
      return [...keys.entries()].filter(([, entry]) => entry.key !== "destroyed").map(([id]) => id);
    },

    setTrusted(value) {
      if (value && !trusted) epoch += 1;
      trusted = value;
    },
  };
}
