#!/usr/bin/env node
// A small reference Raft for Maelstrom's lin-kv workload, meant to be read beside the paper
// ("In Search of an Understandable Consensus Algorithm", Ongaro & Ousterhout, 2014; section
// numbers below refer to it). One file, Node.js built-ins only. State lives in memory: the
// node is correct as long as processes are not killed (pauses, partitions, loss, reordering
// and duplication are all fine), because a vote or a log entry is never forgotten while the
// process lives.
//
// Every client operation, reads included, goes through the log: a read is answered only once
// an entry proposed for it commits, which proves the leader was still the leader after the
// read arrived. Slower than ReadIndex or leases, but needs no extra argument for correctness.
'use strict';
const readline = require('readline');

// Maelstrom partitions every few seconds, so an election must finish well inside a second:
// timeouts are a few heartbeats long and randomized so that split votes resolve (§5.2).
const HEARTBEAT_MS = 50;
const ELECTION_MIN_MS = 300;
const ELECTION_MAX_MS = 600;
const TICK_MS = 10;
const MAX_BATCH = 100; // entries per AppendEntries
const NO_LEADER_WAIT_MS = 500; // a request waits this long for an election before a definite 11

const ERR_CRASH = 13; // indefinite: the operation may or may not have happened
const ERR_UNAVAILABLE = 11; // definite: the operation did not happen
const ERR_NOT_FOUND = 20;
const ERR_PRECONDITION = 22;

let me = null;
let nodes = [];
let nextMsgId = 1;

// Persistent state on all servers (Figure 2). "Persistent" means surviving the whole
// process here; a real deployment would write these to disk before answering.
let currentTerm = 0;
let votedFor = null;
const log = [{ term: 0, id: null, op: null }]; // index 0 is a sentinel so that prevLogIndex 0 always matches

// Volatile state.
let commitIndex = 0;
let lastApplied = 0;
let role = 'follower';
let leader = null;
let electionDeadline = 0;
let votes = new Set();
let nextHeartbeat = 0;
const nextIndex = new Map();
const matchIndex = new Map();

// The state machine, and what each applied command returned, keyed by command id. A command
// can reach the log twice (a duplicated or retried forward); applying it once and answering
// the copy with the first result keeps every write exactly-once (Raft dissertation §6.3).
const kv = new Map();
const results = new Map();

// Client bookkeeping. `pending`: on the leader, index -> the request it proposed there.
// `forwarded`: on a follower, our forward's msg_id -> the client request it carries.
const pending = new Map();
const forwarded = new Map();
let awaitingLeader = []; // requests that arrived while no leader was known

function send(dest, body) {
  process.stdout.write(JSON.stringify({ src: me, dest, body }) + '\n');
}

function reply(request, body) {
  send(request.src, Object.assign({}, body, { in_reply_to: request.body.msg_id }));
}

// stderr is the node's log (Maelstrom keeps it per node); stdout carries only protocol messages.
function note(text) {
  process.stderr.write(`${new Date().toISOString()} ${me} term ${currentTerm}: ${text}\n`);
}

function lastIndex() {
  return log.length - 1;
}

function lastTerm() {
  return log[log.length - 1].term;
}

function peers() {
  return nodes.filter((n) => n !== me);
}

function resetElectionTimer() {
  electionDeadline = Date.now() + ELECTION_MIN_MS + Math.random() * (ELECTION_MAX_MS - ELECTION_MIN_MS);
}

// §5.1: any message with a higher term means ours is over; whatever we were, we follow now.
function becomeFollower(term) {
  if (term > currentTerm) {
    currentTerm = term;
    votedFor = null;
  }
  if (role === 'leader') {
    note('stepping down');
    abandonPending();
  }
  role = 'follower';
  leader = null;
  resetElectionTimer();
}

// A deposed leader cannot know whether its uncommitted entries will survive: the next leader
// may commit them or overwrite them. So each waiting client gets the indefinite error, never ok.
function abandonPending() {
  for (const p of pending.values()) p.respond({ type: 'error', code: ERR_CRASH, text: 'leadership lost' });
  pending.clear();
}

