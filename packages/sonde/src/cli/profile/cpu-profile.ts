// Reads a V8 .cpuprofile (what `node --cpu-prof` and the inspector's
// Profiler.stop give) into per-function self and total times.
export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  /** 0-based, as V8 gives them. */
  readonly lineNumber: number;
  readonly columnNumber: number;
}

export interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples?: readonly number[];
  readonly timeDeltas?: readonly number[];
}

export interface FunctionTime {
  readonly name: string;
  /** file:line (1-based), or a V8 category such as (garbage collector). */
  readonly location: string;
  readonly selfMs: number;
  readonly totalMs: number;
}

/** A call tree with times, for the flame graph. */
export interface CallTreeNode {
  readonly name: string;
  readonly location: string;
  selfMs: number;
  totalMs: number;
  readonly children: CallTreeNode[];
}

const SPECIAL = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
/** Pseudo-frames that are not work a user can act on (GC stays: it is). */
const NOT_FUNCTIONS = new Set(['(root)', '(program)', '(idle)']);

export function describeFrame(frame: CallFrame): { name: string; location: string } {
  const name = frame.functionName || (SPECIAL.has(frame.functionName) ? frame.functionName : '(anonymous)');
  if (!frame.url)
    return { name, location: frame.functionName.startsWith('(') ? frame.functionName : 'native' };
  const file = frame.url.startsWith('file://') ? decodeURIComponent(frame.url.slice(7)) : frame.url;
  return { name, location: `${file}:${frame.lineNumber + 1}` };
}

/** Self time per node id, from the samples and their time deltas (µs → ms). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // V8's delta i is the time before sample i; the time a sample stands for is the next delta.
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    self.set(samples[i], (self.get(samples[i]) ?? 0) + ms);
  }
  return self;
}

export function callTree(profile: CpuProfile): CallTreeNode {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = selfTimes(profile);
  const build = (node: ProfileNode): CallTreeNode => {
    const { name, location } = describeFrame(node.callFrame);
    const children = (node.children ?? []).map((id) => build(byId.get(id)!)).filter((c) => c.totalMs > 0);
    const selfMs = self.get(node.id) ?? 0;
    const totalMs = selfMs + children.reduce((s, c) => s + c.totalMs, 0);
    return { name, location, selfMs, totalMs, children };
  };
  const root = profile.nodes.find((n) => n.callFrame.functionName === '(root)') ?? profile.nodes[0];
  return build(root);
}

/** Functions by self time, merged across call sites; total time counts a recursive function once per stack. */
export function hottestFunctions(profile: CpuProfile, limit = 20): FunctionTime[] {
  const merged = new Map<string, { name: string; location: string; selfMs: number; totalMs: number }>();
  const walk = (node: CallTreeNode, onStack: Set<string>) => {
    const key = `${node.name}\u0000${node.location}`;
    let entry = merged.get(key);
    if (!entry)
      merged.set(key, (entry = { name: node.name, location: node.location, selfMs: 0, totalMs: 0 }));
    entry.selfMs += node.selfMs;
    const outermost = !onStack.has(key);
    if (outermost) {
      entry.totalMs += node.totalMs;
      onStack.add(key);
    }
    for (const child of node.children) walk(child, onStack);
    if (outermost) onStack.delete(key);
  };
  walk(callTree(profile), new Set());
  return [...merged.values()]
    .filter((f) => !NOT_FUNCTIONS.has(f.name))
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit);
}

export function profileDurationMs(profile: CpuProfile): number {
  return (profile.endTime - profile.startTime) / 1000;
}
