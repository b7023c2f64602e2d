import * as fs from 'fs';
import * as path from 'path';
import { renderLinearizabilitySvg } from '../checker/linearizability';
import { historyToEdn, resultsToEdn } from '../checker/edn';
import { CheckResult, HistoryOp } from '../checker/history';
import { latencyRawSvg, rateSvg, timelineHtml } from './pictures';
import { messagesPage, MessagesInput } from './pages/messages-data';
import { messagesHtml } from './pages/messages-html';

/** Jepsen-style directory name, e.g. 20261122T051340.123Z. */
export function timestampDirName(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '');
}

/** Create store/<workload>/<timestamp>/ (and node-logs/), point store/latest and store/<workload>/latest at it. */
export function createRunDir(storeRoot: string, workload: string, now: Date): string {
  const base = path.resolve(storeRoot, workload);
  let dir = path.join(base, timestampDirName(now));
  for (let i = 1; fs.existsSync(dir); i++) dir = path.join(base, `${timestampDirName(now)}-${i}`);
  fs.mkdirSync(path.join(dir, 'node-logs'), { recursive: true });
  relink(path.resolve(storeRoot, 'latest'), path.relative(path.resolve(storeRoot), dir));
  relink(path.join(base, 'latest'), path.basename(dir));
  return dir;
}

function relink(link: string, target: string): void {
  try {
    fs.rmSync(link, { force: true });
    fs.symlinkSync(target, link);
  } catch {
    // A symlink is a convenience; filesystems without them still get the run directory.
  }
}

/** Some writers come from the checker helper and may not exist yet: never let them lose the run's other files. */
function tryWrite(file: string, produce: () => string | null, warn: (line: string) => void): void {
  try {
    const text = produce();
    if (text !== null) fs.writeFileSync(file, text);
  } catch (e) {
    warn(`could not write ${path.basename(file)}: ${(e as Error).message}`);
  }
}

export function writeHistory(dir: string, history: readonly HistoryOp[], warn: (line: string) => void): void {
  fs.writeFileSync(path.join(dir, 'history.jsonl'), history.map((op) => JSON.stringify(op)).join('\n') + (history.length ? '\n' : ''));
  tryWrite(path.join(dir, 'history.edn'), () => historyToEdn([...history]), warn);
}

export function writeResults(dir: string, results: Record<string, unknown>, warn: (line: string) => void): void {
  fs.writeFileSync(path.join(dir, 'results.json'), JSON.stringify(results, null, 2) + '\n');
  tryWrite(path.join(dir, 'results.edn'), () => resultsToEdn(results), warn);
}

export function writePictures(dir: string, history: readonly HistoryOp[], endS: number, title: string, warn: (line: string) => void): void {
  tryWrite(path.join(dir, 'latency-raw.svg'), () => latencyRawSvg(history, endS), warn);
  tryWrite(path.join(dir, 'rate.svg'), () => rateSvg(history, endS), warn);
  tryWrite(path.join(dir, 'timeline.html'), () => timelineHtml(history, title), warn);
}

/** messages.html: the Lamport diagram of every message the run recorded. */
export function writeMessages(dir: string, input: MessagesInput, warn: (line: string) => void): void {
  tryWrite(path.join(dir, 'messages.html'), () => messagesHtml(messagesPage(input)), warn);
}

/** lin-kv: independent/<key>/linear.svg for every invalid key the checker reports. */
export function writeLinearizabilityPictures(dir: string, workloadResult: CheckResult, warn: (line: string) => void): void {
  const perKey = workloadResult.results;
  if (typeof perKey !== 'object' || perKey === null) return;
  for (const [key, r] of Object.entries(perKey as Record<string, CheckResult>)) {
    if (!r || r.valid !== false) continue;
    const kdir = path.join(dir, 'independent', key);
    fs.mkdirSync(kdir, { recursive: true });
    tryWrite(path.join(kdir, 'linear.svg'), () => renderLinearizabilitySvg(r), warn);
  }
}