function startElection() {
  currentTerm += 1;
  role = 'candidate';
  votedFor = me;
  votes = new Set([me]);
  leader = null;
  resetElectionTimer();
  for (const p of peers()) {
    send(p, { type: 'request_vote', term: currentTerm, candidate: me, lastLogIndex: lastIndex(), lastLogTerm: lastTerm() });
  }
  maybeWin();
}

function maybeWin() {
  if (role === 'candidate' && votes.size * 2 > nodes.length) becomeLeader();
}

function onRequestVote(msg) {
  const b = msg.body;
  if (b.term > currentTerm) becomeFollower(b.term);
  // §5.4.1 Election restriction: only a candidate whose log holds every committed entry may
  // win, and a majority that voted for it overlaps every majority that committed something.
  const upToDate = b.lastLogTerm > lastTerm() || (b.lastLogTerm === lastTerm() && b.lastLogIndex >= lastIndex());
  // §5.2: at most one vote per term, or two candidates could both collect a majority.
  const granted = b.term === currentTerm && (votedFor === null || votedFor === b.candidate) && upToDate;
  if (granted) {
    votedFor = b.candidate;
    // Granting a vote is hearing from a live candidate: do not start a rival election.
    resetElectionTimer();
  }
  send(msg.src, { type: 'request_vote_res', term: currentTerm, granted });
}

function onRequestVoteRes(msg) {
  const b = msg.body;
  if (b.term > currentTerm) return becomeFollower(b.term);
  // A grant counts only for the election it answers: a delayed vote from an earlier term was
  // given to an earlier candidacy, and its sender may already have voted for someone else now.
  if (role === 'candidate' && b.term === currentTerm && b.granted) {
    votes.add(msg.src);
    maybeWin();
  }
}

function becomeLeader() {
  role = 'leader';
  leader = me;
  note(`leader with log ${lastIndex()}, commit ${commitIndex}`);
  for (const p of peers()) {
    nextIndex.set(p, lastIndex() + 1);
    matchIndex.set(p, 0);
  }
  // §5.4.2 / §8: a leader may only commit entries of its own term by counting, so it appends
  // one at once; that commits (indirectly) everything its predecessors left behind.
  log.push({ term: currentTerm, id: null, op: null });
  broadcastAppend();
  dispatchAwaiting();
}

function sendAppend(peer) {
  const prevLogIndex = nextIndex.get(peer) - 1;
  const entries = log.slice(prevLogIndex + 1, prevLogIndex + 1 + MAX_BATCH);
  send(peer, {
    type: 'append_entries',
    term: currentTerm,
    prevLogIndex,
    prevLogTerm: log[prevLogIndex].term,
    entries,
    leaderCommit: commitIndex,
  });
  // Pipelining: assume the entries arrive and send what follows next time; a failure or a
  // timeout (see tick) rewinds nextIndex. matchIndex moves only on acknowledgement.
  nextIndex.set(peer, prevLogIndex + entries.length + 1);
}

function broadcastAppend() {
  nextHeartbeat = Date.now() + HEARTBEAT_MS;
  for (const p of peers()) sendAppend(p);
  advanceCommit(); // a single-node cluster commits alone
}

