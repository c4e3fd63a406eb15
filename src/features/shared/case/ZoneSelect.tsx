// Lung-zone picker grouped by scheme (BLUE points, 12 zones).

import { LUNG_ZONES, ZONE_SCHEME_NAMES, type ZoneScheme } from '../../../store';

export function ZoneSelect({
  id,
  value,
  onChange,
  emptyLabel = 'Not recorded',
  testId,
}: {
  id: string;
  value: string;
  onChange: (zone: string) => void;
  emptyLabel?: string;
  testId?: string;
}) {
  return (
    <select id={id} value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId}>
      <option value="">{emptyLabel}</option>
      {(['blue', 'twelve'] as ZoneScheme[]).map((scheme) => (
        <optgroup key={scheme} label={ZONE_SCHEME_NAMES[scheme]}>
          {LUNG_ZONES.filter((z) => z.scheme === scheme).map((z) => (
            <option key={z.id} value={z.id}>
              {z.label}
            </option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
