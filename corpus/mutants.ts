/**
 * Broken Rafts for the bug hunter: each mutant is the reference Raft
 * (corpus/reference-raft.js) with ONE classic bug, written as literal source
 * patches. Every `find` must occur exactly once in the reference, so a change
 * to the reference that invalidates a mutant fails loudly instead of silently
 * producing a correct "mutant".
 *
 * Every bug here can produce a non-linearizable lin-kv history (or a crash)
 * under some schedule; the description names the schedule that exposes it.
 */
import * as fs from 'fs';
import * as path from 'path';

export interface Patch {
  find: string;
  replace: string;
}

export interface Mutant {
  name: string;
  /** One line: the bug, and the schedule that exposes it. */
  description: string;
  patches: Patch[];
  /**
   * The witness build (dist/corpus/witness/<name>.js): patches to the MUTANT's
   * source that write a stderr line starting `WITNESS` wherever the bug makes
   * the node decide differently from the reference, and change nothing else.
   * hunt-bench counts those lines, so a miss can be told apart: a schedule
   * that never reached the bug, or a bug reached that no checker saw.
   */
  witness: Patch[];
}

/** A witness patch: `before` (exactly once in the mutant) gets `line` inserted in front of it. */
function witnessBefore(before: string, line: string): Patch {
  return { find: before, replace: `${line}\n${before}` };
}

export const REFERENCE_PATH = path.join(__dirname, 'reference-raft.js');

