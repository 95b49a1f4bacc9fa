// The car's premium over its history: one point per history record (ownership event or re-rate),
// x = its place in ledger order, y = the annual premium it set (a gap where coverage ended).
// uPlot draws on a canvas; the timeline table below it is the accessible reading of the same data.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartPoint {
  label: string;
  /** Major units, or null where the record set no premium (registration, lease end). */
  premium: number | null;
}

function integerTicks(min: number, max: number, most: number): number[] {
  const first = Math.max(1, Math.ceil(min));
  const last = Math.floor(max);
  const step = Math.max(1, Math.ceil((last - first + 1) / most));
  const ticks: number[] = [];
  for (let t = first; t <= last; t += step) ticks.push(t);
  return ticks;
}

export function PremiumChart({ points, currency }: { points: ChartPoint[]; currency: string }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot>();

  useEffect(() => {
    const element = host.current!;
    const labels = points.map((p) => p.label);
    const data: uPlot.AlignedData = [points.map((_, i) => i + 1), points.map((p) => p.premium)];
    const options: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: 260,
      scales: { x: { time: false } },
      axes: [
        {
          // Integer ticks only (one per change, thinned by uPlot when there are many), labelled #n.
          splits: (_u, _axis, min, max) => integerTicks(min, max, Math.max(2, Math.floor(element.clientWidth / 70))),
          values: (_u, ticks) => ticks.map((t) => (labels[t - 1] === undefined ? '' : `#${t}`)),
          stroke: '#475569',
          grid: { stroke: '#e2e8f0' },
        },
        {
          values: (_u, ticks) => ticks.map((t) => `${Math.round(t).toLocaleString('en-US')}`),
          stroke: '#475569',
          grid: { stroke: '#e2e8f0' },
          size: 70,
        },
      ],
      series: [
        { label: 'Change' },
        {
          label: `Annual premium (${currency})`,
          stroke: '#1d4ed8',
          width: 2,
          points: { size: 8, fill: '#1d4ed8' },
          spanGaps: false,
        },
      ],
      legend: { show: false },
    };
    plot.current?.destroy();
    plot.current = new uPlot(options, data, element);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(280, element.clientWidth), height: 260 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = undefined;
    };
  }, [points, currency]);

  const rated = points.filter((p) => p.premium !== null).length;
  return (
    <figure class="chart" data-testid="premium-chart" data-point-count={points.length} data-rated-count={rated}>
      <div
        ref={host}
        role="img"
        aria-label={`Annual premium over ${points.length} changes; the timeline table below lists each`}
      />
      <figcaption class="muted">
        Annual premium ({currency}) at each change #1–#{points.length} in ledger order (the table below numbers them);
        gaps where the car had no coverage.
      </figcaption>
    </figure>
  );
}
