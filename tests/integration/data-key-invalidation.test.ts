// Two app instances on one database, each with its own data-key cache, pool and listener
// (what two `next start` processes hold): a key deleted through one of them, or by plain SQL
// from a third connection (a script, an operator), leaves the other's cache at once instead of
// at the end of its TTL; while a listener is disconnected its cache is not trusted, and on
// reconnecting it finds the keys deleted meanwhile.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DataKeyDestroyedError } from "@/lib/crypto/field-cipher";
import { parseKeyRing } from "@/lib/crypto/keyring";
import { type Db, createBaseClient, createDb } from "@/lib/db/client";
import { type DataKeyListener, listenForDataKeyDeletions } from "@/lib/db/data-key-invalidation";
import { inTransaction } from "@/lib/db/transaction";
import { type DataKeyStore, createDataKeyStore } from "@/lib/db/data-keys";
import type { PrismaClient } from "@/lib/db/generated/client";
import { asUser, uniqueEmail } from "../support/actors";
import { runSql } from "../support/database";
import {
  type ScratchLayer,
  auditKeys,
  blindIndexKey,
  createScratchLayer,
  newKey,
} from "../support/scratch-layer";

interface Instance {
  base: PrismaClient;
  store: DataKeyStore;
  listener: DataKeyListener | null;
  db: Db;
}

const ringSpec = `k1:${newKey()}`;
let layer: ScratchLayer;
const instances: Instance[] = [];

function startInstance(listen: boolean): Instance {
  const base = createBaseClient({ url: layer.database.url, poolSize: 4, connectTimeoutMs: 30_000 });
  const crypto = { keyRing: parseKeyRing(ringSpec), blindIndexKey, audit: auditKeys };
  const store = createDataKeyStore(crypto.keyRing);
  const listener = listen ? listenForDataKeyDeletions(layer.database.url, store) : null;
  const instance = { base, store, listener, db: createDb(base, crypto, store) };
  instances.push(instance);
  return instance;
}

/** A patient created through `via`; returns their id and data key id. */
async function newPatient(via: Instance, fullName: string): Promise<{ id: string; keyId: string }> {
  const user = await asUser("ADMIN", () =>
    via.db.user.create({
      data: { email: uniqueEmail("keys"), role: "PATIENT", patientProfile: { create: { fullName } } },
      select: { id: true },
    }),
  );
  const [key] = await runSql<{ id: string }>(
    layer.database.url,
    "SELECT id::text FROM data_keys WHERE owner_id = $1",
    [user.id],
  );
  return { id: user.id, keyId: key!.id };
}

const readName = (via: Instance, userId: string) =>
  asUser("ADMIN", () =>
    via.db.patientProfile.findFirst({ where: { userId }, select: { fullName: true } }),
  ).then((profile) => profile?.fullName);

async function within<T>(ms: number, probe: () => T | Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  layer = await createScratchLayer("keyinval");
});

afterAll(async () => {
  for (const instance of instances) {
    await instance.listener?.close();
    await instance.base.$disconnect();
  }
  await layer?.close();
});