export const MUTANTS: readonly Mutant[] = [
  // --- Election safety -------------------------------------------------------------------
  {
    name: 'vote-without-up-to-date-check',
    description:
      'grants votes without the §5.4.1 log comparison: after a partition heals, a node with a short log and a high term wins and overwrites committed writes',
    patches: [
      {
        find: '(votedFor === null || votedFor === b.candidate) && upToDate;',
        replace: '(votedFor === null || votedFor === b.candidate);',
      },
    ],
    witness: [witnessBefore("  if (granted) {\n    votedFor = b.candidate;", '  if (granted && !upToDate) note(`WITNESS vote for ${b.candidate} whose log is behind ours`);')],
  },
  {
    name: 'two-votes-per-term',
    description:
      'forgets votedFor when deciding, so a voter grants every candidate of a term: concurrent candidates (leader paused or partitioned away) both win one term and commit different entries at one index',
    patches: [
      {
        find: 'const granted = b.term === currentTerm && (votedFor === null || votedFor === b.candidate) && upToDate;',
        replace: 'const granted = b.term === currentTerm && upToDate;',
      },
    ],
    witness: [witnessBefore("  if (granted) {\n    votedFor = b.candidate;", '  if (granted && votedFor !== null && votedFor !== b.candidate) note(`WITNESS second vote in term ${currentTerm}: ${b.candidate} after ${votedFor}`);')],
  },
  {
    name: 'count-stale-votes',
    description:
      'counts a vote grant whatever term it answers: a grant delayed past the candidate\u2019s next timeout (heavy-tailed latency, a paused voter) elects it in a later term next to the voter\u2019s real choice',
    patches: [
      {
        find: "if (role === 'candidate' && b.term === currentTerm && b.granted) {",
        replace: "if (role === 'candidate' && b.granted) {",
      },
    ],
    witness: [witnessBefore("  if (role === 'candidate' && b.granted) {", '  if (role === \'candidate\' && b.granted && b.term !== currentTerm) note(`WITNESS counting a term-${b.term} vote from ${msg.src}`);')],
  },
  // --- Log matching ----------------------------------------------------------------------
  {
    name: 'append-keeps-conflicts',
    description:
      'a follower appends only past its own log end and never truncates a conflicting suffix, yet acknowledges the leader\u2019s entries: after a partitioned old leader rejoins, replicas commit different commands at one index',
    patches: [
      {
        find: '    if (index <= lastIndex() && log[index].term !== b.entries[i].term) log.length = index;\n',
        replace: '',
      },
    ],
    witness: [witnessBefore("    if (index > lastIndex()) log.push(b.entries[i]);", '    if (index <= lastIndex() && log[index].term !== b.entries[i].term) note(`WITNESS kept a conflicting entry at ${index}`);')],
  },
  {
    name: 'truncate-to-message-end',
    description:
      'a follower cuts its log back to the end of every AppendEntries, so a reordered or duplicated older (shorter) one drops acknowledged entries: under exponential latency the leader counts them committed, then a partition elects a node without them',
    patches: [
      {
        find:
          '  for (let i = 0; i < b.entries.length; i++) {\n' +
          '    const index = b.prevLogIndex + 1 + i;\n',
        replace:
          '  log.length = b.prevLogIndex + 1;\n' +
          '  for (let i = 0; i < b.entries.length; i++) {\n' +
          '    const index = b.prevLogIndex + 1 + i;\n',
      },
    ],
    witness: [witnessBefore("  log.length = b.prevLogIndex + 1;\n", '  if (lastIndex() > b.prevLogIndex + b.entries.length && b.entries.every((e, i) => log[b.prevLogIndex + 1 + i] === undefined || log[b.prevLogIndex + 1 + i].term === e.term)) note(`WITNESS cutting ${lastIndex() - b.prevLogIndex - b.entries.length} entries past a message that conflicts with none`);')],
  },
  {
    name: 'follower-commits-unverified-suffix',
    description:
      'a follower advances commitIndex to min(leaderCommit, its last index) instead of the last entry the request verified, applying leftover entries of an old term: a rejoining ex-leader applies writes that never committed and later serves them',
    patches: [
      {
        find: 'commitIndex = Math.max(commitIndex, Math.min(b.leaderCommit, match));',
        replace: 'commitIndex = Math.max(commitIndex, Math.min(b.leaderCommit, lastIndex()));',
      },
    ],
    witness: [witnessBefore("  if (b.leaderCommit > commitIndex) commitIndex", '  if (b.leaderCommit > commitIndex && Math.min(b.leaderCommit, lastIndex()) > Math.max(commitIndex, match)) note(`WITNESS committing to ${Math.min(b.leaderCommit, lastIndex())}, past the verified ${match}`);')],
  },
  // --- The commit rule -------------------------------------------------------------------
  {
    name: 'commit-old-term-by-counting',
    description:
      'commits an entry of an earlier term once a majority stores it (the Figure 8 bug): a leader that crashes or is partitioned right after can be replaced by one that overwrites it; needs repeated quick leader changes',
    patches: [
      {
        find: '    if (log[n].term !== currentTerm) break;\n',
        replace: '',
      },
    ],
    witness: [witnessBefore("    if (count >= majority) {\n      commitIndex = n;", '    if (count >= majority && log[n].term !== currentTerm) note(`WITNESS committing ${n} of term ${log[n].term} by counting`);')],
  },
  {
    name: 'quorum-off-by-one',
    description:
      'majority computed as floor(n/2), so 1 of 3 (2 of 5) replicas commit: a leader isolated by a partition keeps acknowledging writes that the majority side never sees',
    patches: [
      {
        find: 'const majority = Math.floor(nodes.length / 2) + 1;',
        replace: 'const majority = Math.floor(nodes.length / 2);',
      },
    ],
    witness: [witnessBefore("    if (count >= majority) {\n      commitIndex = n;", '    if (count >= majority && count * 2 <= nodes.length) note(`WITNESS committing ${n} with ${count} of ${nodes.length}`);')],
  },
  // --- Progress tracking -----------------------------------------------------------------
  {
    name: 'match-from-leader-last-index',
    description:
      'on a successful ack the leader sets matchIndex to its own last index instead of what the ack covers: entries proposed after the request count as replicated, so a partition right after loses acknowledged writes',
    patches: [
      {
        find: 'matchIndex.set(peer, Math.max(matchIndex.get(peer), b.match));',
        replace: 'matchIndex.set(peer, lastIndex());',
      },
    ],
    witness: [witnessBefore("    matchIndex.set(peer, lastIndex());", '    if (lastIndex() > b.match) note(`WITNESS match ${lastIndex()} for ${peer}, acked ${b.match}`);')],
  },
  {
    name: 'match-from-next-index',
    description:
      'on a successful ack the leader sets matchIndex from its optimistic nextIndex (everything sent, not acknowledged): entries still in flight count as replicated; exposed by latency plus a partition of the leader',
    patches: [
      {
        find: 'matchIndex.set(peer, Math.max(matchIndex.get(peer), b.match));',
        replace: 'matchIndex.set(peer, nextIndex.get(peer) - 1);',
      },
    ],
    witness: [witnessBefore("    matchIndex.set(peer, nextIndex.get(peer) - 1);", '    if (nextIndex.get(peer) - 1 > b.match) note(`WITNESS match ${nextIndex.get(peer) - 1} for ${peer}, acked ${b.match}`);')],
  },
  {
    name: 'ack-whole-log',
    description:
      'a follower acknowledges its whole log (last index) rather than prevLogIndex + entries.length: a stale tail from an old term counts toward commit, and nextIndex can pass the leader\u2019s log end (crash on the next send)',
    patches: [
      {
        find: "send(msg.src, { type: 'append_entries_res', term: currentTerm, success: true, match });",
        replace: "send(msg.src, { type: 'append_entries_res', term: currentTerm, success: true, match: lastIndex() });",
      },
    ],
    witness: [witnessBefore("  send(msg.src, { type: 'append_entries_res', term: currentTerm, success: true, match: lastIndex() });", '  if (lastIndex() > match) note(`WITNESS acknowledging ${lastIndex()}, verified ${match}`);')],
  },
  {
    name: 'accept-stale-term-acks',
    description:
      'the leader accepts acknowledgements of requests it sent in an earlier term: a follower paused across two elections answers an old request, and its match is counted against a log that has since been rewritten',
    patches: [
      {
        find: "if (role !== 'leader' || b.term !== currentTerm) return;",
        replace: "if (role !== 'leader') return;",
      },
    ],
    witness: [witnessBefore("  if (b.success) {\n    // Acknowledgements", '  if (b.term !== currentTerm) note(`WITNESS using a term-${b.term} answer from ${peer}`);')],
  },
  // --- The read path ---------------------------------------------------------------------
  {
    name: 'leader-reads-local-state',
    description:
      'a node that believes it is leader answers reads from its own state machine without the log or any leadership check: a leader cut off by a partition (or paused) serves stale reads after a new leader took writes',
    patches: [
      {
        find: "  if (role === 'leader') {\n    propose(",
        replace:
          "  if (role === 'leader' && op.type === 'read') {\n    reply(msg, execute(op));\n  } else if (role === 'leader') {\n    propose(",
      },
    ],
    witness: [witnessBefore("    reply(msg, execute(op));", '    note(\'WITNESS read from local state\');')],
  },
  {
    name: 'any-node-reads-local-state',
    description:
      'every node, followers included, answers reads from its own (possibly lagging) state machine: with any latency a client reads a value older than a write that already completed',
    patches: [
      {
        find: "  if (role === 'leader') {\n    propose(",
        replace: "  if (op.type === 'read') {\n    reply(msg, execute(op));\n  } else if (role === 'leader') {\n    propose(",
      },
    ],
    witness: [witnessBefore("    reply(msg, execute(op));", '    note(\'WITNESS read from local state\');')],
  },
  // --- Client bookkeeping ----------------------------------------------------------------
  {
    name: 'reply-for-replaced-entry',
    description:
      'a deposed leader keeps its waiting requests and answers each with whatever commits at its index, even another leader\u2019s entry: after a partition heals, writes the old minority leader proposed are acknowledged though they never happened',
    patches: [
      { find: "    note('stepping down');\n    abandonPending();\n", replace: "    note('stepping down');\n" },
      {
        find: 'if (waiting.term === entry.term && result !== null) waiting.respond(result);',
        replace: 'if (result !== null) waiting.respond(result);',
      },
    ],
    witness: [witnessBefore("      if (result !== null) waiting.respond(result);", '      if (waiting.term !== entry.term && result !== null) note(`WITNESS answering a client with another leader\'s entry at ${lastApplied}`);')],
  },
  {
    name: 'forward-id-from-client',
    description:
      'a follower reuses the client\u2019s msg_id as its forward id; clients all count from 1, so two clients\u2019 requests collide: one gets the other\u2019s reply, and the leader\u2019s exactly-once table applies only the first command',
    patches: [
      {
        find: 'const fwdId = nextMsgId++;',
        replace: 'const fwdId = b.msg_id;',
      },
    ],
    witness: [witnessBefore("    forwarded.set(fwdId, { request: msg, at: Date.now() });", '    if (forwarded.has(fwdId)) note(`WITNESS forward id ${fwdId} already in use`);')],
  },
];

