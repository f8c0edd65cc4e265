/**
 * Run an ONNX graph with tfjs ops, so tfjs's autodiff reaches through it (textual inversion needs
 * d loss / d concept row through the pack's text encoder and UNet; ORT-web cannot differentiate).
 *
 * Values are tfjs tensors, or, for the shape arithmetic exporters emit (Shape → Gather → Concat →
 * Reshape, int64 in ONNX), small host arrays computed in JS: tfjs has no int64, and keeping shapes
 * on the host keeps them out of the gradient. Only the ops the packs' graphs use are implemented;
 * any other op is a clear error naming it.
 *
 * Layouts follow ONNX (NCHW); convolutions transpose to tfjs's NHWC and back.
 */
import * as tf from '@tensorflow/tfjs-core';
import { EngineError } from '../../errors';
import { type OnnxAttribute, type OnnxGraph, type OnnxNode, type OnnxTensor, ONNX_DTYPE } from './decode';

/** Integer (or shape-derived) data kept in JS. */
export interface HostValue {
  host: true;
  dims: number[];
  data: number[];
  float: boolean;
}

export type Value = tf.Tensor | HostValue;

export const isHost = (v: Value): v is HostValue => (v as HostValue).host === true;

export function hostValue(data: number[], dims: number[] = [data.length], float = false): HostValue {
  return { host: true, dims, data, float };
}

/** A graph with its float weights uploaded to tfjs once; `dispose` frees them. */
export interface TfGraph {
  graph: OnnxGraph;
  run(feeds: Record<string, Value>, outputs?: string[]): Record<string, tf.Tensor>;
  dispose(): void;
}

function initializerValue(t: OnnxTensor): Value {
  if (t.data instanceof Float32Array) return tf.tensor(t.data, t.dims, 'float32');
  return hostValue(t.data, t.dims, false);
}

/** The graphs' weights, whose convolution layouts are computed once (`filterLayouts`). */
const frozen = new WeakSet<tf.Tensor>();
const layouts = new WeakMap<tf.Tensor, { hwio: tf.Tensor4D; back: tf.Tensor4D }>();

export function prepareGraph(graph: OnnxGraph): TfGraph {
  const weights = new Map<string, Value>();
  for (const [name, t] of graph.initializers) {
    const v = initializerValue(t);
    if (!isHost(v)) frozen.add(v);
    weights.set(name, v);
  }
  return {
    graph,
    run(feeds, outputs = graph.outputs) {
      const env = new Map<string, Value>(weights);
      for (const name of graph.inputs) {
        const v = feeds[name];
        if (!v) throw new EngineError('InvalidInput', `The graph needs input "${name}"`);
        env.set(name, v);
      }
      for (const node of graph.nodes) {
        const args = node.inputs.map((n) => (n === '' ? undefined : env.get(n)));
        node.inputs.forEach((n, i) => {
          if (n !== '' && args[i] === undefined)
            throw new EngineError('ModelIOMismatch', `${node.opType} ${node.name}: input ${n} is not computed`);
        });
        const results = runNode(node, args);
        node.outputs.forEach((n, i) => {
          const r = results[i];
          if (r !== undefined) env.set(n, r);
        });
      }
      const out: Record<string, tf.Tensor> = {};
      for (const name of outputs) {
        const v = env.get(name);
        if (!v) throw new EngineError('InvalidInput', `The graph has no output "${name}"`);
        out[name] = toTensor(v);
      }
      return out;
    },
    dispose() {
      for (const v of weights.values()) {
        if (isHost(v)) continue;
        const l = layouts.get(v);
        l?.hwio.dispose();
        l?.back.dispose();
        v.dispose();
      }
    },
  };
}

// ---- helpers ----

export function toTensor(v: Value): tf.Tensor {
  return isHost(v) ? tf.tensor(v.data, v.dims, v.float ? 'float32' : 'int32') : v;
}

