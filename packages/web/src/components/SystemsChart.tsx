// Stacked bar chart of AI systems by status and risk tier (Chart.js on a canvas, tree-shaken to
// the bar chart). The canvas has a text alternative; the same numbers are in a table below it.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'react';
import { SYSTEM_STATUS_LABELS } from '../lib/labels.ts';
import { STATUS_KEYS, TIER_KEYS, tierLabel, type TierKey } from '../lib/chart-data.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);

// Distinguishable for common colour-vision deficiencies and ≥ 3:1 against white.
const TIER_COLOURS: Record<TierKey, string> = {
  prohibited: '#7f1d1d',
  high: '#c2410c',
  limited: '#a16207',
  minimal: '#15803d',
  unclassified: '#64748b',
};

export default function SystemsChart({
  counts,
  summary,
}: {
  counts: Record<TierKey, number[]>;
  summary: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, {
      type: 'bar',
      data: {
        labels: STATUS_KEYS.map((s) => SYSTEM_STATUS_LABELS[s]),
        datasets: TIER_KEYS.map((t) => ({
          label: tierLabel(t),
          data: counts[t],
          backgroundColor: TIER_COLOURS[t],
          borderColor: '#ffffff',
          borderWidth: 1,
          maxBarThickness: 56,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { color: '#334155', font: { size: 13 } } },
          y: {
            stacked: true,
            beginAtZero: true,
            ticks: { precision: 0, color: '#334155' },
            title: { display: true, text: 'AI systems', color: '#334155' },
          },
        },
        plugins: {
          legend: { position: 'bottom', labels: { color: '#1e293b', boxWidth: 14, boxHeight: 14 } },
          tooltip: { mode: 'index', filter: (item) => Number(item.raw) > 0 },
        },
      },
    });
    return () => chart.destroy();
  }, [counts]);
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={summary} />
    </div>
  );
}
