// The data-key cache must never put back a key whose deletion it has heard of, nor trust a key
// read before it last (re)started listening: either would let an instance decrypt an erased
// person's retained ciphertext until the TTL ends (found in review: a NOTIFY arriving between a
// load's SELECT and its caching was overwritten by the load).
import { randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { newDataKey, wrapDataKey } from "@/lib/crypto/field-cipher";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { type Queryable, createDataKeyStore } from "@/lib/db/data-keys";

const ring = parseKeyRing(`k1:${randomBytes(32).toString("base64")}`);

function keyRow() {
  const id = randomUUID();
  const ownerId = randomUUID();
  const { wrapped } = wrapDataKey(newDataKey(), { dataKeyId: id, ownerId }, ring);
  return { id, owner_id: ownerId, wrapped_key: wrapped };
}

/** A database whose SELECT answers with `rows`, after `beforeAnswer` ran (what happens meanwhile). */
function fakeDb(
  rows: () => unknown[],
  beforeAnswer: () => void = () => undefined,
): Queryable & { selects: number } {
  const db = {
    selects: 0,
    $queryRaw: () => {
      db.selects += 1;
      const answer = rows();
      beforeAnswer();
      return Promise.resolve(answer);
    },
    $executeRaw: () => Promise.resolve(0),
  };
  return db as unknown as Queryable & { selects: number };
}

describe("data-key cache", () => {
  it("does not cache a key whose deletion was heard while its SELECT was in flight", async () => {
    const store = createDataKeyStore(ring);
    const row = keyRow();
    // The SELECT saw the row; the deletion commits and its NOTIFY arrives before the answer is used.
    await store.load(
      fakeDb(
        () => [row],
        () => store.forget(row.id),
      ),
      [row.id],
    );
    expect(store.cached(row.id)).toBeNull();
    // A later load must not bring it back from a stale read either.
    await store.load(
      fakeDb(() => [row]),
      [row.id],
    );
    expect(store.cached(row.id)).toBeNull();
  });

  it("reads again a key loaded before the cache was last trusted (a deletion may have gone unheard)", async () => {
    const store = createDataKeyStore(ring);
    const row = keyRow();
    store.setTrusted(false);
    await store.load(
      fakeDb(() => [row]),
      [row.id],
    );
    expect(store.cached(row.id)).toBeInstanceOf(Buffer);
    store.setTrusted(true);
    // Deleted while nobody listened: the next load asks the database and finds it gone.
    const db = fakeDb(() => []);
    await store.load(db, [row.id]);
    expect(db.selects).toBe(1);
    expect(store.cached(row.id)).toBeNull();
  });

  it("uses a trusted key from memory without asking again", async () => {
    const store = createDataKeyStore(ring);
    const row = keyRow();
    await store.load(
      fakeDb(() => [row]),
      [row.id],
    );
    const db = fakeDb(() => [row]);
    await store.load(db, [row.id]);
    expect(db.selects).toBe(0);
    expect(store.cached(row.id)).toBeInstanceOf(Buffer);
  });

  it("a key another check could not see is read again, not taken for destroyed (it may not be committed yet)", async () => {
    const store = createDataKeyStore(ring);
    const row = keyRow();
    await store.forOwner(
      fakeDb(() => [row]),
      row.owner_id,
    );
    // A write on another connection: its FOR SHARE check cannot see the key (the transaction that
    // created it is still open), its own insert then waits for that transaction and finds the key.
    const answers: unknown[][] = [[], [], [row]];
    const key = await store.forOwner(
      fakeDb(() => answers.shift() ?? []),
      row.owner_id,
    );
    expect(key.id).toBe(row.id);
    expect(store.cached(row.id)).toBeInstanceOf(Buffer);
    // The reconnect check could not see it either: the next load asks the database again.
    store.recheck(row.id);
    const db = fakeDb(() => [row]);
    await store.load(db, [row.id]);
    expect(db.selects).toBe(1);
    expect(store.cached(row.id)).toBeInstanceOf(Buffer);
  });
});