function countOccurrences(text: string, needle: string): number {
  let count = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + 1)) count++;
  return count;
}

/** Applies a mutant's patches to `reference`; throws unless each `find` occurs exactly once. */
export function applyPatches(reference: string, mutant: Mutant): string {
  return applyPatchList(reference, mutant.patches, `mutant ${mutant.name}`, 'the reference');
}

function applyPatchList(base: string, patches: readonly Patch[], label: string, baseName: string): string {
  let source = base;
  for (const [i, patch] of patches.entries()) {
    const n = countOccurrences(base, patch.find);
    if (n !== 1) {
      throw new Error(`${label}: patch ${i + 1} must match ${baseName} exactly once, matched ${n} times:\n${patch.find}`);
    }
    // Locate in the partly patched source: earlier patches must not have consumed this one's text.
    if (countOccurrences(source, patch.find) !== 1) {
      throw new Error(`${label}: patch ${i + 1} overlaps an earlier patch`);
    }
    const at = source.indexOf(patch.find);
    source = source.slice(0, at) + patch.replace + source.slice(at + patch.find.length);
  }
  return source;
}

export function referenceSource(): string {
  return fs.readFileSync(REFERENCE_PATH, 'utf8');
}

export function findMutant(name: string): Mutant {
  const mutant = MUTANTS.find((m) => m.name === name);
  if (!mutant) throw new Error(`no mutant named "${name}"; choose from ${MUTANTS.map((m) => m.name).join(', ')}`);
  return mutant;
}

