/**
 * The values under the pointer, in a box beside it: the time and each shown series' value there,
 * as the RabbitMQ management UI's rate charts give them. A chart's key names its lines and nothing
 * more (a key of live values would change its width, and the plots' heights with it, at every
 * move of the pointer); hovering had drawn a crosshair and said no number.
 */
import type uPlot from 'uplot';
import { formatClock } from '../design/format';

/** Pixels between the pointer and the box. */
const GAP = 12;

export function tipPlugin(format: (v: number) => string): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  return {
    hooks: {
      init: () => {
        tip = document.createElement('div');
        tip.className = 'chart-tip';
        tip.setAttribute('data-testid', 'chart-tip');
        tip.hidden = true;
        // On the page, not in the chart: a plot 55 px high (half the dock at 1280x720) cut a box
        // of five lines at its foot.
        document.body.appendChild(tip);
      },
      destroy: () => {
        tip?.remove();
        tip = null;
      },
      setCursor: (u) => {
        if (!tip) return;
        const { idx, left, top } = u.cursor;
        const at = idx ?? null;
        const x = at === null ? undefined : u.data[0][at];
        if (at === null || x === undefined || left === undefined || left < 0) {
          tip.hidden = true;
          return;
        }
        // Built as text nodes: a series' label is a kernel's name.
        const lines: string[] = [formatClock(x * 1e6)];
        u.series.forEach((s, i) => {
          if (i === 0 || s.show === false) return;
          const v = u.data[i]?.[at];
          lines.push(
            `${String(s.label ?? '')}: ${v === null || v === undefined ? '—' : format(v)}`,
          );
        });
        tip.replaceChildren(
          ...lines.map((text, i) => {
            const line = document.createElement('div');
            if (i === 0) line.className = 'chart-tip-time';
            line.textContent = text;
            return line;
          }),
        );
        tip.hidden = false;
        // Beside the pointer, on the side with room: right of it in the plot's left half; kept
        // inside the window.
        const plot = u.over.getBoundingClientRect();
        const box = tip.getBoundingClientRect();
        const px = plot.left + left;
        const py = plot.top + (top ?? 0);
        const x0 = left < plot.width / 2 ? px + GAP : px - GAP - box.width;
        const y0 = Math.min(py - box.height / 2, window.innerHeight - box.height - 2);
        tip.style.transform = `translate(${Math.round(Math.max(2, x0))}px, ${Math.round(Math.max(2, y0))}px)`;
      },
    },
  };
}