describe("data keys across instances", () => {
  it("a key destroyed on instance A is forgotten by instance B when the deletion commits", async () => {
    const a = startInstance(true);
    const b = startInstance(true);
    // The cache is not trusted before LISTEN succeeds; then it is.
    await Promise.all([a.listener!.ready, b.listener!.ready]);
    expect(a.listener!.listening && b.listener!.listening).toBe(true);

    const patient = await newPatient(a, "Zoe Lambert");
    expect(await readName(b, patient.id)).toBe("Zoe Lambert");
    expect(b.store.cached(patient.keyId)).toBeInstanceOf(Buffer);

    // Crypto-shredding on A (what destroyDataKey does, in a transaction of A's own pool).
    const started = Date.now();
    await a.base.$transaction((tx) => a.store.destroy(tx, patient.id));
    const afterwards = await within(
      2_000,
      () => b.store.cached(patient.keyId),
      (value) => value === null,
    );
    // null: known to be destroyed (the key material is gone from B's memory).
    expect(afterwards, "B still holds the destroyed key").toBeNull();
    console.log(`[data keys] B forgot the key ${Date.now() - started} ms after A's commit`);
    // And B can no longer read what the key protected.
    await expect(readName(b, patient.id)).rejects.toBeInstanceOf(DataKeyDestroyedError);
  });

  it("without the listener (the TTL alone) the other instance would keep the key: the failure this fixes", async () => {
    const a = startInstance(true);
    const ttlOnly = startInstance(false);
    await a.listener!.ready;
    const patient = await newPatient(a, "Mira Castell");
    expect(await readName(ttlOnly, patient.id)).toBe("Mira Castell");
    await a.base.$transaction((tx) => a.store.destroy(tx, patient.id));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Still decrypting with a key that no longer exists anywhere else.
    expect(ttlOnly.store.cached(patient.keyId)).toBeInstanceOf(Buffer);
    expect(await readName(ttlOnly, patient.id)).toBe("Mira Castell");
  });

  it("a key deleted by plain SQL from another connection (a script, an operator) is forgotten too, and a rollback is not", async () => {
    const b = startInstance(true);
    await b.listener!.ready;
    const kept = await newPatient(b, "Ada Kovac");
    const gone = await newPatient(b, "Ben Osei");
    expect(await readName(b, kept.id)).toBe("Ada Kovac");
    expect(await readName(b, gone.id)).toBe("Ben Osei");

    await runSql(
      layer.database.url,
      `DO $$ BEGIN DELETE FROM data_keys WHERE owner_id = '${kept.id}'; RAISE EXCEPTION 'undo'; END $$`,
    ).catch(() => undefined);
    await runSql(layer.database.url, "DELETE FROM data_keys WHERE owner_id = $1", [gone.id]);
    expect(
      await within(
        2_000,
        () => b.store.cached(gone.keyId),
        (value) => value === null,
      ),
    ).toBeNull();
    // The rolled-back deletion sent nothing: that key is still cached and readable.
    expect(b.store.cached(kept.keyId)).toBeInstanceOf(Buffer);
    expect(await readName(b, kept.id)).toBe("Ada Kovac");
  });

  it("while the listener is disconnected the cache is not trusted; on reconnecting it finds the keys deleted meanwhile", async () => {
    const b = startInstance(true);
    await b.listener!.ready;
    const patient = await newPatient(b, "Noor Haddad");
    const unread = await newPatient(b, "Omar Saleh");
    const kept = await newPatient(b, "Lea Brandt");
    for (const [who, name] of [
      [patient, "Noor Haddad"],
      [unread, "Omar Saleh"],
      [kept, "Lea Brandt"],
    ] as const) {
      expect(await readName(b, who.id)).toBe(name);
      expect(b.store.cached(who.keyId)).toBeInstanceOf(Buffer);
    }

    // The listening connection is cut (a database restart, a network blip)...
    const ended = await runSql<{ ok: boolean }>(
      layer.database.url,
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
        WHERE datname = current_database() AND query = 'LISTEN haven_data_keys' AND pid <> pg_backend_pid()`,
    );
    expect(ended.length).toBeGreaterThan(0);
    expect(
      await within(
        2_000,
        () => b.listener!.listening,
        (value) => !value,
      ),
    ).toBe(false);
    // ...and two keys are deleted meanwhile: those notifications reach nobody.
    await runSql(layer.database.url, "DELETE FROM data_keys WHERE owner_id = ANY($1::uuid[])", [
      [patient.id, unread.id],
    ]);
    // B does not trust what it cached: the read asks the database, which has no key any more.
    await expect(readName(b, patient.id)).rejects.toBeInstanceOf(DataKeyDestroyedError);
    expect(b.store.cached(unread.keyId), "not read since, so still held while disconnected").toBeInstanceOf(
      Buffer,
    );

    // Back (the first retry is after 0.5 s): listening, and the key nobody read since was found deleted.
    expect(
      await within(
        5_000,
        () => b.listener!.listening,
        (value) => value,
      ),
    ).toBe(true);
    // The key nobody read since is read again before its next use, and found gone.
    await expect(readName(b, unread.id)).rejects.toBeInstanceOf(DataKeyDestroyedError);
    expect(b.store.cached(unread.keyId)).toBeNull();
    expect(b.store.cached(kept.keyId)).toBeInstanceOf(Buffer);
    expect(await readName(b, kept.id)).toBe("Lea Brandt");
  });

  it("a key created by a transaction still open when the listener (re)connects is not taken for destroyed", async () => {
    const b = startInstance(true);
    await b.listener!.ready;
    let keyId = "";
    const userId = await asUser("ADMIN", () =>
      inTransaction(b.base, async () => {
        // The patient's key is created and cached inside this transaction (not committed yet)...
        const user = await b.db.user.create({
          data: {
            email: uniqueEmail("keys"),
            role: "PATIENT",
            patientProfile: { create: { fullName: "Ines Duarte" } },
          },
          select: { id: true },
        });
        keyId = b.store.cachedKeyIds().find((id) => b.store.ownerOfKey(id) === user.id) ?? "";
        expect(keyId).not.toBe("");
        // ...when the listening connection drops and comes back: its check cannot see that key.
        await runSql(
          layer.database.url,
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND query = 'LISTEN haven_data_keys' AND pid <> pg_backend_pid()`,
        );
        await within(
          2_000,
          () => b.listener!.listening,
          (value) => !value,
        );
        expect(
          await within(
            5_000,
            () => b.listener!.listening,
            (value) => value,
          ),
        ).toBe(true);
        return user.id;
      }),
    );
    expect(await readName(b, userId)).toBe("Ines Duarte");
    expect(b.store.cached(keyId)).toBeInstanceOf(Buffer);
  });
});
