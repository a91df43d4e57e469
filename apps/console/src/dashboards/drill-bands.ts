import type { DrillInterval } from '@faultline/dashboards/panels';
import type uPlot from 'uplot';
import { el } from '../dom';

/** A drill as a band over the plot, its title written in it and shown on hover. */
function band(plot: uPlot, drill: DrillInterval): HTMLElement | undefined {
  const { min, max } = plot.scales.x;
  if (min === undefined || max === undefined || drill.to < min || drill.from > max)
    return undefined;
  const left = plot.valToPos(Math.max(drill.from, min), 'x');
  const right = plot.valToPos(Math.min(drill.to, max), 'x');
  return el(
    'div',
    {
      class: 'drill-band',
      title: `${drill.title}: ${drill.text}`,
      style: `left: ${left}px; width: ${Math.max(2, right - left)}px`,
    },
    el('span', { class: 'drill-label' }, drill.title),
  );
}

/**
 * A uPlot plugin that marks drills as translucent red bands over the plot (Grafana's
 * annotation regions); `drills` is read at each redraw, so new data redraws them too.
 */
export function drillBands(drills: () => DrillInterval[]): uPlot.Plugin {
  const layer = el('div', { class: 'drill-bands' });
  return {
    hooks: {
      init: (plot) => void plot.over.append(layer),
      draw: (plot) =>
        layer.replaceChildren(...drills().flatMap((drill) => band(plot, drill) ?? [])),
    },
  };
}
