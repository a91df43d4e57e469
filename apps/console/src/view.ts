/** One of the console's pages (topology, scenarios, dashboards), shown by the address's hash. */
export interface ConsoleView {
  /** The hash word that shows it: `#topology`, `#scenarios/<id>`, `#dashboards/<uid>`. */
  readonly name: string;
  readonly title: string;
  readonly element: HTMLElement;
  /** The view is shown, or its route changed (`route`: the hash's parts after the name). */
  show(route: string[]): void;
  /** Another view is shown: stop polling. */
  hide(): void;
}
