// conv2d weight gradient: dw[ky,kx,ci,co] = sum over (n, oy, ox) of x[n, oy*SH-PT+ky, ox*SW-PL+kx, ci] * g[n,oy,ox,co].
// A tile is 4 input channels x 8 output channels (8 accumulators): per output pixel it broadcasts 4
// contiguous x values and loads 2 g vectors. Work units are (ky, kx, ci-block of 4) rows, so threads
// own disjoint rows of dw and need no reduction. Loop order: per output row (n, oy), every block of 8
// output channels in turn, its accumulators kept in the unit's own rows of dw between rows: the row's x
// and g (a few KB) stay in L1 across the channel blocks instead of streaming all of x and g once per
// block (3x less memory traffic for the codec's 48-channel layers).
// Arguments: host/backends/wasm/signatures.ts.
import { ai, ap, madd, loadLanes, storeLanes } from './common';

export function conv2d_grad_w_4x8(args: usize, start: i32, end: i32): void {
  // @args conv2d_grad_w_4x8: generated from host/backends/wasm/signatures.ts (npm run build:kernels)
  const x = ap(args, 0), g = ap(args, 1), dw = ap(args, 2), N = ai(args, 3), H = ai(args, 4), W = ai(args, 5);
  const Cin = ai(args, 6), OH = ai(args, 7), OW = ai(args, 8), Cout = ai(args, 9), KH = ai(args, 10);
  const KW = ai(args, 11), SH = ai(args, 12), SW = ai(args, 13), PT = ai(args, 14), PL = ai(args, 15);
  // @end args
  const cinBlocks = (Cin + 3) >> 2;
  const rowBytes = <usize>Cout << 2;
  const xStep = <usize>(SW * Cin) << 2, gStep = <usize>Cout << 2;
  for (let r = start; r < end; r++) {
    const tap = r / cinBlocks, ci = (r - tap * cinBlocks) << 2;
    const ky = tap / KW, kx = tap - ky * KW;
    const nci = min(4, Cin - ci);
    const base = dw + (<usize>((tap * Cin + ci) * Cout) << 2);
    memory.fill(base, 0, <usize>(nci * Cout) << 2);
    // Valid ox range for this kx: 0 <= ox*SW - PL + kx < W (integer division truncates: negatives first).
    const oxLo = max(0, (PL - kx + SW - 1) / SW);
    const last = W - 1 + PL - kx;
    const oxHi = last < 0 ? 0 : min(OW, last / SW + 1);
    if (oxHi <= oxLo) continue;
    for (let n = 0; n < N; n++)
      for (let oy = 0; oy < OH; oy++) {
        const iy = oy * SH - PT + ky;
        if (iy < 0 || iy >= H) continue;
        const xRow = x + (<usize>((((n * H + iy) * W) + oxLo * SW - PL + kx) * Cin + ci) << 2);
        const gRow = g + (<usize>(((n * OH + oy) * OW + oxLo) * Cout) << 2);
        for (let co = 0; co < Cout; co += 8) {
          const two = co + 4 < Cout;
          const lanes0 = min(4, Cout - co), lanes1 = Cout - co - 4;
          const d = base + (<usize>co << 2);
          let a00 = loadLanes(d, lanes0), a01 = two ? loadLanes(d + 16, lanes1) : f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
          if (nci > 1) { a10 = loadLanes(d + rowBytes, lanes0); if (two) a11 = loadLanes(d + rowBytes + 16, lanes1); }
          if (nci > 2) { a20 = loadLanes(d + 2 * rowBytes, lanes0); if (two) a21 = loadLanes(d + 2 * rowBytes + 16, lanes1); }
          if (nci > 3) { a30 = loadLanes(d + 3 * rowBytes, lanes0); if (two) a31 = loadLanes(d + 3 * rowBytes + 16, lanes1); }
          let xp = xRow, gp = gRow + (<usize>co << 2);
          for (let ox = oxLo; ox < oxHi; ox++) {
            const g0 = v128.load(gp), g1 = v128.load(gp, 16);
            const s0 = v128.load32_splat(xp), s1 = v128.load32_splat(xp + 4);
            const s2 = v128.load32_splat(xp + 8), s3 = v128.load32_splat(xp + 12);
            a00 = madd(s0, g0, a00); a01 = madd(s0, g1, a01);
            a10 = madd(s1, g0, a10); a11 = madd(s1, g1, a11);
            a20 = madd(s2, g0, a20); a21 = madd(s2, g1, a21);
            a30 = madd(s3, g0, a30); a31 = madd(s3, g1, a31);
            xp += xStep;
            gp += gStep;
          }
          storeRow(d, a00, a01, lanes0, lanes1, two);
          if (nci > 1) storeRow(d + rowBytes, a10, a11, lanes0, lanes1, two);
          if (nci > 2) storeRow(d + 2 * rowBytes, a20, a21, lanes0, lanes1, two);
          if (nci > 3) storeRow(d + 3 * rowBytes, a30, a31, lanes0, lanes1, two);
        }
      }
  }
}

// @ts-ignore: decorator
@inline function storeRow(dst: usize, v0: v128, v1: v128, lanes0: i32, lanes1: i32, two: bool): void {
  storeLanes(v0, dst, lanes0);
  if (two) storeLanes(v1, dst + 16, lanes1);
}