function asFloat(v: Value): tf.Tensor {
  const t = toTensor(v);
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** Integer data of a small tensor or host value (shapes, axes, indices). */
function ints(v: Value | undefined, what: string): number[] {
  if (v === undefined) throw new EngineError('ModelIOMismatch', `missing ${what}`);
  return isHost(v) ? v.data.map(Math.trunc) : Array.from(v.dataSync(), Math.trunc);
}

function attr(node: OnnxNode, name: string): OnnxAttribute | undefined {
  return node.attributes.get(name);
}
function attrInt(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && (a.kind === 'int' || a.kind === 'float') ? a.value : fallback;
}
function attrFloat(node: OnnxNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a && (a.kind === 'float' || a.kind === 'int') ? a.value : fallback;
}
function attrInts(node: OnnxNode, name: string): number[] | undefined {
  const a = attr(node, name);
  return a?.kind === 'ints' ? a.value : undefined;
}
function attrString(node: OnnxNode, name: string, fallback: string): string {
  const a = attr(node, name);
  return a?.kind === 'string' ? a.value : fallback;
}

const normAxis = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);
const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** numpy broadcasting of two host values (shape arithmetic: small). */
function hostBinary(a: HostValue, b: HostValue, f: (x: number, y: number) => number, float: boolean): HostValue {
  const rank = Math.max(a.dims.length, b.dims.length);
  const pad = (d: number[]) => [...Array(rank - d.length).fill(1), ...d];
  const da = pad(a.dims);
  const db = pad(b.dims);
  const dims = da.map((x, i) => Math.max(x, db[i]!));
  const strides = (d: number[]) => {
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = rank - 1; i >= 0; i--) {
      s[i] = d[i] === 1 ? 0 : acc;
      acc *= d[i]!;
    }
    return s;
  };
  const sa = strides(da);
  const sb = strides(db);
  const data: number[] = [];
  const idx = new Array<number>(rank).fill(0);
  for (let n = 0; n < size(dims); n++) {
    let ia = 0;
    let ib = 0;
    let rem = n;
    for (let i = rank - 1; i >= 0; i--) {
      idx[i] = rem % dims[i]!;
      rem = Math.floor(rem / dims[i]!);
      ia += idx[i]! * sa[i]!;
      ib += idx[i]! * sb[i]!;
    }
    data.push(f(a.data[ia]!, b.data[ib]!));
  }
  return hostValue(data, dims, float);
}

type Args = (Value | undefined)[];

function need(args: Args, i: number, node: OnnxNode): Value {
  const v = args[i];
  if (v === undefined) throw new EngineError('ModelIOMismatch', `${node.opType} ${node.name} needs input ${i}`);
  return v;
}

function binary(
  node: OnnxNode,
  args: Args,
  tfOp: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor,
  hostOp: (x: number, y: number) => number,
): Value {
  const a = need(args, 0, node);
  const b = need(args, 1, node);
  if (isHost(a) && isHost(b)) {
    const float = a.float || b.float;
    const op = !float && node.opType === 'Div' ? (x: number, y: number) => Math.trunc(x / y) : hostOp;
    return hostBinary(a, b, op, float);
  }
  return tfOp(asFloat(a), asFloat(b));
}

function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.rank >= 2 && b.rank === 2) {
    const lead = a.shape.slice(0, -1);
    const out = tf.matMul(tf.reshape(a, [-1, a.shape[a.rank - 1]!]), b);
    return tf.reshape(out, [...lead, b.shape[1]!]);
  }
  if (a.rank === b.rank) return tf.matMul(a, b);
  const rank = Math.max(a.rank, b.rank);
  const lift = (t: tf.Tensor) => tf.reshape(t, [...Array(rank - t.rank).fill(1), ...t.shape]);
  return tf.matMul(lift(a), lift(b));
}

/** Softmax along any axis (tfjs's runs along the last one). */
function softmax(x: tf.Tensor, axis: number): tf.Tensor {
  const last = x.rank - 1;
  if (axis === last) return tf.softmax(x);
  const perm = [...Array(x.rank).keys()];
  perm[axis] = last;
  perm[last] = axis;
  return tf.transpose(tf.softmax(tf.transpose(x, perm)), perm);
}

type Pads = { top: number; left: number; bottom: number; right: number };
const explicit = (p: Pads): [[number, number], [number, number], [number, number], [number, number]] => [
  [0, 0],
  [p.top, p.bottom],
  [p.left, p.right],
  [0, 0],
];

/**
 * A convolution whose gradient flows to its input only (the weights are frozen). For stride and
 * dilation 1 the input's gradient is itself a convolution, of dy with the flipped, transposed
 * filter and the complementary padding: on tfjs's wasm backend that runs on its fast Conv2D instead
 * of Conv2DBackpropInput (measured on the toy UNet: 282 ms of Conv2DBackpropInput a step, against
 * 69 ms for all its convolutions, forward and backward, this way).
 */
