// npm run bench [-- --pack public/models/<id> | --pack <any pack folder>] [--repeats N] [--webgpu] [--precision fp32|int8|fp16]
//                 [--minimal] [--compare-pack <folder>] [--no-node] [--no-first-view] [--first-view-only] [--app-query k=v&…]
//                 [--no-teach] [--teach-only] [--teach-pack public/models/toyworld] [--teach-backends wasm:4,webgl:2,cpu:1] [--teach-steps N]
// Builds the bench page (vite --mode bench → dist-bench/), serves it cross-origin isolated, runs bench/index.html in headless
// Debian Chromium on wasm (and software WebGPU with --webgpu), times the same UNet on
// onnxruntime-node, and prints one JSON document.
// A pack outside public/ (e.g. a full-size Stable Diffusion export) is served from its folder by a small
// CORS server on the next port. --minimal times only load, analysis, the first map and one λ change
// (what a full-size UNet can afford on a CPU); --compare-pack runs a second pack the same way in the same
// run (e.g. the untruncated UNet) and prints the ratios. Peak memory is each browser process's VmHWM
// (peak resident set) read from /proc before the browser closes. firstView: the production app (vite build → dist/)
// opened cold (a fresh browser profile each time, so the pack is fetched and compiled again): page open → first
// painted map (the precomputed first view, public/first-view.json) and → first live map, from the page's
// performance marks (src/shared/perfMarks.ts), median of 3; then each page once more, opened again in the
// same browser (warm: files from the Cache API), as firstView.warm.
import { spawn, execSync } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_PATH, WASM_ARGS, WEBGPU_ARGS } from '../scripts/chromium.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const packDir = opt('pack', 'public/models/fixture-tiny').replace(/\/$/, '');
const comparePackDir = opt('compare-pack', '')?.replace(/\/$/, '');
const repeats = Number(opt('repeats', 15));
const withWebgpu = args.includes('--webgpu');
const minimal = args.includes('--minimal');
const withNode = !args.includes('--no-node');
const withFirstView = !args.includes('--no-first-view');
// Only the production app's page open → first maps (for work on start-up time).
const firstViewOnly = args.includes('--first-view-only');
// Only textual inversion's step time per tfjs backend (for work on teaching).
const teachOnly = args.includes('--teach-only');
const withTeach = !args.includes('--no-teach');
// backend:steps per tfjs backend. On this 2-core machine a step at batch 8 took 2.9 s on wasm, 14 s
// on WebGL (SwiftShader) and 98 s on WebGPU (SwiftShader), so WebGPU runs only with --webgpu.
const teachBackends = opt('teach-backends', `wasm:4,webgl:2,cpu:1${withWebgpu ? ',webgpu:2' : ''}`);
// Teaching needs a pack with a `teach` section (the toy pack has one; fixture-tiny, the default --pack, does not).
const teachPackDir = opt('teach-pack', 'public/models/toyworld').replace(/\/$/, '');
// Query string for the app in firstView (e.g. precision=fp32), to compare start-up choices.
const appQuery = opt('app-query', '');
const threads = opt('threads', '');
const precision = opt('precision', '');
const port = Number(opt('port', 4174));
const packPort = port + 1;
const isPublic = (dir) => dir.startsWith('public/');
const externalDirs = [packDir, comparePackDir, teachPackDir].filter((d) => d && !isPublic(d));

