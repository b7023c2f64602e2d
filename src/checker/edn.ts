/**
 * Enough EDN for Jepsen's files: reading history.edn (and Knossos/Elle test
 * data), writing history.edn and results.edn.
 *
 * Reading maps EDN onto JSON-like values the way our history.jsonl spells
 * them: keywords and symbols become their name (`:invoke` -> "invoke"), nil
 * -> null, vectors, lists and sets -> arrays, maps -> objects (keys by name),
 * tagged literals (`#jepsen.history.Op{...}`, `#inst "..."`) -> the tagged
 * value. Keywords and strings are therefore indistinguishable after parsing;
 * that is what the history format needs.
 */
import { HistoryOp, OpType, Process } from './history';

export class EdnError extends Error {}

const WHITESPACE = /[\s,]/;
const DELIMITERS = new Set(['(', ')', '[', ']', '{', '}', '"', ';']);

class Reader {
  pos = 0;
  constructor(private readonly text: string) {}

  private fail(msg: string): never {
    const before = this.text.slice(0, this.pos);
    const line = before.split('\n').length;
    const col = this.pos - before.lastIndexOf('\n');
    throw new EdnError(`EDN parse error at line ${line}, column ${col}: ${msg}`);
  }

  skipSpace(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (WHITESPACE.test(c)) this.pos++;
      else if (c === ';') {
        while (this.pos < t.length && t[this.pos] !== '\n') this.pos++;
      } else if (c === '#' && t[this.pos + 1] === '_') {
        this.pos += 2;
        this.read();
      } else break;
    }
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  read(): unknown {
    this.skipSpace();
    const t = this.text;
    if (this.pos >= t.length) this.fail('unexpected end of input');
    const c = t[this.pos];
    switch (c) {
      case '[': this.pos++; return this.readSeq(']');
      case '(': this.pos++; return this.readSeq(')');
      case '{': this.pos++; return this.readMap();
      case '"': return this.readString();
      case ']': case ')': case '}': this.fail(`unexpected ${c}`);
      // falls through (fail never returns)
      case '#': {
        const n = t[this.pos + 1];
        if (n === '{') { this.pos += 2; return this.readSeq('}'); }
        // Tagged literal: #tag value -> value.
        this.pos++;
        this.readToken();
        return this.read();
      }
      case '\\': {
        this.pos++;
        const tok = this.readToken() || t[this.pos++];
        const named: Record<string, string> = { newline: '\n', space: ' ', tab: '\t', return: '\r' };
        return named[tok] ?? tok;
      }
      default: return this.readAtom(this.readToken());
    }
  }

  private readToken(): string {
    const t = this.text;
    const start = this.pos;
    while (this.pos < t.length && !WHITESPACE.test(t[this.pos]) && !DELIMITERS.has(t[this.pos])) this.pos++;
    return t.slice(start, this.pos);
  }

  private readAtom(tok: string): unknown {
    if (tok === '') this.fail(`unexpected character ${JSON.stringify(this.text[this.pos])}`);
    if (tok === 'nil') return null;
    if (tok === 'true') return true;
    if (tok === 'false') return false;
    if (tok[0] === ':') {
      if (tok.length === 1) this.fail('empty keyword');
      return tok.slice(1);
    }
    if (/^[+-]?\d/.test(tok)) {
      const m = /^([+-]?\d+)N?$/.exec(tok);
      if (m) return Number(m[1]);
      const ratio = /^([+-]?\d+)\/(\d+)$/.exec(tok);
      if (ratio) return Number(ratio[1]) / Number(ratio[2]);
      const f = /^([+-]?\d+(\.\d*)?([eE][+-]?\d+)?)M?$/.exec(tok);
      if (f) return Number(f[1]);
      this.fail(`bad number ${tok}`);
    }
    return tok; // symbol
  }

  private readString(): string {
    const t = this.text;
    this.pos++;
    let out = '';
    while (this.pos < t.length) {
      const c = t[this.pos++];
      if (c === '"') return out;
      if (c === '\\') {
        const e = t[this.pos++];
        const map: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', b: '\b', f: '\f' };
        if (e === 'u') {
          out += String.fromCharCode(parseInt(t.slice(this.pos, this.pos + 4), 16));
          this.pos += 4;
        } else out += map[e] ?? e;
      } else out += c;
    }
    return this.fail('unterminated string');
  }

