import { graphlib, layout } from '@dagrejs/dagre';
import { useMemo } from 'preact/hooks';
import type { GraphModel } from '../graph-model';

const NODE_W = 150;
const NODE_H = 40;

interface Props {
  graph: GraphModel;
  selected: string | null;
  onSelect: (id: string) => void;
}

/** The run's graph, laid out by dagre (top to bottom; parallel branches side by side), nodes coloured by status. */
export function DagView({ graph, selected, onSelect }: Props) {
  const laid = useMemo(() => {
    const g = new graphlib.Graph();
    g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 40, marginx: 10, marginy: 10 });
    g.setDefaultEdgeLabel(() => ({}));
    for (const node of graph.nodes) g.setNode(node.id, { width: NODE_W, height: NODE_H });
    for (const edge of graph.edges) if (g.hasNode(edge.from) && g.hasNode(edge.to)) g.setEdge(edge.from, edge.to);
    layout(g);
    const size = g.graph();
    return {
      width: Math.max(size.width ?? 0, NODE_W),
      height: Math.max(size.height ?? 0, NODE_H),
      nodes: graph.nodes.map((n) => ({ ...n, x: g.node(n.id).x, y: g.node(n.id).y })),
      edges: g.edges().map((e) => ({ key: `${e.v}->${e.w}`, points: g.edge(e).points ?? [] })),
    };
  }, [graph]);
  if (graph.nodes.length === 0) return <p class="muted">No steps yet.</p>;
  return (
    <svg class="dag" viewBox={`0 0 ${laid.width} ${laid.height}`} width={laid.width} role="group" aria-label="workflow graph">
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" class="arrowhead" />
        </marker>
      </defs>
      {laid.edges.map((e) => (
        <polyline key={e.key} class="edge" points={e.points.map((p: { x: number; y: number }) => `${p.x},${p.y}`).join(' ')} marker-end="url(#arrow)" />
      ))}
      {laid.nodes.map((n) => (
        <g
          key={n.id}
          class={`node s-${n.status}${selected === n.id ? ' selected' : ''}`}
          data-step={n.id}
          data-status={n.status}
          transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
          // SVG attributes are case-sensitive: tabindex, not tabIndex
          tabindex={0}
          role="button"
          aria-label={`step ${n.id}: ${n.status}`}
          onClick={() => onSelect(n.id)}
          onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect(n.id))}
        >
          <rect width={NODE_W} height={NODE_H} rx={6} />
          <text x={NODE_W / 2} y={17} text-anchor="middle" class="label">
            {n.id.length > 20 ? `${n.id.slice(0, 19)}…` : n.id}
          </text>
          <text x={NODE_W / 2} y={32} text-anchor="middle" class="status">
            {n.status}
          </text>
        </g>
      ))}
    </svg>
  );
}
