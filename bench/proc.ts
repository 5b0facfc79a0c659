/** Linux `/proc` readings shared by the benchmarks (Node only). */
import { readFileSync } from 'node:fs';

/**
 * A thread's name and CPU time (user + system, seconds, at the usual 100 ticks a second) from its
 * `/proc/<pid>/task/<tid>/stat` line; throws where it cannot be read.
 */
export function readThreadStat(path: string): { name: string; cpuSeconds: number } {
  const st = readFileSync(path, 'utf8');
  const name = st.slice(st.indexOf('(') + 1, st.lastIndexOf(')'));
  const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
  return { name, cpuSeconds: (Number(f[11]) + Number(f[12])) / 100 };
}
