/** Small shared helpers for JSON-shaped data (parsed YAML, values, Kubernetes objects). */

export type JsonObject = Record<string, unknown>;

/** A map-like JSON value: an object that is neither null nor an array. */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
