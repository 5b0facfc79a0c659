// Fraud processor: one invocation per account slot present in the batch, replaying that slot's
// transactions in batch order, so velocity windows match the CPU twin exactly.

override ACCOUNT_SLOTS: u32 = 65536u;
override LARGE_AMOUNT: f32 = 10000.0;
override STRUCTURING_MIN: f32 = 9000.0;
override VELOCITY_LIMIT: u32 = 10u;
override VELOCITY_WINDOW_US: u32 = 60000000u;
override SCORE_LARGE: f32 = 50.0;
override SCORE_VELOCITY: f32 = 30.0;
override SCORE_STRUCTURING: f32 = 20.0;
override FRAUD_ALERT_TYPE: u32 = 1010u;

const REASON_LARGE: u32 = 1u;
const REASON_VELOCITY: u32 = 2u;
const REASON_STRUCTURING: u32 = 4u;

// Per slot: count, head, then VELOCITY_LIMIT timestamps as (lo, hi).
@group(0) @binding(3) var<storage, read_write> state: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flatIndex(gid, nwg);
  if (i >= params.slots) { return; }
  let run = slotRun(i);
  let base = run.slot * (2u + 2u * VELOCITY_LIMIT);
  var count = state[base];
  var head = state[base + 1u];
  for (var j = 0u; j < run.len; j++) {
    let r = sched[run.start + j];
    let amountBits = inPayload(r, 2u);
    let amount = bitcast<f32>(amountBits);
    let tsLo = inPayload(r, 6u);
    let tsHi = inPayload(r, 7u);
    var reasons = 0u;
    if (amount > LARGE_AMOUNT) { reasons |= REASON_LARGE; }
    if (amount >= STRUCTURING_MIN && amount < LARGE_AMOUNT) { reasons |= REASON_STRUCTURING; }
    let ring = base + 2u + head * 2u;
    if (count >= VELOCITY_LIMIT && withinWindow(tsLo, tsHi, state[ring], state[ring + 1u], VELOCITY_WINDOW_US)) {
      reasons |= REASON_VELOCITY;
    }
    state[ring] = tsLo;
    state[ring + 1u] = tsHi;
    head = select(head + 1u, 0u, head + 1u == VELOCITY_LIMIT);
    count = min(count + 1u, VELOCITY_LIMIT);
    if (reasons != 0u) {
      var score = 0.0;
      if ((reasons & REASON_LARGE) != 0u) { score += SCORE_LARGE; }
      if ((reasons & REASON_VELOCITY) != 0u) { score += SCORE_VELOCITY; }
      if ((reasons & REASON_STRUCTURING) != 0u) { score += SCORE_STRUCTURING; }
      let o = beginOutput(r, FRAUD_ALERT_TYPE, 0u, NO_DEST, 0u);
      outRecs[o] = inPayload(r, 0u);
      outRecs[o + 1u] = inPayload(r, 1u);
      outRecs[o + 2u] = inPayload(r, 3u);
      outRecs[o + 3u] = reasons;
      outRecs[o + 4u] = bitcast<u32>(score);
      outRecs[o + 5u] = amountBits;
      outRecs[o + 6u] = tsLo;
      outRecs[o + 7u] = tsHi;
    }
  }
  state[base] = count;
  state[base + 1u] = head;
}