  private readSeq(close: string): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= this.text.length) this.fail(`missing ${close}`);
      if (this.text[this.pos] === close) { this.pos++; return out; }
      out.push(this.read());
    }
  }

  private readMap(): Record<string, unknown> {
    const items = this.readSeq('}');
    if (items.length % 2) this.fail('map literal with an odd number of forms');
    const out: Record<string, unknown> = {};
    for (let i = 0; i < items.length; i += 2) {
      const k = items[i];
      out[typeof k === 'string' ? k : JSON.stringify(k)] = items[i + 1];
    }
    return out;
  }
}

/** Parses one EDN form (surrounding whitespace and comments allowed). */
export function parseEdn(text: string): unknown {
  const r = new Reader(text);
  const v = r.read();
  if (!r.atEnd()) throw new EdnError(`EDN parse error: trailing content after the first form at offset ${r.pos}`);
  return v;
}

/** Parses every top-level form. */
export function parseEdnForms(text: string): unknown[] {
  const r = new Reader(text);
  const out: unknown[] = [];
  while (!r.atEnd()) out.push(r.read());
  return out;
}

const OP_TYPES = new Set<OpType>(['invoke', 'ok', 'fail', 'info']);

/**
 * Jepsen history.edn -> HistoryOp[]. Accepts a single vector/list of op maps
 * or one op map per line. Missing :index is the position, missing :time is
 * the position too (old Knossos data has no clock).
 */
export function historyFromEdn(text: string): HistoryOp[] {
  const forms = parseEdnForms(text);
  const raw: unknown[] = forms.length === 1 && Array.isArray(forms[0]) ? forms[0] : forms;
  return raw.map((form, pos): HistoryOp => {
    if (form === null || typeof form !== 'object' || Array.isArray(form)) {
      throw new EdnError(`history entry ${pos} is not a map`);
    }
    const m = form as Record<string, unknown>;
    const type = m.type;
    if (typeof type !== 'string' || !OP_TYPES.has(type as OpType)) {
      throw new EdnError(`history entry ${pos} has :type ${JSON.stringify(type)}; expected :invoke, :ok, :fail or :info`);
    }
    const process = m.process;
    if (!(typeof process === 'number' || typeof process === 'string')) {
      throw new EdnError(`history entry ${pos} has no :process`);
    }
    const op: HistoryOp = {
      ...m,
      index: typeof m.index === 'number' ? m.index : pos,
      time: typeof m.time === 'number' ? m.time : pos,
      type: type as OpType,
      process: (typeof process === 'number' ? process : 'nemesis') as Process,
      f: String(m.f),
      value: m.value === undefined ? null : m.value,
    };
    if (typeof process === 'string' && process !== 'nemesis') op.process = process as Process;
    return op;
  });
}

// ---------------------------------------------------------------- writing

const KEYWORD_OK = /^[A-Za-z*+!_?<>=.-][A-Za-z0-9*+!_?<>=.\/:-]*$/;

function ednString(s: string): string {
  return JSON.stringify(s);
}

function keyword(s: string): string {
  return KEYWORD_OK.test(s) ? ':' + s : ednString(s);
}

/** Plain value -> EDN, strings as strings. */
function ednValue(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'nil';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return ednString(v);
  if (typeof v === 'bigint') return `${v}N`;
  if (Array.isArray(v)) return '[' + v.map(ednValue).join(' ') + ']';
  if (typeof v === 'object') {
    return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => `${ednString(k)} ${ednValue(x)}`).join(', ') + '}';
  }
  return ednString(String(v));
}

/** Micro-op lists get keyword functions, like Jepsen's [:r 9 nil] and kafka's [:poll {...}] / [:send "k" [0 1]]. */
function ednOpValue(f: string, value: unknown): string {
  if ((f === 'txn' || f === 'poll' || f === 'send') && Array.isArray(value)) {
    return '[' + value.map((mop) =>
      Array.isArray(mop) && typeof mop[0] === 'string'
        ? '[' + [keyword(mop[0]), ...mop.slice(1).map(ednValue)].join(' ') + ']'
        : ednValue(mop)).join(' ') + ']';
  }
  return ednValue(value);
}

