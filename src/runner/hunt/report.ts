/**
 * Turning a run's results.json (or its crash) into one or two sentences, and
 * the shell-quoted replay command.
 */

type Json = Record<string, unknown>;

function isObj(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function show(x: unknown): string {
  return x === undefined ? 'nil' : JSON.stringify(x);
}

/** POSIX shell quoting: bare when safe, single quotes otherwise. */
export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(argv: readonly string[]): string {
  return argv.map(shellQuote).join(' ');
}

/** lin-kv: the first non-linearizable key and the impossible operation. */
function describeLinKv(w: Json): string | null {
  const failures = Array.isArray(w.failures) ? w.failures : [];
  const perKey = isObj(w.results) ? w.results : {};
  if (failures.length === 0) return null;
  const key = failures[0];
  const name = typeof key === 'number' ? String(key) : JSON.stringify(key);
  const r = perKey[name];
  const more = failures.length > 1 ? ` (${failures.length - 1} more key(s) failed too: ${failures.slice(1, 6).map((k) => show(k)).join(', ')}${failures.length > 6 ? ', ...' : ''})` : '';
  if (!isObj(r) || !isObj(r.failure) || !isObj(r.failure.op)) return `lin-kv key ${name} is not linearizable${more}.`;
  const f = r.failure;
  const op = f.op as Json;
  const concurrent = Array.isArray(f.concurrent) ? f.concurrent.length : 0;
  let what: string;
  if (op.f === 'read') what = `a read returning ${show(op.value)}`;
  else if (op.f === 'cas' && Array.isArray(op.value)) what = `a cas ${show(op.value[0])} -> ${show(op.value[1])}`;
  else what = `a ${String(op.f)} of ${show(op.value)}`;
  let why: string;
  if (typeof f.reason === 'string') why = f.reason;
  else {
    const states = Array.isArray(f.states) ? f.states.map((s) => (isObj(s) ? show(s.value) : '?')) : [];
    why = `it is illegal in every register state the search reached (${states.join(', ') || 'none'})`;
  }
  return (
    `lin-kv key ${name} is not linearizable: ${what} (${String(op.outcome)}, process ${String(op.process)}, history op #${String(op.index)}, ` +
    `${concurrent} concurrent op(s)) cannot be placed in any order; ${why}${more}.`
  );
}

/** txn workloads: the anomaly names and the models they rule out. */
function describeTxn(w: Json): string | null {
  const types = w['anomaly-types'];
  if (!Array.isArray(types) || types.length === 0) return null;
  const not = Array.isArray(w.not) ? ` (rules out ${w.not.join(', ')})` : '';
  const anomalies = isObj(w.anomalies) ? w.anomalies : {};
  const counts = types.map((t) => {
    const list = anomalies[String(t)];
    return Array.isArray(list) ? `${String(t)} x${list.length}` : String(t);
  });
  return `anomalies: ${counts.join(', ')}${not}.`;
}

function describeStats(s: Json): string | null {
  const byF = isObj(s['by-f']) ? s['by-f'] : {};
  const none = Object.entries(byF)
    .filter(([, c]) => isObj(c) && c.valid === false)
    .map(([f, c]) => `${f} (${String((c as Json).count)} completed: ${String((c as Json)['fail-count'])} fail, ${String((c as Json)['info-count'])} info)`);
  return none.length ? `stats: no operation of ${none.join('; ')} ever succeeded.` : null;
}

/** What the checkers saw, in one or two sentences, from a results.json object. */
export function describeResults(results: unknown): string {
  if (!isObj(results)) return 'no results.json';
  const parts: string[] = [];
  const invalid: string[] = [];
  const unknown: string[] = [];
  for (const [name, r] of Object.entries(results)) {
    if (!isObj(r)) continue;
    if (r.valid === false) invalid.push(name);
    else if (r.valid === 'unknown') unknown.push(name);
  }
  const w = results.workload;
  if (isObj(w) && w.valid === false) parts.push(describeLinKv(w) ?? describeTxn(w) ?? `workload checker invalid: ${JSON.stringify(w).slice(0, 200)}`);
  const s = results.stats;
  if (isObj(s) && s.valid === false) parts.push(describeStats(s) ?? 'stats invalid.');
  const m = results['missing-keys'];
  if (isObj(m) && m.valid === false) parts.push(`missing keys: ${show(m.explanation)}.`);
  const a = results.availability;
  if (isObj(a) && a.valid === false) parts.push(`availability: ok-fraction ${show(a['ok-fraction'])} < required ${show(a.required)}.`);
  for (const name of invalid) {
    if (!['workload', 'stats', 'availability', 'missing-keys'].includes(name)) parts.push(`${name} checker invalid.`);
  }
  if (invalid.length === 0) {
    for (const name of unknown) {
      const e = (results[name] as Json).error;
      parts.push(`${name} unknown${e !== undefined ? `: ${typeof e === 'string' ? e : JSON.stringify(e)}` : ''}.`);
    }
  }
  if (parts.length === 0) return `valid: ${show(results.valid)}`;
  return parts.join(' ');
}

/** Whether an invalid verdict is about safety (the workload's checker) or only liveness (stats/availability). */
export function invalidKind(results: unknown): 'safety' | 'liveness' | 'other' {
  if (!isObj(results)) return 'other';
  if (isObj(results.workload) && results.workload.valid === false) return 'safety';
  if (isObj(results['missing-keys']) && results['missing-keys'].valid === false) return 'safety';
  if ((isObj(results.stats) && results.stats.valid === false) || (isObj(results.availability) && results.availability.valid === false)) return 'liveness';
  return 'other';
}
