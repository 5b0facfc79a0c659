/**
 * The `auto` backend's learner, one per kernel: where the kernel runs, from what each backend
 * measured on live traffic.
 *
 * RingKernel's `Adaptive` mode learns one size threshold for all workloads by running every
 * measured workload on both backends. Here each kernel learns on its own: every live batch
 * measures the backend that ran it (rows and time, by batch size), and now and then a copy of a
 * live batch runs on the other backend as a sample (a shadow run whose outputs are discarded),
 * so measuring costs a sample every few seconds, not double work. The kernel runs where it is
 * faster at the batch sizes traffic produces now, with hysteresis (the other backend must be
 * `1 + hysteresis` times faster) and a minimum dwell time, so it does not flap. A software adapter
 * (SwiftShader) is measured like any other and simply loses where the twin is faster.
 */
import { formatCount, measuredRate } from './format';
import type { KernelPlacement } from './protocol';

export type Backend = 'webgpu' | 'cpu';
export type PlacementMode = KernelPlacement['mode'];

/** Batch sizes are grouped by powers of two: bucket b holds sizes 2^b .. 2^(b+1) - 1. */
const BUCKETS = 24;
/** One sample is enough when the backends differ by more than this factor. */
const CLEAR_FACTOR = 4;
/**
 * A WebGPU runtime this many times slower than the twin the kernel runs on is a clear loser: it is
 * re-measured at most every `loserGapMs` (a minute), while the live batch size stays in a measured
 * bucket. A software adapter 1,000 times slower than the twin needs no sample every 8 s, and each
 * of its samples burns CPU threads the engine and the page would otherwise have. (A twin sampled
 * beside a kernel on WebGPU keeps the learning pace whatever it measures, within the duty cycle:
 * see `wantsSample`.)
 */
const LOSER_FACTOR = 10;
/**
 * Weight kept by older measurements per new one. Live batches come hundreds of times a second and
 * are timed with a coarse clock (a worker's performance.now() ticks every 100 µs unless the page
 * is cross-origin isolated, and a twin runs a batch in a few µs), so their sums must span many
 * batches for the quantisation to average out: about the last 500. Samples are rare: the last 10.
 */
const DECAY_LIVE = 0.998;
const DECAY_SAMPLE = 0.9;
/** Weight a live batch's size keeps per later batch in `batchSize`. */
const BATCH_DECAY = 0.9;

export function bucketOf(rows: number): number {
  return Math.min(BUCKETS - 1, Math.max(0, Math.floor(Math.log2(Math.max(1, rows)))));
}

/** Decayed rows and time per batch-size bucket of one backend. */
export class RateTable {
  private readonly rows = new Float64Array(BUCKETS);
  private readonly ms = new Float64Array(BUCKETS);
  readonly samples = new Uint32Array(BUCKETS);

  /** `decay`: the weight older measurements keep (see DECAY_LIVE, DECAY_SAMPLE). */
  record(rows: number, ms: number, decay = DECAY_LIVE): void {
    if (rows <= 0 || !(ms >= 0)) return;
    const b = bucketOf(rows);
    this.rows[b] = this.rows[b]! * decay + rows;
    this.ms[b] = this.ms[b]! * decay + ms;
    this.samples[b]!++;
  }

  /**
   * Messages per second measured in bucket `b`, or null when it has fewer than `min` samples or
   * the clock has not yet seen any time pass (fast batches under a coarse timer read 0 ms until
   * one straddles a tick; a rate from that would be infinite, not measured).
   */
  rateAt(b: number, min = 1): number | null {
    if (this.samples[b]! < min) return null;
    const ms = this.ms[b]!;
    if (ms <= 0) return null;
    return (this.rows[b]! * 1000) / ms;
  }

  /** The rate at the measured bucket nearest to `b` (ties: the larger), or null. */
  nearest(b: number, min = 1): { bucket: number; rate: number } | null {
    for (let d = 0; d < BUCKETS; d++) {
      for (const c of [b + d, b - d]) {
        if (c < 0 || c >= BUCKETS) continue;
        const r = this.rateAt(c, min);
        if (r !== null) return { bucket: c, rate: r };
      }
    }
    return null;
  }

