// Pattern detector: one invocation per unordered account-pair slot present in the batch
// (A->B and B->A share a slot), replaying its transfers in batch order.

override PATTERN_WINDOW_US: u32 = 60000000u;
override PATTERN_RESULT_TYPE: u32 = 1004u;

const RAPID_REPEAT: u32 = 1u;
const CIRCULAR: u32 = 2u;

// Per slot: last from, last to, last amount bits, last timestamp lo, hi, seen.
@group(0) @binding(3) var<storage, read_write> state: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= params.slots) { return; }
  let run = slotRun(i);
  let base = run.slot * 6u;
  for (var j = 0u; j < run.len; j++) {
    let r = sched[run.start + j];
    let amountBits = inPayload(r, 2u);
    let fromAcct = inPayload(r, 3u);
    let toAcct = inPayload(r, 4u);
    let tsLo = inPayload(r, 6u);
    let tsHi = inPayload(r, 7u);
    var patterns = 0u;
    if (state[base + 5u] == 1u && withinWindow(tsLo, tsHi, state[base + 3u], state[base + 4u], PATTERN_WINDOW_US)) {
      let lastFrom = state[base];
      let lastTo = state[base + 1u];
      if (lastFrom == fromAcct && lastTo == toAcct && state[base + 2u] == amountBits) { patterns |= RAPID_REPEAT; }
      if (lastFrom == toAcct && lastTo == fromAcct && fromAcct != toAcct) { patterns |= CIRCULAR; }
    }
    state[base] = fromAcct;
    state[base + 1u] = toAcct;
    state[base + 2u] = amountBits;
    state[base + 3u] = tsLo;
    state[base + 4u] = tsHi;
    state[base + 5u] = 1u;
    let respond = (inFlags(r) & FLAG_REQUIRES_RESPONSE) != 0u;
    if (patterns != 0u || respond) {
      let o = beginOutput(r, PATTERN_RESULT_TYPE, 0u, select(NO_DEST, inSource(r), respond), select(0u, FLAG_RESPONSE, respond));
      outRecs[o] = inPayload(r, 0u);
      outRecs[o + 1u] = inPayload(r, 1u);
      outRecs[o + 2u] = fromAcct;
      outRecs[o + 3u] = toAcct;
      outRecs[o + 4u] = patterns;
      outRecs[o + 5u] = amountBits;
      outRecs[o + 6u] = tsLo;
      outRecs[o + 7u] = tsHi;
    }
  }
}
