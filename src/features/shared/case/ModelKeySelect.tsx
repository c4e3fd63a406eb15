// A choice among the model versions that have read stored cases, each named as the clinic reads it ("lus-resnet152 v2.2.0").
import { modelKeyName } from './predictions';

interface Props {
  label: string;
  testId: string;
  value: string;
  /** Model keys (id and version) to offer, in the order shown. */
  keys: readonly string[];
  onChange: (key: string) => void;
  /** An empty choice always offered first ("Nothing"); without it, "None yet" stands in while there is no key. */
  emptyChoice?: string;
}

export function ModelKeySelect({ label, testId, value, keys, onChange, emptyChoice }: Props) {
  return (
    <label className="field model-field">
      <span>{label}</span>
      <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)}>
        {emptyChoice !== undefined ? (
          <option value="">{emptyChoice}</option>
        ) : (
          keys.length === 0 && <option value="">None yet</option>
        )}
        {keys.map((k) => (
          <option key={k} value={k}>
            {modelKeyName(k)}
          </option>
        ))}
      </select>
    </label>
  );
}