function conv2dInputGrad(
  x: tf.Tensor4D,
  f: FilterLayouts,
  strides: [number, number],
  pads: Pads,
  dilations: [number, number],
): tf.Tensor4D {
  const plain = strides[0] === 1 && strides[1] === 1 && dilations[0] === 1 && dilations[1] === 1;
  if (!plain) return tf.conv2d(x, f.hwio, strides, explicit(pads), 'NHWC', dilations);
  const [kh, kw] = [f.hwio.shape[0], f.hwio.shape[1]];
  const backPads = { top: kh - 1 - pads.top, left: kw - 1 - pads.left, bottom: kh - 1 - pads.bottom, right: kw - 1 - pads.right };
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    save([f.back]); // kept for the backward pass: the forward's own tensors are freed after it
    return {
      value: tf.conv2d(input, f.hwio, 1, explicit(pads), 'NHWC'),
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => tf.conv2d(dy, saved[0] as tf.Tensor4D, 1, explicit(backPads), 'NHWC'),
    };
  });
  return run(x) as tf.Tensor4D;
}

interface FilterLayouts {
  /** [kh, kw, in, out]: tfjs's layout of ONNX's [out, in, kh, kw]. */
  hwio: tf.Tensor4D;
  /** Flipped in space, in and out swapped, [kh, kw, out, in]: the input gradient's filter. */
  back: tf.Tensor4D;
}

/** A frozen weight's layouts are made once and kept with the graph; other filters each run. */
function filterLayouts(w: tf.Tensor): FilterLayouts {
  const have = layouts.get(w);
  if (have) return have;
  const make = () => {
    const hwio = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D;
    return { hwio, back: tf.transpose(tf.reverse(hwio, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D };
  };
  if (!frozen.has(w)) return make();
  const made = make();
  tf.keep(made.hwio);
  tf.keep(made.back);
  layouts.set(w, made);
  return made;
}

function conv(node: OnnxNode, args: Args): tf.Tensor {
  const x = asFloat(need(args, 0, node)); // [N, C, H, W]
  const w = asFloat(need(args, 1, node)); // [O, C/group, kh, kw]
  const group = attrInt(node, 'group', 1);
  if (x.rank !== 4 || group !== 1) {
    throw new EngineError(
      'ModelIOMismatch',
      `Conv ${node.name}: only 2-D convolutions with group 1 run in tfjs (rank ${x.rank}, group ${group})`,
    );
  }
  const [pt, pl, pb, pr] = attrInts(node, 'pads') ?? [0, 0, 0, 0];
  if (attrString(node, 'auto_pad', 'NOTSET') !== 'NOTSET')
    throw new EngineError('ModelIOMismatch', `Conv ${node.name}: auto_pad is not supported`);
  const strides = (attrInts(node, 'strides') ?? [1, 1]) as [number, number];
  const dilations = (attrInts(node, 'dilations') ?? [1, 1]) as [number, number];
  const nhwc = tf.transpose(x, [0, 2, 3, 1]) as tf.Tensor4D;

  const pads = { top: pt!, left: pl!, bottom: pb!, right: pr! };
  let y: tf.Tensor = conv2dInputGrad(nhwc, filterLayouts(w), strides, pads, dilations);
  const bias = args[2];
  if (bias !== undefined) y = tf.add(y, asFloat(bias));
  return tf.transpose(y, [0, 3, 1, 2]);
}

function instanceNorm(node: OnnxNode, args: Args): tf.Tensor {
  const x = asFloat(need(args, 0, node));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const axes = [...Array(x.rank).keys()].slice(2);
  const { mean, variance } = tf.moments(x, axes, true);
  const perChannel = [1, x.shape[1]!, ...Array(x.rank - 2).fill(1)];
  const scale = tf.reshape(asFloat(need(args, 1, node)), perChannel);
  const bias = tf.reshape(asFloat(need(args, 2, node)), perChannel);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), scale), bias);
}

