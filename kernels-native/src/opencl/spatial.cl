// Spatial kernels over NCHW tensors: convolution and pooling.