  clear(): void {
    this.rows.fill(0);
    this.ms.fill(0);
    this.samples.fill(0);
  }
}

/**
 * The highest rate a backend can reach at bucket `b`: measured there, or else bounded from the
 * buckets it was measured at.
 *
 * - From a smaller bucket `c`: a larger batch takes no less time than a smaller one, so the rate
 *   is at most the measured one times the ratio of sizes, 2^(b-c+1). A GPU far slower at small
 *   batches may still win at large ones, so a larger batch size is learned afresh, unless even
 *   this bound loses: a software adapter 1,000 times slower at 256 rows cannot win at 4,096, and
 *   is re-measured there at a clear loser's pace (once a minute) after the one prompt sample
 *   every size two buckets or more from any measurement gets (`wantsSample`).
 * - From a larger bucket `c`: a batch costs a fixed part plus a part per row (a dispatch and its
 *   round trip, then the rows), so fewer rows run at no higher a rate than the measured one.
 *   Without this bound a batch size hovering at a bucket's edge (255 and 257 rows) made a clear
 *   loser look unmeasured every time it dipped below, and a software adapter was sampled every
 *   2 s instead of once a minute, its shader threads taking the CPU the engine needs.
 */
function ceilingAt(t: RateTable, b: number): number | null {
  const exact = t.rateAt(b);
  if (exact !== null) return exact;
  let best: number | null = null;
  for (let c = 0; c < BUCKETS; c++) {
    if (c === b) continue;
    const r = t.rateAt(c);
    if (r === null) continue;
    const bound = c < b ? r * 2 ** (b - c + 1) : r;
    best = best === null ? bound : Math.min(best, bound);
  }
  return best;
}

export interface PlacementOptions {
  /** The other backend must be this much faster (0.25 = 25 %) before the kernel moves. */
  hysteresis?: number;
  /** Least time between two switches, µs of engine time. */
  minDwellUs?: number;
  /** Samples each backend needs in a bucket before it is compared there. */
  minSamples?: number;
  /**
   * Most of the time samples may take (0.02 = 2 %). A software adapter's sample burns CPU in the
   * GPU process that the worker and the page would otherwise have.
   */
  dutyCycle?: number;
  /** Gap between samples while learning, and the longest gap once the choice is stable (ms). */
  learnGapMs?: number;
  maxGapMs?: number;
  /** The longest gap when the other backend is a clear loser (LOSER_FACTOR times slower), ms. */
  loserGapMs?: number;
}

/**
 * The reason's words for a backend the config sets (`cpu`, `webgpu`): one spelling for the
 * placement's own reason, its reason with rates and a change of backend (`kernel-host.ts`).
 */
export const backendSet = (mode: PlacementMode): string => `Backend set to ${mode}`;

export class Placement {
  readonly cpu = new RateTable();
  readonly gpu = new RateTable();
  /** Where the kernel runs (what the engine last switched it to). */
  current: Backend = 'cpu';
  /** A WebGPU runtime exists for the kernel. */
  gpuReady = false;
  /** Why WebGPU cannot be used (no adapter, device lost), or null. */
  gpuUnavailable: string | null = null;
  /** The kernel's runtime is being created (the twin runs meanwhile). */
  gpuStarting = false;
  adapterLabel = 'WebGPU';
  /**
   * The batch size a live message travels in, recently: the mean of batch sizes weighted by their
   * rows (and decayed per batch). Unweighted, a stream of 4,096-row batches with a 1-row batch
   * between each read 2,048, a size that almost no row travels in, and the rates were judged
   * there. 0 before the first.
   */
  get batchSize(): number {
    return this.rows > 0 ? this.rowsSq / this.rows : 0;
  }
  /** Decayed sums of rows² and rows over live batches; `batchSize` is their ratio. */
  private rowsSq = 0;
  private rows = 0;
  /** The bucket `liveBucket` last answered (-1 before any). */
  private heldBucket = -1;

