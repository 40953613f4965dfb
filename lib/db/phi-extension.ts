// The Prisma client extension that makes PHI safe by construction: every query
// that reads or writes a PHI field (lib/db/phi-fields.ts) runs in a transaction
// that encrypts what it writes, decrypts what it reads, keeps blind indexes,
// and appends the matching audit rows before it commits. Operations that would
// silently misbehave on ciphertext (ordering, substring filters, raw SQL on PHI
// tables, nested updates of PHI rows) fail loudly instead.
import "server-only";
import { randomUUID } from "node:crypto";
import type { AuditKeys } from "@/lib/audit/keys";
import { type AuditEvent, appendAuditEvents } from "@/lib/audit/writer";
import { blindIndex } from "@/lib/crypto/blind-index";
import {
  type DataKey,
  type KeySource,
  decryptField,
  encryptField,
  envelopeKey,
} from "@/lib/crypto/field-cipher";
import type { KeyRing } from "@/lib/crypto/keyring";
import { currentContext } from "@/lib/request-context";
import { Prisma, type PrismaClient } from "./generated/client";
import type { DataKeyStore, Queryable } from "./data-keys";
import { type PhiFieldSpec, phiFieldsOf, phiOwnerField, phiOwnerFieldOf } from "./phi-fields";
import { currentTransaction, inTransaction } from "./transaction";

/** A query the encrypted layer cannot run correctly; thrown before anything reaches the database. */
export class UnsupportedPhiQueryError extends Error {
  override name = "UnsupportedPhiQueryError";
}

/** PHI was requested without an authenticated actor in the request context. */
export class PhiAccessDeniedError extends Error {
  override name = "PhiAccessDeniedError";
}

export interface PhiCryptoConfig {
  keyRing: KeyRing;
  blindIndexKey: Buffer;
  /** The audit trail's keys: every audit row is MACed as it is written. */
  audit: AuditKeys;
}

type Json = Record<string, unknown>;
interface FieldMeta {
  kind: string;
  type: string;
  dbName: string;
}
export interface ModelMeta {
  dbName: string;
  fields: Map<string, FieldMeta>;
}
type ModelDelegate = Record<string, (args?: unknown) => Promise<unknown>>;

const READ_OPERATIONS = new Set([
  "findUnique",
  "findUniqueOrThrow",
  "findFirst",
  "findFirstOrThrow",
  "findMany",
]);
const PROTECTED_AUDIT_OPERATIONS = new Set([
  "update",
  "updateMany",
  "updateManyAndReturn",
  "upsert",
  "delete",
  "deleteMany",
]);
// Filters a blind index can answer: equality only.
const ALLOWED_INDEX_FILTERS = new Set(["equals", "in", "not"]);

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
/** Nested writes take one object or a list of them. */
const each = async (value: unknown, fn: (item: Json) => Promise<Json>): Promise<Json | Json[]> =>
  Array.isArray(value) ? Promise.all((value as Json[]).map(fn)) : fn(value as Json);
const delegateKey = (model: string) => model.charAt(0).toLowerCase() + model.slice(1);

interface ReadPlan {
  addedId: boolean;
  relations: Record<string, ReadPlan>;
}

interface OperationLog {
  events: AuditEvent[];
  filterFields: Set<string>;
}

/** What a write needs to pick the data key: the transaction, and the owner when the data does not say. */
interface WriteScope {
  tx: Queryable;
  /** The owner of the row being updated. */
  ownerId?: string | undefined;
  /** The owner of the PHI row this one is created under (nested create). */
  parentOwnerId?: string | undefined;
  /** Checking a write that will not run: validate, but create no key. */
  dryRun?: boolean;
}

const DRY_RUN_KEY: DataKey = { id: "00000000-0000-0000-0000-000000000000", key: Buffer.alloc(32) };

interface RuntimeModel {
  dbName: string | null;
  fields: { name: string; kind: string; type: string; dbName?: string | null }[];
}

/** Prisma's runtime data model: every model's table, columns and relations. */
export function readModelMetadata(client: PrismaClient): Map<string, ModelMeta> {
  const { models } = (client as unknown as { _runtimeDataModel: { models: Record<string, RuntimeModel> } })
    ._runtimeDataModel;
  const metadata = new Map<string, ModelMeta>();
  for (const [name, model] of Object.entries(models)) {
    metadata.set(name, {
      dbName: model.dbName ?? name,
      fields: new Map(
        model.fields.map((f) => [f.name, { kind: f.kind, type: f.type, dbName: f.dbName ?? f.name }]),
      ),
    });
  }
  return metadata;
}

