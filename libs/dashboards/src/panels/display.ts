/** How a panel shows a value: its field's settings, mappings, thresholds and colors. */
import type { FieldConfig, MappingResult, Panel } from './model';
import { formatValue } from './units';

/** Grafana's named colors (its dark theme); any other name is taken as a CSS color. */
const NAMED_COLORS: Record<string, string> = {
  red: '#F2495C',
  orange: '#FF9830',
  yellow: '#FADE2A',
  green: '#73BF69',
  blue: '#5794F2',
  purple: '#B877D9',
};

/** A Grafana color (`red`, `#73BF69`, `transparent`) as CSS. */
const cssColor = (color: string): string => NAMED_COLORS[color] ?? color;

/** Grafana's classic palette: the colors series take in turn (`palette-classic`). */
const CLASSIC_PALETTE = [
  '#7EB26D',
  '#EAB839',
  '#6ED0E0',
  '#EF843C',
  '#E24D42',
  '#1F78C1',
  '#BA43A9',
  '#705DA0',
  '#508642',
  '#CCA300',
  '#447EBC',
  '#C15C17',
];

/**
 * The settings of the series named `seriesName`: the panel's defaults, with the properties of
 * each `byName` override that names it (`color`, `unit`, `custom.fillOpacity`…).
 */
export function fieldConfig(panel: Panel, seriesName: string): FieldConfig {
  const field: FieldConfig = { ...panel.fieldConfig?.defaults };
  for (const override of panel.fieldConfig?.overrides ?? []) {
    if (override.matcher.id !== 'byName' || override.matcher.options !== seriesName) continue;
    for (const { id, value } of override.properties) {
      if (id.startsWith('custom.')) field.custom = { ...field.custom, [id.slice(7)]: value };
      else Object.assign(field, { [id]: value });
    }
  }
  return field;
}

/** What the field's value mappings make of `value`, if any maps it. */
function mapped(field: FieldConfig, value: number): MappingResult | undefined {
  for (const mapping of field.mappings ?? []) {
    if (mapping.type === 'value') {
      const hit = Object.entries(mapping.options).find(([key]) => Number(key) === value);
      if (hit) return hit[1];
    } else if (mapping.type === 'range') {
      const { from, to, result } = mapping.options;
      if ((from ?? -Infinity) <= value && value <= (to ?? Infinity)) return result;
    }
  }
  return undefined;
}

/** The color of the highest threshold step `value` reaches. */
function thresholdColor(field: FieldConfig, value: number): string | undefined {
  return field.thresholds?.steps.findLast((s) => s.value === null || value >= s.value)?.color;
}

/** A value as a panel shows it: its text, and its color as CSS. */
export interface DisplayValue {
  text: string;
  color: string;
}

/**
 * `value` of the series at `seriesIndex` as the field shows it: the text and color of the
 * mapping that matches, else the value in its unit, colored by the field's color mode (the
 * series' palette color, a fixed color, or the threshold it reaches).
 */
export function displayValue(field: FieldConfig, value: number, seriesIndex: number): DisplayValue {
  const mapping = mapped(field, value);
  const text = mapping?.text ?? formatValue(value, field.unit, field.decimals);
  const color = mapping?.color ? cssColor(mapping.color) : fieldColor(field, value, seriesIndex);
  return { text, color };
}

/** The color (CSS) the field's color mode gives the series at `seriesIndex` with `value`. */
export function fieldColor(field: FieldConfig, value: number, seriesIndex: number): string {
  switch (field.color?.mode) {
    case 'fixed':
      return cssColor(field.color.fixedColor ?? 'grey');
    case 'thresholds':
      return cssColor(thresholdColor(field, value) ?? 'grey');
    default:
      return CLASSIC_PALETTE[seriesIndex % CLASSIC_PALETTE.length]!;
  }
}

/**
 * What a panel shows when its queries answer nothing: its noValue, else `0` for a panel of
 * single values (stat, bar gauge) and "no events" for one over time.
 */
export function noDataText(panel: Panel): string {
  return (
    panel.fieldConfig?.defaults?.noValue ??
    (panel.type === 'stat' || panel.type === 'bargauge' ? '0' : 'no events')
  );
}
