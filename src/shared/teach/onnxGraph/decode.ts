/**
 * A minimal ONNX (protobuf) reader: the graph's nodes, initializers, inputs and outputs, enough to
 * run an exported model in tfjs with autodiff (textual inversion needs gradients ORT-web cannot give).
 * The weights come straight from the pack's own ONNX file, so there is no second copy of them.
 *
 * Field numbers are onnx.proto3's (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto).
 */
import { EngineError } from '../../errors';

/** TensorProto.DataType values this reader understands. */
export const ONNX_DTYPE = { float: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, double: 11 } as const;

export interface OnnxTensor {
  name: string;
  dims: number[];
  dataType: number;
  /** float and double tensors as Float32Array, integer and bool ones as plain numbers. */
  data: Float32Array | number[];
}

export type OnnxAttribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: OnnxTensor }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] };

export interface OnnxNode {
  opType: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attributes: Map<string, OnnxAttribute>;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  initializers: Map<string, OnnxTensor>;
  inputs: string[];
  outputs: string[];
  opset: number;
}

class Reader {
  pos = 0;
  constructor(
    readonly buf: Uint8Array,
    readonly end = buf.length,
  ) {}

  done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as a JS number (exact to 2^53; larger int64 values only appear as dims we reject). */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 128;
    }
    return result;
  }

  /** A varint read as a signed int64 (two's complement, e.g. -1 in Reshape's shape): BigInt keeps it exact. */
  int64(): number {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.end) throw truncated();
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
    }
    return Number(BigInt.asIntN(64, result));
  }

  bytes(): Uint8Array {
    const n = this.varint();
    if (this.pos + n > this.end) throw truncated();
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  sub(): Reader {
    const n = this.varint();
    if (this.pos + n > this.end) throw truncated();
    const r = new Reader(this.buf, this.pos + n);
    r.pos = this.pos;
    this.pos += n;
    return r;
  }

  float32(): number {
    const v = new DataView(this.buf.buffer, this.buf.byteOffset + this.pos, 4).getFloat32(0, true);
    this.pos += 4;
    return v;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      const n = this.varint(); // read before adding: `pos += varint()` would add to the old pos
      this.pos += n;
    } else if (wireType === 5) this.pos += 4;
    else throw new EngineError('ModelIOMismatch', `ONNX file: unsupported protobuf wire type ${wireType}`);
  }

  /** Each field of this message: (field number, wire type). */
  *fields(): Generator<[number, number]> {
    while (!this.done()) {
      const key = this.varint();
      yield [Math.floor(key / 8), key & 7];
    }
  }
}

const truncated = () => new EngineError('ModelIOMismatch', 'ONNX file is truncated or not an ONNX model');
const text = new TextDecoder();

/** Repeated scalars, packed (wire type 2) or one per field. */
function repeated(r: Reader, wireType: number, one: (r: Reader) => number, out: number[]): void {
  if (wireType !== 2) {
    out.push(one(r));
    return;
  }
  const s = r.sub();
  while (!s.done()) out.push(one(s));
}

function readTensor(r: Reader): OnnxTensor {
  const dims: number[] = [];
  let dataType = 0;
  let name = '';
  let raw: Uint8Array | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  for (const [field, wire] of r.fields()) {
    if (field === 1) repeated(r, wire, (x) => x.int64(), dims);
    else if (field === 2) dataType = r.varint();
    else if (field === 4) repeated(r, wire, (x) => x.float32(), floats);
    else if (field === 5 || field === 7) repeated(r, wire, (x) => x.int64(), ints);
    else if (field === 8) name = text.decode(r.bytes());
    else if (field === 9) raw = r.bytes();
    else if (field === 14) {
      // data_location: 1 = EXTERNAL.
      if (r.varint() === 1) {
        throw new EngineError(
          'ModelIOMismatch',
          `ONNX tensor ${name || '(unnamed)'} keeps its data in an external file; pass a single-file model`,
        );
      }
    } else r.skip(wire);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  let data: Float32Array | number[];
  if (dataType === ONNX_DTYPE.float) {
    if (raw) data = new Float32Array(raw.slice().buffer, 0, count);
    else data = Float32Array.from(floats);
  } else if (dataType === ONNX_DTYPE.double && raw) {
    data = Float32Array.from(new Float64Array(raw.slice().buffer, 0, count));
  } else if (dataType === ONNX_DTYPE.int64 || dataType === ONNX_DTYPE.int32) {
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      data = Array.from({ length: count }, (_, i) =>
        dataType === ONNX_DTYPE.int64 ? Number(view.getBigInt64(i * 8, true)) : view.getInt32(i * 4, true),
      );
    } else data = ints;
  } else if ((dataType === ONNX_DTYPE.bool || dataType === ONNX_DTYPE.uint8) && raw) {
    data = Array.from(raw.subarray(0, count));
  } else if (dataType === ONNX_DTYPE.bool || dataType === ONNX_DTYPE.uint8) {
    data = ints;
  } else {
    throw new EngineError('ModelIOMismatch', `ONNX tensor ${name} has data type ${dataType}, which the tfjs runner does not read`);
  }
  if (data.length !== count)
    throw new EngineError('ModelIOMismatch', `ONNX tensor ${name} holds ${data.length} values for shape [${dims}]`);
  return { name, dims, dataType, data };
}