function onAppendEntries(msg) {
  const b = msg.body;
  if (b.term < currentTerm) {
    send(msg.src, { type: 'append_entries_res', term: currentTerm, success: false, hint: commitIndex });
    return;
  }
  // b.term >= currentTerm: the sender is this term's only leader (§5.2 Election Safety).
  if (b.term > currentTerm || role !== 'follower') becomeFollower(b.term);
  leader = msg.src;
  resetElectionTimer();
  dispatchAwaiting();
  // §5.3 consistency check: append only directly after an entry both logs agree on; by the
  // Log Matching Property everything before it then agrees too.
  if (b.prevLogIndex > lastIndex() || log[b.prevLogIndex].term !== b.prevLogTerm) {
    // Everything up to our commitIndex is committed, hence in the leader's log at the same
    // place (Leader Completeness): resume from there rather than one entry at a time.
    send(msg.src, { type: 'append_entries_res', term: currentTerm, success: false, hint: commitIndex });
    return;
  }
  for (let i = 0; i < b.entries.length; i++) {
    const index = b.prevLogIndex + 1 + i;
    // Truncate only on a real conflict (same index, other term). A delayed or duplicated
    // shorter message carries entries we already hold; cutting the log back to its end would
    // drop entries we have acknowledged and the leader may have counted as committed.
    if (index <= lastIndex() && log[index].term !== b.entries[i].term) log.length = index;
    if (index > lastIndex()) log.push(b.entries[i]);
  }
  // What this request proved we share with the leader. Entries past it may be leftovers of an
  // old term, not checked by this request: neither acknowledge nor commit them.
  const match = b.prevLogIndex + b.entries.length;
  if (b.leaderCommit > commitIndex) commitIndex = Math.max(commitIndex, Math.min(b.leaderCommit, match));
  applyCommitted();
  send(msg.src, { type: 'append_entries_res', term: currentTerm, success: true, match });
}

function onAppendEntriesRes(msg) {
  const b = msg.body;
  const peer = msg.src;
  if (b.term > currentTerm) return becomeFollower(b.term);
  // An answer to a request of an earlier term describes a log this leader never sent.
  if (role !== 'leader' || b.term !== currentTerm) return;
  if (b.success) {
    // Acknowledgements can arrive reordered: progress only ever moves forward.
    matchIndex.set(peer, Math.max(matchIndex.get(peer), b.match));
    nextIndex.set(peer, Math.max(nextIndex.get(peer), matchIndex.get(peer) + 1));
    advanceCommit();
  } else {
    nextIndex.set(peer, Math.max(matchIndex.get(peer), b.hint) + 1);
    sendAppend(peer);
  }
}

// §5.3/§5.4.2: an index is committed once a majority stores it AND it holds an entry of the
// current term. Counting replicas of an older term's entry is not enough (Figure 8): a
// candidate that lacks it can still win an election and overwrite it.
function advanceCommit() {
  if (role !== 'leader') return;
  const majority = Math.floor(nodes.length / 2) + 1;
  for (let n = lastIndex(); n > commitIndex; n--) {
    if (log[n].term !== currentTerm) break;
    let count = 1; // the leader itself
    for (const p of peers()) if (matchIndex.get(p) >= n) count++;
    if (count >= majority) {
      commitIndex = n;
      break;
    }
  }
  applyCommitted();
}

function execute(op) {
  const current = kv.get(op.key);
  switch (op.type) {
    case 'read':
      if (current === undefined) return { type: 'error', code: ERR_NOT_FOUND, text: 'no such key' };
      return { type: 'read_ok', value: current };
    case 'write':
      kv.set(op.key, op.value);
      return { type: 'write_ok' };
    case 'cas':
      if (current === undefined) return { type: 'error', code: ERR_NOT_FOUND, text: 'no such key' };
      if (current !== op.from) return { type: 'error', code: ERR_PRECONDITION, text: `expected ${op.from}, had ${current}` };
      kv.set(op.key, op.to);
      return { type: 'cas_ok' };
  }
  return { type: 'error', code: 10, text: `unsupported ${op.type}` };
}

function applyCommitted() {
  while (lastApplied < commitIndex) {
    lastApplied += 1;
    const entry = log[lastApplied];
    let result = null;
    if (entry.op !== null) {
      if (!results.has(entry.id)) results.set(entry.id, execute(entry.op));
      result = results.get(entry.id);
    }
    // Answer only if this index still holds the entry we proposed: the term identifies it
    // (Log Matching), so an entry another leader put here never answers our client.
    const waiting = pending.get(lastApplied);
    if (waiting !== undefined) {
      pending.delete(lastApplied);
      if (waiting.term === entry.term && result !== null) waiting.respond(result);
      else waiting.respond({ type: 'error', code: ERR_CRASH, text: 'entry replaced' });
    }
  }
}

