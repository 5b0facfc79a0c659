/**
 * What a send answered with at once besides deliveries, split in two: the sent messages refused
 * (QueueFull, NoRoute, …) and the older queued messages a dropOldest queue evicted to make room
 * (`DroppedOldest`), which are no refusal of what was sent. The Inject panel and the graph's ▶
 * word a send from it.
 */
export function splitAtOnce(atOnce: Record<string, number>): {
  refused: Record<string, number>;
  evicted: number;
} {
  const { DroppedOldest: evicted = 0, ...refused } = atOnce;
  return { refused, evicted };
}
