/**
 * `maelstrom-local check -w <workload> <history file> [options]`: re-checks a
 * recorded history (history.jsonl or Jepsen's history.edn) with our
 * checkers, prints the analysis and the results map, and exits like Jepsen:
 * 0 valid, 1 invalid, 2 unknown, 254 bad arguments or unreadable history.
 */
import { CheckResult, HistoryOp, mergeValidity } from './history';
import { readHistoryFile } from './history-io';
import { checkLinKv, checkRegister } from './linearizability';
import { checkListAppend } from './list-append';
import { checkRwRegister } from './rw-register';
import { checkAvailability, checkStats } from './stats';
import { resultsToEdn } from './edn';
import { errorMessage } from './ops';

export const CHECK_USAGE = `Usage: maelstrom-local check [-w WORKLOAD] HISTORY-FILE [options]

Checks a recorded history (history.jsonl, or Jepsen's history.edn) and prints
the analysis. Exit status: 0 valid, 1 invalid, 2 unknown, 254 bad arguments.

Options:
  -w, --workload NAME         lin-kv (default), txn-list-append, txn-rw-register,
                              register (a single cas-register with bare
                              values, as in Knossos' test data), or any other
                              workload the runner drives (echo, unique-ids,
                              broadcast, g-set, g-counter, pn-counter, kafka)
  --consistency-models LIST   txn workloads: comma-separated models
                              (default strict-serializable)
  --availability SPEC         also require availability: "total" or a number in [0, 1]
  --budget-ms N               linearizability: search budget per key (default 10000)
  --cycle-budget-ms N         txn workloads: cycle search budget per anomaly class per SCC (default 1000)
  --json                      print the results as JSON instead of EDN
  -h, --help                  show this help`;

const WORKLOADS = ['lin-kv', 'txn-list-append', 'txn-rw-register', 'register'];