// A client request reaching the leader, directly or forwarded. `id` names the command for
// exactly-once application; `respond` carries the result back to whoever asked.
function propose(id, op, respond) {
  log.push({ term: currentTerm, id, op });
  pending.set(lastIndex(), { term: currentTerm, respond });
  scheduleFlush();
}

// Batching: every proposal of one event-loop turn travels in one AppendEntries per peer.
let flushScheduled = false;
function scheduleFlush() {
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(() => {
    flushScheduled = false;
    if (role === 'leader') broadcastAppend();
  });
}

function onClientRequest(msg) {
  const b = msg.body;
  const op = { type: b.type, key: b.key, value: b.value, from: b.from, to: b.to };
  if (role === 'leader') {
    propose(`${me}/${nextMsgId++}`, op, (result) => reply(msg, result));
  } else if (leader !== null) {
    const fwdId = nextMsgId++;
    forwarded.set(fwdId, { request: msg, at: Date.now() });
    send(leader, { type: 'forward', msg_id: fwdId, op });
  } else {
    awaitingLeader.push({ request: msg, at: Date.now() });
  }
}

function dispatchAwaiting() {
  const requests = awaitingLeader;
  awaitingLeader = [];
  for (const a of requests) onClientRequest(a.request);
}

function onForward(msg) {
  // Not the leader (any more): drop it and let the client time out. A definite "no" would be
  // wrong: a duplicated or delayed copy of this forward may still reach a leader and commit.
  if (role !== 'leader') return;
  const b = msg.body;
  propose(`${msg.src}/${b.msg_id}`, b.op, (result) => send(msg.src, { type: 'forward_res', in_reply_to: b.msg_id, result }));
}

function onForwardRes(msg) {
  const f = forwarded.get(msg.body.in_reply_to);
  if (f === undefined) return; // answered already (a duplicate), or given up on
  forwarded.delete(msg.body.in_reply_to);
  reply(f.request, msg.body.result);
}

function tick() {
  const now = Date.now();
  if (role === 'leader') {
    if (now >= nextHeartbeat) {
      // A lost AppendEntries would stall a pipelined follower forever: every heartbeat
      // resends from the last acknowledged entry. Duplicates are harmless (see onAppendEntries).
      for (const p of peers()) nextIndex.set(p, matchIndex.get(p) + 1);
      broadcastAppend();
    }
  } else if (now >= electionDeadline) {
    startElection();
  }
  // Nothing was sent anywhere for these, so the operation certainly did not happen.
  while (awaitingLeader.length > 0 && now - awaitingLeader[0].at > NO_LEADER_WAIT_MS) {
    reply(awaitingLeader.shift().request, { type: 'error', code: ERR_UNAVAILABLE, text: 'no leader' });
  }
  // The client gave up after a second; forget forwards that were never answered.
  for (const [id, f] of forwarded) if (now - f.at > 5000) forwarded.delete(id);
}

function handle(msg) {
  const b = msg.body;
  switch (b.type) {
    case 'init':
      me = b.node_id;
      nodes = b.node_ids;
      resetElectionTimer();
      setInterval(tick, TICK_MS);
      return reply(msg, { type: 'init_ok' });
    case 'read':
    case 'write':
    case 'cas':
      return onClientRequest(msg);
    case 'request_vote':
      return onRequestVote(msg);
    case 'request_vote_res':
      return onRequestVoteRes(msg);
    case 'append_entries':
      return onAppendEntries(msg);
    case 'append_entries_res':
      return onAppendEntriesRes(msg);
    case 'forward':
      return onForward(msg);
    case 'forward_res':
      return onForwardRes(msg);
  }
  if (b.msg_id !== undefined) reply(msg, { type: 'error', code: 10, text: `unsupported ${b.type}` });
}

readline
  .createInterface({ input: process.stdin })
  .on('line', (line) => {
    if (line.trim() !== '') handle(JSON.parse(line));
  })
  .on('close', () => process.exit(0));