function readAttribute(r: Reader): [string, OnnxAttribute | null] {
  let name = '';
  let attr: OnnxAttribute | null = null;
  const floats: number[] = [];
  const ints: number[] = [];
  let type = 0;
  for (const [field, wire] of r.fields()) {
    if (field === 1) name = text.decode(r.bytes());
    else if (field === 2) attr = { kind: 'float', value: r.float32() };
    else if (field === 3) attr = { kind: 'int', value: r.int64() };
    else if (field === 4) attr = { kind: 'string', value: text.decode(r.bytes()) };
    else if (field === 5) attr = { kind: 'tensor', value: readTensor(r.sub()) };
    else if (field === 7) repeated(r, wire, (x) => x.float32(), floats);
    else if (field === 8) repeated(r, wire, (x) => x.int64(), ints);
    else if (field === 20) type = r.varint();
    else r.skip(wire);
  }
  // AttributeType: FLOATS = 6, INTS = 7 (an empty list has only its type).
  if (type === 6) attr = { kind: 'floats', value: floats };
  else if (type === 7) attr = { kind: 'ints', value: ints };
  return [name, attr];
}

function readNode(r: Reader): OnnxNode {
  const node: OnnxNode = { opType: '', name: '', inputs: [], outputs: [], attributes: new Map() };
  let domain = '';
  for (const [field, wire] of r.fields()) {
    if (field === 1) node.inputs.push(text.decode(r.bytes()));
    else if (field === 2) node.outputs.push(text.decode(r.bytes()));
    else if (field === 3) node.name = text.decode(r.bytes());
    else if (field === 4) node.opType = text.decode(r.bytes());
    else if (field === 5) {
      const [name, attr] = readAttribute(r.sub());
      if (attr) node.attributes.set(name, attr);
    } else if (field === 7) domain = text.decode(r.bytes());
    else r.skip(wire);
  }
  if (domain !== '' && domain !== 'ai.onnx') {
    throw new EngineError(
      'ModelIOMismatch',
      `ONNX node ${node.name} (${node.opType}) is from domain "${domain}"; the tfjs runner reads standard ops only`,
    );
  }
  return node;
}

/** ValueInfoProto's name. */
function readValueName(r: Reader): string {
  let name = '';
  for (const [field, wire] of r.fields()) {
    if (field === 1) name = text.decode(r.bytes());
    else r.skip(wire);
  }
  return name;
}

function readGraph(r: Reader, opset: number): OnnxGraph {
  const graph: OnnxGraph = { nodes: [], initializers: new Map(), inputs: [], outputs: [], opset };
  for (const [field, wire] of r.fields()) {
    if (field === 1) graph.nodes.push(readNode(r.sub()));
    else if (field === 5) {
      const t = readTensor(r.sub());
      graph.initializers.set(t.name, t);
    } else if (field === 11) graph.inputs.push(readValueName(r.sub()));
    else if (field === 12) graph.outputs.push(readValueName(r.sub()));
    else r.skip(wire);
  }
  // Initializers may be listed as inputs too (older exporters): those are not feeds.
  graph.inputs = graph.inputs.filter((n) => !graph.initializers.has(n));
  return graph;
}

/** Parse an ONNX model file. */
export function decodeOnnx(bytes: Uint8Array): OnnxGraph {
  const r = new Reader(bytes);
  let graphReader: Reader | null = null;
  let opset = 0;
  for (const [field, wire] of r.fields()) {
    if (field === 7) graphReader = r.sub();
    else if (field === 8) {
      // OperatorSetIdProto: domain = 1, version = 2.
      const s = r.sub();
      let domain = '';
      let version = 0;
      for (const [f, w] of s.fields()) {
        if (f === 1) domain = text.decode(s.bytes());
        else if (f === 2) version = s.varint();
        else s.skip(w);
      }
      if (domain === '' || domain === 'ai.onnx') opset = version;
    } else r.skip(wire);
  }
  if (!graphReader) throw new EngineError('ModelIOMismatch', 'ONNX file has no graph');
  return readGraph(graphReader, opset);
}