interface CheckArgs {
  workload: string;
  file: string;
  models: string[];
  availability?: 'total' | number;
  budgetMs?: number;
  cycleBudgetMs?: number;
  json: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[], otherCheckers: ReadonlyMap<string, HistoryChecker>): CheckArgs | 'help' {
  const args = argv[0] === 'check' ? argv.slice(1) : argv.slice();
  let workload = 'lin-kv';
  let file: string | undefined;
  let models = ['strict-serializable'];
  let availability: 'total' | number | undefined;
  let budgetMs: number | undefined;
  let cycleBudgetMs: number | undefined;
  let json = false;
  const value = (i: number, name: string): string => {
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  const positiveInt = (s: string, name: string): number => {
    const n = Number(s);
    if (!Number.isInteger(n) || n <= 0) throw new UsageError(`${name} must be a positive integer, got ${JSON.stringify(s)}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    let a = args[i];
    let inline: string | undefined;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    if (eq > 0) { inline = a.slice(eq + 1); a = a.slice(0, eq); }
    const take = (name: string): string => {
      if (inline !== undefined) return inline;
      const v = value(i, name);
      i++;
      return v;
    };
    switch (a) {
      case '-h': case '--help': return 'help';
      case '-w': case '--workload': workload = take(a); break;
      case '--consistency-models':
        // Maelstrom splits only on " , "; we accept plain commas too.
        models = take(a).split(',').map((s) => s.trim()).filter(Boolean);
        if (!models.length) throw new UsageError('--consistency-models needs at least one model name');
        break;
      case '--availability': {
        const v = take(a);
        if (v === 'total') availability = 'total';
        else {
          const n = Number(v);
          if (!Number.isFinite(n) || n < 0 || n > 1 || v.trim() === '') throw new UsageError(`--availability must be "total" or a number in [0, 1], got ${JSON.stringify(v)}`);
          availability = n;
        }
        break;
      }
      case '--budget-ms': budgetMs = positiveInt(take(a), a); break;
      case '--cycle-budget-ms': cycleBudgetMs = positiveInt(take(a), a); break;
      case '--json': json = true; break;
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        if (file !== undefined) throw new UsageError(`only one history file may be given (got ${file} and ${a})`);
        file = a;
    }
  }
  const known = [...WORKLOADS, ...otherCheckers.keys()];
  if (!known.includes(workload)) throw new UsageError(`unknown workload ${JSON.stringify(workload)}; expected one of ${known.join(', ')}`);
  if (file === undefined) throw new UsageError('missing the history file to check');
  return { workload, file, models, availability, budgetMs, cycleBudgetMs, json };
}

/**
 * Checkers of the workloads this module does not know itself (the runner's
 * registry passes them in, so the checker layer does not import workloads/).
 */
export type HistoryChecker = (history: HistoryOp[]) => CheckResult;

/** Runs the workload checker; also returns human-readable findings. */
function checkWorkload(args: CheckArgs, history: HistoryOp[], otherCheckers: ReadonlyMap<string, HistoryChecker>): { result: CheckResult; notes: string[] } {
  const notes: string[] = [];
  const other = WORKLOADS.includes(args.workload) ? undefined : otherCheckers.get(args.workload);
  if (other !== undefined) return { result: other(history), notes };
  if (args.workload === 'lin-kv') {
    const result = checkLinKv(history, { budgetMsPerKey: args.budgetMs });
    const perKey = result.results as Record<string, CheckResult> | undefined;
    for (const [k, r] of Object.entries(perKey ?? {})) {
      if (r.valid === false && typeof r.explanation === 'string') notes.push(`Key ${k}: ${r.explanation}`);
      if (r.valid === 'unknown') notes.push(`Key ${k}: unknown: ${String(r.error)}`);
    }
    return { result, notes };
  }
  if (args.workload === 'register') {
    const result = checkRegister(history, { budgetMs: args.budgetMs });
    if (typeof result.explanation === 'string') notes.push(result.explanation);
    return { result, notes };
  }
  const opts = { consistencyModels: args.models, cycleSearchBudgetMs: args.cycleBudgetMs };
  const result = args.workload === 'txn-list-append' ? checkListAppend(history, opts) : checkRwRegister(history, opts);
  const anomalies = (result.anomalies ?? {}) as Record<string, unknown[]>;
  for (const [type, cases] of Object.entries(anomalies)) {
    for (const c of cases.slice(0, 3)) {
      const ex = c !== null && typeof c === 'object' ? (c as Record<string, unknown>).explanation : undefined;
      notes.push(`${type}: ${typeof ex === 'string' ? '\n' + ex : JSON.stringify(c)}`);
    }
    if (cases.length > 3) notes.push(`${type}: ... and ${cases.length - 3} more`);
  }
  return { result, notes };
}

export async function runCheckCommand(argv: string[], out: (line: string) => void, otherCheckers: ReadonlyMap<string, HistoryChecker> = new Map()): Promise<number> {
  let args: CheckArgs | 'help';
  try {
    args = parseArgs(argv, otherCheckers);
  } catch (e) {
    out(`maelstrom-local check: ${errorMessage(e)}`);
    out(CHECK_USAGE);
    return 254;
  }
  if (args === 'help') {
    out(CHECK_USAGE);
    return 0;
  }
  let history: HistoryOp[];
  try {
    history = readHistoryFile(args.file);
  } catch (e) {
    out(`maelstrom-local check: ${errorMessage(e)}`);
    out('Give a history.jsonl (one JSON operation per line) or a Jepsen history.edn.');
    return 254;
  }
  const { result: workload, notes } = checkWorkload(args, history, otherCheckers);
  const results: Record<string, unknown> = { workload };
  // Stats is reported but, unlike a full test run, does not decide the
  // verdict: a history file is checked for consistency, not for liveness.
  results.stats = checkStats(history);
  const verdicts = [workload.valid];
  if (args.availability !== undefined) {
    const availability = checkAvailability(history, args.availability);
    results.availability = availability;
    verdicts.push(availability.valid);
  }
  const valid = mergeValidity(verdicts);
  results.valid = valid;
  for (const n of notes) out(n);
  if (notes.length) out('');
  out(args.json ? JSON.stringify(results, null, 2) : resultsToEdn(results).trimEnd());
  out('');
  if (valid === true) out('Everything looks good! ヽ(‘ー`)ノ');
  else if (valid === false) out('Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻');
  else out('Errors occurred during analysis, but no anomalies found. ಠ~ಠ');
  return valid === true ? 0 : valid === false ? 1 : 2;
}
