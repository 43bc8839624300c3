package dev.harmonics.kernel.reference;

import dev.harmonics.kernel.AdamConfig;
import dev.harmonics.kernel.LambConfig;
import dev.harmonics.kernel.OptimizerKernels;
import dev.harmonics.kernel.RmsPropConfig;
import dev.harmonics.kernel.SgdConfig;
import dev.harmonics.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Plain-Java optimizer kernels: the ground truth in tests. Each element is computed in float64
 * straight from the update rule; state is rounded to float32 when stored and read back as stored,
 * as a float32 optimizer keeps it, so only the arithmetic in between is more exact.
 */
final class ReferenceOptimizer extends OptimizerKernels {

  private static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT;

  @Override
  protected void sgdUpdate(
      SgdConfig c, long step, Tensor param, Tensor grad, Tensor momentumBuffer) {
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment b = momentumBuffer == null ? null : momentumBuffer.data();
    for (long i = 0, n = param.size(); i < n; i++) {
      double pi = p.getAtIndex(F, i);
      double gi = g.getAtIndex(F, i);
      if (c.weightDecay() != 0) {
        gi += c.weightDecay() * pi;
      }
      if (c.momentum() != 0) {
        float bi = step == 1
            ? (float) gi
            : (float) (c.momentum() * b.getAtIndex(F, i) + (1 - c.dampening()) * gi);
        b.setAtIndex(F, i, bi);
        gi = c.nesterov() ? gi + c.momentum() * bi : bi;
      }
      p.setAtIndex(F, i, (float) (pi - c.lr() * gi));
    }
  }

  @Override
  protected void adamUpdate(
      AdamConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v, Tensor vMax) {
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment ms = m.data();
    MemorySegment vs = v.data();
    MemorySegment xs = vMax == null ? null : vMax.data();
    double correction1 = 1 - Math.pow(c.beta1(), step);
    double correction2 = 1 - Math.pow(c.beta2(), step);
    for (long i = 0, n = param.size(); i < n; i++) {
      double pi = p.getAtIndex(F, i);
      double gi = g.getAtIndex(F, i);
      if (c.decoupled()) {
        pi *= 1 - c.lr() * c.weightDecay();
      } else if (c.weightDecay() != 0) {
        gi += c.weightDecay() * pi;
      }
      float mi = (float) (c.beta1() * ms.getAtIndex(F, i) + (1 - c.beta1()) * gi);
      float vi = (float) (c.beta2() * vs.getAtIndex(F, i) + (1 - c.beta2()) * gi * gi);
      ms.setAtIndex(F, i, mi);
      vs.setAtIndex(F, i, vi);
      if (xs != null) {
        vi = Math.max(xs.getAtIndex(F, i), vi);
        xs.setAtIndex(F, i, vi);
      }
      double denominator = Math.sqrt(vi) / Math.sqrt(correction2) + c.eps();
      p.setAtIndex(F, i, (float) (pi - c.lr() / correction1 * mi / denominator));
    }
  }

  @Override
  protected void rmspropUpdate(RmsPropConfig c, Tensor param, Tensor grad, Tensor squareAvg,
      Tensor momentumBuffer, Tensor gradAvg) {
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment s = squareAvg.data();
    MemorySegment b = momentumBuffer == null ? null : momentumBuffer.data();
    MemorySegment a = gradAvg == null ? null : gradAvg.data();
    for (long i = 0, n = param.size(); i < n; i++) {
      double pi = p.getAtIndex(F, i);
      double gi = g.getAtIndex(F, i);
      if (c.weightDecay() != 0) {
        gi += c.weightDecay() * pi;
      }
      float si = (float) (c.alpha() * s.getAtIndex(F, i) + (1 - c.alpha()) * gi * gi);
      s.setAtIndex(F, i, si);
      double variance = si;
      if (a != null) {
        float ai = (float) (c.alpha() * a.getAtIndex(F, i) + (1 - c.alpha()) * gi);
        a.setAtIndex(F, i, ai);
        variance -= (double) ai * ai;
      }
      double denominator = Math.sqrt(variance) + c.eps();
      if (b != null) {
        float bi = (float) (c.momentum() * b.getAtIndex(F, i) + gi / denominator);
        b.setAtIndex(F, i, bi);
        p.setAtIndex(F, i, (float) (pi - c.lr() * bi));
      } else {
        p.setAtIndex(F, i, (float) (pi - c.lr() * gi / denominator));
      }
    }
  }

  @Override
  protected void lambUpdate(
      LambConfig c, long step, Tensor param, Tensor grad, Tensor m, Tensor v) {
    MemorySegment p = param.data();
    MemorySegment g = grad.data();
    MemorySegment ms = m.data();
    MemorySegment vs = v.data();
    double correction1 = 1 - Math.pow(c.beta1(), step);
    double correction2 = 1 - Math.pow(c.beta2(), step);
    long n = param.size();
    double paramSquares = 0;
    double updateSquares = 0;
    for (long i = 0; i < n; i++) {
      double gi = g.getAtIndex(F, i);
      float mi = (float) (c.beta1() * ms.getAtIndex(F, i) + (1 - c.beta1()) * gi);
      float vi = (float) (c.beta2() * vs.getAtIndex(F, i) + (1 - c.beta2()) * gi * gi);
      ms.setAtIndex(F, i, mi);
      vs.setAtIndex(F, i, vi);
      double pi = p.getAtIndex(F, i);
      double ui = lambDirection(c, correction1, correction2, pi, mi, vi);
      paramSquares += pi * pi;
      updateSquares += ui * ui;
    }
    double trust = paramSquares == 0 || updateSquares == 0
        ? 1 : Math.sqrt(paramSquares) / Math.sqrt(updateSquares);
    for (long i = 0; i < n; i++) {
      double pi = p.getAtIndex(F, i);
      double ui = lambDirection(
          c, correction1, correction2, pi, ms.getAtIndex(F, i), vs.getAtIndex(F, i));
      p.setAtIndex(F, i, (float) (pi - c.lr() * trust * ui));
    }
  }

  private static double lambDirection(
      LambConfig c, double correction1, double correction2, double p, double m, double v) {
    double u = (m / correction1) / (Math.sqrt(v / correction2) + c.eps());
    return c.weightDecay() != 0 ? u + c.weightDecay() * p : u;
  }

  @Override
  protected double sumOfSquares(Tensor tensor) {
    MemorySegment x = tensor.data();
    double sum = 0;
    for (long i = 0, n = tensor.size(); i < n; i++) {
      double xi = x.getAtIndex(F, i);
      sum += xi * xi;
    }
    return sum;
  }

  @Override
  protected void scale(Tensor tensor, float factor) {
    MemorySegment x = tensor.data();
    for (long i = 0, n = tensor.size(); i < n; i++) {
      x.setAtIndex(F, i, x.getAtIndex(F, i) * factor);
    }
  }
}
