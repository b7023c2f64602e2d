/**
 * Snapshots between replicas (Raft paper §7, etcd-style chunked transfer):
 * the leader streams its newest snapshot to a follower whose next entry is
 * compacted away, one chunk per message, resuming from the offset the
 * follower reports; the follower reassembles the chunks and installs the
 * snapshot when the last one arrives. Taking local snapshots is
 * RaftNode.compact (node.ts).
 */
import type { Message, NodeId } from './types';
import { invariant } from './errors';
import type { Progress } from './progress';
import { copySnapshotMeta } from './membership';
import { sendAppendAck } from './replication';
import type { RaftState } from './state';

// ---------------------------------------------------------------------------
// Follower side

export function handleSnapshotChunk(s: RaftState, m: Message & { type: 'snapshot' }): void {
  if (m.meta.index <= s.log.committed) {
    s.incoming = null;
    sendAppendAck(s, m.from, s.log.committed);
    return;
  }
  const inc = s.incoming;
  if (m.offset === 0 && (inc === null || inc.index !== m.meta.index || inc.term !== m.meta.term || inc.length > 0)) {
    s.incoming = { index: m.meta.index, term: m.meta.term, chunks: [], length: 0 };
  }
  const cur = s.incoming;
  if (cur === null || cur.index !== m.meta.index || cur.term !== m.meta.term || m.offset !== cur.length) {
    const have = cur !== null && cur.index === m.meta.index && cur.term === m.meta.term ? cur.length : 0;
    s.send({ type: 'snapshot-resp', from: s.id, to: m.from, term: s.term, index: m.meta.index, nextOffset: have });
    return;
  }
  cur.chunks.push(m.data);
  cur.length += m.data.length;
  if (!m.done) {
    s.send({ type: 'snapshot-resp', from: s.id, to: m.from, term: s.term, index: m.meta.index, nextOffset: cur.length });
    return;
  }
  s.incoming = null;
  const snapshot = { meta: copySnapshotMeta(m.meta), data: cur.chunks.join('') };
  if (s.log.matchTerm(snapshot.meta.index, snapshot.meta.term)) {
    // We already hold the snapshot's last entry, hence (log matching) everything before it.
    s.log.commitTo(snapshot.meta.index);
    sendAppendAck(s, m.from, s.log.committed);
    return;
  }
  s.log.restore(snapshot);
  sendAppendAck(s, m.from, snapshot.meta.index);
}

// ---------------------------------------------------------------------------
// Leader side

export function startSnapshot(s: RaftState, to: NodeId, pr: Progress): void {
  const snap = s.log.snapshot;
  invariant(snap !== null, () => `entries before ${s.log.firstIndex()} are compacted but there is no snapshot`);
  pr.becomeSnapshot(snap.meta.index);
  sendSnapshotChunk(s, to, pr);
}

export function sendSnapshotChunk(s: RaftState, to: NodeId, pr: Progress): void {
  const snap = s.log.snapshot;
  if (snap === null) return;
  if (pr.pendingSnapshot !== snap.meta.index) {
    // We compacted again since the transfer started; send the newer snapshot instead.
    pr.becomeSnapshot(snap.meta.index);
  }
  const offset = Math.min(pr.snapshotOffset, snap.data.length);
  const data = snap.data.slice(offset, offset + s.cfg.snapshotChunkBytes);
  const done = offset + data.length >= snap.data.length;
  s.send({ type: 'snapshot', from: s.id, to, term: s.term, meta: copySnapshotMeta(snap.meta), offset, data, done });
}

export function handleSnapshotResponse(s: RaftState, m: Message & { type: 'snapshot-resp' }): void {
  const pr = s.pr(m.from);
  pr.recentActive = true;
  if (pr.state !== 'snapshot' || m.index !== pr.pendingSnapshot) return;
  if (m.nextOffset > pr.snapshotOffset) {
    pr.snapshotOffset = m.nextOffset;
    sendSnapshotChunk(s, m.from, pr);
  } else if (m.nextOffset < pr.snapshotOffset) {
    // The follower lost its partial copy (restart); resume from what it has at the next heartbeat.
    pr.snapshotOffset = m.nextOffset;
  }
}
