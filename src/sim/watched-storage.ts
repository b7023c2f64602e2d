/**
 * Watches a node's storage port: feeds every call to the CommitChecker
 * (State Machine Safety across nodes) and, when tracing, writes what the
 * server asked to make durable (hard state, entry ranges, snapshots) and what
 * recovery handed back, so a trace shows each node's durable-state changes.
 */
import type { RaftStorage } from '../storage';
import type { Entry, HardState } from '../raft';
import type { CommitChecker } from './commit-checker';
import type { Trace } from './trace';

function hs(h: HardState | null): string {
  return h ? `term ${h.term} vote ${h.vote ?? '-'} commit ${h.commit}` : '-';
}

function range(entries: readonly Entry[]): string {
  if (entries.length === 0) return 'none';
  const first = entries[0];
  const last = entries[entries.length - 1];
  return `${first.index}@${first.term}..${last.index}@${last.term}`;
}

/**
 * The wrapper hands back the inner Promises themselves and only observes them
 * on the side: chaining would add microtask hops and reorder same-instant
 * continuations, so a traced run would diverge from the untraced run it replays.
 */
export function watchStorage(inner: RaftStorage, node: string, trace: Trace, checker: CommitChecker): RaftStorage {
  const observe = <T>(p: Promise<T>, onDone: (value: T) => void): Promise<T> => {
    p.then(onDone, () => undefined);
    return p;
  };
  return {
    recover: () =>
      observe(inner.recover(), (r) => {
        checker.recovered(node, r);
        if (!trace.enabled) return;
        trace.record('recovered', node, `hard state ${hs(r.hardState)}, snapshot ${r.snapshot ? `${r.snapshot.meta.index}@${r.snapshot.meta.term}` : '-'}, entries ${range(r.entries)}`);
      }),
    save: (hardState, entries) => {
      checker.saved(node, hardState, entries);
      if (!trace.enabled) return inner.save(hardState, entries);
      trace.record('save', node, `hard state ${hs(hardState)}, entries ${range(entries)}`);
      return observe(inner.save(hardState, entries), () => trace.record('saved', node, `hard state ${hs(hardState)}, entries ${range(entries)}`));
    },
    saveSnapshot: (snapshot) => {
      checker.snapshot(node, snapshot);
      if (!trace.enabled) return inner.saveSnapshot(snapshot);
      trace.record('save-snapshot', node, `${snapshot.meta.index}@${snapshot.meta.term}`);
      return observe(inner.saveSnapshot(snapshot), () => trace.record('saved-snapshot', node, `${snapshot.meta.index}@${snapshot.meta.term}`));
    },
    close: () => inner.close(),
  };
}
