// Which fields an edit really changes. Stored PHI is decrypted for the comparison;
// only changed fields are written and named in the audit row, so an unchanged
// save neither rewrites ciphertext nor claims a change that did not happen.

type Value = string | null | undefined;

/** The fields whose new value differs from the stored one; undefined means "not submitted". */
export function changedFields<Field extends string>(
  fields: readonly Field[],
  stored: Partial<Record<Field, Value>> | null,
  next: Partial<Record<Field, Value>>,
): Field[] {
  // Empty and absent are the same stored state (no value).
  const normal = (value: Value) => (value === undefined || value === "" ? null : value);
  return fields.filter(
    (field) => next[field] !== undefined && normal(next[field]) !== normal(stored?.[field]),
  );
}

/** The changed fields' new values, ready for a write. */
export function pickChanges<Field extends string>(
  fields: readonly Field[],
  next: Partial<Record<Field, Value>>,
): Record<Field, string | null> {
  return Object.fromEntries(fields.map((field) => [field, next[field] ?? null])) as Record<
    Field,
    string | null
  >;
}
