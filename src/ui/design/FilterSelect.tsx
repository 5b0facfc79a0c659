/**
 * A list filter: "all …" (the empty value) or one of the given values. Receipts and Dead letters
 * filter their rows with it.
 */
export function FilterSelect<T extends string>({
  label,
  all,
  options,
  value,
  onChange,
}: {
  /** Its accessible name, e.g. "Filter by status". */
  label: string;
  /** The option that filters nothing, e.g. "all statuses". */
  all: string;
  options: readonly T[];
  value: T | '';
  onChange: (value: T | '') => void;
}) {
  return (
    <select aria-label={label} value={value} onChange={(e) => onChange(e.target.value as T | '')}>
      <option value="">{all}</option>
      {options.map((o) => (
        <option key={o}>{o}</option>
      ))}
    </select>
  );
}
