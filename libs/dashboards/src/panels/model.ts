/**
 * A Grafana dashboard as its JSON has it, in the parts faultline reads: the tests that hold the
 * dashboards to the metrics, and the console that renders them. Loose on purpose: the Grafana
 * schema check (grafana-json.ts) is what holds the files to Grafana's own types.
 */

/** What a value mapping turns a value into; `color` is a Grafana color name or a CSS color. */
export interface MappingResult {
  text?: string;
  color?: string;
  index?: number;
}

/** Grafana's value mappings: exact values, or a range (either end left open). */
export type ValueMapping =
  | { type: 'value'; options: Record<string, MappingResult> }
  | { type: 'range'; options: { from?: number | null; to?: number | null; result: MappingResult } }
  | { type: 'special' | 'regex'; options: unknown };

/** A threshold step: from `value` up (null: from minus infinity), the field has `color`. */
export interface ThresholdStep {
  value: number | null;
  color: string;
}

/** A field's display settings: the panel's defaults, with the overrides that match a series. */
export interface FieldConfig {
  unit?: string;
  decimals?: number;
  min?: number;
  max?: number;
  /** What the panel shows when its query answers nothing. */
  noValue?: string;
  mappings?: ValueMapping[];
  thresholds?: { mode?: string; steps: ThresholdStep[] };
  /** `palette-classic` (a color a series), `thresholds`, or `fixed` (`fixedColor`). */
  color?: { mode: string; fixedColor?: string };
  custom?: Record<string, unknown>;
}

/** A field override: the properties (`color`, `unit`, `custom.fillOpacity`…) of the series it matches. */
export interface FieldOverride {
  matcher: { id: string; options?: unknown };
  properties: { id: string; value?: unknown }[];
}

/** A panel's PromQL query. */
export interface Target {
  refId?: string;
  expr?: string;
  /** `{{label}}` placeholders; none: the series' `name{labels}`. */
  legendFormat?: string;
  /** An instant query (the value at the end of the range) rather than a range query. */
  instant?: boolean;
  range?: boolean;
  datasource?: { type?: string; uid?: string };
}

/** The options the console reads, from the panel types that have them. */
export interface PanelOptions {
  /** text */
  mode?: string;
  content?: string;
  /** stat and bargauge */
  reduceOptions?: { calcs?: string[] };
  /** stat: `background`, `value` or `none`. */
  colorMode?: string;
  /** stat: `auto`, `value`, `value_and_name`, `name` or `none`. */
  textMode?: string;
  legend?: { showLegend?: boolean };
}

/** A Grafana panel as the dashboards' JSON has it (rows nest panels). */
export interface Panel {
  id?: number;
  type: string;
  title?: string;
  description?: string;
  datasource?: { type?: string; uid?: string };
  /** Place on Grafana's grid: 24 columns wide, `h` in row units (30 px each in Grafana). */
  gridPos?: { x: number; y: number; w: number; h: number };
  fieldConfig?: { defaults?: FieldConfig; overrides?: FieldOverride[] };
  options?: PanelOptions;
  targets?: Target[];
  panels?: Panel[];
}

/** A dashboard annotation; faultline's are PromQL ("Drills"), besides Grafana's built-in one. */
export interface Annotation {
  name?: string;
  enable?: boolean;
  expr?: string;
  /** The annotation query's step (`5s`): samples this far apart belong to one region. */
  step?: string;
  titleFormat?: string;
  textFormat?: string;
  datasource?: { type?: string; uid?: string };
}

export interface Dashboard {
  file: string;
  uid: string;
  title: string;
  description?: string;
  panels: Panel[];
  annotations?: { list?: Annotation[] };
  /** Relative to now: `{ from: 'now-15m', to: 'now' }`. */
  time?: { from: string; to: string };
  /** How often Grafana reloads the panels (`5s`); empty or false: never. */
  refresh?: string | false;
}

/** The panels of a dashboard, rows flattened. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}
