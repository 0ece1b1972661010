/**
 * The console's picture: meetings as nodes, connections as edges, drawn as SVG.
 *
 * @typedef {{id: string, count: number, status?: string, focus?: boolean}} GraphNode
 * @typedef {{id: string, from: string, to: string, payload?: string, closed?: boolean, reason?: string}} GraphEdge
 */

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 480;
const HEIGHT = 320;

function el(name, attributes = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(key, String(value));
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

const short = (id) => (id.length > 18 ? `${id.slice(0, 16)}…` : id);
const people = (count) => `${count} participant${count === 1 ? '' : 's'}`;

/** Where each node goes: the focused meeting in the middle, the others on a circle around it. */
function layout(nodes) {
  const positions = new Map();
  const focus = nodes.find((node) => node.focus);
  const others = nodes.filter((node) => node !== focus);
  const cx = WIDTH / 2;
  const cy = HEIGHT / 2;
  if (focus && others.length === 1) {
    // A pair side by side.
    positions.set(focus.id, { x: cx - 110, y: cy });
    positions.set(others[0].id, { x: cx + 110, y: cy });
    return positions;
  }
  if (focus) positions.set(focus.id, { x: cx, y: cy });
  const radius = focus ? Math.min(WIDTH, HEIGHT) / 2 - 48 : Math.min(WIDTH, HEIGHT) / 2 - 56;
  others.forEach((node, index) => {
    if (!focus && others.length === 1) {
      positions.set(node.id, { x: cx, y: cy });
      return;
    }
    // One neighbour to the right, two either side, more spread around the circle clockwise.
    const angle = (2 * Math.PI * index) / others.length;
    positions.set(node.id, { x: cx + radius * 1.35 * Math.cos(angle), y: cy + radius * Math.sin(angle) });
  });
  return positions;
}

/**
 * Draws the graph into an `<svg>` element, replacing what was there, and keeps its accessible
 * description in step.
 * @param {SVGSVGElement} svg
 * @param {{nodes: GraphNode[], edges: GraphEdge[]}} graph
 */
export function drawGraph(svg, { nodes, edges }) {
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  const description = [];
  if (nodes.length === 0) {
    svg.append(el('text', { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle', class: 'graph-empty' },
      'Nothing to draw yet'));
    svg.setAttribute('aria-label', 'No meetings to show');
    return;
  }
  const positions = layout(nodes);
  const edgeLayer = el('g', { class: 'edges' });
  const nodeLayer = el('g', { class: 'nodes' });
  for (const edge of edges) {
    const a = positions.get(edge.from);
    const b = positions.get(edge.to);
    if (!a || !b) continue;
    const line = el('line', {
      x1: a.x, y1: a.y, x2: b.x, y2: b.y,
      class: `edge${edge.closed ? ' closed' : ''}`,
      'data-connection': edge.id,
    });
    line.append(el('title', {}, `${edge.from} ↔ ${edge.to}${edge.payload ? `: “${edge.payload}”` : ''}${edge.closed ? ` (closed: ${edge.reason})` : ''}`));
    edgeLayer.append(line);
    if (edge.payload && !edge.closed) {
      edgeLayer.append(el('text', { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 6, class: 'edge-label', 'text-anchor': 'middle' },
        edge.payload.length > 24 ? `${edge.payload.slice(0, 22)}…` : edge.payload));
    }
    description.push(`${edge.from} ${edge.closed ? 'was' : 'is'} connected to ${edge.to}`);
  }
  for (const node of nodes) {
    const { x, y } = positions.get(node.id);
    const ended = node.status === 'ended';
    const group = el('g', {
      class: `node${node.focus ? ' focus' : ''}${ended ? ' ended' : ''}`,
      transform: `translate(${x.toFixed(1)} ${y.toFixed(1)})`,
      'data-meeting': node.id,
      'data-count': node.count,
    });
    const r = 26 + Math.min(node.count, 12) * 2;
    group.append(el('circle', { r }));
    group.append(el('text', { y: -r - 8, 'text-anchor': 'middle', class: 'node-label' }, short(node.id)));
    group.append(el('text', { y: 6, 'text-anchor': 'middle', class: 'node-count' }, String(node.count)));
    group.append(el('text', { y: r + 16, 'text-anchor': 'middle', class: 'node-sub' }, ended ? 'ended' : people(node.count)));
    group.append(el('title', {}, `${node.id}: ${people(node.count)}${ended ? ', ended' : ''}`));
    nodeLayer.append(group);
    description.push(`${node.id} has ${people(node.count)}${ended ? ' and has ended' : ''}`);
  }
  svg.append(edgeLayer, nodeLayer);
  svg.setAttribute('aria-label', `Meetings and connections: ${description.join('; ')}`);
}
