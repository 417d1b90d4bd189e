// A deflate (RFC 1951) encoder for the codec's small payloads: a few hundred to a few thousand bytes,
// where a general-purpose compressor's greedy parse and its Huffman tables cost a large share.
//
// One block. Matches: for each position, the shortest distance for every match length (hash chains
// over 3-byte prefixes, the whole input as window). Parse: shortest path over positions with each
// symbol priced by the current code (zopfli's idea), iterated: parse -> symbol counts -> costs ->
// parse, starting from the fixed code's prices. Every parse is priced exactly as a dynamic block
// (length-limited Huffman codes by package-merge, the code-length header run-length coded in the
// cheapest of 8 ways) and as a fixed block, and a stored block is the fallback: the smallest wins.
// Any inflater reads the result; the decoder side stays the reader's ordinary inflate.

const MIN_MATCH = 3, MAX_MATCH = 258, WINDOW = 32768;

// Length symbols 257..285 and distance symbols 0..29: base values and extra bits (RFC 1951, 3.2.5).
const LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LEN_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
/** Order in which the code-length code's lengths are sent. */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const LEN_SYM = new Uint16Array(MAX_MATCH + 1); // length -> index into LEN_BASE
for (let s = 0; s < 29; s++) for (let l = LEN_BASE[s]; l < (s < 28 ? LEN_BASE[s + 1] : 259); l++) LEN_SYM[l] = s;
LEN_SYM[258] = 28;
const distSym = (d: number) => {
  let s = 0;
  while (s < 29 && DIST_BASE[s + 1] <= d) s++;
  return s;
};

const FIXED_LL = Uint8Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8));
const FIXED_D = new Uint8Array(30).fill(5);

/** One parsed symbol: a literal (dist 0, len = byte) or a match. */
interface Sym {
  len: number;
  dist: number;
}

/**
 * For each position i, the matches worth considering: pairs (length, distance) at, in order of
 * growing distance, each longer than the last; every length up to a pair's is reachable at its
 * distance (the shortest one for that length). Pairs of position i are at [start[i], start[i+1]).
 */
interface Matches {
  start: Int32Array;
  len: Int32Array;
  dist: Int32Array;
}

function findMatches(data: Uint8Array): Matches {
  const n = data.length;
  const head = new Map<number, number>();
  const prev = new Int32Array(n).fill(-1);
  const start = new Int32Array(n + 1);
  let len: number[] = [], dist: number[] = [];
  for (let i = 0; i < n; i++) {
    start[i] = len.length;
    if (i + MIN_MATCH > n) continue;
    const key = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
    const limit = Math.min(MAX_MATCH, n - i);
    let best = MIN_MATCH - 1;
    for (let j = head.get(key) ?? -1; j >= 0 && i - j <= WINDOW && best < limit; j = prev[j]) {
      let l = MIN_MATCH;
      while (l < limit && data[j + l] === data[i + l]) l++;
      if (l > best) {
        len.push(l);
        dist.push(i - j);
        best = l;
      }
    }
    prev[i] = head.get(key) ?? -1;
    head.set(key, i);
  }
  start[n] = len.length;
  return { start, len: Int32Array.from(len), dist: Int32Array.from(dist) };
}

interface Costs {
  lit: Float64Array; // 286 literal/length symbols
  dist: Float64Array; // 30 distance symbols
}

/** Cheapest parse of data[start, end) under the symbol prices (shortest path over positions). */
function parse(data: Uint8Array, matches: Matches, c: Costs, start: number, end: number): Sym[] {
  const n = end;
  const cost = new Float64Array(n + 1).fill(Infinity);
  const from = new Int32Array(n + 1), fromDist = new Int32Array(n + 1);
  cost[start] = 0;
  const lenCost = Float64Array.from({ length: MAX_MATCH + 1 }, (_, l) => (l < MIN_MATCH ? 0 : c.lit[257 + LEN_SYM[l]] + LEN_EXTRA[LEN_SYM[l]]));
  const distCost = (d: number) => {
    const ds = distSym(d);
    return c.dist[ds] + DIST_EXTRA[ds];
  };
  for (let i = start; i < n; i++) {
    const base = cost[i];
    if (base + c.lit[data[i]] < cost[i + 1]) {
      cost[i + 1] = base + c.lit[data[i]];
      from[i + 1] = 1;
      fromDist[i + 1] = 0;
    }
    let len = MIN_MATCH;
    for (let m = matches.start[i]; m < matches.start[i + 1]; m++)
      for (let top = Math.min(matches.len[m], n - i), dist = matches.dist[m], dc = base + distCost(dist); len <= top; len++) {
        const v = dc + lenCost[len];
        if (v < cost[i + len]) {
          cost[i + len] = v;
          from[i + len] = len;
          fromDist[i + len] = dist;
        }
      }
  }
  const syms: Sym[] = [];
  for (let i = n; i > start; i -= from[i]) syms.push(fromDist[i] ? { len: from[i], dist: fromDist[i] } : { len: data[i - 1], dist: 0 });
  return syms.reverse();
}