  /**
   * The batch-size bucket the kernel is judged, sampled and shown at: the live batch size's, but
   * kept while that size stays within a tenth of the kept bucket's edges. The demo's batches of
   * 250–262 rows hover at 256, a bucket's edge: the GPU panel read 698/s and 8.71 K/s by turns,
   * snapshot after snapshot, the two buckets' measurements of one backend.
   */
  private liveBucket(): number {
    const size = this.batchSize;
    const want = bucketOf(size);
    const kept = this.heldBucket;
    if (kept >= 0 && want !== kept && size >= 2 ** kept * 0.9 && size < 2 ** (kept + 1) * 1.1)
      return kept;
    this.heldBucket = want;
    return want;
  }
  lastSwitchUs: number | null = null;
  switches = 0;
  private reason = 'Runs on its CPU twin until WebGPU has been measured.';
  /**
   * The last decision that compared measured rates, or null when `reason` says it all. Its words
   * are written when the snapshot is taken, from the rates the snapshot shows: written at the
   * decision, they read "WebGPU 1 K/s" beside a column of 13.5 K/s measured since.
   */
  private verdict: 'toGpu' | 'toCpu' | 'stay' | 'forced' | null = null;
  /** The reason says it is measuring: the other backend is still to be sampled on live batches. */
  private measuring = false;
  /**
   * When the next sample is due, ms of engine time. Starts at -Infinity (due at once), a double
   * like every later value: a field that starts as a small integer and later holds a fraction
   * makes V8 retire its object layout, and with it the optimised code of every function that
   * inlined this object (see `warmup.ts`).
   */
  private nextSampleMs = Number.NEGATIVE_INFINITY;
  /**
   * Before this (ms of engine time) no sample at all, whatever the batch size: the duty cycle's
   * wait after the last one (see {@link sampled}). Also a double from the start.
   */
  private dutyUntilMs = Number.NEGATIVE_INFINITY;
  /** When the last sample was asked for (ms of engine time; a double from the start). */
  private askedMs = Number.NEGATIVE_INFINITY;
  private gapMs: number;
  private readonly hysteresis: number;
  private readonly minDwellUs: number;
  private readonly minSamples: number;
  private readonly dutyCycle: number;
  private readonly learnGapMs: number;
  private readonly maxGapMs: number;
  private readonly loserGapMs: number;

  constructor(
    public mode: PlacementMode,
    o: PlacementOptions = {},
  ) {
    this.hysteresis = o.hysteresis ?? 0.25;
    this.minDwellUs = o.minDwellUs ?? 2_000_000;
    this.minSamples = o.minSamples ?? 3;
    this.dutyCycle = o.dutyCycle ?? 0.02;
    this.learnGapMs = o.learnGapMs ?? 100;
    this.maxGapMs = o.maxGapMs ?? 8_000;
    this.loserGapMs = o.loserGapMs ?? 60_000;
    this.gapMs = this.learnGapMs;
    if (mode !== 'auto') this.explain(`${backendSet(mode)}.`);
  }

  /** A live batch of `rows` ran on `on` in `ms`. */
  observe(on: Backend, rows: number, ms: number): void {
    if (rows > 0) {
      this.rowsSq = this.rowsSq * BATCH_DECAY + rows * rows;
      this.rows = this.rows * BATCH_DECAY + rows;
    }
    (on === 'cpu' ? this.cpu : this.gpu).record(rows, ms);
  }

  /**
   * A shadow run of `rows` on `on` took `ms`, ending at `endMs`. The next sample waits long
   * enough that sampling takes at most `dutyCycle` of the time (a software adapter that needs
   * 300 ms for a batch is sampled every 15 s at 2 %), so measuring never costs the live traffic
   * more than that.
   */
  sampled(on: Backend, rows: number, ms: number, endMs: number): void {
    (on === 'cpu' ? this.cpu : this.gpu).record(rows, ms, DECAY_SAMPLE);
    this.waited(ms, endMs);
  }

