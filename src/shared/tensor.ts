/** Channel-first features without the batch axis: data[k·h·w + y·w + x]. */
export interface FeatureMap {
  data: Float32Array;
  /** [channels, height, width] */
  dims: [number, number, number];
}
