// npm run bench [-- --pack public/models/<id>] [--repeats N] [--webgpu] [--precision fp32|int8|fp16]
// Builds the bench page (vite --mode bench → dist-bench/), serves it cross-origin isolated, runs bench/index.html in headless
// Debian Chromium on wasm (and software WebGPU with --webgpu), times the same UNet on
// onnxruntime-node, and prints one JSON document.
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, WASM_ARGS, WEBGPU_ARGS } from '../scripts/chromium.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const packDir = opt('pack', 'public/models/fixture-tiny').replace(/\/$/, '');
const repeats = Number(opt('repeats', 15));
const withWebgpu = args.includes('--webgpu');
const threads = opt('threads', '');
const precision = opt('precision', '');
const port = Number(opt('port', 4174));
const packUrl = `/${packDir.replace(/^public\//, '')}/`;

// The bench page has its own build (dist-bench/); the app's dist/ does not include it.
execSync('npx vite build --mode bench --logLevel warn', { stdio: 'inherit' });
const server = spawn('npx', ['vite', 'preview', '--mode', 'bench', '--port', String(port), '--strictPort'], {
  stdio: 'ignore',
  detached: true,
});
const base = `http://127.0.0.1:${port}`;
for (let i = 0; ; i++) {
  try {
    // The bench build has no root index.html: poll the bench page itself.
    if ((await fetch(`${base}/bench/index.html`)).ok) break;
  } catch {}
  if (i > 100) {
    process.kill(-server.pid);
    throw new Error('vite preview did not start');
  }
  await new Promise((r) => setTimeout(r, 200));
}

async function inBrowser(backend) {
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wsol-bench-')), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: backend === 'webgpu' ? WEBGPU_ARGS : WASM_ARGS,
  });
  try {
    const page = await ctx.newPage();
    await page.goto(
      `${base}/bench/index.html?backend=${backend}&pack=${encodeURIComponent(packUrl)}&repeats=${repeats}${threads ? `&threads=${threads}` : ''}${precision ? `&precision=${precision}` : ''}`,
    );
    await page.waitForFunction(() => window.__bench, null, { timeout: 600_000, polling: 250 });
    return await page.evaluate(() => window.__bench);
  } finally {
    await ctx.close();
  }
}

/** The same UNet, same shapes, on onnxruntime-node (native CPU). */
async function unetOnNode() {
  const ort = await import('onnxruntime-node');
  const m = JSON.parse(readFileSync(`${packDir}/manifest.json`, 'utf8'));
  const v = m.models.unet.variants.find((x) => x.precision === 'fp32');
  const session = await ort.InferenceSession.create(`${packDir}/${v.path}`, { intraOpNumThreads: 2 });
  const [h, w] = m.vae.latentSize;
  const L = m.tokenizer.contextLength;
  const D = m.textEncoder.hiddenSize;
  const feeds = {
    sample: new ort.Tensor('float32', new Float32Array(m.vae.latentChannels * h * w).fill(0.1), [1, m.vae.latentChannels, h, w]),
    timestep: new ort.Tensor('float32', new Float32Array([99]), [1]),
    encoder_hidden_states: new ort.Tensor('float32', new Float32Array(L * D).fill(0.01), [1, L, D]),
    token_weights: new ort.Tensor('float32', Object.assign(new Float32Array(L), { [m.genpromp.tokenPosition]: 1 }), [1, L]),
  };
  for (let i = 0; i < 3; i++) await session.run(feeds);
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const t = performance.now();
    await session.run(feeds);
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { unetMedianMs: times[times.length >> 1], threads: 2 };
}

const median = (o) => {
  const xs = Object.values(o).sort((a, b) => a - b);
  return xs[xs.length >> 1];
};

try {
  const report = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, pack: packDir, repeats };
  report.wasm = await inBrowser('wasm');
  if (withWebgpu) report.webgpu = await inBrowser('webgpu');
  report.onnxruntimeNode = await unetOnNode();
  if (report.wasm?.stagesMs) {
    report.ratios = {
      browserWasmUnetOverNodeUnet: median(report.wasm.stagesMs.unetPerTimestep) / report.onnxruntimeNode.unetMedianMs,
      ...(report.webgpu?.stagesMs
        ? { browserWebgpuUnetOverNodeUnet: median(report.webgpu.stagesMs.unetPerTimestep) / report.onnxruntimeNode.unetMedianMs }
        : {}),
    };
  }
  console.log(JSON.stringify(report, null, 2));
} finally {
  try {
    process.kill(-server.pid);
  } catch {}
}
