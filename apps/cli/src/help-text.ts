import type { Command } from 'commander';

/** An entry of a help section: a term, and what it means. */
export type HelpItem = readonly [term: string, description: string];

/**
 * A titled list laid out as commander lays out options and commands (aligned, wrapped), for
 * the text a command adds after its generated help.
 */
export function helpSection(command: Command, title: string, items: readonly HelpItem[]): string {
  const help = command.createHelp();
  const width = Math.max(...items.map(([term]) => term.length));
  const lines = items.map(([term, description]) => help.formatItem(term, width, description, help));
  return help.formatItemList(title, lines, help).join('\n');
}

/** A paragraph of help, wrapped as commander wraps its own, indented by `indent` spaces. */
export function helpParagraph(command: Command, text: string, indent = 0): string {
  const help = command.createHelp();
  const wrapped = help.boxWrap(text, (help.helpWidth ?? 80) - indent);
  return `${wrapped.replace(/^/gm, ' '.repeat(indent))}\n`;
}