/** Serve pack folders outside public/ (read-only, CORS) so a multi-GB export is never copied into the build. */
function servePacks(dirs) {
  const roots = dirs.map((d) => resolve(d));
  const server = createServer((req, res) => {
    const [, index, ...rest] = decodeURIComponent(new URL(req.url, 'http://x').pathname).split('/');
    const root = roots[Number(index)];
    const file = root && resolve(root, rest.join('/'));
    const headers = { 'Access-Control-Allow-Origin': '*', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    if (!file?.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end();
      return;
    }
    const type = extname(file) === '.json' ? 'application/json' : 'application/octet-stream';
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': statSync(file).size });
    createReadStream(file).pipe(res);
  });
  server.listen(packPort, '127.0.0.1');
  return server;
}
const packServer = externalDirs.length ? servePacks(externalDirs) : null;
const packUrlOf = (dir) =>
  isPublic(dir) ? `/${dir.replace(/^public\//, '')}/` : `http://127.0.0.1:${packPort}/${externalDirs.indexOf(dir)}/`;

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

/** Peak resident set (VmHWM, MiB) of every process whose command line names this browser's profile, and of their children. */
function peakRssMiB(profileDir) {
  if (!existsSync('/proc')) return null; // Linux only
  const procs = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
      procs.push({ pid: Number(pid), ppid, cmd, hwm });
    } catch {}
  }
  const mine = new Set(procs.filter((p) => p.cmd.includes(profileDir)).map((p) => p.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (mine.has(p.pid) || !mine.has(p.ppid)) continue;
      mine.add(p.pid);
      grew = true;
    }
  }
  const hwms = procs.filter((p) => mine.has(p.pid)).map((p) => ({ hwm: p.hwm, type: /--type=(\S+)/.exec(p.cmd)?.[1] ?? 'browser' }));
  const renderer = Math.max(0, ...hwms.filter((p) => p.type === 'renderer').map((p) => p.hwm));
  return { rendererPeakMiB: Math.round(renderer), largestProcessPeakMiB: Math.round(Math.max(0, ...hwms.map((p) => p.hwm))) };
}

async function inBrowser(backend, dir) {
  const profile = mkdtempSync(join(tmpdir(), 'wsol-bench-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: backend === 'webgpu' ? WEBGPU_ARGS : WASM_ARGS,
  });
  try {
    const page = await ctx.newPage();
    const query = new URLSearchParams({ backend, pack: packUrlOf(dir), repeats: String(repeats) });
    if (threads) query.set('threads', threads);
    if (precision) query.set('precision', precision);
    if (minimal) query.set('minimal', '1');
    await page.goto(`${base}/bench/index.html?${query}`);
    await page.waitForFunction(() => window.__bench, null, { timeout: 0, polling: 1000 });
    const result = await page.evaluate(() => window.__bench);
    return { ...result, memory: peakRssMiB(profile) };
  } finally {
    await ctx.close();
  }
}

/** Build the production app (dist/) and serve it on `appPort`; `stop()` ends the server. */
async function serveApp(appPort) {
  execSync('npx vite build --logLevel warn', { stdio: 'inherit' });
  const app = spawn('npx', ['vite', 'preview', '--port', String(appPort), '--strictPort'], { stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      process.kill(-app.pid);
    } catch {}
  };
  for (
    let i = 0;
    !(await fetch(`http://127.0.0.1:${appPort}/`).then(
      (r) => r.ok,
      () => false,
    ));
    i++
  ) {
    if (i > 100) {
      stop();
      throw new Error('vite preview (app) did not start');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { stop };
}

/** Page open → first painted map and → first live map in the production app, cold, median of `runs`. */
async function firstViewTimes(runs = 3) {
  const appPort = port + 2;
  const app = await serveApp(appPort);
  try {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wsol-first-view-')), {
        executablePath: CHROMIUM_PATH,
        headless: true,
        args: WASM_ARGS,
      });
      try {
        const page = await ctx.newPage();
        const open = async () => {
          await page.waitForFunction(() => performance.getEntriesByName('wsol:first-live-map-painted').length > 0, null, {
            timeout: 120_000,
            polling: 50,
          });
          return page.evaluate(() => {
            const at = (name) => performance.getEntriesByName(name, 'mark')[0]?.startTime ?? null;
            return {
              firstMap: at('wsol:first-map-painted'),
              liveMap: at('wsol:first-live-map-painted'),
              // Where the time before the live map went: the steps the app marks on its way (src/shared/perfMarks.ts).
              steps: {
                engineStart: at('wsol:engine-start'),
                engineReady: at('wsol:engine-ready'),
                packLoadStart: at('wsol:pack-load-start'),
                packReady: at('wsol:pack-ready'),
                analysisReady: at('wsol:analysis-ready'),
                mapsReady: at('wsol:maps-ready'),
              },
              packLoad: performance.getEntriesByName('wsol:pack-ready', 'mark')[0]?.detail ?? null,
              analysis: performance.getEntriesByName('wsol:analysis-ready', 'mark')[0]?.detail ?? null,
              maps: performance.getEntriesByName('wsol:maps-ready', 'mark')[0]?.detail ?? null,
            };
          });
        };
        const url = `http://127.0.0.1:${appPort}/${appQuery ? `?${appQuery}` : ''}`;
        await page.goto(url);
        const cold = await open();
        // The same page opened again in the same browser: the pack's files come from the Cache API
        // and the browser may reuse its compiled wasm (a class's second visit).
        // Not a reload: the page has written its state into the URL's hash by now (a lesson link).
        await page.goto('about:blank');
        await page.goto(url);
        samples.push({ ...cold, warm: await open() });
      } finally {
        await ctx.close();
      }
    }
    const med = (k) => samples.map((x) => x[k]).sort((a, b) => a - b)[samples.length >> 1];
    const medWarm = (k) => samples.map((x) => x.warm[k]).sort((a, b) => a - b)[samples.length >> 1];
    return {
      runs: samples,
      pageOpenToFirstPaintedMapMs: med('firstMap'),
      pageOpenToLiveMapMs: med('liveMap'),
      warm: { pageOpenToFirstPaintedMapMs: medWarm('firstMap'), pageOpenToLiveMapMs: medWarm('liveMap') },
    };
  } finally {
    app.stop();
  }
}

