/**
 * JSONata's `$boolean` semantics, so a condition node decides exactly as `$boolean(expr)` would:
 * empty string, 0, null, empty array/object and functions are false; an array is true if any item is.
 */
export function isTruthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.some(isTruthy);
  if (typeof value === "object") return Object.keys(value).length > 0;
  return false;
}
