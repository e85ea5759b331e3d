// A bar chart of run durations (oldest left) with p50 and p95 lines, as inline SVG.
import { duration, percentile, statusTone } from "./format.js";
import { html } from "./html.js";

export function DurationChart({ runs }) {
  const timed = [...runs].reverse().filter((run) => run.durationSeconds !== null && run.durationSeconds !== undefined);
  if (!timed.length) return html`<p class="quiet">No finished runs yet.</p>`;
  const values = timed.map((run) => run.durationSeconds);
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  const top = Math.max(...values) || 1;
  const width = 600;
  const height = 120;
  const step = width / Math.max(timed.length, 20);
  const y = (value) => height - (value / top) * (height - 4);
  return html`<figure class="chart">
    <svg viewBox=${`0 0 ${width} ${height}`} role="img" aria-label=${`Durations of the last ${timed.length} runs: p50 ${duration(p50)}, p95 ${duration(p95)}`}>
      ${timed.map(
        (run, i) => html`<rect class=${statusTone(run.status)} x=${i * step + 1} y=${y(run.durationSeconds)} width=${Math.max(step - 2, 1)} height=${height - y(run.durationSeconds)}><title>${duration(run.durationSeconds)}</title></rect>`,
      )}
      <line class="p50" x1="0" x2=${width} y1=${y(p50)} y2=${y(p50)} />
      <line class="p95" x1="0" x2=${width} y1=${y(p95)} y2=${y(p95)} />
    </svg>
    <figcaption>Last ${timed.length} runs: <strong data-stat="p50">p50 ${duration(p50)}</strong>, <strong data-stat="p95">p95 ${duration(p95)}</strong>, longest ${duration(top)}.</figcaption>
  </figure>`;
}
