/**
 * What a dashboard file Grafana provisions must be, in Grafana's own published types
 * (`@grafana/grafana-foundation-sdk`, generated from Grafana's schemas). Type-only: the
 * Grafana-schema check (grafana-schema.ts) type-checks each file's JSON against `DashboardFile`.
 */
import type * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import type * as sdk from '@grafana/grafana-foundation-sdk/dashboard';
import type * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import type * as stat from '@grafana/grafana-foundation-sdk/stat';
import type * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import type * as text from '@grafana/grafana-foundation-sdk/text';
import type * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

type Method = (...args: never[]) => unknown;

/** A type of the SDK as JSON carries it: string enums as their values, no methods. */
type Json<T> = T extends Method
  ? never
  : T extends string
    ? `${T}`
    : T extends number | boolean | null | undefined
      ? T
      : T extends readonly (infer E)[]
        ? Json<E>[]
        : T extends object
          ? { [K in keyof T as T[K] extends Method ? never : K]: Json<T[K]> }
          : T;

/** Panel options and custom field config: Grafana fills in the plugin's defaults for what is left out. */
type Defaulted<T> = T extends readonly (infer E)[]
  ? Defaulted<E>[]
  : T extends object
    ? { [K in keyof T]?: Defaulted<T[K]> }
    : T;

/** The panel plugins the dashboards may use, by plugin id: their options and custom field config. */
interface PanelPlugins {
  timeseries: { options: timeseries.Options; custom: timeseries.FieldConfig };
  stat: { options: stat.Options; custom: Record<string, never> };
  bargauge: { options: bargauge.Options; custom: Record<string, never> };
  'state-timeline': { options: statetimeline.Options; custom: statetimeline.FieldConfig };
  text: { options: text.Options; custom: Record<string, never> };
}

/** Every query is PromQL: the provisioning's Prometheus is the only datasource panels query. */
type PrometheusQuery = Json<prometheus.Dataquery> & { refId: string };

type FieldConfigSource<Custom> = Json<Omit<sdk.FieldConfigSource, 'defaults'>> & {
  defaults: Json<Omit<sdk.FieldConfig, 'custom'>> & { custom?: Defaulted<Json<Custom>> };
};

/** A panel of one plugin; an id and a place on the grid are required, not left to Grafana. */
type PluginPanel<Id extends keyof PanelPlugins> = Json<
  Omit<sdk.Panel, 'type' | 'id' | 'gridPos' | 'options' | 'fieldConfig' | 'targets'>
> & {
  type: Id;
  id: number;
  gridPos: Json<sdk.GridPos>;
  options?: Defaulted<Json<PanelPlugins[Id]['options']>>;
  fieldConfig?: FieldConfigSource<PanelPlugins[Id]['custom']>;
  targets?: PrometheusQuery[];
};

type Panel = { [Id in keyof PanelPlugins]: PluginPanel<Id> }[keyof PanelPlugins];

type RowPanel = Json<Omit<sdk.RowPanel, 'gridPos' | 'panels'>> & {
  gridPos: Json<sdk.GridPos>;
  panels: Panel[];
};

/** A dashboard file: Grafana's dashboard model (schema v1), with a uid and a title to provision by. */
export type DashboardFile = Json<Omit<sdk.Dashboard, 'uid' | 'title' | 'panels'>> & {
  uid: string;
  title: string;
  panels: (Panel | RowPanel)[];
};
