/**
 * Reads a history file: `history.jsonl` (docs/history-format.md) or
 * Jepsen's `history.edn`, told apart by content, not by name.
 */
import * as fs from 'fs';
import { HistoryOp, OpType } from './history';
import { historyFromEdn } from './edn';
import { errorMessage } from './ops';

export class HistoryFileError extends Error {}

const OP_TYPES = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);

export function parseJsonlHistory(text: string, source = 'history'): HistoryOp[] {
  const ops: HistoryOp[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new HistoryFileError(`${source}:${i + 1}: not valid JSON (${errorMessage(e)}); each line must be one operation object`);
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new HistoryFileError(`${source}:${i + 1}: expected an operation object like {"type":"invoke","process":0,"f":"read","value":[0,null]}`);
    }
    const op = v as Record<string, unknown>;
    if (typeof op.type !== 'string' || !OP_TYPES.has(op.type as OpType)) {
      throw new HistoryFileError(`${source}:${i + 1}: "type" is ${JSON.stringify(op.type)}; expected invoke, ok, fail or info`);
    }
    if (!(typeof op.process === 'number' || typeof op.process === 'string')) {
      throw new HistoryFileError(`${source}:${i + 1}: "process" must be an integer or "nemesis"`);
    }
    if (typeof op.f !== 'string') throw new HistoryFileError(`${source}:${i + 1}: "f" must be a string`);
    ops.push({
      ...op,
      index: typeof op.index === 'number' ? op.index : ops.length,
      time: typeof op.time === 'number' ? op.time : ops.length,
      value: op.value === undefined ? null : op.value,
    } as HistoryOp);
  }
  return ops;
}

/** Parses history text, JSON lines or EDN, by its first significant characters. */
export function parseHistoryText(text: string, source = 'history'): HistoryOp[] {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head === '') throw new HistoryFileError(`${source}: empty history`);
  if (head.startsWith('{"') || head.startsWith('{ "')) return parseJsonlHistory(text, source);
  if (/^\[\s*(\{\s*"|\])/.test(head)) {
    // A JSON array of operations: same checks as JSON lines, one op per element.
    let ops: unknown;
    try {
      ops = JSON.parse(head);
    } catch (e) {
      throw new HistoryFileError(`${source}: looks like a JSON array but does not parse: ${errorMessage(e)}`);
    }
    return parseJsonlHistory((ops as unknown[]).map((o) => JSON.stringify(o)).join('\n'), source);
  }
  try {
    return historyFromEdn(text);
  } catch (e) {
    throw new HistoryFileError(`${source}: not a JSON-lines history and not a Jepsen EDN history: ${errorMessage(e)}`);
  }
}

/** Reads a `.jsonl` or `.edn` history file; throws HistoryFileError with a clear message. */
export function readHistoryFile(path: string): HistoryOp[] {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    throw new HistoryFileError(`cannot read history file ${path}: ${errorMessage(e)}`);
  }
  return parseHistoryText(text, path);
}
