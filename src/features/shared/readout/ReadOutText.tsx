// The read-out sentence ("B-lines, possibly A-lines"), each sign's name kept on one line.

import { readOutParts, type FrameResult } from '../../../core';

/** A sign's name never breaks inside itself ("A-" / "lines"): each name is one unbreakable piece. */
export function ReadOutText({ result }: { result: Pick<FrameResult, 'probabilities' | 'top' | 'runnerUp'> }) {
  const { sign, runnerUp } = readOutParts(result);
  return (
    <>
      <span className="nowrap">{sign}</span>
      {runnerUp && (
        <span className="runner-up">
          , possibly <span className="nowrap">{runnerUp}</span>
        </span>
      )}
    </>
  );
}
