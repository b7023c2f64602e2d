#!/bin/sh
# Node binary wrapper for bench/run.ts: runs dist/raft-node.js under the V8 CPU
# profiler. The runner stops nodes with SIGKILL, which would lose the profile,
# so this shell does NOT exec: the SIGKILL hits the shell, and node, whose stdin
# is still the runner's pipe, sees end-of-file when the runner exits and then
# exits normally, writing its profile. The line on stderr lands in the node's
# log and tells bench/run.ts which profile belongs to which node id.
dir="${BENCH_PROFILE_DIR:?set BENCH_PROFILE_DIR to where profiles should go}"
name="node-$$.cpuprofile"
echo "bench-profile: $dir/$name" >&2
node --cpu-prof --cpu-prof-dir="$dir" --cpu-prof-name="$name" "$(dirname "$0")/../dist/raft-node.js" "$@"
