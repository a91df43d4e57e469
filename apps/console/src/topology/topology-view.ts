import type { Fault, TopologyView } from '@faultline/contracts';
import type { ControlConnection } from '../control-connection';
import { el } from '../dom';
import { DrillForm } from '../drills/drill-form';
import { DrillList } from '../drills/drill-list';
import { Polling } from '../polling';
import type { ConsoleView } from '../view';
import { linkState } from './link-state';
import { topologyPicture } from './topology-picture';

/** How often the picture follows the topology: a drill's effect shows within this. */
const REFRESH_MS = 1_000;

/** A table's drills column: each fault's kind and drill. */
const drillsCell = (faults: Fault[]): string =>
  faults.map((f) => `${f.kind} (${f.drillId})`).join(', ');

function nodeTable(view: TopologyView): HTMLTableElement {
  return el(
    'table',
    { class: 'nodes' },
    el('caption', {}, 'Nodes'),
    el(
      'tr',
      {},
      el('th', {}, 'node'),
      el('th', {}, 'kind'),
      el('th', {}, 'role'),
      el('th', {}, 'health'),
      el('th', {}, 'drills'),
    ),
    ...view.nodes.map((n) =>
      el(
        'tr',
        { 'data-node': n.name, 'data-healthy': String(n.healthy) },
        el('td', {}, n.name),
        el('td', {}, n.kind),
        el('td', {}, n.role),
        el('td', {}, n.healthy ? 'healthy' : 'not answering'),
        el('td', {}, drillsCell(n.faults)),
      ),
    ),
  );
}

function linkTable(view: TopologyView): HTMLTableElement {
  return el(
    'table',
    { class: 'links' },
    el('caption', {}, 'Links'),
    el('tr', {}, el('th', {}, 'link'), el('th', {}, 'state'), el('th', {}, 'drills')),
    ...view.links.map((l) =>
      el(
        'tr',
        { 'data-link': l.name, 'data-state': linkState(l) },
        el('td', {}, l.name),
        el('td', {}, linkState(l)),
        el('td', {}, drillsCell(l.faults)),
      ),
    ),
  );
}

/** The live topology as a picture and tables, with the drill form and the drills beside it. */
export function topologyView(control: ControlConnection): ConsoleView {
  const picture = el('div', { class: 'picture' });
  const tables = el('div', { class: 'tables' });
  const problem = el('p', { class: 'view-error', role: 'alert' });
  const polling = new Polling(
    async () => {
      const [topology, drills, kinds] = await Promise.all([
        control.api.topology(),
        control.api.drills(),
        control.api.drillKinds(),
      ]);
      picture.replaceChildren(topologyPicture(topology));
      tables.replaceChildren(nodeTable(topology), linkTable(topology));
      list.update(drills);
      form.update(kinds);
      problem.textContent = '';
    },
    REFRESH_MS,
    (err) => (problem.textContent = err.message),
  );
  // The lists refresh as soon as the user changed something.
  const list = new DrillList(control, () => polling.now());
  const form = new DrillForm(control, () => polling.now());
  const element = el(
    'section',
    { class: 'view topology-view' },
    problem,
    el('div', { class: 'topology-layout' }, picture, el('aside', {}, form.element, list.element)),
    tables,
  );
  return {
    name: 'topology',
    title: 'Topology & drills',
    element,
    show: () => polling.start(),
    hide: () => polling.stop(),
  };
}
