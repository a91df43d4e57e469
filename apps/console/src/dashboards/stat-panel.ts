import { displayValue } from '@faultline/dashboards/panels';
import { el } from '../dom';
import { type PanelContent, type PanelContext, reducedSeries } from './panel-frame';

/**
 * Grafana's stat panel: one big value a series (reduced by the panel's calculation), mapped
 * and colored as its field says, named when the text mode asks for names.
 */
export function statPanel({ panel, body, query }: PanelContext): PanelContent {
  const { colorMode = 'value', textMode = 'auto', reduceOptions } = panel.options ?? {};
  const tiles = el('div', { class: 'stat-tiles' });
  body.append(tiles);

  return {
    async refresh(refresh) {
      const { answered } = await query(refresh.now);
      const values = reducedSeries(answered, reduceOptions?.calcs);
      const named =
        textMode === 'value_and_name' ||
        textMode === 'name' ||
        (textMode === 'auto' && values.length > 1);
      tiles.replaceChildren(
        ...values.map(({ name, field, value }, i) => {
          const shown = displayValue(field, value, i);
          return el(
            'div',
            {
              class: `stat stat-${colorMode}`,
              'data-series': name,
              'data-value': shown.text,
              style:
                colorMode === 'background'
                  ? `background: ${shown.color}`
                  : colorMode === 'value'
                    ? `color: ${shown.color}`
                    : undefined,
            },
            named && el('span', { class: 'stat-name' }, name),
            textMode !== 'name' && el('span', { class: 'stat-value' }, shown.text),
          );
        }),
      );
      return values.length ? 'data' : 'no-data';
    },
    destroy: () => undefined,
  };
}
