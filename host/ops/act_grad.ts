// act_grad (backward of relu, leaky_relu, clamp, tanh, sigmoid): v, g [same shape] -> dLoss/dx.
// v is the activation's output y (relu, leaky_relu with alpha >= 0, tanh, sigmoid: their derivative is
// a function of y, so a fused forward step that keeps only y suffices) or its input x (clamp, and
// leaky_relu with alpha < 0, where y's sign does not tell x's); attr `of` says which.
//   relu: v > 0 ? g : 0     leaky_relu: v > 0 ? g : alpha g     clamp: min <= x <= max ? g : 0
//   tanh: g (1 - y^2)       sigmoid: g y (1 - y)
import { fail, numAttr, onlyKeys, type OpDef } from './op.ts';

export type ActGradKind = 'relu' | 'leaky_relu' | 'clamp' | 'tanh' | 'sigmoid';
export interface ActGradAttrs {
  act: ActGradKind;
  alpha: number;
  min: number;
  max: number;
}
const KINDS: ActGradKind[] = ['relu', 'leaky_relu', 'clamp', 'tanh', 'sigmoid'];

export function actGradScalar(v: number, g: number, a: ActGradAttrs): number {
  switch (a.act) {
    case 'relu':
      return v > 0 ? g : 0;
    case 'leaky_relu':
      return v > 0 ? g : a.alpha * g;
    case 'clamp':
      return v >= a.min && v <= a.max ? g : 0;
    case 'tanh':
      return g * (1 - v * v);
    case 'sigmoid':
      return g * v * (1 - v);
  }
}

export const actGrad: OpDef<ActGradAttrs> = {
  name: 'act_grad',
  arity: [2, 2],
  parseAttrs(raw) {
    onlyKeys('act_grad', raw, ['act', 'alpha', 'min', 'max']);
    const act = raw.act as ActGradKind;
    if (!KINDS.includes(act)) fail('act_grad', `attribute "act" must be one of ${KINDS.join(', ')}, got ${JSON.stringify(raw.act)}`);
    return { act, alpha: numAttr('act_grad', raw, 'alpha', 0), min: numAttr('act_grad', raw, 'min', 0), max: numAttr('act_grad', raw, 'max', 0) };
  },
  inferShape([v, g]) {
    if (v.length !== g.length || v.some((d, i) => d !== g[i])) fail('act_grad', `shapes [${v.join(', ')}] and [${g.join(', ')}] differ`);
    return v.slice();
  },
  ref([v, g], _s, out, _os, a) {
    for (let i = 0; i < v.length; i++) out[i] = actGradScalar(v[i], g[i], a);
  },
};
