import { alignSeries, displayValue, stateSegments } from '@faultline/dashboards/panels';
import { el } from '../dom';
import type { PanelContent, PanelContext } from './panel-frame';

const clock = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString();

/**
 * Grafana's state timeline: a row a series, its stretches of equal values as colored segments
 * (by the field's mappings or thresholds) with their text, and on hover when.
 */
export function stateTimelinePanel({ body, query }: PanelContext): PanelContent {
  const rows = el('div', { class: 'state-rows' });
  body.append(rows);

  return {
    async refresh(refresh) {
      const { range, answered } = await query(refresh.now);
      const [times, ...columns] = alignSeries(
        answered.map((s) => s.series),
        range,
      );
      // Each sample holds for a step: the last one, the newest state, until a step past the end.
      const span = range.end + range.step - range.start;
      const percent = (t: number) => ((t - range.start) / span) * 100;
      let drawn = false;
      rows.replaceChildren(
        ...answered.map(({ name, field }, i) => {
          const segments = stateSegments(times, columns[i]!, range.step);
          drawn ||= segments.length > 0;
          return el(
            'div',
            { class: 'state-row', 'data-series': name },
            el('span', { class: 'state-name' }, name),
            el(
              'div',
              { class: 'state-track' },
              ...segments.map((segment) => {
                const shown = displayValue(field, segment.value, i);
                return el(
                  'div',
                  {
                    class: 'state',
                    title: `${name}: ${shown.text}, ${clock(segment.from)}–${clock(segment.to)}`,
                    style: `left: ${percent(segment.from)}%; width: ${percent(segment.to) - percent(segment.from)}%; background: ${shown.color}`,
                  },
                  shown.text,
                );
              }),
            ),
          );
        }),
      );
      return drawn ? 'data' : 'no-data';
    },
    destroy: () => undefined,
  };
}
