/*
 * A JNI function that does nothing, so the downcall benchmark can put the cost of a JNI call next
 * to an FFM downcall of the same C function body. Not used by any kernel.
 */
#include <jni.h>

JNIEXPORT jint JNICALL Java_dev_harmonics_bench_ffi_JniNoop_noop(JNIEnv *env, jclass cls, jint x) {
  (void)env;
  (void)cls;
  return x;
}
