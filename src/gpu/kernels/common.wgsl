// Shared prelude, prepended to every kernel's WGSL by src/gpu/kernels/gpu-kernel.ts.
// Buffer layouts mirror src/gpu/kernels/types.ts (see CONTEXT.md for the picture).

struct Params {
  count: u32,   // input rows in this batch
  slots: u32,   // sharded kernels: account/pair slots present in the batch
  pad0: u32,
  pad1: u32,
}

// msgs: the input batch as structure of arrays, sections of `count` words:
// typeLo | typeHi | idLo | idHi | source | priority | flags | payload (count * 8, row-major)
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> msgs: array<u32>;
// sched (sharded kernels): order[count] | slot[active] | start[active] | len[active];
// rows of one slot are listed in batch order, so one invocation per slot replays them sequentially.
@group(0) @binding(2) var<storage, read> sched: array<u32>;
// binding 3 (state) is declared by each kernel: plain u32 words or atomics.
@group(0) @binding(4) var<storage, read_write> outCount: atomic<u32>;
// outRecs: one record of OUT_WORDS words per input row, at the row's index, written only by a
// row that emits (at most one output per row); cleared before each dispatch:
// typeLo, typeHi, idLo, idHi, source, priority, flags, dest, present (1), payload[8]
// outCount counts the records written.
@group(0) @binding(5) var<storage, read_write> outRecs: array<u32>;

override WG: u32 = 64u;

const PAYLOAD_WORDS: u32 = 8u;
const OUT_WORDS: u32 = 17u;
const NO_DEST: u32 = 0xffffffffu;
const FLAG_REQUIRES_RESPONSE: u32 = 0x08u;
const FLAG_RESPONSE: u32 = 0x100u;

fn inTypeLo(r: u32) -> u32 { return msgs[r]; }
fn inTypeHi(r: u32) -> u32 { return msgs[params.count + r]; }
fn inSource(r: u32) -> u32 { return msgs[4u * params.count + r]; }
fn inFlags(r: u32) -> u32 { return msgs[6u * params.count + r]; }
fn inPayload(r: u32, w: u32) -> u32 { return msgs[7u * params.count + r * PAYLOAD_WORDS + w]; }

// Flattened invocation index: dispatches wider than 65,535 workgroups use a second dimension.
fn flatIndex(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// The i-th active slot of a sharded batch (see `sched` above): the state slot, where its rows
// start in `order`, and how many there are. Row j of the run is sched[start + j].
struct SlotRun {
  slot: u32,
  start: u32,
  len: u32,
}

fn slotRun(i: u32) -> SlotRun {
  let n = params.count;
  let t = params.slots;
  return SlotRun(sched[n + i], sched[n + t + i], sched[n + 2u * t + i]);
}

// t <= base + window on u64 (lo, hi) words, the sum wrapping at 2^64 (src/gpu/kernels/u64.ts).
fn withinWindow(tLo: u32, tHi: u32, baseLo: u32, baseHi: u32, window: u32) -> bool {
  let sumLo = baseLo + window;
  let sumHi = baseHi + select(0u, 1u, sumLo < baseLo);
  return tHi < sumHi || (tHi == sumHi && tLo <= sumLo);
}

// Writes the output record caused by row r (in row r's record slot, so outputs come back in
// input order without sorting) and returns the index of its payload's first word.
fn beginOutput(r: u32, typeLo: u32, typeHi: u32, dest: u32, flags: u32) -> u32 {
  atomicAdd(&outCount, 1u);
  let o = r * OUT_WORDS;
  let n = params.count;
  outRecs[o] = typeLo;
  outRecs[o + 1u] = typeHi;
  outRecs[o + 2u] = msgs[2u * n + r];
  outRecs[o + 3u] = msgs[3u * n + r];
  outRecs[o + 4u] = msgs[4u * n + r];
  outRecs[o + 5u] = msgs[5u * n + r];
  outRecs[o + 6u] = flags;
  outRecs[o + 7u] = dest;
  outRecs[o + 8u] = 1u;
  return o + 9u;
}