function counts(syms: Sym[]): { lit: Uint32Array; dist: Uint32Array } {
  const lit = new Uint32Array(286), dist = new Uint32Array(30);
  for (const s of syms)
    if (s.dist) {
      lit[257 + LEN_SYM[s.len]]++;
      dist[distSym(s.dist)]++;
    } else lit[s.len]++;
  lit[256]++;
  return { lit, dist };
}

/** Prices from symbol counts: -log2 of the (slightly smoothed) frequency, in bits. */
function entropyCosts(k: { lit: Uint32Array; dist: Uint32Array }): Costs {
  const price = (a: Uint32Array) => {
    const total = a.reduce((s, v) => s + v, 0) + 0.5 * a.length;
    return Float64Array.from(a, (v) => Math.log2(total / (v + 0.5)));
  };
  return { lit: price(k.lit), dist: price(k.dist) };
}

/** Huffman code lengths (a two-queue merge of the sorted counts); zero count -> length 0. */
function huffmanLengths(freq: ArrayLike<number>): Uint8Array {
  const lengths = new Uint8Array(freq.length);
  const used = Array.from(freq, (f, s) => [f, s] as [number, number]).filter(([f]) => f > 0).sort((a, b) => a[0] - b[0]);
  if (used.length === 1) lengths[used[0][1]] = 1;
  if (used.length <= 1) return lengths;
  // Nodes 0..k-1 are the leaves, k.. the merged ones (created in non-decreasing weight order).
  const k = used.length, weight = used.map(([f]) => f), parent = new Int32Array(2 * k - 1);
  let leaf = 0, inner = k;
  const take = () => (leaf < k && (inner >= weight.length || weight[leaf] <= weight[inner]) ? leaf++ : inner++);
  while (weight.length < 2 * k - 1) {
    const a = take(), b = take();
    parent[a] = parent[b] = weight.length;
    weight.push(weight[a] + weight[b]);
  }
  const depth = new Int32Array(2 * k - 1);
  for (let i = 2 * k - 3; i >= 0; i--) depth[i] = depth[parent[i]] + 1;
  used.forEach(([, s], i) => (lengths[s] = depth[i]));
  return lengths;
}

/** Optimal code lengths of at most maxBits for the counts (Huffman, else package-merge); zero count -> length 0. */
export function limitedLengths(freq: ArrayLike<number>, maxBits: number): Uint8Array {
  const plain = huffmanLengths(freq);
  if (plain.every((l) => l <= maxBits)) return plain;
  const lengths = new Uint8Array(freq.length);
  const used = Array.from(freq, (f, s) => [f, s] as [number, number]).filter(([f]) => f > 0).sort((a, b) => a[0] - b[0]);
  if (used.length === 1) lengths[used[0][1]] = 1;
  if (used.length <= 1) return lengths;
  type Item = { w: number; syms: number[] };
  const leaves: Item[] = used.map(([f, s]) => ({ w: f, syms: [s] }));
  let list: Item[] = leaves;
  for (let level = 1; level < maxBits; level++) {
    const packages: Item[] = [];
    for (let i = 0; i + 1 < list.length; i += 2) packages.push({ w: list[i].w + list[i + 1].w, syms: [...list[i].syms, ...list[i + 1].syms] });
    list = [...leaves, ...packages].sort((a, b) => a.w - b.w);
  }
  for (const item of list.slice(0, 2 * used.length - 2)) for (const s of item.syms) lengths[s]++;
  return lengths;
}

/** Canonical codes (bit-reversed for LSB-first output) from lengths. */
function canonical(lengths: Uint8Array): Uint16Array {
  const blCount = new Uint16Array(16), next = new Uint16Array(16), codes = new Uint16Array(lengths.length);
  for (const l of lengths) if (l) blCount[l]++;
  for (let b = 1, code = 0; b < 16; b++) next[b] = code = (code + blCount[b - 1]) << 1;
  lengths.forEach((l, s) => {
    if (!l) return;
    let c = next[l]++, r = 0;
    for (let i = 0; i < l; i++, c >>= 1) r = (r << 1) | (c & 1);
    codes[s] = r;
  });
  return codes;
}

