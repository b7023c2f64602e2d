/**
 * JSON value helpers with Maelstrom's notion of equality: keys and values keep
 * their JSON type, so 1 and "1" are different keys and different values.
 */
import type { Json } from './message';

/**
 * How deep a client's message may nest. Maelstrom's workloads need about five
 * levels; the bound exists because every recursive walk of a value (equality,
 * canonical keys, JSON.stringify) would otherwise overflow the stack on a
 * value nested thousands deep, and a command that throws on apply does so on
 * every replica, forever (it is in the log). Such requests are refused at the
 * door instead (MaelstromNode.handleMessage).
 */
export const MAX_JSON_DEPTH = 64;

/** True if `value` nests arrays/objects more than `limit` levels deep (a scalar is depth 0). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit <= 0) return true;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.some((child) => nestsDeeperThan(child, limit - 1));
}

/** Structural equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bs = b as unknown[];
    return a.length === bs.length && a.every((x, i) => jsonEqual(x, bs[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao);
  // hasOwn, not `in`: an own "__proto__" key must not match the inherited accessor.
  return keys.length === Object.keys(bo).length && keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/**
 * A string that identifies a JSON value up to object key order, for use as a
 * Map key: `canonicalKey(1) !== canonicalKey("1")`. Written out directly
 * rather than through a key-sorted copy: assigning an own "__proto__" key to a
 * plain object would hit the prototype setter and silently drop it, making
 * {"__proto__": 1} and {} the same key.
 */
export function canonicalKey(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    const fields = Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalKey(o[k])}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * True if `value` survives a JSON round trip unchanged (no undefined,
 * functions, NaN...) and nests at most MAX_JSON_DEPTH levels.
 */
export function isJson(value: unknown, depthLeft = MAX_JSON_DEPTH): value is Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (depthLeft <= 0) return false;
      if (Array.isArray(value)) return value.every((v) => isJson(v, depthLeft - 1));
      return Object.values(value).every((v) => isJson(v, depthLeft - 1));
    default:
      return false;
  }
}
