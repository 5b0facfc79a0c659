/** Words of the What-if report. */

/**
 * How a type's outcome changes: by status, or only in how many there are ("outcome changes" beside
 * "Delivered 190,001" and "Delivered 190,179" read as if some had failed).
 */
export function outcomeWord(t: {
  base: { statuses: object };
  other: { statuses: object };
}): string {
  const keys = (o: object) => Object.keys(o).sort().join('|');
  return keys(t.base.statuses) === keys(t.other.statuses) ? 'count changes' : 'outcome changes';
}
