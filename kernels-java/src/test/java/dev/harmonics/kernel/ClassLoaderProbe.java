package dev.harmonics.kernel;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/** Asks the application class loader whether it has loaded a class, without loading it. */
final class ClassLoaderProbe {

  private ClassLoaderProbe() {}

  static boolean notLoaded(String className) {
    try {
      ClassLoader loader = ClassLoaderProbe.class.getClassLoader();
      var lookup = MethodHandles.privateLookupIn(ClassLoader.class, MethodHandles.lookup());
      var findLoaded = lookup.findVirtual(ClassLoader.class, "findLoadedClass",
          MethodType.methodType(Class.class, String.class));
      return findLoaded.invoke(loader, className) == null;
    } catch (Throwable e) {
      throw new AssertionError("cannot probe the class loader", e);
    }
  }
}
