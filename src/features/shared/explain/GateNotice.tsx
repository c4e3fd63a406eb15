// The input gate's refusal, stated first and plainly, with the way to see the (unreliable) probabilities anyway.
import type { GateVerdict } from '../../../core';

/** What a notice needs of a verdict: a batch row stores only these parts. */
type RefusalWords = Pick<GateVerdict, 'pass' | 'reason' | 'message'>;

/** One line for tables and CSVs: "passed", "refused: <reason>", or "not checked" for old results. */
export function gateSummary(gate: RefusalWords | undefined): string {
  if (!gate) return 'not checked';
  return gate.pass ? 'passed' : `refused: ${gate.message}`;
}

interface Props {
  gate: RefusalWords;
  revealed: boolean;
  /** Omitted where the probabilities are shown elsewhere (a stored case lists every model's answer). */
  onReveal?: (revealed: boolean) => void;
}

export function GateNotice({ gate, revealed, onReveal }: Props) {
  if (gate.pass) return null;
  return (
    <div className="gate-refusal" role="alert" data-testid="gate-refusal" data-reason={gate.reason}>
      <p className="gate-title">Not read: this frame was refused</p>
      <p className="gate-reason" data-testid="gate-reason">
        {gate.message}
      </p>
      {onReveal && (
        <button
          type="button"
          className="button"
          onClick={() => onReveal(!revealed)}
          data-testid="gate-reveal"
          aria-expanded={revealed}
        >
          {revealed ? 'Hide the probabilities' : 'Show the probabilities anyway (unreliable)'}
        </button>
      )}
    </div>
  );
}
