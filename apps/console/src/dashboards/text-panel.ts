import { markdownElement } from '../markdown';
import type { PanelContent, PanelContext } from './panel-frame';

/** Grafana's text panel: its Markdown, any HTML in it shown as text. */
export function textPanel({ panel, body }: PanelContext): PanelContent {
  body.append(markdownElement(panel.options?.content ?? '', 'markdown text-panel'));
  return { refresh: async () => 'data', destroy: () => undefined };
}
