import { marked } from 'marked';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

// HTML written in the Markdown (a report quotes what services answered) is shown as text,
// never rendered.
const renderer = new marked.Renderer();
renderer.html = ({ text }) => escapeHtml(text);

/** A Markdown document (a report, a dashboard's text panel) as an element's content. */
export function markdownElement(source: string, className = 'markdown'): HTMLElement {
  const element = document.createElement('div');
  element.className = className;
  element.innerHTML = marked.parse(source, { renderer, async: false, gfm: true });
  return element;
}