/** Textual inversion steps per tfjs backend (bench/teach.ts), in the same browser build as the app. */
async function teachInBrowser(dir) {
  const profile = mkdtempSync(join(tmpdir(), 'wsol-teach-'));
  // WebGL and WebGPU on SwiftShader (software), beside wasm: the machine has no GPU.
  const args = [...WEBGPU_ARGS, '--use-angle=swiftshader'];
  const ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args });
  try {
    const page = await ctx.newPage();
    const query = new URLSearchParams({ pack: packUrlOf(dir), backends: teachBackends });
    await page.goto(`${base}/bench/teach.html?${query}`);
    await page.waitForFunction(() => window.__teachBench, null, { timeout: 0, polling: 1000 });
    return { ...(await page.evaluate(() => window.__teachBench)), memory: peakRssMiB(profile) };
  } finally {
    await ctx.close();
  }
}

/**
 * A whole teach in the production app, as a class does it: the snail's 5 train-style composites
 * (e2e/fixtures/new-class), "animal", the classifier row then the pack's default inversion steps (or
 * --teach-steps), in the teach Worker. Reports the wall time from the click to the first inversion
 * step (the images encoded, the classifier row trained: the class is in the top-5 and CAM) and to the
 * learned class's map, and the UI thread's longest frame meanwhile (gaps between animation frames,
 * and the longest task the browser reports).
 */