class BitWriter {
  private bytes: number[] = [];
  private acc = 0;
  private n = 0;
  bits(value: number, count: number): void {
    for (let i = 0; i < count; i++) {
      this.acc |= ((value >> i) & 1) << this.n;
      if (++this.n === 8) {
        this.bytes.push(this.acc);
        this.acc = this.n = 0;
      }
    }
  }
  finish(): Uint8Array {
    if (this.n) this.bytes.push(this.acc);
    return Uint8Array.from(this.bytes);
  }
}

/** Run-length coding of the code-length sequence (symbols 16/17/18 each allowed or not). */
function rleLengths(seq: Uint8Array, use16: boolean, use17: boolean, use18: boolean): Array<[number, number]> {
  const out: Array<[number, number]> = []; // [symbol, extra value]
  for (let i = 0; i < seq.length; ) {
    const v = seq[i];
    let run = 1;
    while (i + run < seq.length && seq[i + run] === v) run++;
    let left = run;
    if (v === 0) {
      while (use18 && left >= 11) {
        const r = Math.min(138, left);
        out.push([18, r - 11]);
        left -= r;
      }
      while (use17 && left >= 3) {
        const r = Math.min(10, left);
        out.push([17, r - 3]);
        left -= r;
      }
    } else if (use16 && left >= 4) {
      out.push([v, 0]);
      left--;
      while (left >= 3) {
        const r = Math.min(6, left);
        out.push([16, r - 3]);
        left -= r;
      }
    }
    for (; left > 0; left--) out.push([v, 0]);
    i += run;
  }
  return out;
}

const CL_EXTRA: Record<number, number> = { 16: 2, 17: 3, 18: 7 };

interface DynamicHeader {
  bits: number;
  write(w: BitWriter): void;
}

/** The cheapest dynamic-block header for these code lengths. */
function dynamicHeader(ll: Uint8Array, dl: Uint8Array): DynamicHeader {
  let hlit = 286;
  while (hlit > 257 && !ll[hlit - 1]) hlit--;
  let hdist = 30;
  while (hdist > 1 && !dl[hdist - 1]) hdist--;
  const seq = new Uint8Array(hlit + hdist);
  seq.set(ll.subarray(0, hlit));
  seq.set(dl.subarray(0, hdist), hlit);
  let best: DynamicHeader | undefined;
  for (let mask = 0; mask < 8; mask++) {
    const rle = rleLengths(seq, !!(mask & 1), !!(mask & 2), !!(mask & 4));
    const freq = new Uint32Array(19);
    for (const [s] of rle) freq[s]++;
    const cl = limitedLengths(freq, 7);
    let hclen = 19;
    while (hclen > 4 && !cl[CL_ORDER[hclen - 1]]) hclen--;
    const bits = 14 + 3 * hclen + rle.reduce((a, [s]) => a + cl[s] + (CL_EXTRA[s] ?? 0), 0);
    if (best && best.bits <= bits) continue;
    const codes = canonical(cl);
    best = {
      bits,
      write(w) {
        w.bits(hlit - 257, 5);
        w.bits(hdist - 1, 5);
        w.bits(hclen - 4, 4);
        for (let i = 0; i < hclen; i++) w.bits(cl[CL_ORDER[i]], 3);
        for (const [s, extra] of rle) {
          w.bits(codes[s], cl[s]);
          if (s >= 16) w.bits(extra, CL_EXTRA[s]);
        }
      },
    };
  }
  return best!;
}

/** Bits of the symbols under code lengths ll/dl (end-of-block included). */
function bodyBits(syms: Sym[], ll: Uint8Array, dl: Uint8Array): number {
  let bits = ll[256];
  for (const s of syms) {
    if (!s.dist) {
      bits += ll[s.len];
      continue;
    }
    const ls = LEN_SYM[s.len], ds = distSym(s.dist);
    bits += ll[257 + ls] + LEN_EXTRA[ls] + dl[ds] + DIST_EXTRA[ds];
  }
  return bits;
}