function layerNorm(node: OnnxNode, args: Args): tf.Tensor {
  const x = asFloat(need(args, 0, node));
  const eps = attrFloat(node, 'epsilon', 1e-5);
  const axis = normAxis(attrInt(node, 'axis', -1), x.rank);
  const axes = [...Array(x.rank).keys()].slice(axis);
  const { mean, variance } = tf.moments(x, axes, true);
  let y: tf.Tensor = tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps)));
  y = tf.mul(y, asFloat(need(args, 1, node)));
  const bias = args[2];
  return bias === undefined ? y : tf.add(y, asFloat(bias));
}

/** Nearest-neighbour upsampling by whole factors ("asymmetric" + floor): each value repeated. */
function resize(node: OnnxNode, args: Args): tf.Tensor {
  const x = asFloat(need(args, 0, node));
  const mode = attrString(node, 'mode', 'nearest');
  const coords = attrString(node, 'coordinate_transformation_mode', 'half_pixel');
  const scalesArg = args[2];
  const sizesArg = args[3];
  let scales: number[];
  if (scalesArg !== undefined && (isHost(scalesArg) ? scalesArg.data.length : scalesArg.size) > 0) {
    scales = isHost(scalesArg) ? scalesArg.data : Array.from(scalesArg.dataSync());
  } else if (sizesArg !== undefined) {
    scales = ints(sizesArg, 'Resize sizes').map((s, i) => s / x.shape[i]!);
  } else throw new EngineError('ModelIOMismatch', `Resize ${node.name} has neither scales nor sizes`);
  const whole = scales.every((s) => Number.isInteger(s) && s >= 1);
  if (mode !== 'nearest' || coords !== 'asymmetric' || !whole) {
    throw new EngineError(
      'ModelIOMismatch',
      `Resize ${node.name}: only nearest upsampling by whole factors (asymmetric) runs in tfjs (mode ${mode}, ${coords}, scales ${scales})`,
    );
  }
  // [.., d, ..] → [.., d, 1, ..] × ones [.., 1, k, ..] → [.., d·k, ..]: each value repeated k times.
  // Broadcasting's gradient is a sum; tile's has no rank-5 gradient, and stack's (unstack) is slow on wasm.
  let y = x;
  for (let axis = 0; axis < x.rank; axis++) {
    const k = scales[axis]!;
    if (k === 1) continue;
    const shape = y.shape;
    const expanded = tf.reshape(y, [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)]);
    const ones = tf.ones(expanded.shape.map((_, i) => (i === axis + 1 ? k : 1)));
    y = tf.reshape(tf.mul(expanded, ones), [...shape.slice(0, axis), shape[axis]! * k, ...shape.slice(axis + 1)]);
  }
  return y;
}

function gather(node: OnnxNode, args: Args): Value {
  const data = need(args, 0, node);
  const indices = need(args, 1, node);
  const rank = isHost(data) ? data.dims.length : data.rank;
  const axis = normAxis(attrInt(node, 'axis', 0), rank);
  const dimSize = isHost(data) ? data.dims[axis]! : data.shape[axis]!;
  const idx = ints(indices, 'Gather indices').map((i) => (i < 0 ? i + dimSize : i));
  const idxDims = isHost(indices) ? indices.dims : indices.shape;
  if (isHost(data) && data.dims.length === 1)
    return hostValue(
      idx.map((i) => data.data[i]!),
      idxDims,
      data.float,
    );
  const t = toTensor(data);
  const picked = tf.gather(t, tf.tensor(idx, [idx.length], 'int32'), axis);
  const shape = [...t.shape.slice(0, axis), ...idxDims, ...t.shape.slice(axis + 1)];
  return tf.reshape(picked, shape);
}

function slice(node: OnnxNode, args: Args): Value {
  const data = need(args, 0, node);
  const dims = isHost(data) ? data.dims : data.shape;
  const starts = ints(args[1], 'Slice starts');
  const ends = ints(args[2], 'Slice ends');
  const axes = args[3] !== undefined ? ints(args[3], 'Slice axes').map((a) => normAxis(a, dims.length)) : starts.map((_, i) => i);
  const steps = args[4] !== undefined ? ints(args[4], 'Slice steps') : starts.map(() => 1);
  const begin = dims.map(() => 0);
  const end = [...dims];
  const stride = dims.map(() => 1);
  axes.forEach((axis, i) => {
    const d = dims[axis]!;
    const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
    const s = steps[i]!;
    if (s <= 0) throw new EngineError('ModelIOMismatch', `Slice ${node.name}: only positive steps run in tfjs`);
    begin[axis] = clamp(starts[i]! < 0 ? starts[i]! + d : starts[i]!, 0, d);
    end[axis] = clamp(ends[i]! < 0 ? ends[i]! + d : ends[i]!, 0, d);
    stride[axis] = s;
  });
  if (isHost(data) && dims.length === 1) {
    const out: number[] = [];
    for (let i = begin[0]!; i < end[0]!; i += stride[0]!) out.push(data.data[i]!);
    return hostValue(out, [out.length], data.float);
  }
  // tf.slice has a gradient; tf.stridedSlice has none in tfjs.
  if (stride.every((s) => s === 1))
    return tf.slice(
      toTensor(data),
      begin,
      end.map((e, i) => Math.max(0, e - begin[i]!)),
    );
  return tf.stridedSlice(toTensor(data), begin, end, stride);
}

