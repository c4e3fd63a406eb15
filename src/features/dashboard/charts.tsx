// ROC curves (one vs rest, with AUC) and the calibration reliability diagram, drawn with recharts.

import {
  Bar,
  CartesianGrid,
  ComposedChart,
  LabelList,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { CLASS_NAMES, type MetricsReport } from '../../core';

export const SIGN_COLOURS: Record<string, string> = {
  a_lines: '#5fb3ff',
  b_lines: '#ffcc66',
  pleural_effusion: '#7ddc9a',
  consolidation: '#ff8a80',
};

const axis = { stroke: '#9fb0c2', fontSize: 13 };
const tooltip = { contentStyle: { background: '#141b23', border: '1px solid #2a3642', color: '#e8eef5' } };

export function RocChart({ report }: { report: MetricsReport }) {
  const curves = report.roc.filter((c) => c.auc !== null);
  if (!curves.length)
    return <p className="muted">No ROC curve yet: each sign needs cases with and without it.</p>;
  return (
    <ResponsiveContainer width="100%" height={300}>
      <LineChart margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
        <CartesianGrid stroke="#2a3642" />
        <XAxis
          type="number"
          dataKey="fpr"
          domain={[0, 1]}
          tickCount={6}
          {...axis}
          label={{ value: '1 − specificity', position: 'insideBottom', offset: -12, fill: '#9fb0c2' }}
        />
        <YAxis
          type="number"
          dataKey="tpr"
          domain={[0, 1]}
          tickCount={6}
          {...axis}
          label={{ value: 'Recall', angle: -90, position: 'insideLeft', fill: '#9fb0c2' }}
        />
        <Tooltip {...tooltip} formatter={(v) => (typeof v === 'number' ? v.toFixed(2) : String(v))} />
        <Legend verticalAlign="top" />
        <Line
          data={[
            { fpr: 0, tpr: 0 },
            { fpr: 1, tpr: 1 },
          ]}
          dataKey="tpr"
          stroke="#55606b"
          strokeDasharray="4 4"
          dot={false}
          name="Chance"
          isAnimationActive={false}
          legendType="none"
        />
        {curves.map((c) => (
          <Line
            key={c.classId}
            data={c.points.map((p) => ({ fpr: p.fpr, tpr: p.tpr }))}
            dataKey="tpr"
            name={`${CLASS_NAMES[c.classId]} (AUC ${c.auc!.toFixed(3)})`}
            stroke={SIGN_COLOURS[c.classId]}
            strokeWidth={2}
            dot={false}
            type="linear"
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}

/** How many cases each calibration bin holds: a bar over 2 cases says much less than one over 200. */
export function CalibrationCounts({ report, prefix }: { report: MetricsReport; prefix: string }) {
  const bins = report.calibration.bins.filter((b) => b.count > 0);
  return (
    <p className="muted small" data-testid={`${prefix}-calibration-counts`}>
      Cases per bin:{' '}
      {bins.length === 0
        ? 'none'
        : bins.map((b, i) => (
            <span
              key={b.low}
              className="nowrap"
              data-testid={`${prefix}-calibration-bin`}
              data-count={b.count}
            >
              {`${Math.round(b.low * 100)}–${Math.round(b.high * 100)}%: n = ${b.count}`}
              {i < bins.length - 1 ? ' · ' : ''}
            </span>
          ))}
    </p>
  );
}

export function CalibrationChart({ report }: { report: MetricsReport }) {
  const data = report.calibration.bins.map((b) => ({
    bin: `${Math.round(b.low * 100)}–${Math.round(b.high * 100)}`,
    mid: (b.low + b.high) / 2,
    accuracy: b.accuracy,
    count: b.count,
  }));
  return (
    <ResponsiveContainer width="100%" height={280}>
      <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 24, left: 0 }}>
        <CartesianGrid stroke="#2a3642" />
        <XAxis
          dataKey="bin"
          {...axis}
          label={{
            value: 'Model probability of its sign (%)',
            position: 'insideBottom',
            offset: -12,
            fill: '#9fb0c2',
          }}
        />
        <YAxis
          domain={[0, 1]}
          tickCount={6}
          {...axis}
          label={{ value: 'Share correct', angle: -90, position: 'insideLeft', fill: '#9fb0c2' }}
        />
        <Tooltip
          {...tooltip}
          formatter={(v, name) =>
            typeof v === 'number' ? (name === 'Cases' ? String(v) : v.toFixed(2)) : '—'
          }
        />
        <Legend verticalAlign="top" />
        <Bar dataKey="accuracy" name="Share correct" fill="#5fb3ff" isAnimationActive={false}>
          <LabelList
            dataKey="count"
            position="top"
            fill="#e8eef5"
            fontSize={12}
            formatter={(v: unknown) => (typeof v === 'number' && v > 0 ? `n=${v}` : '')}
          />
        </Bar>
        <Line
          dataKey="mid"
          name="Perfectly calibrated"
          stroke="#9fb0c2"
          strokeDasharray="4 4"
          dot={false}
          isAnimationActive={false}
        />
      </ComposedChart>
    </ResponsiveContainer>
  );
}