/** The full source of one mutant: the reference with its patches and a header naming the bug. */
export function mutantSource(name: string): string {
  const mutant = findMutant(name);
  const patched = applyPatches(referenceSource(), mutant);
  const newline = patched.indexOf('\n');
  // Keep the shebang first; the header tells a reader of dist/corpus which bug this file carries.
  return `${patched.slice(0, newline + 1)}// MUTANT ${mutant.name}: ${mutant.description}\n${patched.slice(newline + 1)}`;
}

/** The mutant with its witness lines (see Mutant.witness): same behaviour, plus `WITNESS` on stderr. */
export function witnessSource(name: string): string {
  const mutant = findMutant(name);
  return applyPatchList(mutantSource(name), mutant.witness, `witness of ${mutant.name}`, 'the mutant');
}

/** Writes every mutant to `dir/<name>.js` and its witness build to `dir/witness/<name>.js` (mode 755); returns name -> path. */
export function writeMutants(dir: string): Record<string, string> {
  fs.mkdirSync(path.join(dir, 'witness'), { recursive: true });
  const written: Record<string, string> = {};
  const write = (file: string, text: string): void => {
    fs.writeFileSync(file, text, { mode: 0o755 });
    fs.chmodSync(file, 0o755);
  };
  for (const m of MUTANTS) {
    const file = path.join(dir, `${m.name}.js`);
    write(file, mutantSource(m.name));
    write(path.join(dir, 'witness', `${m.name}.js`), witnessSource(m.name));
    written[m.name] = file;
  }
  return written;
}

/** Where writeMutants put a mutant's witness build, given the path of the mutant. */
export function witnessPath(mutantFile: string): string {
  return path.join(path.dirname(mutantFile), 'witness', path.basename(mutantFile));
}