function ednError(err: unknown): string {
  if (Array.isArray(err) && typeof err[0] === 'string') {
    return '[' + [keyword(err[0]), ...err.slice(1).map(ednValue)].join(' ') + ']';
  }
  if (typeof err === 'string') {
    // Jepsen's bare error keywords, e.g. :net-timeout.
    return /^[a-z][a-z0-9-]*$/.test(err) ? keyword(err) : ednString(err);
  }
  return ednValue(err);
}

/** Our history -> Jepsen's history.edn: one op map per line. */
export function historyToEdn(history: HistoryOp[]): string {
  const lines = history.map((op) => {
    const fields: string[] = [
      `:index ${op.index}`,
      `:time ${op.time}`,
      `:type ${keyword(op.type)}`,
      `:process ${typeof op.process === 'number' ? op.process : keyword(String(op.process))}`,
      `:f ${keyword(op.f)}`,
      `:value ${ednOpValue(op.f, op.value)}`,
    ];
    if (op.error !== undefined) fields.push(`:error ${ednError(op.error)}`);
    for (const [k, v] of Object.entries(op)) {
      if (['index', 'time', 'type', 'process', 'f', 'value', 'error'].includes(k) || v === undefined) continue;
      fields.push(`${keyword(k)} ${ednValue(v)}`);
    }
    return '{' + fields.join(', ') + '}';
  });
  return lines.join('\n') + (lines.length ? '\n' : '');
}

/** Fields of checker results whose string values are keywords in Jepsen. */
const KEYWORD_LIST_FIELDS = new Set(['anomaly-types', 'not', 'also-not']);

function resultKey(k: string): string {
  if (k === 'valid') return ':valid?';
  // Per-key maps are keyed by integers in Jepsen; set-full's latency quantiles by numbers (0, 0.5, ..., 1).
  if (/^-?\d+(\.\d+)?$/.test(k)) return k;
  return keyword(k);
}

function resultValue(v: unknown, field: string, indent: string): string {
  if (field === 'valid' && (v === true || v === false || v === 'unknown')) return v === 'unknown' ? ':unknown' : String(v);
  if (KEYWORD_LIST_FIELDS.has(field) && Array.isArray(v) && v.every((x) => typeof x === 'string')) {
    return (field === 'anomaly-types' ? '[' : '#{') + (v as string[]).map(keyword).join(' ') + (field === 'anomaly-types' ? ']' : '}');
  }
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return resultMap(v as Record<string, unknown>, indent);
  if (Array.isArray(v)) {
    const inner = indent + ' ';
    const items = v.map((x) => (x !== null && typeof x === 'object' && !Array.isArray(x) ? resultMap(x as Record<string, unknown>, inner) : resultValue(x, '', inner)));
    const flat = '[' + items.join(' ') + ']';
    return flat.length <= 80 && !flat.includes('\n') ? flat : '[' + items.join('\n' + inner) + ']';
  }
  return ednValue(v);
}

function resultMap(m: Record<string, unknown>, indent: string): string {
  const entries = Object.entries(m).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return '{}';
  // A map keyed by numbers is a sorted map in Jepsen; JSON object order would put "1" before "0.5".
  if (entries.every(([k]) => /^-?\d+(\.\d+)?$/.test(k))) entries.sort((a, b) => Number(a[0]) - Number(b[0]));
  const inner = indent + ' ';
  const parts = entries.map(([k, v]) => {
    const key = resultKey(k);
    return `${key} ${resultValue(v, k, inner + ' '.repeat(key.length + 1))}`;
  });
  const flat = '{' + parts.join(', ') + '}';
  if (flat.length <= 80 && !flat.includes('\n')) return flat;
  return '{' + parts.join(',\n' + inner) + '}';
}

/**
 * A results object -> results.edn text: keys become keywords (`valid` ->
 * `:valid?`, integer-like keys stay integers), `valid` values true/false/
 * "unknown" -> true/false/:unknown, anomaly type lists -> keywords.
 */
export function resultsToEdn(results: Record<string, unknown>): string {
  return resultMap(results, '') + '\n';
}