  /**
   * A shadow run that took `ms`, ending at `endMs`, and is not measured (a runtime's first batch):
   * the next sample still waits out the duty cycle. Sampled again at once after the fraud
   * kernel's 1.2 s cold batch, and so every few seconds in the first minute, SwiftShader's
   * samples took the first saturated `auto` sweep 15 % below the twins'.
   */
  waited(ms: number, endMs: number): void {
    this.dutyUntilMs = endMs + ms * (1 / this.dutyCycle - 1);
    this.nextSampleMs = Math.max(this.nextSampleMs, this.dutyUntilMs);
  }

  /**
   * The backend a copy of the next live batch should be measured on now, or null. A kernel forced
   * to WebGPU still samples its twin, so the twin's rate beside WebGPU's is current: measured only
   * before the runtime was ready, in the kernel's first cold batches, it read 33 K/s for a twin
   * that runs millions a second, and "auto would run it on" rested on it. (`cpu` has no runtime
   * to sample.)
   */
  wantsSample(nowMs: number): Backend | null {
    if (this.mode === 'cpu' || !this.gpuReady || this.gpuUnavailable !== null) return null;
    if (this.mode === 'webgpu' && this.current !== 'webgpu') return null;
    const other: Backend = this.current === 'cpu' ? 'webgpu' : 'cpu';
    const table = other === 'cpu' ? this.cpu : this.gpu;
    const b = this.liveBucket();
    // Traffic moved to batch sizes the other backend was never measured near (two buckets or
    // more away: a size hovering at a bucket's edge is measured): sampled there as soon as the
    // duty cycle allows, not after the gap a clear loser waits. From 1,000/s to 2 M/s, the 1-row
    // batches' rate had stood for ~240-row ones for up to a minute ("WebGPU 2/s").
    const near = table.nearest(b, 1);
    const unmeasured = near === null || Math.abs(near.bucket - b) > 1;
    const due = unmeasured
      ? Math.max(this.dutyUntilMs, this.askedMs + this.learnGapMs)
      : this.nextSampleMs;
    if (nowMs < due) return null;
    const ratio = this.slowdownOf(other, b);
    // Learning until the other backend has its samples at the live batch size, or one sample
    // that leaves no doubt (compare() needs no more then either).
    const learning =
      table.samples[b]! < this.minSamples && (ratio === null || ratio < CLEAR_FACTOR);
    // A clear loser waits its whole gap from the first sample that shows it: doubling up to it
    // from 1 s sampled SwiftShader six times a kernel in the first minute, each sample taking
    // both cores from the engine (the first saturated `auto` sweep ran 16 % below the twins').
    const loser = ratio !== null && ratio >= LOSER_FACTOR;
    // The twin, sampled beside a kernel on WebGPU, keeps the learning pace: its samples run on
    // this thread in well under a millisecond at the batch sizes a GPU gets here, and the duty
    // cycle bounds a slower one to 2 % all the same; sampled at gaps doubling to 8 s
    // its code went cold between them, so it read 3 to 70 times below what it runs at (QA: "CPU
    // twin 72.4 K/s" for 35 s, then 5.11 M/s once the kernel was back on it).
    this.gapMs =
      learning || other === 'cpu'
        ? this.learnGapMs
        : loser
          ? this.loserGapMs
          : Math.min(this.maxGapMs, Math.max(1000, this.gapMs * 2));
    this.nextSampleMs = nowMs + this.gapMs;
    this.askedMs = nowMs;
    return other;
  }

  /**
   * How many times slower `other` is than the backend the kernel runs on at batch-size bucket
   * `b`, at best for `other` (see {@link ceilingAt}), or null while that is unknown.
   */
  private slowdownOf(other: Backend, b: number): number | null {
    const mine = this.pick(other === 'cpu' ? this.gpu : this.cpu, b);
    const theirs = ceilingAt(other === 'cpu' ? this.cpu : this.gpu, b);
    if (!mine || theirs === null) return null;
    return mine.rate / theirs;
  }

