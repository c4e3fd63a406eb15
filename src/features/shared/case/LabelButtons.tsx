// Five large buttons for the reader's answer, each showing its keyboard key.

import type { ClinicianLabel } from '../../../core';
import { LABEL_CHOICES } from './labelChoices';

export function LabelButtons({
  value,
  onChange,
  disabled,
}: {
  value: ClinicianLabel | null;
  onChange: (label: ClinicianLabel) => void;
  disabled?: boolean;
}) {
  return (
    <div className="label-buttons" role="radiogroup" aria-label="Your reading of this frame">
      {LABEL_CHOICES.map((c) => (
        <button
          key={c.id}
          type="button"
          role="radio"
          aria-checked={value === c.id}
          className={value === c.id ? 'label-button chosen' : 'label-button'}
          data-testid={`label-${c.id}`}
          disabled={disabled}
          onClick={() => onChange(c.id)}
        >
          <kbd>{c.key}</kbd> {c.name}
        </button>
      ))}
    </div>
  );
}
