// Query parameters reach pages as string | string[] | undefined, whatever the
// page's type says: `?token=a&token=b` is an array. Pages read them through here.

export type SearchParams = Record<string, string | string[] | undefined>;

/** A parameter as one string (the first when repeated), or undefined; longer than maxLength counts as absent. */
export function singleParam(value: string | string[] | undefined, maxLength = 200): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === "string" && first.length <= maxLength ? first : undefined;
}

/** Looks a parameter up in a fixed table without reaching inherited keys ("__proto__", "toString"…). */
export function lookupParam<T>(
  table: ReadonlyMap<string, T>,
  value: string | string[] | undefined,
): T | undefined {
  const key = singleParam(value);
  return key === undefined ? undefined : table.get(key);
}
