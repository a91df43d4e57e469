import type { TopologyView } from '@faultline/contracts';
import { svgEl } from '../dom';
import { faultText } from '../drills/drill-text';
import { linkLatencyMs, linkState, type TopologyLink } from './link-state';

type TopologyNode = TopologyView['nodes'][number];

interface Box {
  x: number;
  y: number;
}

const BOX_WIDTH = 150;
const BOX_HEIGHT = 40;
const COLUMN_GAP = 110;
const ROW = 50;
const GROUP_GAP = 14;
const MARGIN = 16;

/**
 * Columns, left to right: the services (clients of the links), the endpoints, the datastores,
 * then what watches or carries them. Within a column, nodes keep the topology's order, and a
 * kind change leaves a gap.
 */
function columnOf(kind: string): number {
  if (kind === 'app') return 0;
  if (kind === 'endpoint') return 1;
  if (kind === 'postgres' || kind === 'redis' || kind === 'kafka') return 2;
  return 3;
}

/** The clients of links that are no node: the Sentinels share one link per Redis node. */
const GROUP_CLIENTS: Record<string, string> = { sentinels: 'sentinel' };

function layout(view: TopologyView): { boxes: Map<string, Box>; width: number; height: number } {
  const items = [
    ...view.nodes.map((n) => ({ name: n.name, kind: n.kind as string })),
    ...view.endpoints.map((e) => ({ name: e.name, kind: 'endpoint' })),
  ];
  const boxes = new Map<string, Box>();
  const rows = [0, 0, 0, 0];
  const lastKind: (string | undefined)[] = [];
  for (const item of items) {
    const column = columnOf(item.kind);
    if (lastKind[column] !== undefined && lastKind[column] !== item.kind) rows[column] += GROUP_GAP;
    lastKind[column] = item.kind;
    boxes.set(item.name, {
      x: MARGIN + column * (BOX_WIDTH + COLUMN_GAP),
      y: MARGIN + rows[column],
    });
    rows[column] += ROW;
  }
  for (const [client, kind] of Object.entries(GROUP_CLIENTS)) {
    const members = view.nodes.filter((n) => n.kind === kind).map((n) => boxes.get(n.name)!);
    if (members.length === 0) continue;
    boxes.set(client, {
      x: members[0].x,
      y: (members[0].y + members[members.length - 1].y) / 2,
    });
  }
  return {
    boxes,
    width: 2 * MARGIN + 4 * BOX_WIDTH + 3 * COLUMN_GAP,
    height: 2 * MARGIN + Math.max(...rows),
  };
}

