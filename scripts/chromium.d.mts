export declare const CHROMIUM_PATH: string;
export declare const CHROMIUM_ARGS: string[];
export declare const WASM_ARGS: string[];
export declare const WEBGPU_ARGS: string[];
