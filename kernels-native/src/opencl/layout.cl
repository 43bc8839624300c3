// Layout kernels: copies of strided views, padding, concatenation, embeddings.