  /**
   * Where the kernel should run now: a backend to switch to, or null to stay. Forced modes
   * answer their backend (when it is usable); `auto` compares the measured rates at the live
   * batch size.
   */
  decide(nowUs: number): Backend | null {
    const want = this.wanted(nowUs);
    return want === this.current ? null : want;
  }

  /** `the CPU twin runs` or `WebGPU runs`, as the reasons say where the kernel is. */
  private runs(): string {
    return this.current === 'cpu' ? 'the CPU twin runs' : 'WebGPU runs';
  }

  private wanted(nowUs: number): Backend {
    this.verdict = null;
    this.measuring = false;
    const usable = this.gpuReady && this.gpuUnavailable === null;
    if (this.mode === 'cpu' || this.mode === 'webgpu') {
      const to = this.mode === 'webgpu' && usable ? 'webgpu' : 'cpu';
      // Forced where it runs, with both rates measured: the reason gives them. "Backend forced
      // to webgpu." alone sat beside a queue losing messages at 52 K/s on SwiftShader while the
      // twin had measured 9.4 M/s.
      if (to === this.mode && this.compare()) this.verdict = 'forced';
      return to;
    }
    if (!usable) {
      this.reason = this.gpuUnavailable
        ? `Runs on its CPU twin: ${this.gpuUnavailable}`
        : 'Runs on its CPU twin until WebGPU has been measured.';
      return 'cpu';
    }
    const cmp = this.compare();
    if (!cmp) {
      // "Measuring" for a kernel that has taken nothing read as if something were going on.
      this.measuring = this.batchSize > 0;
      this.reason = this.measuring
        ? `Measuring: ${this.runs()} while the other backend is sampled on live batches.`
        : `Waiting for traffic: ${this.current === 'cpu' ? 'the CPU twin' : 'WebGPU'} runs until its first batches, on which both backends are then measured.`;
      return this.current;
    }
    const { cpu, gpu } = cmp;
    const dwelling = this.lastSwitchUs !== null && nowUs - this.lastSwitchUs < this.minDwellUs;
    if (this.current === 'cpu' && this.beats(gpu, cpu) && !dwelling) {
      this.verdict = 'toGpu';
      return 'webgpu';
    }
    if (this.current === 'webgpu' && this.beats(cpu, gpu) && !dwelling) {
      this.verdict = 'toCpu';
      return 'cpu';
    }
    this.verdict = 'stay';
    return this.current;
  }

  /** Whether rate `a` wins over `b` by more than the hysteresis: what a move takes. */
  private beats(a: number, b: number): boolean {
    return a > b * (1 + this.hysteresis);
  }

  /** The words of a decision that compared rates, with the rates the snapshot shows. */
  private verdictText(cpu: number | null, gpu: number | null): string {
    const c = `CPU twin ${measuredRate(cpu)}`;
    const g = `${this.adapterLabel} ${measuredRate(gpu)}`;
    const rows = Math.round(this.batchSize);
    // With separators, as the GPU panel's "Measured at" column beside it ("~2,771 rows" over
    // "at ~2771 rows per batch").
    const size = `at ~${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'} per batch`;
    switch (this.verdict) {
      case 'forced': {
        const onGpu = this.mode === 'webgpu';
        const slower =
          cpu !== null && gpu !== null && (onGpu ? this.beats(cpu, gpu) : this.beats(gpu, cpu));
        return (
          `${backendSet(this.mode)}: ${onGpu ? `${g} vs ${c}` : `${c} vs ${g}`} ${size}` +
          (slower ? `; auto would run it on ${onGpu ? 'the CPU twin' : 'WebGPU'}.` : '.')
        );
      }
      case 'toGpu':
        return `${this.adapterLabel} measured ${measuredRate(gpu)} vs ${c} ${size}.`;
      case 'toCpu':
        return `CPU twin measured ${measuredRate(cpu)} vs ${g} ${size}.`;
      default:
        return this.current === 'cpu'
          ? `${c} vs ${g} ${size}: stays on the CPU.`
          : `${g} vs ${c} ${size}: stays on WebGPU.`;
    }
  }

