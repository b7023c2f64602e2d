/**
 * The physical latency floor of each operation (issue 8, "Latency against the
 * physical floor"). Maelstrom gives client messages zero latency and every
 * node-to-node message `--latency L` (constant here), so the fewest
 * node-to-node hops an operation needs fixes its best possible latency:
 *
 *   write (lin-kv write/cas, a transaction with a write):
 *     at the leader   2L  (AppendEntries out, ack back; commit; reply)
 *     via a follower  4L  (forward to the leader, one replication round, and the
 *                          follower learns the commit on the next AppendEntries)
 *   ReadIndex read (lin-kv read, read-only transaction):
 *     at the leader   2L  (one heartbeat round confirms leadership)
 *     via a follower  2L  (ask the leader, get the index back: in a 3-node
 *                          cluster the asker and the leader are a quorum, so
 *                          the request itself confirms leadership; src/raft/reads.ts)
 *   lease read:
 *     at the leader   0   (the lease is valid: answer from local state)
 *     via a follower  2L  (ask the leader for the read index, get it back)
 *
 * The floor runs are 3-node clusters, and these are their floors.
 *
 * Pure: no clock, no IO.
 */
import type { LatencyStats } from './measure';

export type ReadMode = 'read-index' | 'lease';
export type EntryRole = 'leader' | 'follower';

const READ_CLASSES = new Set(['read', 'txn-read']);

/** Floor in ms of one op of class `cls` entering at a node of role `role`. */
export function floorMs(cls: string, role: EntryRole, latencyMs: number, readMode: ReadMode): number {
  const L = latencyMs;
  if (READ_CLASSES.has(cls)) return role === 'leader' && readMode === 'lease' ? 0 : 2 * L;
  return role === 'leader' ? 2 * L : 4 * L;
}

export interface FloorRow {
  /** Op class (measure.ts opClass). */
  cls: string;
  leader: { count: number; p50: number; floor: number } | null;
  follower: { count: number; p50: number; floor: number } | null;
  /** p50 over every entry node (for reference: with a near 50/50 split it jumps between the two modes). */
  p50: number;
  /**
   * The floor mix: the floors of the two entry roles averaged with the number
   * of ops that entered there (a 3-node cluster with one worker in three on
   * the leader: (2L + 2 x 4L) / 3 for a write).
   */
  floorMix: number;
  /** The measured p50 of each entry role, averaged with the same weights. */
  p50Mix: number;
  /** p50Mix / floorMix: how far the typical op is above its floor; null when the floor mix is 0. */
  ratio: number | null;
  /** The median op's floor (nearest rank), for reference. */
  medianFloor: number;
}

/**
 * Rows of measured p50 against floors, from the window's latency by entry role
 * and by class (measure.ts latencyByRole / latencyByClass).
 *
 * Why a weighted mix rather than the p50 of all ops: latencies are bimodal
 * (leader-entered ops near 2L, follower-entered near 4L), and the interpreter
 * hands more ops to the faster leader-bound workers, so the split sits near
 * 50/50 and the overall p50 lands anywhere between the modes from run to run.
 * Per-role p50s are stable; weighting them and the floors alike compares like
 * with like.
 */
export function floorRows(
  byRole: Record<string, Record<string, LatencyStats>>,
  byClass: Record<string, LatencyStats>,
  latencyMs: number,
  readMode: ReadMode,
): FloorRow[] {
  const rows: FloorRow[] = [];
  for (const cls of Object.keys(byClass).sort()) {
    const roleRow = (role: EntryRole): FloorRow['leader'] => {
      const s = byRole[role]?.[cls];
      return s && s.count > 0 ? { count: s.count, p50: s.p50, floor: floorMs(cls, role, latencyMs, readMode) } : null;
    };
    const leaderRow = roleRow('leader');
    const followerRow = roleRow('follower');
    const parts = [leaderRow, followerRow].filter((r): r is NonNullable<typeof r> => r !== null);
    const total = parts.reduce((s, r) => s + r.count, 0);
    const floorMix = total === 0 ? 0 : round3(parts.reduce((s, r) => s + r.floor * r.count, 0) / total);
    const p50Mix = total === 0 ? 0 : round3(parts.reduce((s, r) => s + r.p50 * r.count, 0) / total);
    rows.push({
      cls,
      leader: leaderRow,
      follower: followerRow,
      p50: byClass[cls].p50,
      floorMix,
      p50Mix,
      ratio: floorMix > 0 ? round3(p50Mix / floorMix) : null,
      medianFloor: medianFloor(parts),
    });
  }
  return rows;
}

/** The median of a sample in which `count` ops have floor `floor`, per part (nearest rank, as the p50). */
export function medianFloor(parts: readonly { count: number; floor: number }[]): number {
  const sorted = [...parts].sort((a, b) => a.floor - b.floor);
  const total = sorted.reduce((s, p) => s + p.count, 0);
  if (total === 0) return 0;
  const rank = Math.ceil(0.5 * total);
  let seen = 0;
  for (const p of sorted) {
    seen += p.count;
    if (seen >= rank) return p.floor;
  }
  return sorted[sorted.length - 1].floor;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
