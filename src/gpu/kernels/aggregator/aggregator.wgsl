// Aggregator: one invocation per account slot present in the batch, adding amounts in batch
// order so every f32 rounding step happens exactly as in the CPU twin.

// Per slot: count, total (f32 bits), last timestamp lo, hi.
@group(0) @binding(3) var<storage, read_write> state: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= params.slots) { return; }
  let run = slotRun(i);
  let base = run.slot * 4u;
  var count = state[base];
  var total = bitcast<f32>(state[base + 1u]);
  var lastLo = state[base + 2u];
  var lastHi = state[base + 3u];
  for (var j = 0u; j < run.len; j++) {
    let r = sched[run.start + j];
    count = count + 1u;
    total = total + bitcast<f32>(inPayload(r, 2u));
    lastLo = inPayload(r, 6u);
    lastHi = inPayload(r, 7u);
    if ((inFlags(r) & FLAG_REQUIRES_RESPONSE) != 0u) {
      let lo = inTypeLo(r) + 1u;
      let hi = inTypeHi(r) + select(0u, 1u, lo == 0u);
      let o = beginOutput(r, lo, hi, inSource(r), FLAG_RESPONSE);
      outRecs[o] = inPayload(r, 0u);
      outRecs[o + 1u] = inPayload(r, 1u);
      outRecs[o + 2u] = bitcast<u32>(total);
      outRecs[o + 3u] = inPayload(r, 3u);
      outRecs[o + 4u] = count;
      outRecs[o + 5u] = 0u;
      outRecs[o + 6u] = lastLo;
      outRecs[o + 7u] = lastHi;
    }
  }
  state[base] = count;
  state[base + 1u] = bitcast<u32>(total);
  state[base + 2u] = lastLo;
  state[base + 3u] = lastHi;
}
