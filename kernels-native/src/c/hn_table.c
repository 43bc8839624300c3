/* The kernel table of one instruction set level, picked by hn_dispatch.c at run time. */
#include "hn_isa.h"

const hn_table HN_CAT(hn_table, HN_ISA) = {
    .sgemm = HN_FN(hn_sgemm_impl),
    .gemm_s8 = HN_FN(hn_gemm_s8_impl),
    .relu_forward = HN_FN(hn_relu_forward_impl),
    .relu_backward = HN_FN(hn_relu_backward_impl),
    .activation_forward = HN_FN(hn_activation_forward_impl),
    .add = HN_FN(hn_add_impl),
    .softmax_rows = HN_FN(hn_softmax_rows_impl),
    .layer_norm_forward = HN_FN(hn_layer_norm_forward_impl),
    .adam = HN_FN(hn_adam_impl),
    .sgd = HN_FN(hn_sgd_impl),
};