export function createPhiCodec(base: PrismaClient, crypto: PhiCryptoConfig, dataKeys: DataKeyStore) {
  const metadata = readModelMetadata(base);
  const keySource: KeySource = { ring: crypto.keyRing, dataKey: (id) => dataKeys.cached(id) };

  for (const model of metadata.keys()) {
    const phi = phiFieldsOf(model);
    if (!phi) continue;
    const meta = metadata.get(model)!;
    if (meta.fields.get("id")?.type !== "String")
      throw new Error(`PHI model ${model} needs a String id primary key`);
    for (const [field, spec] of Object.entries(phi)) {
      if (meta.fields.get(field)?.type !== "String")
        throw new Error(`PHI field ${model}.${field} must be a String column`);
      if (spec.blindIndex && !meta.fields.has(spec.blindIndex.field)) {
        throw new Error(`blind index ${model}.${spec.blindIndex.field} is not in the schema`);
      }
    }
  }

  const modelMeta = (model: string): ModelMeta => {
    const meta = metadata.get(model);
    if (!meta) throw new Error(`unknown model ${model}`);
    return meta;
  };
  const relationTarget = (model: string, key: string): string | undefined => {
    const field = modelMeta(model).fields.get(key);
    return field?.kind === "object" ? field.type : undefined;
  };
  const binding = (model: string, field: string, rowId: string) => ({
    table: modelMeta(model).dbName,
    column: modelMeta(model).fields.get(field)!.dbName,
    rowId,
  });
  const indexOf = (model: string, spec: PhiFieldSpec, value: string) =>
    blindIndex(crypto.blindIndexKey, `${model}.${spec.blindIndex!.field}`, spec.blindIndex!.normalize(value));
  const blindIndexFields = (model: string) =>
    new Set(
      Object.values(phiFieldsOf(model) ?? {}).flatMap((spec) =>
        spec.blindIndex ? [spec.blindIndex.field] : [],
      ),
    );

  /** Does this query reach a PHI model anywhere (top level, relation filters, includes, nested writes)? */
  function involvesPhi(model: string, node: unknown): boolean {
    if (phiFieldsOf(model)) return true;
    if (Array.isArray(node)) return node.some((item) => involvesPhi(model, item));
    if (!isObject(node)) return false;
    return Object.entries(node).some(([key, value]) => {
      const target = relationTarget(model, key);
      if (target) return involvesPhi(target, value);
      return !modelMeta(model).fields.has(key) && involvesPhi(model, value);
    });
  }

  // ---- filters ------------------------------------------------------------

  function translateWhere(model: string, where: unknown, log: OperationLog): unknown {
    if (Array.isArray(where)) return where.map((item) => translateWhere(model, item, log));
    if (!isObject(where)) return where;
    const phi = phiFieldsOf(model);
    const out: Json = {};
    for (const [key, value] of Object.entries(where)) {
      const spec = phi?.[key];
      const target = relationTarget(model, key);
      if (spec) {
        Object.assign(out, translatePhiFilter(model, key, spec, value));
        log.filterFields.add(`${model}.${key}`);
      } else if (target) {
        out[key] = translateWhere(target, value, log);
      } else if (["AND", "OR", "NOT", "is", "isNot", "some", "every", "none"].includes(key)) {
        out[key] = translateWhere(model, value, log);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  function translatePhiFilter(model: string, field: string, spec: PhiFieldSpec, filter: unknown): Json {
    const isNullCheck = (value: unknown) =>
      value === null ||
      (isObject(value) && Object.keys(value).length === 1 && (value.equals === null || value.not === null));
    if (isNullCheck(filter)) return { [field]: filter };
    if (!spec.blindIndex) {
      throw new UnsupportedPhiQueryError(
        `${model}.${field} is encrypted and has no blind index: it can only be filtered for null`,
      );
    }
    const index = (value: unknown) => {
      if (value === null) return null;
      if (typeof value !== "string")
        throw new UnsupportedPhiQueryError(`${model}.${field} filters take strings`);
      return indexOf(model, spec, value);
    };
    if (typeof filter === "string") return { [spec.blindIndex.field]: index(filter) };
    if (!isObject(filter)) throw new UnsupportedPhiQueryError(`unsupported filter on ${model}.${field}`);
    const translated: Json = {};
    for (const [operator, operand] of Object.entries(filter)) {
      if (!ALLOWED_INDEX_FILTERS.has(operator)) {
        throw new UnsupportedPhiQueryError(
          `${model}.${field} is encrypted: only equals, in and not filters work on it, not "${operator}"`,
        );
      }
      translated[operator] = operator === "in" ? (operand as unknown[]).map(index) : index(operand);
    }
    return { [spec.blindIndex.field]: translated };
  }

  function assertNotOrderedByPhi(model: string, orderBy: unknown, what = "ordered"): void {
    if (Array.isArray(orderBy)) return orderBy.forEach((item) => assertNotOrderedByPhi(model, item, what));
    if (typeof orderBy === "string") {
      if (phiFieldsOf(model)?.[orderBy]) {
        throw new UnsupportedPhiQueryError(
          `${model}.${orderBy} is encrypted and cannot be ${what} by the database`,
        );
      }
      return;
    }
    if (!isObject(orderBy)) return;
    for (const [key, value] of Object.entries(orderBy)) {
      if (phiFieldsOf(model)?.[key]) {
        throw new UnsupportedPhiQueryError(
          `${model}.${key} is encrypted and cannot be ${what} by the database`,
        );
      }
      const target = relationTarget(model, key);
      if (target) assertNotOrderedByPhi(target, value, what);
    }
  }

  // ---- projections ----------------------------------------------------------

  /** Read arguments with filters translated and the id forced into PHI selections (decryption needs it). */
  function prepareRead(model: string, args: Json, log: OperationLog): { args: Json; plan: ReadPlan } {
    const out: Json = { ...args };
    const plan: ReadPlan = { addedId: false, relations: {} };
    if ("where" in args) out.where = translateWhere(model, args.where, log);
    if ("cursor" in args) out.cursor = translateWhere(model, args.cursor, log);
    if ("orderBy" in args) assertNotOrderedByPhi(model, args.orderBy);
    if ("distinct" in args) assertNotOrderedByPhi(model, args.distinct, "made distinct");
    const phi = phiFieldsOf(model);

    const nested = (key: string, value: unknown): unknown => {
      const target = relationTarget(model, key);
      if (!target || !value) return value;
      const sub = prepareRead(target, value === true ? {} : (value as Json), log);
      plan.relations[key] = sub.plan;
      return value === true && !sub.plan.addedId ? true : sub.args;
    };

    if (isObject(args.select)) {
      const select: Json = {};
      for (const [key, value] of Object.entries(args.select)) select[key] = nested(key, value);
      if (phi && !select.id && Object.keys(phi).some((field) => select[field])) {
        select.id = true;
        plan.addedId = true;
      }
      out.select = select;
    } else {
      if (isObject(args.include)) {
        const include: Json = {};
        for (const [key, value] of Object.entries(args.include)) include[key] = nested(key, value);
        out.include = include;
      }
      if (phi && isObject(args.omit) && args.omit.id) {
        out.omit = { ...args.omit, id: false };
        plan.addedId = true;
      }
    }
    return { args: out, plan };
  }

  function decryptRecords(model: string, value: unknown, plan: ReadPlan, events: AuditEvent[] | null): void {
    if (Array.isArray(value)) return value.forEach((item) => decryptRecords(model, item, plan, events));
    if (!isObject(value)) return;
    const phi = phiFieldsOf(model);
    if (phi) {
      const rowId = value.id as string;
      const subjectId = subjectOf(model, value, rowId);
      const read: string[] = [];
      for (const field of Object.keys(phi)) {
        const stored = value[field];
        if (typeof stored !== "string") continue;
        value[field] = decryptField(stored, binding(model, field, rowId), keySource);
        read.push(field);
      }
      if (read.length && events) {
        events.push({
          action: "phi.read",
          resourceType: model,
          resourceId: rowId,
          details: { fields: read },
          subjectId,
        });
      }
      if (plan.addedId) delete value.id;
    }
    for (const [key, subPlan] of Object.entries(plan.relations)) {
      decryptRecords(relationTarget(model, key)!, value[key], subPlan, events);
    }
  }

  /**
   * Whose personal data a row is (for the audit row's subject): its owner column when selected,
   * else the owner of the data key its first encrypted value names. Read before decrypting.
   */
  function subjectOf(model: string, value: Json, rowId: string): string | null {
    const ownerField = phiOwnerFieldOf(model);
    const owner = ownerField === "id" ? rowId : ownerField ? value[ownerField] : undefined;
    if (typeof owner === "string") return owner;
    for (const field of Object.keys(phiFieldsOf(model) ?? {})) {
      const stored = value[field];
      if (typeof stored !== "string") continue;
      const key = envelopeKey(stored, binding(model, field, rowId));
      if (key.version === "v2") return dataKeys.ownerOfKey(key.keyId) ?? null;
    }
    return null;
  }

  /** Loads every data key the PHI values in a result need, in one query, before decrypting. */
  async function loadKeysFor(tx: Queryable, model: string, value: unknown, plan: ReadPlan): Promise<void> {
    const ids = new Set<string>();
    const collect = (m: string, v: unknown, p: ReadPlan): void => {
      if (Array.isArray(v)) return v.forEach((item) => collect(m, item, p));
      if (!isObject(v)) return;
      const phi = phiFieldsOf(m);
      for (const field of Object.keys(phi ?? {})) {
        const stored = v[field];
        if (typeof stored !== "string") continue;
        const key = envelopeKey(stored, binding(m, field, String(v.id)));
        if (key.version === "v2") ids.add(key.keyId);
      }
      for (const [key, subPlan] of Object.entries(p.relations))
        collect(relationTarget(m, key)!, v[key], subPlan);
    };
    collect(model, value, plan);
    if (ids.size) await dataKeys.load(tx, [...ids]);
  }

  // ---- writes ---------------------------------------------------------------

  /** Whose data key encrypts this row: its own id (a person), the owner column, or the known owner. */
  function ownerOf(model: string, data: Json, rowId: string, scope: WriteScope): string {
    const ownerField = phiOwnerField(model);
    if (ownerField === "id") return rowId;
    const given = data[ownerField];
    if (given !== undefined && scope.ownerId !== undefined && given !== scope.ownerId) {
      throw new UnsupportedPhiQueryError(`${model}.${ownerField} cannot change: it picks the data key`);
    }
    if (typeof given === "string") return given;
    const owner = scope.ownerId ?? scope.parentOwnerId;
    if (!owner) {
      throw new UnsupportedPhiQueryError(
        `${model} rows must name ${ownerField} (whose data key encrypts them) or be created nested under that person`,
      );
    }
    return owner;
  }

  async function encryptValue(
    model: string,
    field: string,
    spec: PhiFieldSpec,
    value: unknown,
    rowId: string,
    out: Json,
    dataKey: () => Promise<DataKey>,
  ) {
    const plain = isObject(value) && "set" in value ? value.set : value;
    if (plain === null) {
      out[field] = null;
      if (spec.blindIndex) out[spec.blindIndex.field] = null;
      return;
    }
    if (typeof plain !== "string")
      throw new UnsupportedPhiQueryError(`${model}.${field} takes a string value`);
    out[field] = encryptField(plain, binding(model, field, rowId), await dataKey());
    if (spec.blindIndex) out[spec.blindIndex.field] = indexOf(model, spec, plain);
  }

  async function encryptWrite(
    model: string,
    data: Json,
    rowId: string | null,
    log: OperationLog,
    scope: WriteScope,
  ): Promise<Json> {
    const phi = phiFieldsOf(model);
    const indexFields = blindIndexFields(model);
    const isCreate = rowId === null;
    const out: Json = { ...data };
    let id = rowId;
    if (phi && isCreate) {
      out.id ??= randomUUID();
      if (typeof out.id !== "string") throw new UnsupportedPhiQueryError(`${model}.id must be a string`);
      id = out.id;
    }
    const ownerId = phi ? ownerOf(model, data, id!, scope) : undefined;
    let key: DataKey | undefined;
    const dataKey = async () => {
      key ??= scope.dryRun ? DRY_RUN_KEY : await dataKeys.forOwner(scope.tx, ownerId!);
      return key;
    };
    const written: string[] = [];
    const nested: OperationLog = { events: [], filterFields: log.filterFields };
    for (const [key, value] of Object.entries(data)) {
      const spec = phi?.[key];
      const target = relationTarget(model, key);
      if (spec) {
        if (value === undefined) continue;
        await encryptValue(model, key, spec, value, id!, out, dataKey);
        written.push(key);
      } else if (indexFields.has(key)) {
        throw new UnsupportedPhiQueryError(`${model}.${key} is a blind index, maintained by the data layer`);
      } else if (target) {
        out[key] = await nestedWrite(target, value as Json, nested, {
          tx: scope.tx,
          parentOwnerId: ownerId,
          ...(scope.dryRun ? { dryRun: true } : {}),
        });
      }
    }
    if (phi && (written.length || isCreate)) {
      log.events.push({
        action: isCreate ? "phi.create" : "phi.update",
        resourceType: model,
        resourceId: id,
        details: { fields: written },
        subjectId: ownerId ?? null,
      });
    }
    log.events.push(...nested.events); // parents before children, as the rows are written
    return out;
  }

  async function nestedWrite(model: string, operations: Json, log: OperationLog, scope: WriteScope) {
    const out: Json = {};
    for (const [operation, value] of Object.entries(operations)) {
      switch (operation) {
        case "create":
          out.create = await each(value, (data) => encryptWrite(model, data, null, log, scope));
          break;
        case "createMany":
          out.createMany = {
            ...(value as Json),
            data: await each((value as Json).data, (data) => encryptWrite(model, data, null, log, scope)),
          };
          break;
        case "connectOrCreate":
          out.connectOrCreate = await each(value, async (item) => ({
            where: translateWhere(model, item.where, log),
            create: await encryptWrite(model, item.create as Json, null, log, scope),
          }));
          break;
        case "connect":
        case "disconnect":
        case "set":
          out[operation] = typeof value === "boolean" ? value : translateWhere(model, value, log);
          break;
        default:
          // update, updateMany, upsert, delete, deleteMany: row ids (for encryption and
          // audit) are not known here, so PHI rows must be changed through their own model.
          if (involvesPhi(model, value)) {
            throw new UnsupportedPhiQueryError(
              `nested ${operation} of ${model} is not supported by the encrypted layer; call ${delegateKey(model)}.${operation === "upsert" ? "upsert" : operation.replace("Many", "")} directly`,
            );
          }
          out[operation] = value;
      }
    }
    return out;
  }

  // ---- does a query touch PHI at all? ---------------------------------------
  // Only a query that returns, writes or filters a PHI column (here or through a
  // relation) needs an actor, a transaction and audit rows; everything else runs
  // as a plain query (the session check on every request, counting rows…).

  /** Does this filter compare a PHI column, here or through a relation? (Refuses unsupported filters.) */
  function filtersPhi(model: string, where: unknown): boolean {
    if (where === undefined) return false;
    const log: OperationLog = { events: [], filterFields: new Set() };
    translateWhere(model, where, log);
    return log.filterFields.size > 0;
  }

  /** Does a read with these arguments (or a relation selected with them) return or filter PHI? */
  function readTouchesPhi(model: string, node: unknown): boolean {
    const args = isObject(node) ? node : {};
    if (filtersPhi(model, args.where) || filtersPhi(model, args.cursor)) return true;
    if ("orderBy" in args) assertNotOrderedByPhi(model, args.orderBy);
    if ("distinct" in args) assertNotOrderedByPhi(model, args.distinct, "made distinct");
    const phi = phiFieldsOf(model);
    const relationTouches = (entries: Json) =>
      Object.entries(entries).some(([key, value]) => {
        const target = relationTarget(model, key);
        return Boolean(value) && target !== undefined && readTouchesPhi(target, value);
      });
    if (isObject(args.select)) {
      if (phi && Object.entries(args.select).some(([key, value]) => Boolean(value) && phi[key])) return true;
      return relationTouches(args.select);
    }
    // Without a select, every scalar column comes back unless omitted.
    const omit = isObject(args.omit) ? args.omit : {};
    if (phi && Object.keys(phi).some((field) => omit[field] !== true)) return true;
    return isObject(args.include) && relationTouches(args.include);
  }

  /** Does this write data set a PHI column here or in a nested write (or change PHI rows nested)? */
  function writeTouchesPhi(model: string, data: unknown): boolean {
    if (Array.isArray(data)) return data.some((item) => writeTouchesPhi(model, item));
    if (!isObject(data)) return false;
    if (writesPhi(model, data)) return true;
    return Object.entries(data).some(([key, operations]) => {
      const target = relationTarget(model, key);
      if (!target || !isObject(operations)) return false;
      return Object.entries(operations).some(([operation, value]) => {
        const items = Array.isArray(value) ? (value as unknown[]) : [value];
        switch (operation) {
          case "create":
            return writeTouchesPhi(target, value);
          case "createMany":
            return isObject(value) && writeTouchesPhi(target, value.data);
          case "connectOrCreate":
            return items.some(
              (item) =>
                isObject(item) && (filtersPhi(target, item.where) || writeTouchesPhi(target, item.create)),
            );
          case "connect":
          case "disconnect":
          case "set":
            return typeof value !== "boolean" && items.some((item) => filtersPhi(target, item));
          default:
            // Nested update, upsert, delete of a PHI model: the full path refuses or handles them.
            return phiFieldsOf(target) !== undefined || involvesPhi(target, value);
        }
      });
    });
  }

  /** Does this query return, write or filter a PHI column anywhere? */
  function touchesPhi(model: string, operation: string, rawArgs: unknown): boolean {
    const args = isObject(rawArgs) ? rawArgs : {};
    if (READ_OPERATIONS.has(operation)) return readTouchesPhi(model, args);
    if (operation === "count" || operation === "aggregate" || operation === "groupBy") {
      for (const key of ["orderBy", "by", "_min", "_max", "having"]) {
        if (key in args) assertNotOrderedByPhi(model, key === "by" ? args.by : args[key], "aggregated");
      }
      return filtersPhi(model, args.where);
    }
    // Deleting a PHI row destroys PHI: always audited.
    if ((operation === "delete" || operation === "deleteMany") && phiFieldsOf(model)) return true;
    const returnsRecords = !["createMany", "updateMany", "deleteMany"].includes(operation);
    return (
      filtersPhi(model, args.where) ||
      writeTouchesPhi(model, args.data) ||
      writeTouchesPhi(model, args.create) ||
      writeTouchesPhi(model, args.update) ||
      (returnsRecords && readTouchesPhi(model, pickProjection(args)))
    );
  }

  /** Does this update data set a PHI field (which must then be encrypted row by row)? */
  function writesPhi(model: string, data: Json): boolean {
    const phi = phiFieldsOf(model);
    return (
      Boolean(phi) &&
      Object.keys(data).some((key) => phi![key] !== undefined || blindIndexFields(model).has(key))
    );
  }

  return {
    writesPhi,
    involvesPhi,
    touchesPhi,
    translateWhere,
    assertNotOrderedByPhi,
    prepareRead,
    decryptRecords,
    loadKeysFor,
    encryptWrite,
    delegateKey,
  };
}

const isReadOnly = (operation: string) =>
  READ_OPERATIONS.has(operation) ||
  operation === "count" ||
  operation === "aggregate" ||
  operation === "groupBy";

function filterEvent(model: string, operation: string, log: OperationLog, matched: number): AuditEvent[] {
  if (log.filterFields.size === 0) return [];
  return [
    {
      action: "phi.query",
      resourceType: model,
      details: { operation, filterFields: [...log.filterFields].sort(), matched },
    },
  ];
}

function requireActor(model: string): ReturnType<typeof currentContext> {
  const context = currentContext();
  if (!context || context.actor.kind === "anonymous") {
    throw new PhiAccessDeniedError(
      `access to ${model} data needs an authenticated actor in the request context`,
    );
  }
  return context;
}

const RAW_SQL_GUARD = /\b(users|patient_profiles|appointments|audit_log)\b/i;

function rawSqlText(args: unknown): string {
  if (typeof args === "string") return args;
  if (Array.isArray(args)) return typeof args[0] === "string" ? args[0] : rawSqlText(args[0]);
  if (isObject(args)) {
    if (typeof args.sql === "string") return args.sql;
    if (Array.isArray(args.strings)) return (args.strings as string[]).join("?");
  }
  return "";
}

export function phiExtension(base: PrismaClient, crypto: PhiCryptoConfig, dataKeys: DataKeyStore) {
  const codec = createPhiCodec(base, crypto, dataKeys);

  async function runPhiOperation(
    tx: Prisma.TransactionClient | PrismaClient,
    model: string,
    operation: string,
    rawArgs: unknown,
  ) {
    const context = requireActor(model);
    const args = (rawArgs ?? {}) as Json;
    const delegate = (tx as unknown as Record<string, ModelDelegate>)[codec.delegateKey(model)]!;
    const log: OperationLog = { events: [], filterFields: new Set() };
    let result: unknown;
    const decrypt = async (value: unknown, plan: ReadPlan, events: AuditEvent[] | null) => {
      await codec.loadKeysFor(tx, model, value, plan);
      codec.decryptRecords(model, value, plan, events);
    };
    // The owner column is read with the row id when a write must pick a data key.
    const ownerField = phiOwnerFieldOf(model);
    const idAndOwner = { id: true, ...(ownerField && ownerField !== "id" ? { [ownerField]: true } : {}) };
    const ownerOfRow = (row: Json) => (ownerField ? String(row[ownerField]) : undefined);

    if (READ_OPERATIONS.has(operation)) {
      const { args: readArgs, plan } = codec.prepareRead(model, args, log);
      result = await delegate[operation]!(readArgs);
      await decrypt(result, plan, log.events);
      const matched = Array.isArray(result) ? result.length : result ? 1 : 0;
      log.events.push(...filterEvent(model, operation, log, matched));
    } else if (operation === "count" || operation === "aggregate" || operation === "groupBy") {
      for (const key of ["orderBy", "by", "_min", "_max", "having"]) {
        if (key in args) codec.assertNotOrderedByPhi(model, key === "by" ? args.by : args[key], "aggregated");
      }
      result = await delegate[operation]!({ ...args, where: codec.translateWhere(model, args.where, log) });
      log.events.push(...filterEvent(model, operation, log, typeof result === "number" ? result : -1));
    } else if (operation === "create" || operation === "createMany" || operation === "createManyAndReturn") {
      const data =
        operation === "create"
          ? await codec.encryptWrite(model, args.data as Json, null, log, { tx })
          : await Promise.all(
              ([] as Json[])
                .concat(args.data as Json | Json[])
                .map((row) => codec.encryptWrite(model, row, null, log, { tx })),
            );
      const { args: projected, plan } = codec.prepareRead(model, pickProjection(args), log);
      result = await delegate[operation]!({ ...args, ...projected, data });
      await decrypt(result, plan, null);
    } else if (operation === "update" || operation === "upsert") {
      const where = codec.translateWhere(model, args.where, log);
      const existing = (await delegate.findUnique!({ where, select: idAndOwner })) as Json | null;
      const { args: projected, plan } = codec.prepareRead(model, pickProjection(args), log);
      if (existing) {
        const id = String(existing.id);
        const data = await codec.encryptWrite(
          model,
          (operation === "update" ? args.data : args.update) as Json,
          id,
          log,
          { tx, ownerId: ownerOfRow(existing) },
        );
        result = await delegate.update!({ ...projected, where: { id, AND: [where] }, data });
      } else if (operation === "upsert") {
        const data = await codec.encryptWrite(model, args.create as Json, null, log, { tx });
        result = await delegate.create!({ ...projected, data });
      } else {
        // Reject what is unsupported first, then answer as Prisma would.
        await codec.encryptWrite(
          model,
          args.data as Json,
          randomUUID(),
          { events: [], filterFields: new Set() },
          { tx, ownerId: randomUUID(), dryRun: true },
        );
        throw new Prisma.PrismaClientKnownRequestError(`No ${model} record was found for an update.`, {
          code: "P2025",
          clientVersion: Prisma.prismaVersion.client,
        });
      }
      await decrypt(result, plan, null);
    } else if (operation === "updateMany" || operation === "updateManyAndReturn") {
      const where = codec.translateWhere(model, args.where, log);
      const { args: projected, plan } = codec.prepareRead(model, pickProjection(args), log);
      if (!codec.writesPhi(model, args.data as Json)) {
        // One statement, so a compare-and-set (where on the old value) stays atomic.
        result = await delegate[operation]!({ ...args, ...projected, where });
        await decrypt(result, plan, null);
      } else {
        // Each row's ciphertext is bound to its id: update row by row, keeping the
        // caller's conditions so a row changed meanwhile is skipped, not overwritten.
        const rows = (await delegate.findMany!({
          where,
          select: idAndOwner,
          ...(args.limit ? { take: args.limit } : {}),
        })) as Json[];
        let count = 0;
        const updated: unknown[] = [];
        for (const row of rows) {
          const id = String(row.id);
          const rowLog: OperationLog = { events: [], filterFields: log.filterFields };
          const data = await codec.encryptWrite(model, args.data as Json, id, rowLog, {
            tx,
            ownerId: ownerOfRow(row),
          });
          const changed = (await delegate.updateMany!({ where: { id, AND: [where] }, data })) as {
            count: number;
          };
          if (changed.count === 0) continue;
          count += 1;
          log.events.push(...rowLog.events);
          if (operation === "updateManyAndReturn")
            updated.push(await delegate.findUnique!({ ...projected, where: { id } }));
        }
        await decrypt(updated, plan, null);
        result = operation === "updateMany" ? { count } : updated;
      }
    } else if (operation === "delete" || operation === "deleteMany") {
      const where = codec.translateWhere(model, args.where, log);
      const rows = (await delegate.findMany!({ where, select: { id: true } })) as { id: string }[];
      if (operation === "delete") {
        const { args: projected, plan } = codec.prepareRead(model, pickProjection(args), log);
        result = await delegate.delete!({ ...projected, where });
        await decrypt(result, plan, null);
      } else {
        result = await delegate.deleteMany!({
          where: { id: { in: rows.map((row) => row.id) }, AND: [where] },
        });
      }
      for (const { id } of rows)
        log.events.push({ action: "phi.delete", resourceType: model, resourceId: id });
    } else {
      throw new UnsupportedPhiQueryError(`${operation} on ${model} is not supported by the encrypted layer`);
    }

    await appendAuditEvents(tx, crypto.audit, dedupe(log.events), context);
    return result;
  }

  return Prisma.defineExtension({
    name: "haven-phi",
    query: {
      $allModels: {
        async $allOperations({ model, operation, args, query }) {
          if (model === "AuditLog" && PROTECTED_AUDIT_OPERATIONS.has(operation)) {
            throw new UnsupportedPhiQueryError("the audit log is append-only");
          }
          if (!codec.touchesPhi(model, operation, args)) {
            const tx = currentTransaction();
            if (!tx) return query(args);
            const delegate = (tx as unknown as Record<string, ModelDelegate>)[codec.delegateKey(model)]!;
            return delegate[operation]!(args);
          }
          // A read outside a transaction needs none: it changes nothing, and its audit
          // rows are committed before any PHI leaves this function (if they cannot
          // be written, the read fails). Two statements instead of four.
          if (isReadOnly(operation) && !currentTransaction()) {
            return runPhiOperation(base, model, operation, args);
          }
          return inTransaction(base, (tx) => runPhiOperation(tx, model, operation, args));
        },
      },
      $queryRaw: guardedRaw,
      $executeRaw: guardedRaw,
      $queryRawUnsafe: guardedRaw,
      $executeRawUnsafe: guardedRaw,
    },
  });
}

async function guardedRaw({ args, query }: { args: unknown; query: (args: never) => Promise<unknown> }) {
  assertRawSqlAllowed(args);
  return query(args as never);
}

function assertRawSqlAllowed(args: unknown): void {
  const match = RAW_SQL_GUARD.exec(rawSqlText(args));
  if (match) {
    throw new UnsupportedPhiQueryError(
      `raw SQL on ${match[1]} would bypass field encryption and audit; use the model API`,
    );
  }
}

function pickProjection(args: Json): Json {
  const out: Json = {};
  for (const key of ["select", "include", "omit"]) if (key in args) out[key] = args[key];
  return out;
}

function dedupe(events: AuditEvent[]): AuditEvent[] {
  const seen = new Set<string>();
  return events.filter((event) => {
    if (!event.resourceId) return true;
    const key = `${event.action}:${event.resourceType}:${event.resourceId}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