/** A curve from one box's side to the other's, leaving and entering horizontally. */
function curve(from: Box, to: Box): { d: string; mid: Box } {
  const rightward = to.x >= from.x;
  const x1 = from.x + (rightward ? BOX_WIDTH : 0);
  const x2 = to.x + (rightward ? 0 : BOX_WIDTH);
  const y1 = from.y + BOX_HEIGHT / 2;
  const y2 = to.y + BOX_HEIGHT / 2;
  const bend = Math.max(40, Math.abs(x2 - x1) / 2) * (rightward ? 1 : -1);
  return {
    d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`,
    mid: { x: (x1 + x2) / 2, y: (y1 + y2) / 2 },
  };
}

function linkLabel(link: TopologyLink): string {
  const state = linkState(link);
  if (state === 'cut') return 'cut';
  if (state === 'slowed') return `+${linkLatencyMs(link)} ms`;
  return '';
}

function nodeBox(node: TopologyNode, box: Box): SVGElement {
  const badges = node.faults.map((f) => f.kind).join(', ');
  return svgEl(
    'g',
    {
      class: 'node',
      'data-node': node.name,
      'data-role': node.role,
      'data-healthy': String(node.healthy),
      transform: `translate(${box.x},${box.y})`,
    },
    svgEl(
      'title',
      {},
      `${node.name}: ${node.kind}, ${node.role}, ${node.healthy ? 'healthy' : 'not answering'}${node.faults.length ? `\n${node.faults.map(faultText).join('\n')}` : ''}`,
    ),
    svgEl('rect', { width: BOX_WIDTH, height: BOX_HEIGHT, rx: 6 }),
    svgEl('circle', { class: 'health', cx: 12, cy: 13, r: 5 }),
    svgEl('text', { x: 24, y: 17, class: 'name' }, node.name),
    svgEl('text', { x: 24, y: 32, class: 'role' }, badges ? `${node.role} · ${badges}` : node.role),
  );
}

function endpointBox(endpoint: TopologyView['endpoints'][number], box: Box): SVGElement {
  return svgEl(
    'g',
    {
      class: 'endpoint',
      'data-endpoint': endpoint.name,
      transform: `translate(${box.x},${box.y})`,
    },
    svgEl('title', {}, `${endpoint.name}: leads to ${endpoint.node ?? 'no node (no primary)'}`),
    svgEl('rect', { width: BOX_WIDTH, height: BOX_HEIGHT, rx: BOX_HEIGHT / 2 }),
    svgEl(
      'text',
      { x: BOX_WIDTH / 2, y: 17, class: 'name', 'text-anchor': 'middle' },
      endpoint.name,
    ),
    svgEl(
      'text',
      { x: BOX_WIDTH / 2, y: 32, class: 'role', 'text-anchor': 'middle' },
      `→ ${endpoint.node ?? 'none'}`,
    ),
  );
}

/**
 * The topology as a picture: nodes with role and health, endpoints with the node they lead to,
 * and every link (client → server) drawn by its state: up, cut, slowed. A drill on a link names
 * itself on hover; an idle link (a primary's own replication link) is faint.
 */
export function topologyPicture(view: TopologyView): SVGElement {
  const { boxes, width, height } = layout(view);
  const links = view.links.flatMap((link) => {
    const from = boxes.get(link.client);
    const to = boxes.get(link.server);
    if (!from || !to) return [];
    const { d, mid } = curve(from, to);
    const state = linkState(link);
    const idle = view.endpoints.some((e) => e.name === link.server && e.node === link.client);
    const label = linkLabel(link);
    return [
      svgEl(
        'g',
        { class: 'link', 'data-link': link.name, 'data-state': state, 'data-idle': String(idle) },
        svgEl(
          'title',
          {},
          `${link.name}: ${state}${link.faults.length ? `\n${link.faults.map(faultText).join('\n')}` : ''}`,
        ),
        svgEl('path', { d, 'marker-end': `url(#arrow-${state})` }),
        ...(label
          ? [svgEl('text', { x: mid.x, y: mid.y - 4, 'text-anchor': 'middle' }, label)]
          : []),
      ),
    ];
  });
  const leads = view.endpoints.flatMap((e) => {
    const from = boxes.get(e.name);
    const to = e.node ? boxes.get(e.node) : undefined;
    return from && to ? [svgEl('path', { class: 'leads-to', d: curve(from, to).d })] : [];
  });
  const arrow = (state: string) =>
    svgEl(
      'marker',
      {
        id: `arrow-${state}`,
        viewBox: '0 0 10 10',
        refX: 9,
        refY: 5,
        markerWidth: 7,
        markerHeight: 7,
        orient: 'auto-start-reverse',
        class: `arrow-${state}`,
      },
      svgEl('path', { d: 'M0,0 L10,5 L0,10 z' }),
    );
  return svgEl(
    'svg',
    {
      class: 'topology-picture',
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': 'topology',
    },
    svgEl('defs', {}, arrow('up'), arrow('cut'), arrow('slowed')),
    ...leads,
    ...links,
    ...view.nodes.map((n) => nodeBox(n, boxes.get(n.name)!)),
    ...view.endpoints.map((e) => endpointBox(e, boxes.get(e.name)!)),
  );
}
