package dev.harmonics.backend.cuda;

import java.util.Arrays;
import java.util.List;

/**
 * The CUDA kernel modules: one per family source file in kernels-native/src/cuda, with the
 * {@code extern "C"} entries each defines. Tests check the built PTX against these lists.
 */
enum KernelModule {
  ACTIVATION("activation", "hx_act_forward", "hx_act_backward", "hx_prelu_forward",
      "hx_prelu_backward_input", "hx_prelu_backward_slope"),
  CONV("conv", "hx_conv_forward", "hx_conv_backward_input", "hx_conv_backward_weight",
      "hx_conv_bias_grad", "hx_conv_transpose_forward", "hx_conv_transpose_backward_input",
      "hx_conv_transpose_backward_weight"),
  DROPOUT("dropout", "hx_dropout_forward", "hx_dropout_backward"),
  ELEMENTWISE("elementwise", "hx_ew_forward", "hx_ew_scalar", "hx_ew_axpy", "hx_ew_backward"),
  EMBEDDING("embedding", "hx_embedding_lookup", "hx_embedding_backward"),
  GEMM("gemm", "hx_gemm_epilogue"),
  LAYOUT("layout", "hx_copy_strided_b4", "hx_copy_strided_b1", "hx_pad_b4", "hx_pad_b1",
      "hx_pad_backward", "hx_concat_part_b4", "hx_concat_part_b1"),
  LOSS("loss", "hx_cross_entropy_labels", "hx_cross_entropy_probabilities", "hx_mse_backward"),
  NORM("norm", "hx_batch_norm_train", "hx_batch_norm_inference", "hx_batch_norm_backward",
      "hx_layer_norm_forward", "hx_layer_norm_backward_input", "hx_norm_param_grads",
      "hx_rms_norm_forward", "hx_rms_norm_backward_input"),
  OPTIMIZER("optimizer", "hx_sgd", "hx_adam", "hx_rmsprop", "hx_lamb_moments", "hx_lamb_trust",
      "hx_lamb_apply", "hx_scale"),
  POOL("pool", "hx_max_pool", "hx_max_pool_backward", "hx_avg_pool", "hx_avg_pool_backward",
      "hx_global_avg_pool", "hx_global_avg_pool_backward"),
  QUANT("quant", "hx_quantize", "hx_dequantize", "hx_gemm_int8"),
  REDUCE("reduce", "hx_sum_doubles", "hx_sum_squares", "hx_sum_squared_differences"),
  REDUCTION("reduction", "hx_reduce_sum", "hx_reduce_max", "hx_reduce_broadcast",
      "hx_reduce_max_backward"),
  SOFTMAX("softmax", "hx_softmax", "hx_softmax_backward");

  private final String fileStem;
  private final List<String> entries;

  KernelModule(String fileStem, String... entries) {
    this.fileStem = fileStem;
    this.entries = Arrays.asList(entries);
  }

  /** The source file's name without {@code .cu}. */
  String fileStem() {
    return fileStem;
  }

  /** The kernels the module defines. */
  List<String> entries() {
    return entries;
  }
}