function writeBody(w: BitWriter, syms: Sym[], ll: Uint8Array, dl: Uint8Array): void {
  const lc = canonical(ll), dc = canonical(dl);
  for (const s of syms) {
    if (!s.dist) {
      w.bits(lc[s.len], ll[s.len]);
      continue;
    }
    const ls = LEN_SYM[s.len], ds = distSym(s.dist);
    w.bits(lc[257 + ls], ll[257 + ls]);
    w.bits(s.len - LEN_BASE[ls], LEN_EXTRA[ls]);
    w.bits(dc[ds], dl[ds]);
    w.bits(s.dist - DIST_BASE[ds], DIST_EXTRA[ds]);
  }
  w.bits(lc[256], ll[256]);
}

/** Dynamic code lengths for a parse; at least two distance codes, as older inflaters require. */
function dynamicLengths(syms: Sym[]): { ll: Uint8Array; dl: Uint8Array } {
  const k = counts(syms);
  const ll = limitedLengths(k.lit, 15);
  const dist = Uint32Array.from(k.dist);
  for (let s = 0, used = dist.filter((v) => v > 0).length; used < 2; s++) if (!dist[s]) (dist[s] = 1), used++;
  return { ll, dl: limitedLengths(dist, 15) };
}

type Block = { kind: 'fixed' | 'dynamic'; bits: number; syms: Sym[]; ll: Uint8Array; dl: Uint8Array; header?: DynamicHeader };

/** The cheapest block for data[start, end): fixed, or dynamic after rounds of parse -> prices. */
function bestBlock(data: Uint8Array, matches: Matches, start: number, end: number, iterations: number): Block {
  const fixedCosts: Costs = { lit: Float64Array.from(FIXED_LL.subarray(0, 286)), dist: Float64Array.from(FIXED_D) };
  let syms = parse(data, matches, fixedCosts, start, end);
  let best: Block = { kind: 'fixed', bits: 3 + bodyBits(syms, FIXED_LL, FIXED_D), syms, ll: FIXED_LL, dl: FIXED_D };
  for (let it = 0; it < iterations; it++) {
    const { ll, dl } = dynamicLengths(syms);
    const header = dynamicHeader(ll, dl);
    const bits = 3 + header.bits + bodyBits(syms, ll, dl);
    if (bits < best.bits) best = { kind: 'dynamic', bits, syms, ll, dl, header };
    syms = parse(data, matches, entropyCosts(counts(syms)), start, end);
  }
  return best;
}

export interface DeflateOptions {
  /** Rounds of parse -> prices per block (default 10). */
  iterations?: number;
  /**
   * Candidate block splits: each entry is a list of offsets where a new block starts (e.g. where the
   * data changes character). [] (one block) is always tried; the smallest stream wins.
   */
  splits?: number[][];
}

/** Raw deflate stream of data. */
export function deflateSmall(data: Uint8Array, opts: DeflateOptions = {}): Uint8Array {
  const iterations = opts.iterations ?? 10;
  const matches = findMatches(data);
  let best: { bits: number; blocks: Block[] } | undefined;
  for (const split of [[], ...(opts.splits ?? [])]) {
    const edges = [0, ...split.filter((s) => s > 0 && s < data.length).sort((a, b) => a - b), data.length];
    const blocks = edges.slice(1).map((end, k) => bestBlock(data, matches, edges[k], end, iterations));
    const bits = blocks.reduce((a, b) => a + b.bits, 0);
    if (!best || bits < best.bits) best = { bits, blocks };
  }
  const w = new BitWriter();
  if (Math.ceil(best!.bits / 8) >= data.length + 5 && data.length < 65536) {
    w.bits(1, 3); // final, stored
    const out = w.finish(); // the header's byte is padded: stored data starts on a byte boundary
    return Uint8Array.from([...out, data.length & 255, data.length >> 8, ~data.length & 255, (~data.length >> 8) & 255, ...data]);
  }
  best!.blocks.forEach((b, k) => {
    w.bits(k === best!.blocks.length - 1 ? 1 : 0, 1);
    w.bits(b.kind === 'fixed' ? 1 : 2, 2);
    b.header?.write(w);
    writeBody(w, b.syms, b.ll, b.dl);
  });
  return w.finish();
}

function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < data.length; i++) {
    a = (a + data[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream (RFC 1950: 2-byte header, raw deflate, Adler-32) of data. */
export function zlibSmall(data: Uint8Array, opts?: DeflateOptions): Uint8Array {
  const body = deflateSmall(data, opts);
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0xda; // maximum compression; (0x78 * 256 + 0xda) % 31 === 0
  out.set(body, 2);
  new DataView(out.buffer).setUint32(body.length + 2, adler32(data));
  return out;
}