async function teachInApp() {
  const appPort = port + 3;
  const app = await serveApp(appPort);
  const ctx = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'wsol-teach-app-')), {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: WASM_ARGS,
  });
  try {
    const page = await ctx.newPage();
    const steps = opt('teach-steps', '');
    await page.goto(`http://127.0.0.1:${appPort}/${steps ? `?teachSteps=${steps}` : ''}`);
    await page.locator('[data-testid="pack-progress"][data-phase="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
    const snail = 'e2e/fixtures/new-class/snail/';
    const index = JSON.parse(readFileSync(`${snail}index.json`, 'utf8'));
    await page.getByTestId('teach-files').setInputFiles(index.train.map((t) => snail + t.file));
    await page.getByTestId('teach-name').fill('snail');
    await page.getByTestId('teach-word').fill('animal');
    await page.evaluate(() => {
      const w = window;
      w.__frames = { maxGapMs: 0, longestTaskMs: 0, last: performance.now(), on: true };
      const tick = (t) => {
        const f = w.__frames;
        f.maxGapMs = Math.max(f.maxGapMs, t - f.last);
        f.last = t;
        if (f.on) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__frames.longestTaskMs = Math.max(w.__frames.longestTaskMs, e.duration);
      }).observe({ type: 'longtask' });
    });
    const started = Date.now();
    await page.getByTestId('teach-run').click();
    // Both halves run at once: time each from the click.
    const since = async (locator) => {
      await locator.waitFor({ timeout: 300_000 });
      return (Date.now() - started) / 1000;
    };
    const [toFirstStepSeconds, toClassifierRowSeconds] = await Promise.all([
      since(page.locator('[data-testid="teach-status"]').filter({ hasText: /^Step 1 of/ })),
      since(page.locator('[data-testid="teach-classifier"]').filter({ hasText: /row learned/ })),
    ]);
    await page.locator('[data-testid="teach-panel"][data-status="done"]').waitFor({ timeout: 600_000 });
    const wallSeconds = (Date.now() - started) / 1000;
    const frames = await page.evaluate(() => {
      window.__frames.on = false;
      return { maxFrameGapMs: window.__frames.maxGapMs, longestTaskMs: window.__frames.longestTaskMs };
    });
    const learned = await page.getByTestId('teach-learned-class').innerText();
    return {
      images: index.train.length,
      steps: steps ? Number(steps) : 'pack default',
      clickToFirstInversionStepSeconds: toFirstStepSeconds,
      clickToClassifierRowSeconds: toClassifierRowSeconds,
      clickToLearnedMapSeconds: wallSeconds,
      uiThread: frames,
      learned,
    };
  } finally {
    await ctx.close();
    app.stop();
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
  // A λ change that is not cached: the same UNet on the pack's default timesteps in one batch.
  const T = m.genpromp.timesteps.length;
  const repeat = (t) => {
    const out = new Float32Array(t.data.length * T);
    for (let b = 0; b < T; b++) out.set(t.data, b * t.data.length);
    return new ort.Tensor('float32', out, [T, ...t.dims.slice(1)]);
  };
  const batched = {
    sample: repeat(feeds.sample),
    timestep: new ort.Tensor('float32', Float32Array.from(m.genpromp.timesteps), [T]),
    encoder_hidden_states: repeat(feeds.encoder_hidden_states),
    token_weights: repeat(feeds.token_weights),
  };
  const medianOf = async (f) => {
    for (let i = 0; i < 3; i++) await session.run(f);
    const times = [];
    for (let i = 0; i < repeats; i++) {
      const t = performance.now();
      await session.run(f);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return times[times.length >> 1];
  };
  return { unetMedianMs: await medianOf(feeds), unetDefaultTimestepsBatchMedianMs: await medianOf(batched), timesteps: T, threads: 2 };
}

const median = (o) => {
  const xs = Object.values(o).sort((a, b) => a - b);
  return xs[xs.length >> 1];
};

try {
  const os = await import('node:os');
  // Other processes on a shared machine slow every figure: the load average says how busy it was.
  const report = { machine: { cpus: os.cpus().length, node: process.version, loadAverageAtStart: os.loadavg() }, pack: packDir, repeats };
  const only = firstViewOnly || teachOnly;
  if (!only) report.wasm = await inBrowser('wasm', packDir);
  if (withWebgpu && !only) report.webgpu = await inBrowser('webgpu', packDir);
  if (comparePackDir && !only) {
    report.compare = { pack: comparePackDir, wasm: await inBrowser('wasm', comparePackDir) };
    const unet = (r) => median(r.stagesMs.unetPerTimestep);
    if (report.wasm?.stagesMs && report.compare.wasm?.stagesMs) {
      report.compare.ratios = {
        unetPerTimestepPackOverComparePack: unet(report.wasm) / unet(report.compare.wasm),
        ...(report.wasm.memory && report.compare.wasm.memory
          ? { rendererPeakPackOverComparePack: report.wasm.memory.rendererPeakMiB / report.compare.wasm.memory.rendererPeakMiB }
          : {}),
      };
    }
  }
  if (withNode && !only) report.onnxruntimeNode = await unetOnNode();
  if (withTeach && !firstViewOnly) {
    report.teach = { pack: teachPackDir, ...(await teachInBrowser(teachPackDir)), inApp: await teachInApp() };
  }
  if (withFirstView && !teachOnly) report.firstView = await firstViewTimes();
  if (report.wasm?.stagesMs && report.onnxruntimeNode) {
    report.ratios = {
      browserWasmUnetOverNodeUnet: median(report.wasm.stagesMs.unetPerTimestep) / report.onnxruntimeNode.unetMedianMs,
      ...(report.wasm.lab
        ? {
            // The lab's λ slider on a cached strip value (store action → painted) against native ORT computing that λ.
            browserCachedLambdaChangeOverNodeUnet:
              report.wasm.lab.lambdaChangeCachedMs.median / report.onnxruntimeNode.unetDefaultTimestepsBatchMedianMs,
          }
        : {}),
      ...(report.webgpu?.stagesMs
        ? { browserWebgpuUnetOverNodeUnet: median(report.webgpu.stagesMs.unetPerTimestep) / report.onnxruntimeNode.unetMedianMs }
        : {}),
    };
  }
  report.machine.loadAverageAtEnd = os.loadavg();
  console.log(JSON.stringify(report, null, 2));
} finally {
  try {
    process.kill(-server.pid);
  } catch {}
  packServer?.close();
}
