import { Cluster, clusterOptionsForSeed } from './cluster-harness';
const seed = Number(process.argv[2]);
const c = new Cluster(clusterOptionsForSeed(seed, undefined, 'membership'));
for (let i = 0; i < 400; i++) c.randomStep();
try { c.requireProgress(400); console.log('ok'); } catch (e) { console.log((e as Error).message); }
for (const id of c.ids) { const n = c.replicas.get(id)!.node; if (n) { const s = n.status; console.log(id, s.role, 'term', s.term, 'commit', s.commit, 'last', s.lastIndex, 'first', s.firstIndex, JSON.stringify({v: s.voters, o: s.outgoing, l: s.learners}), 'committedM', JSON.stringify(n.committedMembership)); } }
