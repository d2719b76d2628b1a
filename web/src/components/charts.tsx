/** Chart.js set up once (only the parts used), with animation off: live charts redraw often. */
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip, type ChartOptions } from 'chart.js';
import { Bar } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Tooltip, Legend);
ChartJS.defaults.animation = false;
ChartJS.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
ChartJS.defaults.color = '#373a40';

export interface Series {
  label: string;
  data: number[];
  color: string;
}

/** A bar chart with an accessible name and a visually hidden table of the same numbers for screen readers. */
export function BarChart({ labels, series, title, stacked = false, height = 220 }: { labels: string[]; series: Series[]; title: string; stacked?: boolean; height?: number }) {
  const options: ChartOptions<'bar'> = {
    responsive: true,
    maintainAspectRatio: false,
    plugins: { legend: { display: series.length > 1, position: 'bottom' }, tooltip: { enabled: true } },
    scales: { x: { stacked, ticks: { maxRotation: 0, autoSkipPadding: 12 } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
  };
  return (
    <div style={{ position: 'relative', height }}>
      <Bar
        role="img"
        aria-label={title}
        options={options}
        data={{ labels, datasets: series.map((s) => ({ label: s.label, data: s.data, backgroundColor: s.color, borderWidth: 0 })) }}
      />
    </div>
  );
}
