// Generic kernel: one invocation per message. Counting commutes, so per-type counters are
// atomics and rows need no ordering; echoes are appended and put back in row order on the host.

override TYPE_SLOTS: u32 = 1024u;

// One counter per hashed type slot.
@group(0) @binding(3) var<storage, read_write> state: array<atomic<u32>>;

// Same hash as typeSlot() in src/gpu/kernels/u64.ts.
fn typeSlot(lo: u32, hi: u32) -> u32 {
  let h = (lo ^ (hi * 0x85ebca77u)) * 0x9e3779b1u;
  return (h ^ (h >> 16u)) & (TYPE_SLOTS - 1u);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flatIndex(gid, nwg);
  if (r >= params.count) { return; }
  let lo = inTypeLo(r);
  let hi = inTypeHi(r);
  atomicAdd(&state[typeSlot(lo, hi)], 1u);
  if ((inFlags(r) & FLAG_REQUIRES_RESPONSE) != 0u) {
    let rlo = lo + 1u;
    let o = beginOutput(r, rlo, hi + select(0u, 1u, rlo == 0u), inSource(r), FLAG_RESPONSE);
    for (var w = 0u; w < PAYLOAD_WORDS; w++) {
      outRecs[o + w] = inPayload(r, w);
    }
  }
}
