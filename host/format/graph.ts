// The graph schema stored as JSON text in a model file's __metadata__.graph.
//
//   { "version": 1,
//     "inputs":  [{ "name": "image", "shape": ["N", 150, 150, 3] }],   // strings are symbolic dims
//     "outputs": ["descriptor"],
//     "nodes":   [{ "op": "conv2d", "inputs": ["image", "w", "b"], "outputs": ["c1"], "attrs": {...} }, ...] }
//
// Node inputs name a graph input, a weight tensor of the file, or another node's output.
// validateGraph checks every reference and attribute and returns the nodes in execution order.
import { getOp, type OpDef } from '../ops/index.ts';
import { OpError, type RawAttrs } from '../ops/op.ts';
import { FormatError } from './safetensors.ts';

export const GRAPH_VERSION = 1;

/** A dimension: a fixed size, or a symbol ("N", "H", "W") bound when the graph is planned. */
export type Dim = number | string;

export interface GraphInput {
  name: string;
  /** NHWC for images, e.g. ["N", 150, 150, 3]. */
  shape: Dim[];
}

export interface GraphNode {
  op: string;
  inputs: string[];
  /** Exactly one output per node (every op has one). */
  outputs: [string];
  attrs?: RawAttrs;
}

export interface Graph {
  version: number;
  inputs: GraphInput[];
  outputs: string[];
  nodes: GraphNode[];
}

/** A node with its op resolved and attributes parsed. */
export interface ResolvedNode {
  index: number;
  op: OpDef<any>;
  attrs: unknown;
  inputs: string[];
  output: string;
}

const isName = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/**
 * Checks the structure, resolves ops, parses attributes, and orders nodes so that every input is
 * produced before use. `weightNames` are the tensors stored in the file.
 */
export function validateGraph(g: unknown, weightNames: ReadonlySet<string>): { graph: Graph; order: ResolvedNode[] } {
  if (typeof g !== 'object' || g === null || Array.isArray(g)) throw new FormatError('graph: not a JSON object');
  const graph = g as Graph;
  if (graph.version !== GRAPH_VERSION) throw new FormatError(`graph: version ${JSON.stringify(graph.version)} is not supported (expected ${GRAPH_VERSION})`);
  if (!Array.isArray(graph.inputs) || graph.inputs.length === 0) throw new FormatError('graph: "inputs" must be a non-empty list');
  if (!Array.isArray(graph.outputs) || graph.outputs.length === 0 || !graph.outputs.every(isName)) throw new FormatError('graph: "outputs" must be a non-empty list of names');
  if (!Array.isArray(graph.nodes)) throw new FormatError('graph: "nodes" must be a list');

  const producer = new Map<string, number>(); // tensor -> node index, -1 for graph inputs / weights
  for (const w of weightNames) producer.set(w, -1);
  for (const [i, inp] of graph.inputs.entries()) {
    if (!inp || !isName(inp.name)) throw new FormatError(`graph: input ${i} has no name`);
    if (producer.has(inp.name)) throw new FormatError(`graph: input "${inp.name}" clashes with another input or a weight`);
    if (!Array.isArray(inp.shape) || !inp.shape.every((d) => isName(d) || (Number.isSafeInteger(d) && (d as number) > 0))) {
      throw new FormatError(`graph: input "${inp.name}" has bad shape ${JSON.stringify(inp.shape)}`);
    }
    producer.set(inp.name, -1);
  }

  const resolved: ResolvedNode[] = graph.nodes.map((node, i) => {
    const where = `graph: node ${i}${node && typeof node.op === 'string' ? ` (${node.op})` : ''}`;
    if (typeof node !== 'object' || node === null) throw new FormatError(`${where}: not an object`);
    const op = getOp(node.op);
    if (!op) throw new FormatError(`${where}: unknown op ${JSON.stringify(node.op)}`);
    if (!Array.isArray(node.inputs) || !node.inputs.every(isName)) throw new FormatError(`${where}: "inputs" must be a list of names`);
    if (!Array.isArray(node.outputs) || node.outputs.length !== 1 || !isName(node.outputs[0])) throw new FormatError(`${where}: "outputs" must be a list of exactly one name`);
    const [lo, hi] = op.arity;
    if (node.inputs.length < lo || node.inputs.length > hi) throw new FormatError(`${where}: takes ${lo === hi ? lo : `${lo} to ${hi}`} inputs, got ${node.inputs.length}`);
    const out = node.outputs[0];
    if (producer.has(out)) throw new FormatError(`${where}: output "${out}" is already defined`);
    producer.set(out, i);
    const raw = node.attrs ?? {};
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new FormatError(`${where}: "attrs" must be an object`);
    let attrs: unknown;
    try {
      attrs = op.parseAttrs(raw);
    } catch (e) {
      if (e instanceof OpError) throw new FormatError(`${where}: ${e.message}`);
      throw e;
    }
    return { index: i, op, attrs, inputs: node.inputs, output: out };
  });

  for (const n of resolved) {
    for (const name of n.inputs) if (!producer.has(name)) throw new FormatError(`graph: node ${n.index} (${n.op.name}) reads "${name}", which nothing defines`);
  }
  for (const name of graph.outputs) if (!producer.has(name) || producer.get(name) === -1) throw new FormatError(`graph: output "${name}" is not produced by any node`);

  // Kahn's algorithm, stable in file order; leftover nodes mean a cycle.
  const order: ResolvedNode[] = [];
  const ready = new Set<string>([...producer].filter(([, p]) => p === -1).map(([n]) => n));
  let pending = resolved;
  while (pending.length) {
    const next = pending.filter((n) => !n.inputs.every((x) => ready.has(x)));
    const now = pending.filter((n) => n.inputs.every((x) => ready.has(x)));
    if (now.length === 0) throw new FormatError(`graph: cycle through node ${next[0].index} (${next[0].op.name})`);
    for (const n of now) {
      order.push(n);
      ready.add(n.output);
    }
    pending = next;
  }
  return { graph, order };
}
