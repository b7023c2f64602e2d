/**
 * JSON value identity as Knossos and Elle see it: structural equality where
 * 1 and "1" differ (Clojure `=` on parsed JSON). Values are compared through a
 * canonical string so they can key maps and be interned to small integers.
 */

/** Canonical text of a JSON value: object keys sorted, `undefined` as null. */
export function valueKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(valueKey).join(',') + ']';
  if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj).sort();
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + valueKey(obj[k])).join(',') + '}';
  }
  return JSON.stringify(String(value));
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  return valueKey(a) === valueKey(b);
}

/** Short human rendering of a value for explanations. */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'nil';
  return valueKey(value);
}

/** Interns values to dense integers; `null` is always 0 (Knossos' initial nil). */
export class ValueInterner {
  private readonly ids = new Map<string, number>([['null', 0]]);
  private readonly values: unknown[] = [null];

  id(value: unknown): number {
    const key = valueKey(value);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.ids.set(key, id);
      this.values.push(value ?? null);
    }
    return id;
  }

  value(id: number): unknown {
    return this.values[id];
  }
}
