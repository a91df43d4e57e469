import { displayValue } from '@faultline/dashboards/panels';
import { el } from '../dom';
import { type PanelContent, type PanelContext, reducedSeries } from './panel-frame';

/** Grafana's bar gauge: a horizontal bar a series, from the field's min to its max (or the largest value). */
export function bargaugePanel({ panel, body, query }: PanelContext): PanelContent {
  const bars = el('div', { class: 'bars' });
  body.append(bars);

  return {
    async refresh(refresh) {
      const { answered } = await query(refresh.now);
      const values = reducedSeries(answered, panel.options?.reduceOptions?.calcs);
      const largest = Math.max(0, ...values.map((v) => v.value));
      bars.replaceChildren(
        ...values.map(({ name, field, value }, i) => {
          const shown = displayValue(field, value, i);
          const min = field.min ?? 0;
          const share = Math.min(
            1,
            Math.max(0, (value - min) / ((field.max ?? largest) - min || 1)),
          );
          return el(
            'div',
            { class: 'bar-row', 'data-series': name, 'data-value': shown.text },
            el('span', { class: 'bar-name' }, name),
            el(
              'div',
              { class: 'bar-track' },
              el('div', {
                class: 'bar',
                style: `width: ${share * 100}%; background: ${shown.color}`,
              }),
            ),
            el('span', { class: 'bar-value', style: `color: ${shown.color}` }, shown.text),
          );
        }),
      );
      return values.length ? 'data' : 'no-data';
    },
    destroy: () => undefined,
  };
}