function reshapeTo(dims: number[], target: number[]): number[] {
  const out = target.map((d, i) => (d === 0 ? dims[i]! : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  return out.map((d) => (d === -1 ? size(dims) / known : d));
}

function unsqueezeDims(dims: number[], axes: number[]): number[] {
  const rank = dims.length + axes.length;
  const at = new Set(axes.map((a) => normAxis(a, rank)));
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : dims[j++]!);
  return out;
}

function reshapeValue(v: Value, dims: number[]): Value {
  return isHost(v) ? { ...v, dims } : tf.reshape(v, dims);
}

function concat(node: OnnxNode, args: Args): Value {
  const parts = args.filter((a): a is Value => a !== undefined);
  const axis = attrInt(node, 'axis', 0);
  if (parts.every(isHost) && parts.every((p) => (p as HostValue).dims.length === 1)) {
    const hosts = parts as HostValue[];
    const data = hosts.flatMap((p) => p.data);
    return hostValue(
      data,
      [data.length],
      hosts.some((p) => p.float),
    );
  }
  const ts = parts.map(asFloat);
  return tf.concat(ts, normAxis(axis, ts[0]!.rank));
}

function reduce(node: OnnxNode, args: Args, op: 'mean' | 'sum'): tf.Tensor {
  const x = asFloat(need(args, 0, node));
  const keep = attrInt(node, 'keepdims', 1) === 1;
  // ReduceSum takes its axes as an input from opset 13; ReduceMean as an attribute until opset 18.
  let axes = attrInts(node, 'axes') ?? (args[1] !== undefined ? ints(args[1], 'axes') : undefined);
  if (!axes || axes.length === 0) {
    if (attrInt(node, 'noop_with_empty_axes', 0) === 1) return x;
    axes = [...Array(x.rank).keys()];
  }
  const norm = axes.map((a) => normAxis(a, x.rank));
  return op === 'mean' ? tf.mean(x, norm, keep) : tf.sum(x, norm, keep);
}

function cast(node: OnnxNode, args: Args): Value {
  const x = need(args, 0, node);
  const to = attrInt(node, 'to', ONNX_DTYPE.float);
  const toFloat = to === ONNX_DTYPE.float || to === ONNX_DTYPE.double;
  if (isHost(x)) return { ...x, data: toFloat ? x.data : x.data.map(Math.trunc), float: toFloat };
  if (toFloat) return asFloat(x);
  // An integer cast of a tensor ends its gradient: keep the (small) result on the host.
  return hostValue(Array.from(x.dataSync(), Math.trunc), [...x.shape], false);
}

function constant(node: OnnxNode): Value {
  const a = attr(node, 'value');
  if (a?.kind === 'tensor') {
    const t = a.value;
    if (t.data instanceof Float32Array) return size(t.dims) <= 16 ? hostValue(Array.from(t.data), t.dims, true) : tf.tensor(t.data, t.dims);
    return hostValue(t.data, t.dims, false);
  }
  const f = attr(node, 'value_float');
  if (f?.kind === 'float') return hostValue([f.value], [], true);
  const i = attr(node, 'value_int');
  if (i?.kind === 'int') return hostValue([i.value], [], false);
  const is = attr(node, 'value_ints');
  if (is?.kind === 'ints') return hostValue(is.value, [is.value.length], false);
  throw new EngineError('ModelIOMismatch', `Constant ${node.name} has a kind of value the tfjs runner does not read`);
}

function shapeOf(v: Value): number[] {
  return isHost(v) ? v.dims : v.shape;
}

function runNode(node: OnnxNode, args: Args): (Value | undefined)[] {
  const x = () => need(args, 0, node);
  const unary = (f: (t: tf.Tensor) => tf.Tensor) => [f(asFloat(x()))];
  switch (node.opType) {
    case 'Constant':
      return [constant(node)];
    case 'Identity':
      return [x()];
    case 'Shape': {
      const dims = shapeOf(x());
      const start = attrInt(node, 'start', 0);
      const end = attr(node, 'end') ? attrInt(node, 'end', dims.length) : dims.length;
      const s = normAxis(start, dims.length);
      const e = normAxis(end, dims.length);
      const picked = dims.slice(s, e);
      return [hostValue(picked, [picked.length])];
    }
    case 'Cast':
      return [cast(node, args)];
    case 'Gather':
      return [gather(node, args)];
    case 'Slice':
      return [slice(node, args)];
    case 'Concat':
      return [concat(node, args)];
    case 'Unsqueeze': {
      const axes = args[1] !== undefined ? ints(args[1], 'Unsqueeze axes') : (attrInts(node, 'axes') ?? []);
      return [reshapeValue(x(), unsqueezeDims(shapeOf(x()), axes))];
    }
    case 'Squeeze': {
      const dims = shapeOf(x());
      const axes = (args[1] !== undefined ? ints(args[1], 'Squeeze axes') : (attrInts(node, 'axes') ?? [])).map((a) =>
        normAxis(a, dims.length),
      );
      const keep = axes.length === 0 ? dims.filter((d) => d !== 1) : dims.filter((_, i) => !axes.includes(i));
      return [reshapeValue(x(), keep)];
    }
    case 'Reshape':
      return [reshapeValue(x(), reshapeTo(shapeOf(x()), ints(args[1], 'Reshape shape')))];
    case 'Transpose': {
      const t = toTensor(x());
      return [tf.transpose(t, attrInts(node, 'perm') ?? [...Array(t.rank).keys()].reverse())];
    }
    case 'Add':
      return [binary(node, args, tf.add, (a, b) => a + b)];
    case 'Sub':
      return [binary(node, args, tf.sub, (a, b) => a - b)];
    case 'Mul':
      return [binary(node, args, tf.mul, (a, b) => a * b)];
    case 'Div':
      return [binary(node, args, tf.div, (a, b) => a / b)];
    case 'Pow':
      return [binary(node, args, tf.pow, (a, b) => a ** b)];
    case 'Sqrt':
      return unary(tf.sqrt);
    case 'Neg':
      return unary(tf.neg);
    case 'Exp':
      return unary(tf.exp);
    case 'Tanh':
      return unary(tf.tanh);
    case 'Relu':
      return unary(tf.relu);
    case 'Sigmoid':
      return unary(tf.sigmoid);
    case 'Erf':
      return unary(tf.erf);
    case 'Cos':
      return unary(tf.cos);
    case 'Sin':
      return unary(tf.sin);
    case 'MatMul':
      return [matMul(asFloat(x()), asFloat(need(args, 1, node)))];
    case 'Gemm': {
      let a = asFloat(x());
      let b = asFloat(need(args, 1, node));
      if (attrInt(node, 'transA', 0)) a = tf.transpose(a);
      if (attrInt(node, 'transB', 0)) b = tf.transpose(b);
      let y: tf.Tensor = tf.mul(tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D), attrFloat(node, 'alpha', 1));
      if (args[2] !== undefined) y = tf.add(y, tf.mul(asFloat(args[2]), attrFloat(node, 'beta', 1)));
      return [y];
    }
    case 'Conv':
      return [conv(node, args)];
    case 'InstanceNormalization':
      return [instanceNorm(node, args)];
    case 'LayerNormalization':
      return [layerNorm(node, args)];
    case 'Softmax': {
      const t = asFloat(x());
      return [softmax(t, normAxis(attrInt(node, 'axis', -1), t.rank))];
    }
    case 'ReduceMean':
      return [reduce(node, args, 'mean')];
    case 'ReduceSum':
      return [reduce(node, args, 'sum')];
    case 'Resize':
      return [resize(node, args)];
    default:
      throw new EngineError(
        'ModelIOMismatch',
        `ONNX op ${node.opType} (node ${node.name}) is not implemented in the tfjs runner; add it in src/shared/teach/onnxGraph/run.ts`,
      );
  }
}
