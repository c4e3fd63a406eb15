// The zone, exam and date fields of a filter bar: the same controls on the case library and the dashboard.

import { zoneLabel } from '../../../store';
import type { CaseScope } from './caseScope';

interface Props {
  scope: CaseScope;
  onChange: (change: Partial<CaseScope>) => void;
  zones: readonly string[];
  exams: readonly string[];
  /** The choice that keeps everything: "Any" on the case library, "All" on the dashboard. */
  anyText: string;
  /** Prefix of the fields' test ids (`filter-zone`, `dash-exam`, …). */
  testIdPrefix: string;
}

export function CaseScopeFields({ scope, onChange, zones, exams, anyText, testIdPrefix }: Props) {
  return (
    <>
      <label className="field">
        <span>Zone</span>
        <select
          data-testid={`${testIdPrefix}-zone`}
          value={scope.zone}
          onChange={(e) => onChange({ zone: e.target.value })}
        >
          <option value="">{anyText}</option>
          {zones.map((z) => (
            <option key={z} value={z}>
              {zoneLabel(z)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Exam</span>
        <select
          data-testid={`${testIdPrefix}-exam`}
          value={scope.exam}
          onChange={(e) => onChange({ exam: e.target.value })}
        >
          <option value="">{anyText}</option>
          {exams.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>From</span>
        <input
          type="date"
          data-testid={`${testIdPrefix}-from`}
          value={scope.from}
          onChange={(e) => onChange({ from: e.target.value })}
        />
      </label>
      <label className="field">
        <span>To</span>
        <input
          type="date"
          data-testid={`${testIdPrefix}-to`}
          value={scope.to}
          onChange={(e) => onChange({ to: e.target.value })}
        />
      </label>
    </>
  );
}