  /**
   * The two rates at the live batch size, when both are measured well enough: `minSamples`
   * each, or a single one where the two differ by more than `CLEAR_FACTOR` (a software adapter
   * 1,000 times slower than the twin needs no second opinion, and each of its samples is costly).
   */
  private compare(): { cpu: number; gpu: number } | null {
    const b = this.liveBucket();
    const cpu = this.pick(this.cpu, b);
    const gpu = this.pick(this.gpu, b);
    if (!cpu || !gpu) return null;
    const sure =
      this.cpu.samples[cpu.bucket]! >= this.minSamples &&
      this.gpu.samples[gpu.bucket]! >= this.minSamples;
    const ratio = Math.max(cpu.rate / gpu.rate, gpu.rate / cpu.rate);
    if (!sure && ratio < CLEAR_FACTOR) return null;
    return { cpu: cpu.rate, gpu: gpu.rate };
  }

  /**
   * The rate a backend is judged by at bucket `b`: the nearest bucket with `minSamples` when no
   * bucket nearer has any sample, else that nearer one (its few samples then keep `compare`
   * unsure, and learning goes on). The snapshot shows the same, so the panel's rates are the
   * reason's rates. Surer first, a kernel sampled on WebGPU on 1-row batches at 1,000/s and then
   * twice on 240-row ones at 2 M/s read "WebGPU 179/s at ~241 rows": the 1-row batches' rate.
   */
  private pick(t: RateTable, b: number): { bucket: number; rate: number } | null {
    const any = t.nearest(b, 1);
    if (any === null) return null;
    const sure = t.nearest(b, this.minSamples);
    return sure !== null && Math.abs(sure.bucket - b) <= Math.abs(any.bucket - b) ? sure : any;
  }

  /** The engine moved the kernel to `to` at `nowUs`. */
  switched(to: Backend, nowUs: number): void {
    if (to === this.current) return;
    this.current = to;
    this.lastSwitchUs = nowUs;
    this.switches++;
    this.gapMs = this.learnGapMs;
  }

  /** Smallest batch-size bucket where WebGPU measured faster than the twin, as a size; or null. */
  crossover(): number | null {
    for (let b = 0; b < BUCKETS; b++) {
      const c = this.cpu.rateAt(b);
      const g = this.gpu.rateAt(b);
      if (c !== null && g !== null && g > c) return 2 ** b;
    }
    return null;
  }

  /**
   * The placement as a snapshot shows it. `quiet`: the kernel has nothing to run now (no traffic
   * for it, nothing queued or out), so a kernel still measuring says it waits for traffic to go
   * on: "Measuring: … sampled on live batches" beside "processed now 0/s" after Stop read as if
   * something were going on (QA).
   */
  snapshot(quiet = false): KernelPlacement {
    const b = this.liveBucket();
    const cpuRate = this.pick(this.cpu, b)?.rate ?? null;
    const gpuRate = this.pick(this.gpu, b)?.rate ?? null;
    return {
      mode: this.mode,
      reason:
        this.verdict !== null
          ? this.verdictText(cpuRate, gpuRate)
          : this.measuring && quiet
            ? `Measuring paused, no traffic now: ${this.runs()}; the other backend is sampled on the next live batches.`
            : this.reason,
      cpuRate,
      gpuRate,
      crossoverBatch: this.crossover(),
      batchSize: Math.round(this.batchSize),
      lastSwitchUs: this.lastSwitchUs,
      switches: this.switches,
      gpuReady: this.gpuReady && this.gpuUnavailable === null,
      gpuStarting: this.gpuStarting && !this.gpuReady && this.mode !== 'cpu',
    };
  }

  /** Sets the reason a forced or unavailable placement gives (the engine knows it best). */
  explain(reason: string): void {
    this.verdict = null;
    this.measuring = false;
    this.reason = reason;
  }
}
