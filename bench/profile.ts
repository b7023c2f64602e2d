/**
 * Where a node's CPU time goes, from a V8 `.cpuprofile` (node --cpu-prof).
 * Pure: takes the parsed profile and the bundle's text, returns a summary.
 *
 * The node runs as one esbuild bundle, so profile frames point into
 * dist/raft-node.js; esbuild starts every module with a `// src/....ts`
 * comment line, which maps a bundle line back to its source module.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface ProfileEntry {
  name: string;
  ms: number;
  /** Share of busy (non-idle) time, percent. */
  percent: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  idleMs: number;
  /** Self time by function (name + module). */
  topFunctions: ProfileEntry[];
  /** Self time by source module or runtime category (GC, JSON, stream IO, ...). */
  byModule: ProfileEntry[];
  /** Inclusive time of the functions named in `inclusiveOf` (the hot-path entry points). */
  inclusive: ProfileEntry[];
}

/** Bundle line (0-based) → module path, from esbuild's `// path.ts` markers. */
export function moduleIndex(bundle: string): (line: number) => string {
  const starts: { line: number; module: string }[] = [];
  bundle.split('\n').forEach((text, i) => {
    const m = /^\/\/ ((?:src|workloads|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(text);
    if (m) starts.push({ line: i, module: m[1] });
  });
  return (line: number): string => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle prologue)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid].line <= line) {
        found = starts[mid].module;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** The category a frame's self time is booked under. */
export function frameCategory(frame: CpuProfileNode['callFrame'], bundleName: string, moduleOf: (line: number) => string): string {
  const { functionName, url } = frame;
  if (functionName === '(idle)') return '(idle)';
  if (functionName === '(garbage collector)') return 'GC';
  if (functionName === '(program)') return 'V8/native (program)';
  if (functionName === '(root)') return '(root)';
  if (url.endsWith(bundleName)) return moduleOf(frame.lineNumber);
  if (url === '') {
    if (functionName === 'parse' || functionName === 'stringify') return `JSON.${functionName}`;
    // libuv tries the write(2) at once, so the syscall's time shows up in these natives.
    if (/^write(Utf8String|Buffer|v|Latin1String|AsciiString)$/.test(functionName)) return 'pipe write (stdout/stderr syscalls)';
    return 'builtin (other natives)';
  }
  if (url.startsWith('node:')) {
    const m = /^node:(?:internal\/)?([a-z_]+)/.exec(url);
    return `node:${m ? m[1] : url}`;
  }
  return url;
}

export function summarizeProfile(profile: CpuProfile, bundle: string, bundleName: string, inclusiveOf: readonly string[] = []): ProfileSummary {
  const moduleOf = moduleIndex(bundle);
  const byId = new Map<number, CpuProfileNode>();
  for (const n of profile.nodes) byId.set(n.id, n);
  // Self time per profile node: the sample's own delta (V8 records the time since the previous sample).
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  if (samples.length > 0 && deltas.length === samples.length) {
    for (let i = 0; i < samples.length; i++) {
      const d = i + 1 < deltas.length ? deltas[i + 1] : 0;
      selfUs.set(samples[i], (selfUs.get(samples[i]) ?? 0) + Math.max(0, d));
    }
  } else {
    const total = profile.endTime - profile.startTime;
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    for (const n of profile.nodes) selfUs.set(n.id, hits > 0 ? ((n.hitCount ?? 0) / hits) * total : 0);
  }
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  let idleUs = 0;
  let totalUs = 0;
  const fnUs = new Map<string, number>();
  const moduleUs = new Map<string, number>();
  const inclusiveUs = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node || us === 0) continue;
    totalUs += us;
    const cat = frameCategory(node.callFrame, bundleName, moduleOf);
    if (cat === '(idle)') {
      idleUs += us;
      continue;
    }
    const fn = `${node.callFrame.functionName || '(anonymous)'} [${cat}]`;
    fnUs.set(fn, (fnUs.get(fn) ?? 0) + us);
    moduleUs.set(cat, (moduleUs.get(cat) ?? 0) + us);
    // Inclusive: book this sample once under every named ancestor (recursion counted once).
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = byId.get(cur)?.callFrame.functionName ?? '';
      if (inclusiveOf.includes(name) && !seen.has(name)) {
        seen.add(name);
        inclusiveUs.set(name, (inclusiveUs.get(name) ?? 0) + us);
      }
    }
  }
  const busyUs = totalUs - idleUs;
  const entries = (m: Map<string, number>, limit: number): ProfileEntry[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, percent: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0 }));
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: entries(fnUs, 25),
    byModule: entries(moduleUs, 25),
    inclusive: entries(inclusiveUs, inclusiveOf.length),
  };
}
